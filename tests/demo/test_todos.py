"""Demo to-dos: planned from each programme's template and ticked off where the demo recorded
the work, so the to-do list looks like a coach's real one."""

import datetime

import pytest

from demo import load as demo
from evaluations.models import Evaluation
from participants.models import Enrolment, Todo

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_each_trajectory_has_its_plan_ticked_off_where_the_work_was_recorded():
    counts = demo.load(today=TODAY)

    assert counts["to-dos"] == Todo.objects.count() > 0
    started = Enrolment.objects.filter(started_on__isnull=False)
    assert not started.exclude(todos__isnull=False).exists()
    for evaluation in Evaluation.objects.filter(kind="baseline")[:50]:
        todo = evaluation.enrolment.todos.get(kind="baseline")
        assert todo.done_on == evaluation.held_on
    # Nobody who left still has something to do for their trajectory.
    finished = Todo.objects.open().filter(enrolment__exited_on__isnull=False)
    assert not finished.exists()
    # The demo coach has a few things due, but not a wall of old overdue items.
    overdue = Todo.objects.overdue(TODAY)
    assert overdue.exists()
    assert not overdue.filter(due_on__lt=TODAY - datetime.timedelta(weeks=5)).exists()
