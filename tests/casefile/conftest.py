"""An active participant in a group of the coach's programme, with a session they attended
last week, a group session next week and an individual session next week that is theirs."""

import datetime

import pytest
from django.utils import timezone

from participants.models import Enrolment
from sessions.models import Attendance, ensure_default_kinds
from tests.sessions.factories import (
    add_member,
    days_from_today,
    get_kind,
    make_group,
    make_session,
)

TODAY = timezone.localdate


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.ACTIVE, started_on=TODAY() - datetime.timedelta(days=120)
    )
    return Enrolment.objects.select_related("programme", "participant").get(pk=enrolment.pk)


@pytest.fixture
def group(programme, coach):
    return make_group(programme=programme, coaches=[coach.user], name="FLE A1 matin", capacity=12)


@pytest.fixture
def timetable(db, active, group, participant, programme, coach):
    ensure_default_kinds()
    add_member(group=group, participant=participant)
    past = make_session(programme=programme, group=group, date=days_from_today(-7))
    Attendance.objects.create(session=past, participant=participant, status="present", version=2)
    later = make_session(
        programme=programme, group=group, date=days_from_today(7), expected=[participant]
    )
    individual = make_session(
        programme=programme,
        kind=get_kind("individual_coaching"),
        date=days_from_today(8),
        facilitators=[coach.user],
        expected=[participant],
    )
    return {"past": past, "later": later, "individual": individual}


def review(**overrides) -> dict:
    data = {
        "exited_on": TODAY(),
        "exit_reason": "completed",
        "drop_out_reason": "",
        "exit_destination": "training",
        "strengths": "Punctual; speaks up in the group now.",
        "next_step": "Care assistant training at the adult school.",
        "contact_person": "Social worker of the Sainte-Marguerite antenna",
    }
    data.update(overrides)
    return data
