"""A failure in the middle of a multi-step service leaves nothing half-written (issue 8, item 7).

For each service, the writes it sends to the database are counted once; then, for every write
from the second to the last, the same call is made again on the same starting data with that
write made to fail (an exception raised as the SQL statement is sent, as a dropped connection
or a full disk would), and every table of the database must be exactly as before: same rows,
same values."""

import datetime
from collections.abc import Callable
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from casefile import lifecycle
from evaluations import services as evaluations
from evaluations.models import FollowUpCall
from evaluations.services import ScoreRow
from participants import services as participants
from participants.models import Enrolment, Participant
from programme.models import TodoTemplate
from sessions import grouping
from sessions import services as sessions
from sessions.access import waiting_to_be_placed
from sessions.grouping_views import _candidate
from tests.evaluations.factories import make_assessment, make_call, make_exited
from tests.factories import (
    make_enrolment,
    make_interview,
    make_participant,
    make_partner,
)
from tests.sessions.factories import add_member, days_from_today, get_kind, make_group, make_session
from tests.trajectory.factories import (
    make_consent,
    make_goal,
    make_host,
    make_placement,
    make_step,
    started,
)
from trajectory import services as trajectory
from trajectory.models import ActionStep, Goal, Placement

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class InjectedFailure(Exception):
    pass


