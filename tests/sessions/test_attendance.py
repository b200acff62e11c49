import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants.models import Enrolment
from sessions import services
from sessions.models import Attendance, GroupMembership
from tests.factories import make_enrolment, make_organisation, make_participant, make_programme
from tests.sessions.factories import (
    admit,
    days_from_today,
    make_session,
    session_row_counts,
)

pytestmark = pytest.mark.django_db


def row_of(session, participant) -> Attendance:
    return Attendance.objects.get(session=session, participant=participant)


def record(session, participant, status, *, by, reason="", version=None):
    if version is None:
        version = row_of(session, participant).version
    return services.attendance_record(
        session=session,
        participant=participant,
        status=status,
        reason=reason,
        version=version,
        by=by.user,
    )


@pytest.mark.parametrize("status", ["present", "late", "absent"])
def test_it_records_a_status(session, member, coach, status):
    row = record(session, member, status, by=coach, reason="ignored unless absent")

    assert row.status == status
    assert row.reason == ("ignored unless absent" if status == "absent" else "")
    assert row.version == 2
    assert row.recorded_by == coach.user
    assert row.recorded_at is not None
    assert row_of(session, member).status == status


def test_an_excused_absence_keeps_its_reason(session, member, coach):
    row = record(session, member, "excused", by=coach, reason="  Medical appointment ")
    assert (row.status, row.reason) == ("excused", "Medical appointment")


def test_an_excused_absence_needs_a_reason(session, member, coach):
    with pytest.raises(ValidationError) as refused:
        record(session, member, "excused", by=coach, reason="  ")

    assert refused.value.message_dict == {"reason": ["Give the reason for the excused absence."]}
    row = row_of(session, member)
    assert (row.status, row.version, row.recorded_by) == ("expected", 1, None)


@pytest.mark.parametrize("status", ["expected", "maybe", ""])
def test_only_a_real_status_is_accepted(session, member, coach, status):
    with pytest.raises(ValidationError) as refused:
        record(session, member, status, by=coach)
    assert refused.value.messages == ["Choose present, late, excused or unexcused absence."]
    assert row_of(session, member).status == "expected"


def test_a_future_session_is_refused(session, member, coach):
    session.date = days_from_today(1)
    session.save()
    with pytest.raises(ValidationError) as refused:
        record(session, member, "present", by=coach)
    assert refused.value.messages == ["Attendance is recorded on the day of the session or later."]
    assert row_of(session, member).status == "expected"


def test_the_day_itself_is_accepted(session, member, coach):
    session.date = timezone.localdate()
    session.save()
    assert record(session, member, "present", by=coach).status == "present"


def test_a_cancelled_session_is_refused(session, member, coach):
    services.session_cancel(session=session, reason="Coach ill")
    with pytest.raises(ValidationError) as refused:
        record(session, member, "present", by=coach)
    assert refused.value.messages == ["This session was cancelled."]
    assert row_of(session, member).status == "expected"


def test_recording_again_from_the_new_version_changes_the_status(session, member, coach):
    record(session, member, "absent", by=coach)
    row = record(session, member, "late", by=coach)
    assert (row.status, row.reason, row.version) == ("late", "", 3)


# The figures of the enrolment --------------------------------------------------------------


@pytest.fixture
def four_sessions(programme, member, enrolment):
    """Four past sessions of the programme where the member is expected, oldest first."""
    return [
        make_session(programme=programme, date=days_from_today(-days), expected=[member])
        for days in (28, 21, 14, 7)
    ]


def test_the_figures_of_the_enrolment_follow_the_recorded_attendance(
    four_sessions, member, enrolment, coach
):
    first, second, third, fourth = four_sessions
    record(first, member, "present", by=coach)
    record(second, member, "late", by=coach)
    record(third, member, "absent", by=coach)
    record(fourth, member, "excused", by=coach, reason="Ill")

    enrolment.refresh_from_db()
    # Excused absences do not count: 2 attended out of 3.
    assert enrolment.attendance_rate == Decimal("66.7")
    assert enrolment.consecutive_absences == 2
    assert enrolment.last_attended_on == second.date


def test_an_excused_absence_does_not_lower_the_rate(four_sessions, member, enrolment, coach):
    first, second, *_rest = four_sessions
    record(first, member, "present", by=coach)
    record(second, member, "excused", by=coach, reason="Job interview")

    enrolment.refresh_from_db()
    assert enrolment.attendance_rate == Decimal("100.0")
    assert enrolment.consecutive_absences == 1
    assert enrolment.last_attended_on == first.date


