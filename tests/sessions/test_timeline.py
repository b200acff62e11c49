"""Sessions and attendance on the participant file's timeline."""

import datetime

import pytest
from django.utils import timezone

from sessions.models import Attendance, Group
from sessions.timeline import attendance_entries
from tests.factories import make_participant
from tests.sessions.factories import days_from_today, get_kind, make_session

pytestmark = pytest.mark.django_db
Status = Attendance.Status
DAY = datetime.timedelta(days=1)
TOPIC = "Finding your way in the city"


def attend(session, participant, status=Status.EXPECTED, **kwargs) -> Attendance:
    return Attendance.objects.create(
        session=session, participant=participant, status=status, **kwargs
    )


@pytest.fixture
def group(programme):
    return Group.objects.create(programme=programme, name="Tuesday group")


def titles(participant) -> list[str]:
    return [entry.title for entry in attendance_entries(participant)]


@pytest.mark.parametrize(
    ("status", "reason", "title"),
    [
        (Status.PRESENT, "", "Group session — Finding your way in the city: Present"),
        (Status.LATE, "", "Group session — Finding your way in the city: Late"),
        (
            Status.EXCUSED,
            "Doctor's appointment",
            "Group session — Finding your way in the city: Excused absence (Doctor's appointment)",
        ),
        (Status.ABSENT, "", "Group session — Finding your way in the city: Unexcused absence"),
        (Status.EXPECTED, "", "Group session — Finding your way in the city: Not recorded yet"),
    ],
)
def test_each_attended_session_says_what_was_recorded(
    participant, programme, group, coach, status, reason, title
):
    session = make_session(programme=programme, group=group, topic=TOPIC)
    attend(session, participant, status, reason=reason, recorded_by=coach.user)

    [entry] = attendance_entries(participant)

    assert entry.title == title
    assert entry.when == session.starts_at()
    assert entry.kind == f"session-{status}"
    assert entry.by == "Amina Benali"


def test_a_session_without_topic_is_named_by_its_group_or_kind(participant, programme, group):
    attend(make_session(programme=programme, group=group, topic=""), participant, Status.PRESENT)
    attend(
        make_session(
            programme=programme,
            topic="",
            kind=get_kind("individual_coaching"),
            date=days_from_today(-2),
        ),
        participant,
        Status.PRESENT,
    )
    # The registry sorts the entries; the provider returns them in any order.
    assert sorted(titles(participant)) == [
        "Group session — Tuesday group: Present",
        "Individual coaching: Present",
    ]


def test_todays_session_is_on_the_file_and_later_ones_are_not(participant, programme, group):
    attend(
        make_session(programme=programme, group=group, date=days_from_today(0), topic=TOPIC),
        participant,
    )
    attend(
        make_session(programme=programme, group=group, date=days_from_today(1), topic=TOPIC),
        participant,
    )
    assert titles(participant) == ["Group session — Finding your way in the city: Not recorded yet"]


def test_a_cancelled_session_is_on_the_file_even_before_its_date(participant, programme, group):
    cancelled_at = timezone.now() - datetime.timedelta(hours=2)
    session = make_session(
        programme=programme,
        group=group,
        date=days_from_today(7),
        cancelled_at=cancelled_at,
        cancel_reason="Facilitator ill",
        topic=TOPIC,
    )
    attend(session, participant)

    [entry] = attendance_entries(participant)

    assert (
        entry.title == "Group session — Finding your way in the city: Cancelled (Facilitator ill)"
    )
    assert entry.detail == f"Planned for {session.date:%d/%m/%Y}"
    # Shown when it was called off, not in the future.
    assert entry.when == cancelled_at
    assert entry.kind == "session-cancelled"


def test_only_sessions_the_person_was_expected_at(participant, programme, group, coach):
    make_session(programme=programme, group=group, topic=TOPIC)
    other = make_participant(coach=coach.user)
    attend(make_session(programme=programme, group=group, topic=TOPIC), other, Status.PRESENT)
    assert attendance_entries(participant) == []


def test_they_take_their_place_on_the_file(participant, programme, group, enrolment, coach_client):
    enrolment.changes.create(to_status="referred", changed_at=timezone.now() - 10 * DAY)
    attend(
        make_session(programme=programme, group=group, date=days_from_today(-3), topic=TOPIC),
        participant,
        "late",
    )
    attend(
        make_session(programme=programme, group=group, date=days_from_today(-1), topic=TOPIC),
        participant,
        "present",
    )

    response = coach_client.get(participant.get_absolute_url())

    assert [entry.title for entry in response.context["timeline"]] == [
        "Group session — Finding your way in the city: Present",
        "Group session — Finding your way in the city: Late",
        "Vivre ensemble: Referred",
    ]
    assert "Group session — Finding your way in the city: Present" in response.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_the_file_runs_the_same_queries_for_1_or_20_sessions(
    participant, programme, group, coach, coach_client, size, django_assert_num_queries
):
    for n in range(size):
        session = make_session(
            programme=programme, group=group, date=days_from_today(-n - 1), topic=TOPIC
        )
        attend(session, participant, Status.PRESENT, recorded_by=coach.user)
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the participant with their referent coach, within the user's reach, once per language
    # 4. the audit event recording the view
    # 5. the enrolments with programme, coach and next open to-do, once per status change with
    #    who made it, per intake interview with who held it, per current co-coach with their
    #    user and per module of the plan not ended (the list of programmes, the status changes
    #    and interviews on the timeline, "Now"'s programmes, modules and next to-do)
    # 6. the consents with partner and recorder (the panel, and the timeline)
    # 7. the goals with their enrolment, once per step done (the timeline, "Now"'s open goals)
    # 8. the referrals  9. the placements with their host (the timeline, "Now"'s placements)
    # 10. the language assessments  11. the evaluations, once per domain the coach scored
    # 12. the enrolments with their exit review, once per follow-up call (the timeline's
    #     calls that ended, "Now"'s next call)
    # 13. the attendance rows with session, kind, group and room, past and to come (the
    #     timeline, "Now"'s next sessions)
    # 14. the text messages about sessions, with their session (the timeline)
    # 15. the current group memberships with their group ("Now")
    with django_assert_num_queries(15):
        response = coach_client.get(participant.get_absolute_url())
    assert len(response.context["timeline"]) == size