@contextmanager
def failing_write(at: int | None):
    """Count the writes sent to the database; raise as write number `at` is sent."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITES):
            seen.append(sql)
            if len(seen) == at:
                raise InjectedFailure(sql[:80])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def snapshot() -> dict:
    """Every row of every table, in primary-key order."""
    return {
        model._meta.db_table: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }


# Each case builds its starting data and returns the call to make. --------------------------


def participant_create(world):
    return lambda: participants.participant_create(
        organisation=world.organisation,
        data={
            "first_name": "Nour",
            "last_name": "Saleh",
            "birth_date": datetime.date(1990, 1, 1),
            "gender": "woman",
            "coach": world.coach.user,
        },  # fmt: skip
        languages=[{"language": "ar", "use": "mother_tongue"}, {"language": "fr", "use": "fluent"}],
        by=world.coach.user,
    )


def participant_update(world):
    person = Participant.objects.get(pk=world.participant.pk)
    person.languages.create(language="ti", use="mother_tongue")
    return lambda: participants.participant_update(
        participant=person,
        data={"phone": "+32 470 12 34 56", "children": 2},
        version=person.version,
        languages=[{"language": "ar", "use": "mother_tongue"}],
        by=world.coach.user,
    )


def enrolment_refer(world):
    person = make_participant(organisation=world.organisation)
    return lambda: participants.enrolment_refer(
        participant=person,
        programme=world.programme,
        coach=world.coach.user,
        referred_on=TODAY(),
        referral_source="social_service",
        by=world.coach.user,
    )


def intake_interview_record(world):
    return lambda: participants.intake_interview_record(
        enrolment=world.enrolment,
        data={"held_on": TODAY(), "duration_minutes": 60, "support": "none"},
        by=world.coach.user,
    )


def enrolment_admit(world):
    # Admission plans the trajectory's to-dos from the programme's template.
    enrolment = world.enrolment
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.INTAKE)
    enrolment.refresh_from_db()
    make_interview(enrolment=enrolment)
    return lambda: participants.enrolment_change_status(
        enrolment=enrolment, to_status=Enrolment.Status.ACTIVE, by=world.coach.user
    )


def enrolment_exit(world):
    """The way out (casefile.lifecycle): the review, then the group left and the later session
    that no longer expects the person, all or nothing."""
    enrolment = started(world.enrolment)
    participants.todos_plan(enrolment=enrolment)
    group = make_group(programme=world.programme)
    add_member(group=group, participant=world.participant)
    make_session(
        programme=world.programme,
        group=group,
        date=days_from_today(7),
        expected=[world.participant],
    )
    return lambda: lifecycle.enrolment_exit(
        enrolment=enrolment,
        exited_on=TODAY(),
        exit_reason="completed",
        exit_destination="training",
        strengths="Punctual, helps others",
        next_step="Care assistant training",
        contact_person="The social antenna",
        by=world.coach.user,
    )


def goal_revise(world):
    goal = make_goal(enrolment=started(world.enrolment))
    make_step(goal=goal)
    make_step(goal=goal)
    return lambda: trajectory.goal_revise(
        goal=goal, text="Speak Dutch at work", by=world.coach.user
    )


def goal_close(world):
    goal = make_goal(enrolment=started(world.enrolment))
    make_step(goal=goal)
    return lambda: trajectory.goal_close(
        goal=goal, status=Goal.Status.ACHIEVED, by=world.coach.user
    )


def goal_update(world):
    goal = make_goal(enrolment=started(world.enrolment))
    return lambda: trajectory.goal_update(goal=goal, text="Speak Dutch", by=world.coach.user)


def goal_reopen(world):
    goal = make_goal(enrolment=started(world.enrolment), status=Goal.Status.DROPPED)
    return lambda: trajectory.goal_reopen(goal=goal, by=world.coach.user)


def _step(world, **kwargs):
    return make_step(goal=make_goal(enrolment=started(world.enrolment)), **kwargs)


def step_update(world):
    step = _step(world)
    return lambda: trajectory.step_update(
        step=step, text="Call the GP", who=ActionStep.Who.COACH, by=world.coach.user
    )


def step_mark_done(world):
    step = _step(world)
    return lambda: trajectory.step_mark_done(step=step, by=world.coach.user)


def step_undo(world):
    step = _step(world, status=ActionStep.Status.DONE)
    return lambda: trajectory.step_undo(step=step, by=world.coach.user)


def step_drop(world):
    step = _step(world)
    return lambda: trajectory.step_drop(step=step, by=world.coach.user)


def consent_withdraw(world):
    consent = make_consent(participant=world.participant)
    return lambda: participants.consent_withdraw(consent=consent, by=world.coach.user)


def placement_create(world):
    enrolment = started(world.enrolment)
    host = make_host(organisation=world.organisation)
    return lambda: trajectory.placement_create(
        enrolment=enrolment,
        data={
            "kind": Placement.Kind.VOLUNTEERING,
            "host": host,
            "role": "Shop help",
            "hours_per_week": 6,
            "starts_on": TODAY(),
        },  # fmt: skip
        by=world.coach.user,
    )


def step_add(world):
    goal = make_goal(enrolment=started(world.enrolment))
    return lambda: trajectory.step_add(
        goal=goal, text="Call the doctor", who=ActionStep.Who.PARTICIPANT, by=world.coach.user
    )


def referral_create(world):
    enrolment = started(world.enrolment)
    partner = make_partner(organisation=world.organisation)
    return lambda: trajectory.referral_create(
        enrolment=enrolment,
        partner=partner,
        kind="legal",
        sent_on=TODAY(),
        reason="Residence questions",
        shares_personal_data=True,
        consent_override_reason="Urgent: hearing next week",
        by=world.coach.user,
    )


def consent_record(world):
    return lambda: participants.consent_record(
        participant=world.participant, purpose="processing", given_on=TODAY(), by=world.coach.user
    )


def placement_end(world):
    placement = make_placement(enrolment=started(world.enrolment))
    return lambda: trajectory.placement_end(
        placement=placement, on=TODAY(), outcome=Placement.Outcome.values[0], notes="Went well",
        by=world.coach.user,
    )  # fmt: skip


def evaluation_record(world):
    enrolment = started(world.enrolment)
    participants.todos_plan(enrolment=enrolment)
    domains = [d.code for d in enrolment.programme.domains()][:3]
    return lambda: evaluations.evaluation_record(
        enrolment=enrolment,
        kind="baseline",
        held_on=TODAY(),
        scores=[ScoreRow(domain=code, coach_score=2, comment="So-so") for code in domains],
        by=world.coach.user,
    )


def exit_record(world):
    enrolment = started(world.enrolment)
    participants.todos_plan(enrolment=enrolment)
    return lambda: evaluations.exit_record(
        enrolment=enrolment,
        exited_on=TODAY(),
        exit_reason="completed",
        exit_destination="training",
        strengths="Punctual, helps others",
        next_step="Care assistant training",
        contact_person="The social antenna",
        by=world.coach.user,
    )


def call_attempt_record(world):
    enrolment = make_exited(enrolment=world.enrolment, exited_on=TODAY() - datetime.timedelta(28))
    call = make_call(enrolment=enrolment, weeks_after_exit=4, due_on=TODAY())
    return lambda: evaluations.call_attempt_record(
        call=call, outcome="reached", version=call.version, situation="training",
        needs_help=True, help_notes="Letter from the landlord", helped_integration="yes",
        by=world.coach.user,
    )  # fmt: skip


def support_reopen(world):
    enrolment = make_exited(enrolment=world.enrolment, exited_on=TODAY() - datetime.timedelta(28))
    call = make_call(enrolment=enrolment, weeks_after_exit=4, due_on=TODAY())
    make_call(enrolment=enrolment, weeks_after_exit=13, due_on=TODAY() + datetime.timedelta(60))
    evaluations.call_attempt_record(
        call=call, outcome="reached", version=call.version, situation="training",
        needs_help=True, help_notes="Letter from the landlord", helped_integration="yes",
        by=world.coach.user,
    )  # fmt: skip
    call = FollowUpCall.objects.get(pk=call.pk)
    return lambda: evaluations.support_reopen(call=call, by=world.coach.user)


def series_create(world):
    return lambda: sessions.series_create(
        data={
            "programme": world.programme,
            "kind": get_kind(),
            "weekdays": "1,3",
            "starts_on": days_from_today(7),
            "count": 6,
            "start_time": datetime.time(9),
            "end_time": datetime.time(12),
            "place": "online",
        },  # fmt: skip
        facilitators=[world.coach.user],
    )


def _session_with(world, count=3):
    people = [world.participant] + [
        make_participant(organisation=world.organisation, coach=world.coach.user)
        for _ in range(count - 1)
    ]
    for person in people[1:]:
        started(make_enrolment(participant=person, programme=world.programme))
    started(world.enrolment)
    session = make_session(programme=world.programme, expected=people)
    return session, people


def attendance_record_session(world):
    session, people = _session_with(world)
    marks = {p.pk: s for p, s in zip(people, ["present", "late", "excused"], strict=True)}
    return lambda: sessions.attendance_record_session(
        session=session, marks=marks, reasons={people[2].pk: "Doctor"}, by=world.coach.user
    )


def attendance_record(world):
    session, people = _session_with(world, count=1)
    return lambda: sessions.attendance_record(
        session=session, participant=people[0], status="present", version=1, by=world.coach.user
    )


def groups_create_from_proposal(world):
    people = [world.participant] + [
        make_participant(organisation=world.organisation, coach=world.coach.user) for _ in range(3)
    ]
    started(world.enrolment)
    for person in people[1:]:
        started(make_enrolment(participant=person, programme=world.programme))
    for person, level in zip(people, ["a1", "a1", "b1", "b1"], strict=True):
        make_assessment(participant=person, oral=level, reading=level, writing=level)
    waiting = {p.pk: p for p in waiting_to_be_placed(world.coach, world.programme)}
    proposal = grouping.propose([_candidate(p) for p in waiting.values()], capacity=2)
    return lambda: sessions.groups_create_from_proposal(
        programme=world.programme, proposal=proposal, people=waiting, staff=world.coach
    )


CASES: list[Callable] = [
    participant_create, participant_update, enrolment_refer, intake_interview_record,
    enrolment_admit, enrolment_exit, goal_revise, goal_close, goal_update, goal_reopen,
    step_add, step_update, step_mark_done, step_undo, step_drop, referral_create,
    consent_record, consent_withdraw, placement_create, placement_end, evaluation_record,
    exit_record, call_attempt_record,
    support_reopen, series_create, attendance_record_session, attendance_record,
    groups_create_from_proposal,
]  # fmt: skip


class World:
    def __init__(self, organisation, coach, programme, participant, enrolment):
        self.organisation, self.coach, self.programme = organisation, coach, programme
        self.participant, self.enrolment = participant, enrolment


@pytest.fixture
def world(organisation, coach, programme, participant, enrolment):
    # The programme plans to-dos on admission (the default trajectory template).
    assert programme.trajectory_template()
    return World(organisation, coach, programme, participant, enrolment)


HALF_WRITTEN = {"half-written": True}


def _attempt(case, world, at):
    """Build the starting data and make the call, inside a savepoint rolled back after, so
    every attempt starts from the same database."""
    sid = transaction.savepoint()
    world.participant.refresh_from_db()
    world.enrolment.refresh_from_db()
    try:
        call = case(world)
        before = snapshot()
        with failing_write(at) as seen:
            try:
                call()
            except InjectedFailure:
                if connection.needs_rollback:
                    # The failing write ran outside any transaction of the service (a bare
                    # save): in production, with autocommit, every write before it would
                    # stay. Only a failure at the very first write leaves nothing.
                    return before, before if at == 1 else HALF_WRITTEN, len(seen), True
                return before, snapshot(), len(seen), True
        return before, snapshot(), len(seen), False
    finally:
        transaction.set_rollback(False)
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_a_failure_at_any_write_leaves_nothing_half_written(case, world):
    before, after, writes, _failed = _attempt(case, world, at=None)
    assert after != before, "the service wrote nothing: the case is wrong"
    for at in range(1, writes + 1):
        before, after, _seen, failed = _attempt(case, world, at=at)
        assert failed, f"write {at} of {writes} was not reached"
        changed = [table for table in before if before[table] != after.get(table)]
        assert not changed, f"{case.__name__}: failing write {at}/{writes} left {changed}"


def test_the_multi_step_services_write_more_than_once(world):
    # Guard against a case that silently became a one-write call (then nothing is tested).
    # (Every write is followed by its audit entry, so each service writes at least twice.)
    for case in CASES:
        _before, _after, writes, _failed = _attempt(case, world, at=None)
        assert writes >= 2, case.__name__


def test_the_template_plans_todos_on_admission(world):
    call = enrolment_admit(world)
    call()
    assert world.enrolment.todos.count() >= 1
    assert {t.kind for t in world.enrolment.todos.all()} <= set(TodoTemplate.Kind.values)
