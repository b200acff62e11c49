"""The trajectory template planned as dated to-dos at admission, ticking one off and adding one
by hand (the to-do list and the enrolment page's panel: tests/casefile/test_todo_list.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import Enrolment, Todo
from programme.models import TodoTemplate
from tests.factories import make_programme, make_todo

Status = Enrolment.Status
Kind = TodoTemplate.Kind
TODAY = timezone.localdate()


def admit(enrolment, on=None, by=None):
    """Through the real service, from intake (requirements met: the programme has no criteria
    and the interview is recorded)."""
    on = on or TODAY
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Status.WAITING_LIST, referred_on=min(on, enrolment.referred_on)
    )
    enrolment.refresh_from_db()
    return services.enrolment_change_status(
        enrolment=enrolment, to_status=Status.ACTIVE, by=by, on=on
    )


def due_dates(enrolment) -> list[tuple[str, datetime.date]]:
    return list(enrolment.todos.values_list("kind", "due_on"))


# --- planning -------------------------------------------------------------------------------


def test_admission_plans_the_default_template(enrolment):
    start = datetime.date(2026, 1, 5)
    enrolment.programme.planned_length_months = 6
    enrolment.programme.save()
    enrolment.referred_on = start - datetime.timedelta(days=20)
    enrolment.save()

    admit(enrolment, on=start)

    week = datetime.timedelta(weeks=1)
    end = datetime.date(2026, 7, 5)
    assert due_dates(enrolment) == [
        (Kind.BASELINE, start + 2 * week),
        (Kind.LANGUAGE_TEST, start + 2 * week),
        (Kind.INTAKE_FOLLOW_UP, start + 4 * week),
        (Kind.MIDWAY, start + 13 * week),
        # 26 weeks would fall less than four weeks before the planned end: left to the exit.
        (Kind.EXIT, end),
    ]


def test_a_programme_template_replaces_the_default(enrolment):
    programme = enrolment.programme
    programme.planned_length_months = 12
    programme.save()
    TodoTemplate.objects.create(programme=programme, kind=Kind.BASELINE, offset_weeks=1)
    TodoTemplate.objects.create(
        programme=programme, kind=Kind.MIDWAY, label="Module review", offset_weeks=8,
        repeat_every_weeks=8,
    )  # fmt: skip
    TodoTemplate.objects.create(
        programme=programme, kind=Kind.EXIT, offset_weeks=-2, anchor="planned_end"
    )
    start = datetime.date(2026, 2, 2)
    enrolment.referred_on = start
    enrolment.save()

    admit(enrolment, on=start)

    end = datetime.date(2027, 2, 2)
    midways = [start + datetime.timedelta(weeks=w) for w in (8, 16, 24, 32, 40, 48)]
    assert due_dates(enrolment) == [
        (Kind.BASELINE, start + datetime.timedelta(weeks=1)),
        *[(Kind.MIDWAY, day) for day in midways],
        (Kind.EXIT, end - datetime.timedelta(weeks=2)),
    ]
    assert enrolment.todos.filter(kind=Kind.MIDWAY).first().title == "Module review"


def test_resuming_after_a_pause_plans_nothing_twice(enrolment, coach):
    admit(enrolment, by=coach.user)
    planned = enrolment.todos.count()
    services.enrolment_change_status(
        enrolment=enrolment, to_status=Status.PAUSED, reason="Hospital", by=coach.user
    )
    services.enrolment_change_status(enrolment=enrolment, to_status=Status.ACTIVE, by=coach.user)
    assert enrolment.todos.count() == planned


def test_exit_cancels_what_is_still_open_but_the_exit_evaluation(enrolment, coach):
    admit(enrolment, on=TODAY - datetime.timedelta(days=100), by=coach.user)
    baseline = enrolment.todos.get(kind=Kind.BASELINE)
    services.todo_mark_done(todo=baseline, by=coach.user)

    # The status half of the exit (the exit review, which also ticks the exit evaluation, is
    # tested in tests/evaluations/test_exit.py).
    services.enrolment_mark_exited(
        enrolment=enrolment,
        exit_reason="completed",
        exit_destination="job",
        by=coach.user,
    )

    assert enrolment.todos.get(pk=baseline.pk).done_on == TODAY
    exit_todo = enrolment.todos.get(kind=Kind.EXIT)
    assert list(enrolment.todos.open()) == [exit_todo]
    assert exit_todo.due_on == TODAY
    assert enrolment.todos.filter(cancelled=True).count() == enrolment.todos.count() - 2

    services.enrolment_change_status(
        enrolment=enrolment, to_status=Status.CLOSED, reason="File closed", by=coach.user
    )
    assert not enrolment.todos.open().exists()


def test_todo_complete_closes_the_earliest_open_one_of_its_kind(enrolment, coach):
    programme = enrolment.programme
    programme.planned_length_months = 12
    programme.save()
    admit(enrolment, on=TODAY - datetime.timedelta(weeks=30), by=coach.user)
    first, second = enrolment.todos.filter(kind=Kind.MIDWAY)[:2]

    done = services.todo_complete(enrolment=enrolment, kind=Kind.MIDWAY, by=coach.user)

    assert done == first
    first.refresh_from_db()
    assert (first.done_on, first.done_by) == (TODAY, coach.user)
    assert enrolment.todos.get(pk=second.pk).done_on is None
    # Nothing of that kind left open: nothing to close, and no error.
    enrolment.todos.filter(kind=Kind.EXIT).update(done_on=TODAY)
    assert services.todo_complete(enrolment=enrolment, kind=Kind.EXIT, by=coach.user) is None


def test_a_closed_todo_cannot_be_marked_done_again(enrolment, coach):
    admit(enrolment, by=coach.user)
    todo = enrolment.todos.first()
    services.todo_mark_done(todo=todo, by=coach.user)
    with pytest.raises(ValidationError):
        services.todo_mark_done(todo=todo, by=coach.user)


def test_overdue_means_open_and_past_its_date(enrolment):
    old = Todo(enrolment=enrolment, kind=Kind.OTHER, due_on=TODAY - datetime.timedelta(days=1))
    assert old.is_overdue(TODAY)
    assert not Todo(enrolment=enrolment, kind=Kind.OTHER, due_on=TODAY).is_overdue(TODAY)
    old.done_on = TODAY
    assert not old.is_overdue(TODAY)


# --- marking one done ----------------------------------------------------------------------


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.ACTIVE, started_on=TODAY)
    enrolment.refresh_from_db()
    return enrolment


def test_marking_done_from_the_list(active, coach, coach_client):
    todo = make_todo(active, -1)
    url = reverse("participants:todo-done", args=[todo.pk])

    response = coach_client.post(url, {"next": reverse("participants:todos")})

    assert response.url == reverse("participants:todos")
    todo.refresh_from_db()
    assert (todo.done_on, todo.done_by) == (TODAY, coach.user)


def test_marking_done_with_htmx_returns_the_row(active, coach_client):
    todo = make_todo(active, -1)
    response = coach_client.post(
        reverse("participants:todo-done", args=[todo.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert f'id="todo-{todo.pk}"' in html and "Done on" in html


@pytest.mark.parametrize("persona", ["colleague_client", "outsider_client", "administrator_client"])
def test_others_cannot_mark_it_done(active, persona, request):
    todo = make_todo(active, -1)
    response = request.getfixturevalue(persona).post(
        reverse("participants:todo-done", args=[todo.pk])
    )
    assert response.status_code == 404
    assert Todo.objects.get(pk=todo.pk).done_on is None


def test_marking_done_needs_a_post(active, coach_client):
    todo = make_todo(active, -1)
    assert coach_client.get(reverse("participants:todo-done", args=[todo.pk])).status_code == 405


# --- adding one by hand ----------------------------------------------------------------------


def test_a_coach_adds_a_todo(active, coach_client):
    url = reverse("participants:todo-add", args=[active.pk])
    due = TODAY + datetime.timedelta(days=5)
    response = coach_client.post(url, {"label": "Visit the food bank together", "due_on": due})
    assert response.url == active.get_absolute_url()
    todo = active.todos.get()
    assert (todo.kind, todo.title, todo.due_on) == (Kind.OTHER, "Visit the food bank together", due)


def test_adding_needs_a_label_and_a_date(active, coach_client):
    response = coach_client.post(reverse("participants:todo-add", args=[active.pk]), {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"label", "due_on"}
    assert not active.todos.exists()


def test_a_finished_enrolment_takes_no_new_todo(active, coach_client):
    Enrolment.objects.filter(pk=active.pk).update(status=Status.EXITED)
    response = coach_client.post(
        reverse("participants:todo-add", args=[active.pk]), {"label": "Call", "due_on": TODAY}
    )
    assert "This enrolment is closed." in response.content.decode()
    assert not active.todos.exists()


@pytest.mark.parametrize("persona", ["colleague_client", "outsider_client", "administrator_client"])
def test_others_cannot_add(active, persona, request):
    response = request.getfixturevalue(persona).get(
        reverse("participants:todo-add", args=[active.pk])
    )
    assert response.status_code == 404


def test_make_programme_has_the_default_follow_up_settings(db):
    programme = make_programme()
    assert programme.follow_up_offsets == [4, 13, 26]
    assert programme.follow_up_max_attempts == 3
