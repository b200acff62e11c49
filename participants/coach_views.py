"""A second coach (or more) on an enrolment: adding one with their role, and ending their
part. The list is shown on the enrolment page and the participant file (casefile)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from participants import services
from participants.access import enrolments_for, get_enrolment
from participants.forms import CoCoachEndForm, CoCoachForm
from participants.models import EnrolmentCoach
from programme.access import coaches_for, participant_work_required
from programme.forms import add_service_errors, posted


@participant_work_required
@require_http_methods(["GET", "POST"])
def co_coach_add(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, pk)
    coaches = coaches_for(request.staff).exclude(pk=enrolment.coach_id)
    form = CoCoachForm(posted(request), coaches=coaches)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.enrolment_add_coach(
                enrolment=enrolment, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(coach)s now coaches %(name)s as %(role)s.")
                % {
                    "coach": row.coach.get_full_name() or row.coach.get_username(),
                    "name": enrolment.participant.full_name,
                    "role": row.get_role_display().lower(),
                },
            )
            return redirect(enrolment)
    return render(
        request,
        "participants/co_coach_form.html",
        {"form": form, "enrolment": enrolment, "participant": enrolment.participant},
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def co_coach_end(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        EnrolmentCoach.objects.filter(
            enrolment__in=enrolments_for(request.staff), until__isnull=True
        ).select_related("enrolment__participant", "enrolment__programme", "coach"),
        pk=pk,
    )
    form = CoCoachEndForm(posted(request), initial={"until": None})
    if request.method == "POST" and form.is_valid():
        try:
            services.enrolment_end_coach(
                co_coach=row, until=form.cleaned_data["until"], by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The co-coach's part is ended."))
            return redirect(row.enrolment)
    return render(
        request,
        "participants/co_coach_end.html",
        {
            "form": form,
            "row": row,
            "enrolment": row.enrolment,
            "participant": row.enrolment.participant,
        },
    )
