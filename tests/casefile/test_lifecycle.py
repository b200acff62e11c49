"""What an exit, a pause, a resume and a transfer change beyond the status (casefile.lifecycle)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from casefile import lifecycle
from evaluations.models import ExitReview, FollowUpCall
from participants.models import Enrolment, Goal, Todo
from participants.services import todos_plan
from programme.models import TemplateStep
from sessions import services as sessions
from sessions.models import Attendance, GroupMembership, Session
from tests.casefile.conftest import TODAY, review
from tests.factories import make_enrolment, make_participant, make_programme
from tests.helpers import row_counts
from tests.sessions.factories import add_member, days_from_today, make_session

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
    exit_todo = Todo.objects.filter(enrolment=active, kind=TemplateStep.Kind.EXIT).first()
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


def test_a_pause_takes_them_off_later_group_sessions_and_keeps_the_group(
    active, timetable, group, participant, coach
):
    outcome = lifecycle.enrolment_pause(enrolment=active, reason="Hospital stay", by=coach.user)

    assert Enrolment.objects.get(pk=active.pk).status == Status.PAUSED
    assert not expected_at(timetable["later"], participant)
    assert GroupMembership.objects.get(group=group, participant=participant).left_on is None
    assert Attendance.objects.get(session=timetable["past"], participant=participant).status == (
        "present"
    )
    # Their individual session is the coach's to move or cancel: told, not changed.
    assert outcome.individual == [timetable["individual"]]
    assert expected_at(timetable["individual"], participant)


def test_a_session_planned_during_the_pause_does_not_expect_them(
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
    assert not expected_at(planned, participant)


def test_a_pause_does_not_lower_the_attendance_rate(active, timetable, participant, coach):
    lifecycle.enrolment_pause(enrolment=active, reason="Hospital stay", by=coach.user)
    # Nothing expects them, so nothing can be recorded as an absence during the pause.
    assert (
        not Attendance.objects.filter(
            participant=participant, session__date__gte=TODAY(), status="expected"
        )
        .exclude(session=timetable["individual"])
        .exists()
    )


def test_a_resume_puts_them_back_on_the_coming_group_sessions(
    active, timetable, participant, coach
):
    lifecycle.enrolment_pause(enrolment=active, reason="Hospital stay", by=coach.user)

    outcome = lifecycle.enrolment_resume(enrolment=active, by=coach.user)

    assert Enrolment.objects.get(pk=active.pk).status == Status.ACTIVE
    assert expected_at(timetable["later"], participant)
    assert outcome.sessions_back == 1


def test_the_generic_status_change_pauses_and_resumes_with_the_consequences(
    active, timetable, participant, coach
):
    lifecycle.enrolment_change_status(
        enrolment=active, to_status=Status.PAUSED, reason="Sick", by=coach.user
    )
    assert not expected_at(timetable["later"], participant)
    lifecycle.enrolment_change_status(
        enrolment=Enrolment.objects.get(pk=active.pk), to_status=Status.ACTIVE, by=coach.user
    )
    assert expected_at(timetable["later"], participant)


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
