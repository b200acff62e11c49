"""Groups belong to a module: joining one puts the module in the person's plan, leaving the
last one ends it, the exit ends what runs; and the plan read with each module's sessions and
hours (sessions.module_plan), in a fixed number of queries."""

import datetime

import pytest
from django.utils import timezone

from casefile import lifecycle
from participants import plans
from participants.models import Enrolment, PlannedModule
from sessions import services
from sessions.models import Attendance
from sessions.module_plan import modules_table, plan_for
from tests.casefile.conftest import review
from tests.factories import make_enrolment, make_module, make_participant
from tests.sessions.factories import days_from_today, make_group, make_session

Status = PlannedModule.Status
TODAY = timezone.localdate


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.ACTIVE, started_on=days_from_today(-120)
    )
    return Enrolment.objects.select_related("programme", "participant").get(pk=enrolment.pk)


@pytest.fixture
def via(programme):
    return make_module(programme=programme, name="VIA", trial_sessions=1)


@pytest.fixture
def via_group(programme, via, coach):
    return make_group(programme=programme, module=via, name="VIA 1", coaches=[coach.user])


def entry(enrolment, module) -> PlannedModule:
    return PlannedModule.objects.get(enrolment=enrolment, module=module)


def join(group, participant, on=None, **kwargs):
    return services.group_add_members(
        group=group, participants=[participant], joined_on=on or days_from_today(-30), **kwargs
    )


# Joining and leaving ----------------------------------------------------------------------


def test_joining_a_module_s_group_puts_the_module_in_the_plan(active, participant, via, via_group):
    join(via_group, participant, on=days_from_today(-30))

    row = entry(active, via)
    assert (row.status, row.starts_on, row.ends_on) == (Status.RUNNING, days_from_today(-30), None)


def test_a_group_without_a_module_changes_no_plan(active, participant, programme):
    join(make_group(programme=programme), participant)
    assert not PlannedModule.objects.exists()


def test_joining_while_trying_keeps_the_trial(active, participant, via, via_group, coach):
    plans.module_try(enrolment=active, module=via, on=days_from_today(-31), by=coach.user)
    join(via_group, participant, on=days_from_today(-30))
    row = entry(active, via)
    assert (row.status, row.starts_on) == (Status.TRYING, days_from_today(-31))


def test_joining_a_planned_module_starts_it(active, participant, via, via_group, coach):
    plans.module_choose(enrolment=active, module=via, by=coach.user)
    join(via_group, participant, on=days_from_today(-3))
    row = entry(active, via)
    assert (row.status, row.starts_on, row.position) == (Status.RUNNING, days_from_today(-3), 1)


def test_admit_and_add_puts_the_module_in_the_plan(enrolment, participant, via, via_group, coach):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.WAITING_LIST)
    from tests.factories import make_interview

    make_interview(enrolment=enrolment)
    join(via_group, participant, on=TODAY(), admit_waiting=True, by=coach.user)
    assert entry(enrolment, via).status == Status.RUNNING


def test_leaving_the_last_group_of_the_module_stops_it(active, participant, via, via_group):
    join(via_group, participant)
    services.group_remove_member(group=via_group, participant=participant, left_on=TODAY())
    row = entry(active, via)
    assert (row.status, row.ends_on, row.stop_reason) == (Status.STOPPED, TODAY(), "left_group")


def test_leaving_when_the_group_has_ended_is_done(active, participant, via, programme):
    group = make_group(programme=programme, module=via, ends_on=days_from_today(-1))
    join(group, participant)
    services.group_remove_member(group=group, participant=participant, left_on=TODAY())
    assert entry(active, via).status == Status.DONE


def test_leaving_one_of_two_groups_of_the_module_keeps_it(active, participant, via, programme):
    first = make_group(programme=programme, module=via, name="VIA Monday")
    second = make_group(programme=programme, module=via, name="VIA Thursday")
    join(first, participant)
    join(second, participant)
    services.group_remove_member(group=first, participant=participant, left_on=TODAY())
    assert entry(active, via).status == Status.RUNNING


def test_a_trial_left_is_not_chosen(active, participant, via, via_group, coach):
    plans.module_try(enrolment=active, module=via, on=days_from_today(-31), by=coach.user)
    join(via_group, participant)
    services.group_remove_member(group=via_group, participant=participant, left_on=TODAY())
    row = entry(active, via)
    assert (row.status, row.stop_reason) == (Status.STOPPED, "not_chosen")


def test_rejoining_a_stopped_module_runs_it_again(active, participant, via, via_group):
    join(via_group, participant, on=days_from_today(-30))
    services.group_remove_member(
        group=via_group, participant=participant, left_on=days_from_today(-20)
    )
    join(via_group, participant, on=days_from_today(-10))
    row = entry(active, via)
    assert (row.status, row.starts_on, row.ends_on, row.stop_reason) == (
        Status.RUNNING,
        days_from_today(-30),
        None,
        "",
    )


