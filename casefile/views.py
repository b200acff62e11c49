"""Pages composed of several apps: a coach's Today, who needs attention, and the participant
file (the person, their programmes and timeline from participants, with where they stand now
from the apps above it)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from audit import services as audit
from casefile import selectors
from participants import timeline
from participants.access import get_participant
from programme.access import participant_work_required

ATTENTION_PAGE_SIZE = 50


@participant_work_required
@require_http_methods(["GET"])
def today(request: HttpRequest) -> HttpResponse:
    """A coach's home: what to do today, each block linking to its full list."""
    day = timezone.localdate()
    return render(
        request,
        "casefile/today.html",
        {
            "today": day,
            "board": selectors.today_for(request.staff, day),
            "absences_in_a_row": selectors.ABSENCES_IN_A_ROW,
            "weeks_without_contact": selectors.WEEKS_WITHOUT_CONTACT,
        },
    )


@participant_work_required
@require_http_methods(["GET"])
def attention(request: HttpRequest) -> HttpResponse:
    """Everyone Today's "needs attention" block would list, a page at a time."""
    day = timezone.localdate()
    page = Paginator(
        selectors.needing_attention(request.staff, day).select_related("coach"),
        ATTENTION_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "casefile/attention.html",
        {
            "page": page,
            "absences_in_a_row": selectors.ABSENCES_IN_A_ROW,
            "weeks_without_contact": selectors.WEEKS_WITHOUT_CONTACT,
        },
    )


@participant_work_required
@require_http_methods(["GET"])
def participant_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant file: who the person is and what happened (participants' template and
    timeline), with a "Now" summary on top read from the apps above participants. Routed as
    `participants:detail` (config/urls.py), its address since the first version."""
    participant = get_participant(request, pk)
    audit.log_view(request, participant)
    return render(
        request,
        "casefile/participant_file.html",
        {
            "participant": participant,
            "enrolments": participant.file_enrolments,
            "languages": participant.languages.all(),
            "consents": participant.file_consents,
            "timeline": timeline.entries_for(participant),
            "now": selectors.now_for(participant),
        },
    )