def test_attending_again_ends_the_absences_in_a_row(four_sessions, member, enrolment, coach):
    for session in four_sessions[:3]:
        record(session, member, "absent", by=coach)
    enrolment.refresh_from_db()
    assert (enrolment.attendance_rate, enrolment.consecutive_absences) == (Decimal("0.0"), 3)
    assert enrolment.last_attended_on is None

    record(four_sessions[3], member, "present", by=coach)

    enrolment.refresh_from_db()
    assert (enrolment.attendance_rate, enrolment.consecutive_absences) == (Decimal("25.0"), 0)
    assert enrolment.last_attended_on == four_sessions[3].date


def test_only_open_enrolments_of_the_programme_are_updated(
    session, member, enrolment, organisation, coach
):
    other = make_enrolment(
        participant=member,
        programme=make_programme(organisation=organisation),
        status=Enrolment.Status.ACTIVE,
    )
    finished = make_enrolment(
        participant=member, programme=session.programme, status=Enrolment.Status.EXITED
    )

    record(session, member, "present", by=coach)

    enrolment.refresh_from_db()
    other.refresh_from_db()
    finished.refresh_from_db()
    assert enrolment.attendance_rate == Decimal("100.0")
    assert other.attendance_rate is None
    assert finished.attendance_rate is None


# A whole session at once -------------------------------------------------------------------


@pytest.fixture
def trio(session, member, programme, coach):
    """The member and two more people expected at the session, each with an enrolment."""
    others = [make_participant(coach=coach.user) for _ in range(2)]
    for person in others:
        make_enrolment(participant=person, programme=programme)
    Attendance.objects.bulk_create(Attendance(session=session, participant=p) for p in others)
    return [member, *others]


def test_a_whole_session_is_recorded_in_one_call(session, trio, coach):
    first, second, third = trio

    saved = services.attendance_record_session(
        session=session,
        marks={first.pk: "present", second.pk: "excused", third.pk: "absent"},
        reasons={second.pk: "Child ill", third.pk: "  "},
        by=coach.user,
    )

    assert saved == 3
    rows = {row.participant_id: row for row in session.attendances.all()}
    assert [(rows[p.pk].status, rows[p.pk].reason) for p in trio] == [
        ("present", ""),
        ("excused", "Child ill"),
        ("absent", ""),
    ]
    assert {row.version for row in rows.values()} == {2}
    assert {row.recorded_by for row in rows.values()} == {coach.user}
    enrolments = Enrolment.objects.filter(participant__in=trio).order_by("participant_id")
    assert [e.attendance_rate for e in enrolments] == [Decimal("100.0"), None, Decimal("0.0")]


def test_recording_a_whole_session_adds_someone_not_expected_yet(session, member, coach):
    walk_in = make_participant(coach=coach.user)

    services.attendance_record_session(
        session=session, marks={member.pk: "present", walk_in.pk: "late"}, by=coach.user
    )

    assert row_of(session, walk_in).status == "late"


@pytest.mark.parametrize(
    "marks, reasons, message",
    [
        (
            {0: "present", 1: "expected"},
            {},
            "Choose present, late, excused or unexcused absence for everyone.",
        ),  # fmt: skip
        ({0: "present", 1: "excused"}, {}, "Give the reason for each excused absence."),
    ],
)
def test_a_whole_session_with_a_bad_mark_is_refused_whole(
    session, trio, coach, marks, reasons, message
):
    before = session_row_counts()
    with pytest.raises(ValidationError) as refused:
        services.attendance_record_session(
            session=session,
            marks={trio[i].pk: status for i, status in marks.items()},
            reasons=reasons,
            by=coach.user,
        )
    assert refused.value.messages == [message]
    assert set(session.attendances.values_list("status", flat=True)) == {"expected"}
    assert session_row_counts() == before


def test_a_whole_future_or_cancelled_session_is_refused(session, member, coach):
    message = "Attendance is recorded on the day of a session that took place."
    session.date = days_from_today(2)
    session.save()
    with pytest.raises(ValidationError) as refused:
        services.attendance_record_session(session=session, marks={member.pk: "present"}, by=None)
    assert refused.value.messages == [message]

    session.date = days_from_today(-2)
    session.cancelled_at = timezone.now()
    session.save()
    with pytest.raises(ValidationError) as refused:
        services.attendance_record_session(session=session, marks={member.pk: "present"}, by=None)
    assert refused.value.messages == [message]
    assert row_of(session, member).status == "expected"


# Joining and leaving a group ---------------------------------------------------------------


