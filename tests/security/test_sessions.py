"""Staff sessions end after inactivity, after a maximum lifetime, and at once when the user is
deactivated; the portal's sessions keep their own rules."""

import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse

from programme import services, two_factor
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
CASELOAD = reverse("participants:caseload")


def shift(client, key, seconds):
    session = client.session
    session[key] -= seconds
    session.save()


def test_a_session_ends_after_half_an_hour_without_use(coach_client):
    """ASVS 5.0 V7.3.1: an inactivity timeout."""
    shift(coach_client, two_factor.SEEN, 31 * 60)
    response = coach_client.get(CASELOAD)
    assert response.url == login_url(CASELOAD)
    assert SESSION_KEY not in coach_client.session


def test_use_keeps_the_session_open(coach_client):
    """ASVS 5.0 V7.3.1: the inactivity clock restarts at each request."""
    shift(coach_client, two_factor.SEEN, 29 * 60)
    assert coach_client.get(CASELOAD).status_code == 200
    assert time.time() - coach_client.session[two_factor.SEEN] < 5
    assert coach_client.session.get_expiry_age() == 30 * 60


def test_a_session_ends_after_ten_hours_whatever_the_use(coach_client):
    """ASVS 5.0 V7.3.2: an absolute maximum session lifetime."""
    shift(coach_client, two_factor.STARTED, 10 * 3600 + 1)
    assert coach_client.get(CASELOAD).url == login_url(CASELOAD)


def test_the_limits_are_settings(coach_client, settings):
    settings.PARCOURS_STAFF_IDLE_MINUTES = 5
    shift(coach_client, two_factor.SEEN, 6 * 60)
    assert coach_client.get(CASELOAD).status_code == 302


def test_a_deactivated_user_is_out_at_the_next_request(coach, coach_client):
    """ASVS 5.0 V7.4.2: Django's ModelBackend refuses an inactive user's session by itself."""
    coach.user.is_active = False
    coach.user.save()
    assert coach_client.get(CASELOAD).url == login_url(CASELOAD)


def test_deactivating_a_user_deletes_their_sessions(coach, coach_client, colleague_client):
    """ASVS 5.0 V7.4.2: all active sessions end when the account is disabled."""
    services.staff_change(staff=coach, role=coach.role, site=coach.site, is_active=False)
    assert Session.objects.count() == 1  # the colleague's
    assert coach_client.get(CASELOAD).status_code == 302
    assert colleague_client.get(CASELOAD).status_code == 200


def test_a_change_that_keeps_the_user_active_keeps_their_sessions(coach, coach_client):
    services.staff_change(staff=coach, role=coach.role, site=coach.site, is_active=True)
    assert coach_client.get(CASELOAD).status_code == 200


def test_the_session_cookie_is_http_only_and_same_site(client, coach):
    """ASVS 5.0 V3.3.2, V3.3.4: HttpOnly and SameSite on the session and CSRF cookies (Secure
    in production: tests/security/test_deploy.py)."""
    from tests.factories import PASSWORD

    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "amina", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.cookies["csrftoken"]["samesite"] == "Lax"


def test_the_cookies_are_secure_when_asked(client, coach, settings):
    """ASVS 5.0 V3.3.1: the Secure attribute (on whenever DEBUG is off)."""
    from tests.factories import PASSWORD

    settings.SESSION_COOKIE_SECURE = True
    response = client.post(reverse("login"), {"username": "amina", "password": PASSWORD})
    assert response.cookies["sessionid"]["secure"]
