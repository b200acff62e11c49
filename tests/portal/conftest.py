import datetime

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_enrolment, make_participant
from tests.portal.factories import portal_client_for


@pytest.fixture
def participant(participant):
    """The shared persona, reading the portal in English: the tests assert source texts."""
    participant.portal_language = "en"
    participant.save()
    return participant


@pytest.fixture
def active(enrolment):
    """The participant's enrolment, admitted and running."""
    enrolment.status = "active"
    enrolment.started_on = timezone.localdate() - datetime.timedelta(days=60)
    enrolment.save()
    return enrolment


@pytest.fixture
def portal(participant, active) -> Client:
    """The participant's phone, signed in to the portal."""
    client, _access = portal_client_for(participant)
    return client


@pytest.fixture
def neighbour(coach, programme):
    """Another participant of the same coach and programme, with a phone of their own."""
    person = make_participant(
        organisation=coach.organisation, coach=coach.user, first_name="Rahel", portal_language="en"
    )
    make_enrolment(participant=person, programme=programme, status="active")
    return person


@pytest.fixture
def neighbour_portal(neighbour) -> Client:
    client, _access = portal_client_for(neighbour)
    return client
