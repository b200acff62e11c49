"""Pages composed of several apps: a coach's Today, who needs attention, the participant file
(the person and their programmes, where they stand now, the timeline of every app), the
enrolment page with every app's sections, and the to-do list."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from audit import services as audit
from casefile import lifecycle, panels, selectors, timeline, todos
from casefile.forms import CohortStartForm
from participants.access import enrolments_for, get_participant_file, todos_for
from participants.filters import TodoFilter
from participants.models import Enrolment, EnrolmentCoach
from participants.views import intake_steps
from programme.access import participant_work_required, programmes_for
from programme.forms import add_service_errors, posted
from programme.models import Cohort

Status = Enrolment.Status
TODO_PAGE_SIZE = 50
# Status changes made on a page of their own rather than with the short form in place.
STATUS_PAGES = {Status.EXITED: "lifecycle:exit"}

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
    """The participant file: who the person is, where they stand now and what happened. Routed
    as `participants:detail` (config/urls.py), its name since the first version."""
    participant = get_participant_file(request, pk)
    audit.log_view(request, participant)
    return render(
        request,
        "casefile/participant_file.html",
        {
            "participant": participant,
            # With their current co-coaches, shown beside the lead coach.
            "enrolments": participant.file_enrolments,
            "languages": participant.file_languages,
            "consents": participant.file_consents,
            "timeline": timeline.entries_for(participant),
            "now": selectors.now_for(participant),
        },
    )


@participant_work_required
@require_http_methods(["GET"])
def enrolment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One programme of a person: the intake while it lasts, the status changes on offer, and
    the sections of every app (casefile.panels). Routed as `participants:enrolment`."""
    enrolment = get_object_or_404(
        enrolments_for(request.staff)
        .select_related("participant", "programme", "coach", "referring_partner", "track", "cohort")
        .prefetch_related(
            "eligibility__criterion",
            "interviews__conducted_by",
            "programme__criteria",
            "changes__changed_by",
            Prefetch("co_coaches", queryset=EnrolmentCoach.objects.select_related("coach")),
        ),
        pk=pk,
    )
    actions = [
        (status, label, *_status_url(enrolment, status))
        for status, label in [
            (Status.PAUSED, _("Pause")),
            (Status.ACTIVE, _("Resume")),
            (Status.EXITED, pgettext("action", "Exit")),
            (Status.CLOSED, _("Close the file")),
        ]
        if enrolment.can_become(status) and not (status == Status.ACTIVE and enrolment.in_intake)
    ]
    audit.log_view(request, enrolment.participant, what="enrolment", object_id=enrolment.pk)
    return render(
        request,
        "casefile/enrolment.html",
        {
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "steps": intake_steps(enrolment) if enrolment.in_intake else None,
            "actions": actions,
            "position": enrolment.waiting_position(),
            "panels": panels.panels_for(request, enrolment),
            "links": [
                (
                    _("Printable summary"),
                    reverse("reports:summary", args=[enrolment.pk]),
                    "printer",
                )
            ],
        },
    )


def _status_url(enrolment: Enrolment, status: str) -> tuple[str, bool]:
    """Where a status change is made, and whether it opens in place (a short form) or on
    a page of its own (STATUS_PAGES, like the exit review)."""
    url_name = STATUS_PAGES.get(status)
    if url_name:
        return reverse(url_name, args=[enrolment.pk]), False
    return reverse("lifecycle:enrolment-status", args=[enrolment.pk, status]), True


@participant_work_required
@require_http_methods(["GET"])
def todo_list(request: HttpRequest) -> HttpResponse:
    """The open to-dos of the caseload, each linked to where its work is recorded. Routed as
    `participants:todos`."""
    today = timezone.localdate()
    open_todos = (
        todos_for(request.staff)
        .open()
        .select_related("enrolment__participant", "enrolment__programme", "enrolment__coach")
        .order_by("due_on", "pk")
    )
    todo_filter = TodoFilter(request.GET, queryset=open_todos, staff=request.staff, today=today)
    page = Paginator(todo_filter.qs, TODO_PAGE_SIZE).get_page(request.GET.get("page"))
    todos.with_links(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    template = "casefile/todo_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "filter": todo_filter,
            "page": page,
            "today": today,
            "query": query.urlencode(),
            "reminders": todos.reminders_for(request, today),
        },
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def cohort_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A cohort of a programme with entry by cohort: who waits for it, and "start the cohort"
    (casefile.lifecycle.cohort_start) for a manager or a coach of the organisation. A coach
    sees the names of their own caseload and how many others wait."""
    cohort = get_object_or_404(
        Cohort.objects.filter(programme__in=programmes_for(request.staff)).select_related(
            "programme", "track"
        ),
        pk=pk,
    )
    form = CohortStartForm(posted(request), cohort=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = lifecycle.cohort_start(
                cohort=cohort,
                by=request.user,
                group_name=form.cleaned_data["group_name"],
                module=form.cleaned_data["module"],
                coaches=[request.user] if request.staff.is_coach else [],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, outcome.summary())
            return redirect("casefile:cohort", pk=cohort.pk)
    members = cohort.enrolments.exclude(status__in=Enrolment.FINISHED)
    visible = list(
        enrolments_for(request.staff)
        .filter(cohort=cohort)
        .select_related("participant", "coach")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    return render(
        request,
        "casefile/cohort.html",
        {
            "cohort": cohort,
            "form": form,
            "members": visible,
            "waiting": members.filter(status=Status.WAITING_LIST).count(),
            "groups": list(cohort.groups.all()),
            "may_start": cohort.started_at is None and cohort.starts_on <= timezone.localdate(),
        },
    )