@pytest.fixture
def calendar(programme, group, member):
    """The group's sessions: one last week (the member attended), one yesterday, one today,
    one next week, and a cancelled one the week after."""
    past = make_session(programme=programme, group=group, date=days_from_today(-7))
    make_session(programme=programme, group=group, date=days_from_today(-1))
    today = make_session(programme=programme, group=group, date=days_from_today(0))
    coming = make_session(programme=programme, group=group, date=days_from_today(7))
    cancelled = make_session(
        programme=programme,
        group=group,
        date=days_from_today(14),
        cancelled_at=timezone.now(),
        cancel_reason="Holiday camp",
    )
    for session in (past, today, coming):
        Attendance.objects.create(session=session, participant=member)
    Attendance.objects.filter(session=past).update(status="present", version=2)
    return {"past": past, "today": today, "coming": coming, "cancelled": cancelled}


def newcomers(programme, coach, how_many):
    people = [make_participant(coach=coach.user) for _ in range(how_many)]
    for person in people:
        admit(person, programme)
    return people


def test_new_members_are_expected_at_the_coming_sessions_only(group, calendar, programme, coach):
    people = newcomers(programme, coach, 2)

    added = services.group_add_members(
        group=group, participants=people, joined_on=timezone.localdate()
    )

    assert {m.participant for m in added} == set(people)
    assert all(m.joined_on == timezone.localdate() for m in added)
    for person in people:
        sessions = set(
            Attendance.objects.filter(participant=person).values_list("session", flat=True)
        )
        assert sessions == {calendar["today"].pk, calendar["coming"].pk}
        statuses = Attendance.objects.filter(participant=person).values_list("status", flat=True)
        assert set(statuses) == {"expected"}


def test_adding_someone_already_in_the_group_changes_nothing(group, calendar, member):
    before = session_row_counts()
    added = services.group_add_members(
        group=group, participants=[member], joined_on=timezone.localdate()
    )
    assert added == []
    assert session_row_counts() == before


def test_adding_more_people_than_free_places_is_refused_whole(group, calendar, programme, coach):
    group.capacity = 2
    group.save()
    before = session_row_counts()

    with pytest.raises(ValidationError) as refused:
        services.group_add_members(
            group=group,
            participants=newcomers(programme, coach, 2),
            joined_on=timezone.localdate(),
        )

    assert refused.value.messages == ["The group has 1 free places; you chose 2 people."]
    assert session_row_counts() == before


def test_someone_of_another_organisation_cannot_join(group, calendar):
    stranger = make_participant(organisation=make_organisation())
    before = session_row_counts()

    with pytest.raises(ValidationError) as refused:
        services.group_add_members(
            group=group, participants=[stranger], joined_on=timezone.localdate()
        )

    assert refused.value.messages == ["Only participants of the programme's organisation can join."]
    assert session_row_counts() == before


def test_leaving_removes_only_the_coming_expected_rows(group, calendar, member):
    services.group_remove_member(group=group, participant=member, left_on=timezone.localdate())

    membership = GroupMembership.objects.get(group=group, participant=member)
    assert membership.left_on == timezone.localdate()
    # Last week's recorded attendance and today's row stay; next week's goes.
    assert set(Attendance.objects.filter(participant=member).values_list("session", "status")) == {
        (calendar["past"].pk, "present"),
        (calendar["today"].pk, "expected"),
    }


def test_leaving_keeps_attendance_recorded_after_the_day(group, calendar, member):
    Attendance.objects.filter(session=calendar["coming"]).update(status="excused", reason="Ill")

    services.group_remove_member(
        group=group, participant=member, left_on=timezone.localdate() - datetime.timedelta(days=3)
    )

    assert set(Attendance.objects.filter(participant=member).values_list("session", "status")) == {
        (calendar["past"].pk, "present"),
        (calendar["coming"].pk, "excused"),
    }


def test_someone_not_in_the_group_cannot_leave_it(group, calendar, programme, coach):
    stranger = newcomers(programme, coach, 1)[0]
    before = session_row_counts()
    with pytest.raises(ValidationError) as refused:
        services.group_remove_member(
            group=group, participant=stranger, left_on=timezone.localdate()
        )
    assert refused.value.messages == ["This person is not in the group."]
    assert session_row_counts() == before


def test_someone_who_left_may_join_again(group, calendar, member):
    services.group_remove_member(
        group=group, participant=member, left_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.group_add_members(group=group, participants=[member], joined_on=timezone.localdate())

    assert GroupMembership.objects.filter(group=group, participant=member).count() == 2
    assert Attendance.objects.filter(session=calendar["coming"], participant=member).exists()
