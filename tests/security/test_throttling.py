"""Sign-in throttling with django-axes: a user name is locked after five wrong passwords, an
address after twenty (an office signs in from one address), for 15 minutes counted from the
lock-out, in the database every app process shares.

ASVS 5.0 V6.3.1 (controls against credential stuffing and brute force) and V6.1.1 (throttling
documented, and designed so it cannot be turned into a denial of service against a colleague).
"""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, username, times, address="10.0.0.1"):
    """Wrong passwords; the fifth one already answers with the lock-out."""
    return [sign_in(client, username, "wrong password", address).status_code for _ in range(times)]


def time_passes(minutes):
    # django-axes counts from each attempt's time: moving them back is the clock moving on.
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= datetime.timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_five_wrong_passwords_lock_the_user_name(client, coach):
    """ASVS 5.0 V6.3.1"""
    assert fail(client, "amina", 5) == [200, 200, 200, 200, 429]
    response = sign_in(client, "amina", PASSWORD)
    assert response.status_code == 429
    assert "Try again in 15 minutes." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_user_name_stays_locked_from_another_address(client, coach):
    """ASVS 5.0 V6.3.1: locked by user name, not only by user name and address together."""
    fail(client, "amina", 5, address="10.0.0.1")
    assert sign_in(Client(), "amina", PASSWORD, address="192.0.2.7").status_code == 429


def test_the_address_is_locked_whatever_the_user_name(client, coach, colleague):
    """ASVS 5.0 V6.3.1: an address trying many user names (credential stuffing) is stopped,
    after twenty failures in all."""
    for number in range(20):
        sign_in(client, f"a{number}", "wrong password", address="198.51.100.9")
    response = sign_in(client, "pieter", PASSWORD, address="198.51.100.9")
    assert response.status_code == 429
    # A colleague elsewhere signs in as usual.
    assert sign_in(Client(), "pieter", PASSWORD, address="10.0.0.2").status_code == 302


def test_four_wrong_passwords_do_not_lock(client, coach):
    fail(client, "amina", 4)
    assert sign_in(client, "amina", PASSWORD).status_code == 302


def test_the_count_lives_in_the_database_shared_by_every_process(client, coach):
    """ASVS 5.0 V6.3.1: the lock-out holds across app processes, so it is kept in the shared
    database (no process-local memory, no Redis needed)."""
    fail(client, "amina", 5)
    assert AccessAttempt.objects.filter(username="amina").exists()


def test_a_colleague_cannot_lock_me_out_for_good(client, coach):
    """ASVS 5.0 V6.3.1 / V6.1.1: the lock-out ends by itself 15 minutes after it began, even if
    someone keeps trying meanwhile."""
    fail(client, "amina", 5, address="10.0.0.66")
    time_passes(10)
    for _ in range(3):
        assert sign_in(client, "amina", "wrong password", "10.0.0.66").status_code == 429
    assert sign_in(Client(), "amina", PASSWORD, address="10.0.0.1").status_code == 429
    time_passes(6)
    response = sign_in(Client(), "amina", PASSWORD, address="10.0.0.1")
    assert response.status_code == 302


def test_a_good_sign_in_clears_the_count(client, coach):
    fail(client, "amina", 4)
    assert sign_in(client, "amina", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    fail(client, "amina", 4)
    assert sign_in(client, "amina", PASSWORD).status_code == 302


def test_behind_the_proxy_each_client_has_its_own_address(client, coach, colleague, settings):
    """ASVS 5.0 V6.3.1: behind nginx or Caddy, the lock-out by address is the client's, not the
    proxy's (which would lock everyone out at once)."""
    settings.PARCOURS_BEHIND_PROXY = True
    for username in ["a1", "a2", "a3", "a4", "a5"]:
        client.post(
            reverse("login"),
            {"username": username, "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )
    other = Client().post(
        reverse("login"),
        {"username": "pieter", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert other.status_code == 302


def test_nineteen_failures_from_one_address_do_not_lock_it(client, coach, colleague):
    for number in range(19):
        sign_in(client, f"a{number}", "wrong password", address="198.51.100.9")
    assert sign_in(client, "pieter", PASSWORD, address="198.51.100.9").status_code == 302


def test_one_locked_account_does_not_lock_colleagues_at_the_same_office(client, coach, colleague):
    """A CPAS office signs in from one address: one person's five wrong passwords lock their
    own account, and a colleague at the next desk still signs in."""
    assert fail(client, "amina", 5, address="10.0.0.1") == [200, 200, 200, 200, 429]
    # Trying on while locked adds nothing to the office's count.
    fail(client, "amina", 10, address="10.0.0.1")
    assert sign_in(client, "amina", PASSWORD, address="10.0.0.1").status_code == 429
    assert sign_in(Client(), "pieter", PASSWORD, address="10.0.0.1").status_code == 302


def test_the_address_limit_is_the_deployers_choice(client, coach, colleague, settings):
    """PARCOURS_SIGN_IN_FAILURES_PER_ADDRESS (docs/configuration.md) sets the address's limit."""
    settings.PARCOURS_SIGN_IN_FAILURES_PER_ADDRESS = 8
    statuses = [
        sign_in(client, f"a{number}", "wrong password", address="198.51.100.9").status_code
        for number in range(8)
    ]
    assert statuses == [200] * 7 + [429]
    assert sign_in(Client(), "pieter", PASSWORD, address="198.51.100.9").status_code == 429
