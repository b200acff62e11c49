import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit import services as audit
from audit.models import Event
from participants.access import get_participant, participants_for
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from reports.pdf import render_pdf
from rights import record, services
from rights.forms import ErasureForm
from rights.models import Erasure

HISTORY_PAGE_SIZE = 50


def _managers_only(request: HttpRequest) -> None:
    # The history says who looked at a file: for the managers who answer for the file, not
    # for colleagues (a coach never sees who else viewed it).
    if not request.staff.is_manager:
        raise Http404


@participant_work_required
@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    _managers_only(request)
    participant = get_participant(request, pk)
    events = Event.objects.for_participant(participant.pk)
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    viewers = (
        events.views()
        .values("actor_id", "actor_name")
        .annotate(times=Count("pk"), last=Max("at"))
        .order_by("-last")
    )
    return render(
        request,
        "rights/history.html",
        {"participant": participant, "page": page, "viewers": viewers},
    )


@participant_work_required
@require_GET
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request, pk)
    audit.log_export(request, participant, what="record_json")
    data = record.full_record(participant)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="parcours-record-{participant.pk}-'
        f'{timezone.localdate():%Y-%m-%d}.json"'
    )
    return response


@participant_work_required
@require_GET
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request, pk)
    audit.log_export(request, participant, what="record_pdf")
    data = record.full_record(participant)
    sections, left_out = record.labelled(data)
    return render_pdf(
        "rights/record_pdf.html",
        {"participant": participant, "sections": sections, "left_out": left_out, "record": data},
        request,
        f"parcours-record-{participant.pk}-{timezone.localdate():%Y-%m-%d}.pdf",
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    _managers_only(request)
    # The hold reads the enrolments and their programmes' retention periods: fetched once.
    participant = get_object_or_404(
        participants_for(request.staff).prefetch_related("enrolments__programme"), pk=pk
    )
    erasure = Erasure.objects.filter(participant=participant).select_related("erased_by").first()
    if erasure is not None:
        # The record of what was done, for whoever answers the person's request.
        return render(
            request, "rights/erase.html", {"participant": participant, "erasure": erasure}
        )
    form = ErasureForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            erasure = services.participant_erase(
                participant=participant,
                legal_basis=form.cleaned_data["legal_basis"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                " ".join(
                    [_("The file was anonymised."), *(str(line) for line in erasure.summary())]
                ),
            )
            return redirect(participant)
    return render(
        request,
        "rights/erase.html",
        {"participant": participant, "form": form, "hold": services.erasure_hold(participant)},
    )