def test_the_exit_ends_the_running_module(active, participant, via, via_group, coach):
    join(via_group, participant)
    outcome = lifecycle.enrolment_exit(
        enrolment=active, by=coach.user, **review(exited_on=TODAY(), exit_reason="completed")
    )
    row = entry(active, via)
    assert (row.status, row.ends_on) == (Status.DONE, TODAY())
    assert "1 module of the plan ended." in outcome.summary()


def test_a_drop_out_stops_the_running_module(active, participant, via, via_group, coach):
    join(via_group, participant)
    lifecycle.enrolment_exit(
        enrolment=active,
        by=coach.user,
        **review(exited_on=TODAY(), exit_reason="dropped_out", drop_out_reason="health"),
    )
    row = entry(active, via)
    assert (row.status, row.stop_reason) == (Status.STOPPED, "left_programme")


# Reading the plan -------------------------------------------------------------------------


def _history(programme, group, participant, statuses):
    for number, status in enumerate(statuses, start=1):
        session = make_session(programme=programme, group=group, date=days_from_today(-number * 7))
        Attendance.objects.create(session=session, participant=participant, status=status)


def test_the_plan_reads_sessions_and_hours_per_module(
    active, participant, programme, via, via_group
):
    join(via_group, participant, on=days_from_today(-60))
    mi = make_module(programme=programme, name="M.I.")
    mi_group = make_group(programme=programme, module=mi)
    join(mi_group, participant, on=days_from_today(-60))
    _history(programme, via_group, participant, ["present", "late", "absent", "excused"])
    _history(programme, mi_group, participant, ["present"])
    make_session(
        programme=programme, group=via_group, date=days_from_today(3), expected=[participant]
    )
    # A session of the same group cancelled, and one before the enrolment began: not counted.
    cancelled = make_session(programme=programme, group=via_group, date=days_from_today(-2))
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    Attendance.objects.create(session=cancelled, participant=participant, status="present")
    early = make_session(programme=programme, group=via_group, date=days_from_today(-200))
    Attendance.objects.create(session=early, participant=participant, status="present")

    lines = {line.module.name: line for line in plan_for(active)}

    assert (lines["VIA"].attended, lines["VIA"].held, lines["VIA"].coming) == (2, 4, 1)
    assert lines["VIA"].hours == 6  # two sessions of 9:00–12:00
    assert (lines["M.I."].attended, lines["M.I."].held, lines["M.I."].hours) == (1, 1, 3)


def test_a_trial_used_up_asks_for_a_choice(active, participant, programme, via, via_group, coach):
    plans.module_try(enrolment=active, module=via, on=days_from_today(-20), by=coach.user)
    join(via_group, participant, on=days_from_today(-20))
    _history(programme, via_group, participant, ["present"])
    [line] = plan_for(active)
    assert line.trial_over


@pytest.mark.parametrize("size", [1, 20])
def test_reading_the_plan_takes_three_queries(
    active, participant, programme, size, django_assert_num_queries
):
    for n in range(size):
        module = make_module(programme=programme, name=f"Module {n}")
        group = make_group(programme=programme, module=module)
        join(group, participant)
        _history(programme, group, participant, ["present", "absent"])
    # 1. the plan with its modules  2. the person's attendance at those modules' groups
    # 3. the evaluations of those modules
    with django_assert_num_queries(3):
        lines = plan_for(active)
    assert len(lines) == size
    assert all(line.attended == 1 for line in lines)


@pytest.mark.parametrize("size", [1, 20])
def test_the_module_table_counts_people_by_status_in_three_queries(
    active, organisation, programme, via, via_group, size, django_assert_num_queries
):
    people = [make_participant(organisation=organisation, first_name=f"P{n}") for n in range(size)]
    via_group.capacity = size
    via_group.save()
    for person in people:
        make_enrolment(
            participant=person,
            programme=programme,
            status="active",
            started_on=days_from_today(-90),
        )
        join(via_group, person, on=days_from_today(-30))
        _history(programme, via_group, person, ["present"])
    start, end = days_from_today(-60), TODAY()
    # 1. the programme's modules  2. the plan rows by module and status  3. the sessions of
    # the modules' groups with how many came
    with django_assert_num_queries(3):
        rows = modules_table(programme, start, end)
    [row] = rows
    assert row.by_status == {Status.RUNNING: size}
    assert row.hours == 3 * size
    assert row.sessions == size


def test_the_module_table_leaves_out_modules_ended_before_the_period(
    active, participant, programme, via, via_group
):
    join(via_group, participant, on=days_from_today(-100))
    services.group_remove_member(
        group=via_group, participant=participant, left_on=days_from_today(-90)
    )
    [row] = modules_table(programme, days_from_today(-30), TODAY())
    assert row.people == 0
    [row] = modules_table(programme, days_from_today(-95), TODAY())
    assert row.by_status == {Status.STOPPED: 1}


def test_the_table_of_a_programme_without_modules_is_empty(programme):
    assert modules_table(programme, TODAY() - datetime.timedelta(days=30), TODAY()) == []
