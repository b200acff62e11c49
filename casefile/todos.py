"""The planned to-dos as the coach works them: each linked to the page where its work is
recorded (an evaluation, a language test, in the apps above participants), with reminders of
the work another app keeps its own list of (the follow-up calls)."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from evaluations import views as evaluation_views
from participants import services
from participants.models import Todo
from programme.models import TodoTemplate

Kind = TodoTemplate.Kind
EVALUATIONS = {Kind.BASELINE, Kind.MIDWAY, Kind.EXIT}


def work_url(todo: Todo) -> str:
    """Where the work that ticks the to-do off is recorded; empty when it is ticked by hand."""
    if todo.kind in EVALUATIONS:
        url = reverse("evaluations:evaluation-new", args=[todo.enrolment_id])
        if todo.module_id:
            # A module's evaluation: that module, recorded as a mid-way evaluation.
            return f"{url}?kind={Kind.MIDWAY}&module={todo.module_id}"
        return f"{url}?kind={todo.kind}"
    if todo.kind == Kind.LANGUAGE_TEST:
        return reverse("evaluations:language", args=[todo.enrolment.participant_id])
    return ""


def with_links(todos):
    for todo in todos:
        todo.work_url = work_url(todo)
    return todos


@dataclass(frozen=True)
class Reminder:
    """A line at the top of the to-do list for work another app keeps its own list of."""

    text: str
    url: str
    icon: str


def reminders_for(request: HttpRequest, today) -> list[Reminder]:
    """One query."""
    due = evaluation_views.calls_due_count(request, today)
    if not due:
        return []
    text = ngettext(
        "%(count)s follow-up call due today or overdue",
        "%(count)s follow-up calls due today or overdue",
        due,
    ) % {"count": due}
    return [Reminder(text, reverse("evaluations:call-queue"), "phone-call")]


def todos_panel(request: HttpRequest, enrolment) -> dict | None:
    """The enrolment page's planned to-dos: two queries, whatever their number."""
    if enrolment.started_on is None:
        return None
    todos = list(enrolment.todos.select_related("done_by").order_by("due_on", "pk"))
    for todo in todos:
        todo.enrolment = enrolment
    today = timezone.localdate()
    return {
        "todos": with_links(todos),
        "today": today,
        "overdue": sum(todo.is_overdue(today) for todo in todos),
        "planned_end": services.planned_end(enrolment),
        "can_add": enrolment.is_open,
    }
