"""The participant's consents: to processing, and to sharing their data with a partner (which
referrals to partners rest on)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participants import services
from participants.access import get_in_scope, get_participant
from participants.forms import ConsentForm, ConsentWithdrawForm
from participants.models import Consent
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted


def _get_consent(request, pk: int) -> Consent:
    consents = Consent.objects.select_related("participant", "partner")
    return get_in_scope(request, consents, pk, via="participant")


@participant_work_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's consents, withdrawn ones included, and the form to record one."""
    participant = get_participant(request, pk)
    form = ConsentForm(posted(request), staff=request.staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(participant=participant, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("participants:consents", pk=participant.pk)
    return render(
        request,
        "participants/consents.html",
        {
            "participant": participant,
            "consents": participant.consents.select_related("partner", "recorded_by"),
            "form": form,
            "withdraw_form": ConsentWithdrawForm(),
            "today": timezone.localdate(),
        },
    )


@participant_work_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consent = _get_consent(request, pk)
    form = ConsentWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.consent_withdraw(consent=consent, on=form.cleaned_data["on"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Consent withdrawn. It no longer counts from that day."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("participants:consents", pk=consent.participant_id)
