"""A person's module plan (participants.plans): generated from the programme's order where
the path is a sequence, chosen per person where it is not; trying, starting, finishing and
stopping a module, with the dates checked and nothing written on a refusal."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import Event
from participants import plans, services
from participants.models import Enrolment, PlannedModule
from programme.models import Programme
from tests.factories import make_enrolment, make_interview, make_module, make_programme

Status = PlannedModule.Status
TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


@pytest.fixture
def sequence(programme):
    Programme.objects.filter(pk=programme.pk).update(module_path=Programme.ModulePath.SEQUENCE)
    programme.refresh_from_db()
    return [
        make_module(programme=programme, name="Orientation", position=1),
        make_module(programme=programme, name="Workshops", position=2),
        make_module(programme=programme, name="Preparation", position=3),
    ]


@pytest.fixture
def workshops(programme):
    """A programme whose modules each person picks (the default path)."""
    return {
        "art": make_module(programme=programme, name="Art group", trial_sessions=2),
        "it": make_module(programme=programme, name="IT group", trial_sessions=1),
        "start": make_module(programme=programme, name="START"),
    }


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.ACTIVE, started_on=days(-60)
    )
    return Enrolment.objects.select_related("programme", "participant").get(pk=enrolment.pk)


def plan(enrolment) -> list[tuple[str, str, int]]:
    return [
        (row.module.name, row.status, row.position)
        for row in PlannedModule.objects.filter(enrolment=enrolment).select_related("module")
    ]


# A programme in sequence -------------------------------------------------------------------


def test_admission_gives_a_sequence_programme_its_plan_in_order(enrolment, sequence, coach):
    services.enrolment_change_status(enrolment=enrolment, to_status="intake", by=coach.user)
    make_interview(enrolment=enrolment)
    services.intake_decide(enrolment=enrolment, decision="admitted", on=days(-3), by=coach.user)

    assert plan(enrolment) == [
        ("Orientation", Status.RUNNING, 1),
        ("Workshops", Status.PLANNED, 2),
        ("Preparation", Status.PLANNED, 3),
    ]
    first = PlannedModule.objects.get(enrolment=enrolment, position=1)
    assert first.starts_on == days(-3)


def test_a_chosen_path_gets_no_plan_on_admission(enrolment, workshops, coach):
    services.enrolment_change_status(enrolment=enrolment, to_status="intake", by=coach.user)
    make_interview(enrolment=enrolment)
    services.intake_decide(enrolment=enrolment, decision="admitted", by=coach.user)

    assert plan(enrolment) == []


def test_generating_twice_adds_nothing(sequence, active, coach):
    assert len(plans.plan_generate(enrolment=active, by=coach.user)) == 3
    assert plans.plan_generate(enrolment=active, by=coach.user) == []
    assert PlannedModule.objects.filter(enrolment=active).count() == 3


def test_finishing_a_module_in_sequence_starts_the_next(sequence, active, coach):
    plans.plan_generate(enrolment=active, by=coach.user)
    first = PlannedModule.objects.get(enrolment=active, position=1)

    plans.module_finish(entry=first, on=days(-10), by=coach.user)

    assert plan(active)[:2] == [
        ("Orientation", Status.DONE, 1),
        ("Workshops", Status.RUNNING, 2),
    ]
    assert PlannedModule.objects.get(enrolment=active, position=2).starts_on == days(-10)


def test_a_transfer_into_a_sequence_programme_starts_its_plan(active, organisation, coach):
    other = make_programme(
        organisation=organisation, module_path=Programme.ModulePath.SEQUENCE, name="MOVE UP!"
    )
    make_module(programme=other, name="Collective", position=1)
    Enrolment.objects.filter(pk=active.pk).update(
        status="exited", exit_reason="transferred", exited_on=TODAY()
    )
    active.refresh_from_db()

    continued = services.enrolment_transfer_in(
        previous=active, programme=other, on=TODAY(), by=coach.user
    )

    assert plan(continued) == [("Collective", Status.RUNNING, 1)]


# A path chosen per person ------------------------------------------------------------------


def test_the_coach_chooses_modules_in_any_order(active, workshops, coach):
    plans.module_choose(enrolment=active, module=workshops["start"], by=coach.user)
    plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)

    assert plan(active) == [("START", Status.PLANNED, 1), ("Art group", Status.PLANNED, 2)]
    assert Event.objects.filter(object_type="participants.plannedmodule").count() == 2


def test_a_module_is_chosen_once(active, workshops, coach):
    plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    with pytest.raises(ValidationError, match="already in the plan"):
        plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    assert PlannedModule.objects.count() == 1


def test_a_module_of_another_programme_is_refused(active, organisation, coach):
    elsewhere = make_module(programme=make_programme(organisation=organisation))
    with pytest.raises(ValidationError, match="another programme"):
        plans.module_choose(enrolment=active, module=elsewhere, by=coach.user)
    assert not PlannedModule.objects.exists()


def test_a_closed_enrolment_plan_does_not_change(active, workshops, coach):
    Enrolment.objects.filter(pk=active.pk).update(status="exited", exited_on=TODAY())
    active.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)


# Trying a module --------------------------------------------------------------------------


def test_trying_a_module_then_choosing_it_keeps_the_trial_day(active, workshops, coach):
    entry = plans.module_try(enrolment=active, module=workshops["art"], on=days(-7), by=coach.user)
    assert entry.status == Status.TRYING

    plans.module_start(entry=entry, on=TODAY(), by=coach.user)

    entry.refresh_from_db()
    assert (entry.status, entry.starts_on) == (Status.RUNNING, days(-7))


def test_a_module_without_trial_sessions_cannot_be_tried(active, workshops, coach):
    with pytest.raises(ValidationError, match="offers no trial session"):
        plans.module_try(enrolment=active, module=workshops["start"], on=TODAY(), by=coach.user)
    assert not PlannedModule.objects.exists()


def test_a_tried_module_not_chosen_is_stopped(active, workshops, coach):
    entry = plans.module_try(enrolment=active, module=workshops["it"], on=days(-7), by=coach.user)
    plans.module_stop(entry=entry, reason="not_chosen", on=days(-1), by=coach.user)
    entry.refresh_from_db()
    assert (entry.status, entry.ends_on, entry.stop_reason) == (
        Status.STOPPED,
        days(-1),
        "not_chosen",
    )


def test_a_running_module_cannot_be_tried_again(active, workshops, coach):
    entry = plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    plans.module_start(entry=entry, on=TODAY(), by=coach.user)
    with pytest.raises(ValidationError, match="running"):
        plans.module_try(enrolment=active, module=workshops["art"], on=TODAY(), by=coach.user)


# Dates and statuses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (1, "the date is in the future"),
        (-90, "before the programme's start date"),
    ],
)
def test_a_start_date_is_checked(active, workshops, coach, on, message):
    entry = plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    with pytest.raises(ValidationError, match=message):
        plans.module_start(entry=entry, on=days(on), by=coach.user)
    entry.refresh_from_db()
    assert (entry.status, entry.starts_on) == (Status.PLANNED, None)


def test_a_module_cannot_end_before_it_began(active, workshops, coach):
    entry = plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    plans.module_start(entry=entry, on=days(-5), by=coach.user)
    with pytest.raises(ValidationError, match="cannot end before it began"):
        plans.module_finish(entry=entry, on=days(-6), by=coach.user)
    entry.refresh_from_db()
    assert entry.status == Status.RUNNING


def test_a_planned_module_cannot_be_finished(active, workshops, coach):
    entry = plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    with pytest.raises(ValidationError, match="planned: it cannot be finished"):
        plans.module_finish(entry=entry, on=TODAY(), by=coach.user)


def test_a_module_starts_only_once_the_person_is_admitted(enrolment, workshops, coach):
    entry = plans.module_choose(enrolment=enrolment, module=workshops["art"], by=coach.user)
    with pytest.raises(ValidationError, match="once the person is admitted"):
        plans.module_start(entry=entry, on=TODAY(), by=coach.user)


def test_stopping_needs_a_reason_and_a_day_once_begun(active, workshops, coach):
    entry = plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    plans.module_start(entry=entry, on=days(-5), by=coach.user)
    with pytest.raises(ValidationError, match="Choose why"):
        plans.module_stop(entry=entry, reason="", on=TODAY(), by=coach.user)
    with pytest.raises(ValidationError, match="Give the day"):
        plans.module_stop(entry=entry, reason="health", by=coach.user)
    with pytest.raises(ValidationError, match="in a few words"):
        plans.module_stop(entry=entry, reason="other", on=TODAY(), by=coach.user)
    entry.refresh_from_db()
    assert entry.status == Status.RUNNING


def test_a_planned_module_given_up_has_no_dates(active, workshops, coach):
    entry = plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    plans.module_stop(entry=entry, reason="other_module", on=TODAY(), by=coach.user)
    entry.refresh_from_db()
    assert (entry.status, entry.starts_on, entry.ends_on) == (Status.STOPPED, None, None)


def test_the_database_refuses_an_end_before_the_start(active, workshops):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PlannedModule.objects.create(
            enrolment=active,
            module=workshops["art"],
            status=Status.DONE,
            starts_on=days(-1),
            ends_on=days(-2),
        )


def test_exit_ends_what_runs_and_stops_what_was_planned(active, workshops, coach):
    running = plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    plans.module_start(entry=running, on=days(-20), by=coach.user)
    planned = plans.module_choose(enrolment=active, module=workshops["start"], by=coach.user)
    Enrolment.objects.filter(pk=active.pk).update(exit_reason="dropped_out")
    active.refresh_from_db()

    assert plans.plan_end_on_exit(enrolment=active, on=days(-1), by=coach.user) == 2

    running.refresh_from_db()
    planned.refresh_from_db()
    assert (running.status, running.ends_on, running.stop_reason) == (
        Status.STOPPED,
        days(-1),
        "left_programme",
    )
    assert (planned.status, planned.ends_on) == (Status.STOPPED, None)


def test_completing_the_programme_finishes_what_runs(active, workshops, coach):
    running = plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    plans.module_start(entry=running, on=days(-20), by=coach.user)
    Enrolment.objects.filter(pk=active.pk).update(exit_reason="completed")
    active.refresh_from_db()

    plans.plan_end_on_exit(enrolment=active, on=TODAY(), by=coach.user)

    running.refresh_from_db()
    assert (running.status, running.ends_on) == (Status.DONE, TODAY())


def test_someone_else_s_enrolment_is_another_plan(active, workshops, coach, organisation):
    from tests.factories import make_participant

    other = make_enrolment(
        participant=make_participant(organisation=organisation),
        programme=active.programme,
        status="active",
        started_on=days(-10),
    )
    plans.module_choose(enrolment=active, module=workshops["art"], by=coach.user)
    plans.module_choose(enrolment=other, module=workshops["art"], by=coach.user)
    assert PlannedModule.objects.filter(module=workshops["art"]).count() == 2
