"""The services not covered by the recurrence, conflict and attendance tests."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants.models import Enrolment
from sessions import services
from sessions.models import Attendance, Group, Place
from tests.factories import make_enrolment, make_participant, make_programme
from tests.sessions.factories import (
    add_member,
    get_kind,
    make_session,
    session_row_counts,
)

pytestmark = pytest.mark.django_db
D = datetime.date
T = datetime.time


def test_group_create_saves_the_group_and_its_coaches(programme, coach, colleague):
    group = services.group_create(
        data={"programme": programme, "name": "FLE B1", "capacity": 8, "starts_on": D(2027, 1, 4)},
        coaches=[coach.user, colleague.user],
    )
    assert Group.objects.get() == group
    assert set(group.coaches.all()) == {coach.user, colleague.user}


def test_group_create_refuses_an_invalid_group_whole(programme, coach):
    before = session_row_counts()
    with pytest.raises(ValidationError) as refused:
        services.group_create(
            data={
                "programme": programme,
                "name": "FLE B1",
                "starts_on": D(2027, 1, 4),
                "ends_on": D(2026, 1, 4),
            },
            coaches=[coach.user],
        )
    assert refused.value.message_dict == {"ends_on": ["The group cannot end before it starts."]}
    assert session_row_counts() == before


def session_data(programme, **overrides):
    data = {
        "programme": programme,
        "kind": get_kind("individual_coaching"),
        "date": D(2026, 12, 2),
        "start_time": T(10),
        "end_time": T(11),
        "place": Place.HOME,
    }
    return {**data, **overrides}


def test_session_create_expects_the_people_named_and_the_members_of_the_day(
    programme, group, member, coach
):
    left = make_participant(coach=coach.user)
    add_member(group=group, participant=left, joined_on=D(2026, 1, 5), left_on=D(2026, 11, 30))
    extra = make_participant(coach=coach.user)

    session = services.session_create(
        data=session_data(programme, group=group, kind=get_kind("workshop")),
        facilitators=[coach.user],
        participants=[extra, member],
    )

    assert set(session.attendances.values_list("participant", flat=True)) == {member.pk, extra.pk}
    assert list(session.facilitators.all()) == [coach.user]


def test_session_create_refuses_a_group_of_another_programme(programme, organisation, coach):
    other = services.group_create(
        data={
            "programme": make_programme(organisation=organisation),
            "name": "Ailleurs",
            "starts_on": D(2026, 1, 5),
        }
    )
    before = session_row_counts()
    with pytest.raises(ValidationError) as refused:
        services.session_create(data=session_data(programme, group=other))
    assert refused.value.message_dict == {"group": ["This group belongs to another programme."]}
    assert session_row_counts() == before


def test_session_add_participants_adds_only_who_is_missing(programme, participant, coach):
    session = make_session(programme=programme, expected=[participant])
    newcomer = make_participant(coach=coach.user)

    services.session_add_participants(session=session, participants=[participant, newcomer])

    assert sorted(session.attendances.values_list("participant", flat=True)) == sorted(
        [participant.pk, newcomer.pk]
    )


def test_session_move_refuses_an_end_before_the_start(programme, participant):
    session = make_session(programme=programme, date=D(2026, 12, 2))
    with pytest.raises(ValidationError) as refused:
        services.session_move(
            session=session, date=D(2026, 12, 3), start_time=T(11), end_time=T(10)
        )
    assert refused.value.message_dict == {"end_time": ["The end must come after the start."]}
    session.refresh_from_db()
    assert (session.date, session.detached) == (D(2026, 12, 2), False)


def test_hours_by_period_counts_attended_hours_per_iso_week(programme, participant):
    # Monday 30 November and Thursday 3 December 2026 are in ISO week 49.
    monday = make_session(
        programme=programme, date=D(2026, 11, 30), start_time=T(9), end_time=T(12)
    )
    thursday = make_session(
        programme=programme, date=D(2026, 12, 3), start_time=T(13), end_time=T(14, 30)
    )
    next_week = make_session(programme=programme, date=D(2026, 12, 7))
    absent = make_session(programme=programme, date=D(2026, 12, 8))
    cancelled = make_session(programme=programme, date=D(2026, 12, 9), cancelled_at=timezone.now())
    for session, status in [
        (monday, "present"),
        (thursday, "late"),
        (next_week, "present"),
        (absent, "absent"),
        (cancelled, "present"),
    ]:
        Attendance.objects.create(session=session, participant=participant, status=status)

    hours = services.hours_by_period(
        participant_ids=[participant.pk], start=D(2026, 11, 1), end=D(2026, 12, 31)
    )

    assert hours == {participant.pk: {(2026, 49): 4.5, (2026, 50): 3.0}}


def test_needs_attention_lists_the_longest_absence_streaks_first(programme, coach):
    enrolments = []
    for streak in (1, 5, 3):
        enrolment = make_enrolment(
            participant=make_participant(coach=coach.user),
            programme=programme,
            status=Enrolment.Status.ACTIVE,
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(consecutive_absences=streak)
        enrolments.append(enrolment)

    flagged = services.needs_attention(enrolments=Enrolment.objects.all(), threshold=3)

    assert list(flagged) == [enrolments[1], enrolments[2]]
