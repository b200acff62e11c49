"""What an exit, a pause, a resume and a transfer change beyond the status (casefile.lifecycle)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casefile import lifecycle
from evaluations.models import ExitReview, FollowUpCall
from participants.models import Enrolment, Todo
from participants.services import todos_plan
from portal.reads import upcoming_sessions
from programme.models import TodoTemplate
from sessions import services as sessions
from sessions.feeds import feed_create
from sessions.models import Attendance, GroupMembership, Session
from tests.casefile.conftest import TODAY, review
from tests.factories import make_enrolment, make_participant, make_programme
from tests.helpers import row_counts
from tests.sessions.factories import add_member, days_from_today, make_session
from trajectory.models import Goal

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def expected_at(session, participant) -> bool:
    return Attendance.objects.filter(session=session, participant=participant).exists()


# Exit -----------------------------------------------------------------------------------------


def test_an_exit_ends_the_membership_on_the_exit_date(active, timetable, group, participant, coach):
    on = TODAY() - datetime.timedelta(days=1)
    outcome = lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review(exited_on=on))

    membership = GroupMembership.objects.get(group=group, participant=participant)
    assert membership.left_on == on
    assert outcome.groups == [group]
    assert group.memberships.filter(left_on__isnull=True).count() == 0


def test_after_an_exit_a_later_session_no_longer_expects_them(
    active, timetable, participant, coach
):
    lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review())

    assert not expected_at(timetable["later"], participant)


def test_an_exit_leaves_recorded_attendance_unchanged(active, timetable, participant, coach):
    before = Attendance.objects.get(session=timetable["past"], participant=participant)

    lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review())

    after = Attendance.objects.get(pk=before.pk)
    assert (after.status, after.version, after.recorded_at) == (
        before.status,
        before.version,
        before.recorded_at,
    )


def test_an_exit_cancels_their_later_individual_sessions(active, timetable, participant, coach):
    outcome = lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review())

    individual = Session.objects.get(pk=timetable["individual"].pk)
    assert individual.is_cancelled
    assert participant.full_name in individual.cancel_reason
    assert outcome.individual == [timetable["individual"]]
    assert "1 individual session cancelled." in outcome.summary()


def test_an_individual_session_shared_with_someone_else_is_kept(
    active, timetable, participant, coach, programme
):
    other = make_participant(coach=coach.user)
    Attendance.objects.create(session=timetable["individual"], participant=other)

    lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review())

    individual = Session.objects.get(pk=timetable["individual"].pk)
    assert not individual.is_cancelled
    assert not expected_at(individual, participant)
    assert expected_at(individual, other)


def test_an_exit_leaves_the_sessions_of_another_programme_alone(
    active, timetable, participant, coach, organisation
):
    elsewhere = make_programme(organisation=organisation, name="Atelier vélo")
    make_enrolment(participant=participant, programme=elsewhere, status=Status.ACTIVE)
    theirs = make_session(programme=elsewhere, date=days_from_today(9), expected=[participant])

    lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review())

    assert expected_at(theirs, participant)
    assert not Session.objects.get(pk=theirs.pk).is_cancelled


def test_an_exit_records_the_review_plans_the_calls_and_closes_the_plan(active, timetable, coach):
    todos_plan(enrolment=active)

    outcome = lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review())

    assert ExitReview.objects.filter(enrolment=active).exists()
    assert outcome.review is not None
    assert FollowUpCall.objects.filter(enrolment=active).count() == len(
        active.programme.follow_up_offsets
    )
    assert not Todo.objects.filter(enrolment=active).open().exists()
    exit_todo = Todo.objects.filter(enrolment=active, kind=TodoTemplate.Kind.EXIT).first()
    assert exit_todo is None or exit_todo.done_on == TODAY()


def test_an_exit_in_the_future_is_refused_and_changes_nothing(active, timetable, coach):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        lifecycle.enrolment_exit(
            enrolment=active,
            by=coach.user,
            **review(exited_on=TODAY() + datetime.timedelta(days=1)),
        )
    assert "exited_on" in caught.value.message_dict
    assert row_counts() == before
    assert GroupMembership.objects.filter(left_on__isnull=True).count() == 1


def test_a_refused_review_leaves_the_person_in_their_group(active, timetable, participant, coach):
    with pytest.raises(ValidationError):
        lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review(strengths=""))
    assert expected_at(timetable["later"], participant)
    assert not Session.objects.get(pk=timetable["individual"].pk).is_cancelled


def test_the_generic_status_change_refuses_an_exit(active, timetable, participant, coach):
    with pytest.raises(ValidationError) as caught:
        lifecycle.enrolment_change_status(
            enrolment=active, to_status=Status.EXITED, by=coach.user, reason="Left"
        )
    assert caught.value.code == "exit_review"
    assert Enrolment.objects.get(pk=active.pk).status == Status.ACTIVE
    assert expected_at(timetable["later"], participant)


# Pause and resume -----------------------------------------------------------------------------


def status_at(session, participant) -> str | None:
    row = Attendance.objects.filter(session=session, participant=participant).first()
    return row.status if row else None


@pytest.fixture
def during(timetable, programme, group, participant):
    """A group session of three days ago nobody recorded yet: a pause from five days ago
    covers it."""
    return make_session(
        programme=programme, group=group, date=days_from_today(-3), expected=[participant]
    )


def test_a_pause_lists_them_as_paused_at_later_group_sessions_and_keeps_the_group(
    active, timetable, group, participant, coach
):
    outcome = lifecycle.enrolment_pause(enrolment=active, reason="Hospital stay", by=coach.user)

    assert Enrolment.objects.get(pk=active.pk).status == Status.PAUSED
    assert status_at(timetable["later"], participant) == Attendance.Status.PAUSED
    assert outcome.sessions_left == 1
    assert "No longer expected at 1 later session." in outcome.summary()
    assert GroupMembership.objects.get(group=group, participant=participant).left_on is None
    # Their individual session is the coach's to move or cancel: told, not changed.
    assert outcome.individual == [timetable["individual"]]
    assert status_at(timetable["individual"], participant) == Attendance.Status.EXPECTED


def test_a_pause_and_a_resume_leave_recorded_attendance_unchanged(
    active, timetable, participant, coach
):
    before = Attendance.objects.get(session=timetable["past"], participant=participant)

    lifecycle.enrolment_pause(
        enrolment=active, reason="Hospital stay", by=coach.user, on=days_from_today(-10)
    )
    lifecycle.enrolment_resume(enrolment=active, by=coach.user)

    after = Attendance.objects.get(pk=before.pk)
    assert (after.status, after.version, after.recorded_at) == (
        before.status,
        before.version,
        before.recorded_at,
    )


def test_a_session_planned_during_the_pause_lists_them_as_paused(
    active, timetable, group, participant, programme, coach
):
    lifecycle.enrolment_pause(enrolment=active, reason="Hospital stay", by=coach.user)
    planned = sessions.session_create(
        data={
            "programme": programme,
            "group": group,
            "kind": timetable["later"].kind,
            "date": days_from_today(14),
            "start_time": timetable["later"].start_time,
            "end_time": timetable["later"].end_time,
            "place": "online",
        }
    )
    assert status_at(planned, participant) == Attendance.Status.PAUSED


def test_a_pause_counts_neither_as_an_absence_nor_in_the_rate(
    active, timetable, during, participant, coach
):
    lifecycle.enrolment_pause(
        enrolment=active, reason="Hospital stay", by=coach.user, on=days_from_today(-5)
    )
    sessions.refresh_attendance_figures(
        participant_ids=[participant.pk], programme_id=active.programme_id
    )

    assert status_at(during, participant) == Attendance.Status.PAUSED
    enrolment = Enrolment.objects.get(pk=active.pk)
    # The one session recorded (present) is all the rate reads.
    assert (enrolment.attendance_rate, enrolment.consecutive_absences) == (100, 0)


def test_a_paused_row_cannot_be_recorded_one_by_one_or_for_the_whole_session(
    active, timetable, during, participant, coach
):
    lifecycle.enrolment_pause(
        enrolment=active, reason="Hospital stay", by=coach.user, on=days_from_today(-5)
    )
    with pytest.raises(ValidationError) as one:
        sessions.attendance_record(
            session=during, participant=participant, status="absent", version=1, by=coach.user
        )
    with pytest.raises(ValidationError) as whole:
        sessions.attendance_record_session(
            session=during, marks={participant.pk: "present"}, by=coach.user
        )
    assert one.value.code == whole.value.code == "paused"
    assert status_at(during, participant) == Attendance.Status.PAUSED


def test_paused_is_not_a_status_one_records(active, timetable, participant, coach):
    with pytest.raises(ValidationError):
        sessions.attendance_record(
            session=timetable["past"],
            participant=participant,
            status=Attendance.Status.PAUSED,
            version=2,
            by=coach.user,
        )
    assert status_at(timetable["past"], participant) == "present"


def test_a_resume_expects_them_again_at_coming_sessions_and_keeps_the_pause_on_record(
    active, timetable, during, participant, coach
):
    lifecycle.enrolment_pause(
        enrolment=active, reason="Hospital stay", by=coach.user, on=days_from_today(-5)
    )

    outcome = lifecycle.enrolment_resume(enrolment=active, by=coach.user)

    assert Enrolment.objects.get(pk=active.pk).status == Status.ACTIVE
    assert status_at(timetable["later"], participant) == Attendance.Status.EXPECTED
    # The session of the pause still says why they were not there.
    assert status_at(during, participant) == Attendance.Status.PAUSED
    assert outcome.sessions_back == 1


def test_an_exit_during_a_pause_takes_them_off_the_later_sessions(
    active, timetable, participant, coach
):
    lifecycle.enrolment_pause(enrolment=active, reason="Hospital stay", by=coach.user)
    lifecycle.enrolment_exit(
        enrolment=Enrolment.objects.get(pk=active.pk), by=coach.user, **review()
    )
    assert not expected_at(timetable["later"], participant)


def test_the_generic_status_change_pauses_and_resumes_with_the_consequences(
    active, timetable, participant, coach
):
    lifecycle.enrolment_change_status(
        enrolment=active, to_status=Status.PAUSED, reason="Sick", by=coach.user
    )
    assert status_at(timetable["later"], participant) == Attendance.Status.PAUSED
    lifecycle.enrolment_change_status(
        enrolment=Enrolment.objects.get(pk=active.pk), to_status=Status.ACTIVE, by=coach.user
    )
    assert status_at(timetable["later"], participant) == Attendance.Status.EXPECTED


def test_during_a_pause_the_sessions_leave_their_portal_and_calendar_feed(
    active, timetable, participant, coach, client
):
    address = feed_create(participant=participant).get_absolute_url()
    lifecycle.enrolment_pause(enrolment=active, reason="Hospital stay", by=coach.user)

    text = client.get(address).content.decode()
    assert f"session-{timetable['later'].pk}@" not in text
    # The individual session stays theirs until the coach moves or cancels it.
    assert f"session-{timetable['individual'].pk}@" in text
    coming = [card.session for card in upcoming_sessions(participant, limit=None)]
    assert timetable["later"] not in coming

    lifecycle.enrolment_resume(enrolment=active, by=coach.user)
    coming = [card.session for card in upcoming_sessions(participant, limit=None)]
    assert timetable["later"] in coming


def test_during_a_pause_a_session_at_the_same_time_is_no_conflict(
    active, timetable, participant, coach
):
    lifecycle.enrolment_pause(enrolment=active, reason="Hospital stay", by=coach.user)
    later = timetable["later"]
    conflicts = sessions.find_conflicts(
        organisation_id=active.programme.organisation_id,
        day=later.date,
        start=later.start_time,
        end=later.end_time,
        participant_ids=[participant.pk],
    )
    assert [c for c in conflicts if c.kind == "participant"] == []


def test_only_a_paused_enrolment_resumes(active, coach):
    with pytest.raises(ValidationError):
        lifecycle.enrolment_resume(enrolment=active, by=coach.user)


# Transfer -------------------------------------------------------------------------------------


@pytest.fixture
def other_programme(organisation):
    return make_programme(organisation=organisation, name="Pré-activation")


def test_a_transfer_continues_in_the_other_programme_without_intake(
    active, timetable, participant, coach, other_programme
):
    goal = Goal.objects.create(enrolment=active, text="Lire une lettre de la commune")
    on = TODAY() - datetime.timedelta(days=1)

    outcome = lifecycle.enrolment_transfer(
        enrolment=active, programme=other_programme, on=on, by=coach.user, **_transfer_review()
    )

    old = Enrolment.objects.get(pk=active.pk)
    assert (old.status, old.exit_reason, old.exited_on) == (Status.EXITED, "transferred", on)
    new = outcome.continued_in
    assert (new.programme, new.status, new.started_on) == (other_programme, Status.ACTIVE, on)
    assert new.referral_source == "transfer"
    assert new.coach == active.coach
    assert not new.interviews.exists()
    assert Goal.objects.get(pk=goal.pk).enrolment == new
    # Leaving the first programme still takes its consequences along.
    assert not expected_at(timetable["later"], participant)


def test_a_transfer_to_the_same_programme_is_refused(active, coach):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        lifecycle.enrolment_transfer(
            enrolment=active,
            programme=active.programme,
            on=TODAY(),
            by=coach.user,
            **_transfer_review(),
        )
    assert "programme" in caught.value.message_dict
    assert row_counts() == before


def test_a_transfer_to_another_organisation_is_refused(active, coach, other_organisation):
    elsewhere = make_programme(organisation=other_organisation)
    with pytest.raises(ValidationError) as caught:
        lifecycle.enrolment_transfer(
            enrolment=active, programme=elsewhere, on=TODAY(), by=coach.user, **_transfer_review()
        )
    assert "programme" in caught.value.message_dict
    assert Enrolment.objects.get(pk=active.pk).status == Status.ACTIVE


def _transfer_review() -> dict:
    data = review()
    for key in ("exited_on", "exit_reason", "drop_out_reason"):
        data.pop(key)
    return data


# Joining a group ------------------------------------------------------------------------------


def test_a_waiting_list_person_is_refused_then_admitted_and_added(group, programme, coach):
    person = make_participant(coach=coach.user)
    waiting = make_enrolment(participant=person, programme=programme, status=Status.WAITING_LIST)
    later = make_session(programme=programme, group=group, date=days_from_today(7))

    with pytest.raises(ValidationError) as caught:
        lifecycle.group_join(group=group, participants=[person], joined_on=TODAY(), by=coach.user)
    assert caught.value.code == "waiting_list"
    assert not group.memberships.exists()

    lifecycle.group_join(
        group=group, participants=[person], joined_on=TODAY(), by=coach.user, admit_waiting=True
    )
    waiting.refresh_from_db()
    assert (waiting.status, waiting.started_on) == (Status.ACTIVE, TODAY())
    assert waiting.todos.exists() == bool(programme.trajectory_template())
    assert expected_at(later, person)


def test_someone_not_admitted_cannot_join_even_with_admit_and_add(group, programme, coach):
    person = make_participant(coach=coach.user)
    make_enrolment(participant=person, programme=programme, status=Status.INTAKE)
    with pytest.raises(ValidationError) as caught:
        lifecycle.group_join(
            group=group, participants=[person], joined_on=TODAY(), by=coach.user, admit_waiting=True
        )
    assert caught.value.code == "not_admitted"
    assert not group.memberships.exists()


def test_a_member_who_exits_frees_a_place(active, timetable, group, coach, programme):
    add_member(group=group, participant=make_participant(coach=coach.user))
    assert group.memberships.filter(left_on__isnull=True).count() == 2
    lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review())
    assert group.memberships.filter(left_on__isnull=True).count() == 1


def test_after_an_exit_their_calendar_feed_no_longer_lists_later_sessions(
    active, timetable, participant, coach, client
):
    address = feed_create(participant=participant).get_absolute_url()
    assert f"session-{timetable['later'].pk}@" in client.get(address).content.decode()

    lifecycle.enrolment_exit(enrolment=active, by=coach.user, **review())

    text = client.get(address).content.decode()
    assert f"session-{timetable['later'].pk}@" not in text
    assert f"session-{timetable['individual'].pk}@" not in text
