"""One record of each kind the API lists, all on the coach's caseload: the enrolment (active),
its placement, referral, evaluation, language assessment, a follow-up call of an earlier
(exited) enrolment, a group the coach leads, its series and yesterday's session where the
participant is expected. The colleague coaches none of it; the outsider is of another
organisation."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from programme.services import api_token_create
from sessions.models import ensure_default_kinds
from tests.api.factories import make_world


@pytest.fixture
def world(coach, participant, enrolment, programme):
    ensure_default_kinds()
    return make_world(coach=coach, participant=participant, enrolment=enrolment)


def api_client(staff) -> Client:
    """A client that signs in with a personal API key, as another system would."""
    _token, key = api_token_create(user=staff.user, name="test")
    return Client(headers={"authorization": f"Bearer {key}"})


@pytest.fixture
def today() -> datetime.date:
    return timezone.localdate()
