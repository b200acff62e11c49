import datetime

import pytest
from django.utils import timezone

from programme.models import Organisation
from sessions.services import find_conflicts
from tests.factories import make_participant
from tests.sessions.factories import make_booking, make_room, make_session

pytestmark = pytest.mark.django_db
T = datetime.time
DAY = datetime.date(2026, 12, 3)


def check(**kwargs):
    # Conflicts are looked up within one organisation: these tests have one (the coach's).
    if "organisation_id" not in kwargs:
        kwargs["organisation_id"] = Organisation.objects.order_by("pk").first().pk
    kwargs.setdefault("day", DAY)
    kwargs.setdefault("start", T(10))
    kwargs.setdefault("end", T(11))
    return find_conflicts(**kwargs)


def test_a_participant_expected_elsewhere_at_that_time(programme, participant):
    other = make_session(programme=programme, date=DAY, topic="Atelier CV", expected=[participant])

    conflicts = check(participant_ids=[participant.pk])

    assert [(c.kind, c.session) for c in conflicts] == [("participant", other)]
    assert (
        conflicts[0].message == "Selam Haile is already expected at Atelier CV — 03/12/2026 09:00."
    )


def test_a_coach_facilitating_twice(programme, coach, colleague):
    other = make_session(
        programme=programme, date=DAY, topic="Atelier CV", facilitators=[coach.user, colleague.user]
    )

    conflicts = check(facilitator_ids=[coach.user.pk])

    assert [(c.kind, c.session) for c in conflicts] == [("facilitator", other)]
    assert conflicts[0].message == "Amina Benali already leads Atelier CV — 03/12/2026 09:00."


def test_a_room_booked_twice(programme, organisation):
    room = make_room(organisation=organisation)
    other = make_session(programme=programme, date=DAY, room=room, topic="Atelier CV")
    make_session(programme=programme, date=DAY, room=make_room(organisation=organisation))

    conflicts = check(room_id=room.pk)

    assert [(c.kind, c.session) for c in conflicts] == [("room", other)]
    assert conflicts[0].message == "The room is already booked for Atelier CV — 03/12/2026 09:00."


def test_the_same_interpreter_booked_twice(programme):
    other = make_session(programme=programme, date=DAY, topic="Atelier CV")
    make_booking(session=other, interpreter_name="Youssef Amrani")

    conflicts = check(interpreter_names=["  youssef amrani "])

    assert [(c.kind, c.session) for c in conflicts] == [("interpreter", other)]
    assert conflicts[0].message == (
        "The interpreter is already booked for Atelier CV — 03/12/2026 09:00."
    )
    assert check(interpreter_names=["Fatima Zahra"]) == []
    assert check(interpreter_names=["", "  "]) == []


def test_a_cancelled_interpreter_booking_does_not_conflict(programme):
    other = make_session(programme=programme, date=DAY)
    make_booking(session=other, status="cancelled")
    assert check(interpreter_names=["Youssef Amrani"]) == []


def test_a_group_session_over_capacity(programme):
    people = [make_participant(organisation=programme.organisation) for _ in range(3)]

    conflicts = check(participant_ids=[p.pk for p in people], capacity=2)

    assert [(c.kind, c.session) for c in conflicts] == [("capacity", None)]
    assert conflicts[0].message == "3 people are expected for 2 places."
    assert check(participant_ids=[p.pk for p in people], capacity=3) == []


@pytest.mark.parametrize("start, end", [(T(11), T(12)), (T(9), T(10))])
def test_touching_times_do_not_conflict(programme, participant, coach, start, end):
    room = make_room(organisation=programme.organisation)
    make_session(
        programme=programme,
        date=DAY,
        start_time=T(10),
        end_time=T(11),
        room=room,
        facilitators=[coach.user],
        expected=[participant],
    )
    everything = {
        "participant_ids": [participant.pk],
        "facilitator_ids": [coach.user.pk],
        "room_id": room.pk,
    }

    assert check(start=start, end=end, **everything) == []
    assert len(check(start=T(10, 59), end=end.replace(hour=13), **everything)) == 3


def test_another_day_does_not_conflict(programme, participant, coach):
    make_session(
        programme=programme,
        date=DAY + datetime.timedelta(days=1),
        facilitators=[coach.user],
        expected=[participant],
    )
    assert check(participant_ids=[participant.pk], facilitator_ids=[coach.user.pk]) == []


def test_a_cancelled_session_does_not_conflict(programme, participant, coach):
    room = make_room(organisation=programme.organisation)
    other = make_session(
        programme=programme,
        date=DAY,
        room=room,
        facilitators=[coach.user],
        expected=[participant],
        cancelled_at=timezone.now(),
        cancel_reason="Strike",
    )
    make_booking(session=other)

    conflicts = check(
        participant_ids=[participant.pk],
        facilitator_ids=[coach.user.pk],
        room_id=room.pk,
        interpreter_names=["Youssef Amrani"],
    )

    assert conflicts == []


def test_the_session_itself_can_be_excluded(programme, participant, coach):
    room = make_room(organisation=programme.organisation)
    itself = make_session(
        programme=programme, date=DAY, room=room, facilitators=[coach.user], expected=[participant]
    )
    make_booking(session=itself)
    everything = {
        "participant_ids": [participant.pk],
        "facilitator_ids": [coach.user.pk],
        "room_id": room.pk,
        "interpreter_names": ["Youssef Amrani"],
    }

    assert {c.kind for c in check(**everything)} == {
        "participant",
        "facilitator",
        "room",
        "interpreter",
    }
    assert check(**everything, exclude=[itself.pk]) == []


@pytest.mark.parametrize("size", [1, 30])
def test_the_number_of_queries_does_not_grow_with_the_people(
    programme, coach, colleague, size, django_assert_num_queries
):
    people = [make_participant(organisation=programme.organisation) for _ in range(size)]
    room = make_room(organisation=programme.organisation)
    for person in people:
        other = make_session(
            programme=programme,
            date=DAY,
            room=room,
            facilitators=[coach.user, colleague.user],
            expected=[person],
        )
        make_booking(session=other)

    # 1. the people's attendance rows at overlapping sessions, with participant and kind
    # 2. the overlapping sessions led by the facilitators, with their kind
    # 3. their facilitators
    # 4. the overlapping sessions in the room, with their kind
    # 5. the overlapping sessions with the interpreter, with their kind
    with django_assert_num_queries(5):
        conflicts = check(
            organisation_id=programme.organisation_id,
            participant_ids=[p.pk for p in people],
            facilitator_ids=[coach.user.pk, colleague.user.pk],
            room_id=room.pk,
            interpreter_names=["Youssef Amrani"],
            capacity=12,
        )

    kinds = [c.kind for c in conflicts]
    assert kinds.count("participant") == size
    assert kinds.count("facilitator") == 2 * size
    assert kinds.count("room") == size
    assert kinds.count("interpreter") == size
    assert kinds.count("capacity") == (1 if size > 12 else 0)
