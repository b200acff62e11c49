"""A group of the coach's programme, with the coach's participant in it, and its session of
yesterday, where that participant is expected. The colleague coach neither coaches the group
nor has anyone of it on their caseload, so the group and its sessions are out of their reach."""

import pytest

from participants.models import Enrolment
from sessions import services
from sessions.models import Place, ensure_default_kinds
from tests.factories import make_enrolment
from tests.sessions.factories import (
    NINE,
    NOON,
    add_member,
    days_from_today,
    get_kind,
    make_group,
    make_room,
    make_session,
    make_site,
)


@pytest.fixture
def kinds(db):
    # A transactional test flushes the database, default kinds included.
    ensure_default_kinds()


@pytest.fixture
def site(organisation):
    return make_site(organisation=organisation, name="Antenne Sainte-Marguerite")


@pytest.fixture
def room(site):
    return make_room(site=site, name="Salle 2", capacity=14)


@pytest.fixture
def group(programme, coach):
    return make_group(programme=programme, coaches=[coach.user], name="FLE A1 matin", capacity=12)


@pytest.fixture
def enrolment(participant, programme, coach):
    """Admitted: only admitted people join a group."""
    return make_enrolment(
        participant=participant,
        programme=programme,
        coach=coach.user,
        status=Enrolment.Status.ACTIVE,
        started_on=days_from_today(-90),
    )


@pytest.fixture
def member(group, participant, enrolment):
    """The coach's participant, enrolled in the programme and in the group."""
    add_member(group=group, participant=participant)
    return participant


@pytest.fixture
def session(kinds, programme, group, member, coach):
    """Yesterday 9:00–12:00, so attendance can be recorded."""
    return make_session(
        programme=programme,
        group=group,
        topic="Au marché",
        facilitators=[coach.user],
        expected=[member],
    )


@pytest.fixture
def series(kinds, programme, group, member, coach):
    """The group's weekly series: four sessions 9–12 from tomorrow on, led by the coach."""
    start = days_from_today(1)
    return services.series_create(
        data={
            "programme": programme,
            "group": group,
            "kind": get_kind("language_practice"),
            "topic": "Conversation",
            "start_time": NINE,
            "end_time": NOON,
            "place": Place.ONLINE,
            "weekdays": str(start.weekday()),
            "starts_on": start,
            "count": 4,
        },
        facilitators=[coach.user],
    )
