"""Personas shared by every test: one organisation with a coach, a colleague coach, a
manager and an administrator, and another organisation whose coach and manager must never see
the first one's participants."""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sms
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from programme import two_factor
from programme.models import Staff
from tests.factories import (
    make_enrolment,
    make_organisation,
    make_participant,
    make_programme,
    make_staff,
)

HERE = Path(__file__).resolve().parent
# The slow tiers, by folder or module under tests/ (markers described in pyproject.toml).
# `make test` runs every one of them; `make test-fast` leaves them out for a quick loop.
# Every Hypothesis test is `fuzzing` too, wherever it lives; a single test may also carry its
# marker itself (two coaches' threads in tests/sessions/test_attendance_concurrency.py).
SLOW_TIERS = {
    "e2e": "browser",
    "deploy": "deploy",
    "security/test_deploy.py": "deploy",
    "integrity": "integrity",
    "properties": "fuzzing",
    "api/test_schema.py": "fuzzing",
}


def pytest_configure(config):
    # WhiteNoise warns that STATIC_ROOT is missing until collectstatic has run; tests never
    # serve static files.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")
    _one_local_date_per_run()


def _one_local_date_per_run():
    """Many test modules take today's date once, when they are collected, and some compare
    "an hour ago" with today. A run near local midnight would see two dates. So a run that
    starts between 22:00 and 02:00 on the site's clock sets the clock of this process to
    noon of that date (it keeps ticking): the whole run, well under an hour, sees one date."""
    from django.conf import settings

    now = datetime.datetime.now(ZoneInfo(settings.TIME_ZONE))
    if now.hour >= 22 or now.hour < 2:
        noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
        time_machine.travel(noon, tick=True).start()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker("fuzzing")
        path = Path(str(item.path)).resolve()
        if not path.is_relative_to(HERE):
            continue
        path = path.relative_to(HERE).as_posix()
        for place, marker in SLOW_TIERS.items():
            if path == place or path.startswith(place + "/"):
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def _english_and_fast_hashing(settings):
    # Messages are asserted in the source language; the default (fr) would only translate
    # Django's own strings and make the assertions depend on the installed catalogues.
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _second_factor_required(settings):
    # As in production: managers and administrators must set up an authenticator app.
    settings.PARCOURS_DEMO_SKIP_2FA = False


@pytest.fixture(autouse=True)
def _no_n_plus_one(settings):
    # django-zeal (config/settings.py) raises on an N+1 query in any request a test makes: a
    # page or API list that reads a relation row by row fails the suite instead of slowing down
    # at scale. Only requests are watched: factories may loop as they like.
    settings.MIDDLEWARE = ["zeal.middleware.zeal_middleware", *settings.MIDDLEWARE]


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    # Text messages go to django-sms's in-memory outbox (sms.outbox), empty for each test.
    settings.SMS_BACKEND = "sms.backends.locmem.SmsBackend"
    sms.outbox = []
    yield
    sms.outbox = []


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate limits (password reset) count in the cache: each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation(db):
    return make_organisation(name="CPAS de Liège", city="Liège")


@pytest.fixture
def other_organisation(db):
    return make_organisation(name="OCMW Antwerpen", city="Antwerpen")


@pytest.fixture
def coach(organisation):
    return make_staff(
        organisation=organisation,
        role=Staff.Role.COACH,
        username="amina",
        first_name="Amina",
        last_name="Benali",
    )


@pytest.fixture
def colleague(organisation):
    return make_staff(
        organisation=organisation,
        role=Staff.Role.COACH,
        username="pieter",
        first_name="Pieter",
        last_name="Claes",
    )


@pytest.fixture
def manager(organisation):
    return make_staff(
        organisation=organisation,
        role=Staff.Role.MANAGER,
        username="sophie",
        first_name="Sophie",
        last_name="Lambert",
    )


@pytest.fixture
def administrator(organisation):
    return make_staff(
        organisation=organisation,
        role=Staff.Role.ADMINISTRATOR,
        username="admin-liege",
        first_name="Marc",
        last_name="Renard",
    )


@pytest.fixture
def outsider(other_organisation):
    return make_staff(
        organisation=other_organisation,
        role=Staff.Role.COACH,
        username="jan",
        first_name="Jan",
        last_name="Peeters",
    )


@pytest.fixture
def outsider_manager(other_organisation):
    return make_staff(
        organisation=other_organisation,
        role=Staff.Role.MANAGER,
        username="els",
        first_name="Els",
        last_name="Maes",
    )


@pytest.fixture
def superuser(db):
    """IT's first account (createsuperuser): no organisation, every screen of the admin."""
    return get_user_model().objects.create_superuser(
        username="it-root", email="it@example.org", password="correct horse battery staple"
    )


@pytest.fixture
def programme(organisation):
    return make_programme(organisation=organisation, name="Vivre ensemble", code="vivre-ensemble")


@pytest.fixture
def other_programme(other_organisation):
    return make_programme(organisation=other_organisation, name="Samen op weg", code="samen-op-weg")


@pytest.fixture
def participant(coach):
    """On the coach's caseload (referent coach), not on the colleague's."""
    return make_participant(
        organisation=coach.organisation,
        coach=coach.user,
        first_name="Selam",
        last_name="Haile",
        national_number="85073003328",
        birth_date=datetime.date(1985, 7, 30),
    )


@pytest.fixture
def enrolment(participant, programme, coach):
    return make_enrolment(participant=participant, programme=programme, coach=coach.user)


def _client_for(staff) -> Client:
    client = Client()
    client.force_login(getattr(staff, "user", staff))
    # The personas have passed their second factor (tests/security/ walk the real flow).
    session = client.session
    session[two_factor.STATE] = two_factor.DONE
    session.save()
    return client


@pytest.fixture
def coach_client(coach):
    return _client_for(coach)


@pytest.fixture
def colleague_client(colleague):
    return _client_for(colleague)


@pytest.fixture
def manager_client(manager):
    return _client_for(manager)


@pytest.fixture
def administrator_client(administrator):
    return _client_for(administrator)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


@pytest.fixture
def outsider_manager_client(outsider_manager):
    return _client_for(outsider_manager)


@pytest.fixture
def superuser_client(superuser):
    return _client_for(superuser)
