"""Failed sign-ins and refused access are logged with who, what, when (UTC), from where, and
nothing sensitive (the audit log of audit/, and the `parcours.audit` logger).

ASVS 5.0 V16.3.1 (authentication failures logged), V16.3.2 (failed authorisation logged),
V16.2.1 (who, what, when, where), V16.2.2 (UTC), V16.2.5 (no sensitive data in the log).
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import Event

pytestmark = pytest.mark.django_db


def test_a_failed_sign_in_is_logged_without_the_password(client, coach, caplog):
    """ASVS 5.0 V16.3.1, V16.2.5"""
    client.post(
        reverse("login"),
        {"username": "amina", "password": "my secret guess"},
        REMOTE_ADDR="192.0.2.10",
    )
    event = Event.objects.get(action=Event.Action.SIGN_IN_FAILED)
    assert event.note == "amina"
    assert event.ip == "192.0.2.10"
    assert event.at.tzinfo is not None
    assert abs(event.at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=1)
    assert "my secret guess" not in caplog.text
    assert "sign-in failed: username='amina' ip=192.0.2.10" in caplog.text


def test_a_lock_out_is_logged(client, coach, caplog):
    """ASVS 5.0 V16.3.1"""
    for _ in range(5):
        client.post(reverse("login"), {"username": "amina", "password": "wrong"})
    assert "sign-in failed (locked out): username='amina'" in caplog.text


def test_a_refused_page_is_logged(outsider_client, outsider, participant, caplog):
    """ASVS 5.0 V16.3.2: the 404 of an access helper is a refused access, logged with who."""
    url = reverse("participants:detail", args=[participant.pk])
    assert outsider_client.get(url).status_code == 404
    event = Event.objects.get(action=Event.Action.ACCESS_REFUSED)
    assert event.actor_id == outsider.user.pk
    assert url in event.note
    assert "access refused" in caplog.text
    # The refused person's name is not in the log: only the address asked for.
    assert participant.last_name not in event.note


def test_a_refused_form_is_logged(coach, caplog):
    """ASVS 5.0 V16.3.2: a form without its CSRF token is refused (403) and logged."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach.user)
    response = client.post(reverse("participants:create"), {})
    assert response.status_code == 403
    assert "csrf refused" in caplog.text
    assert Event.objects.filter(action=Event.Action.ACCESS_REFUSED, note__startswith="CSRF")


def test_an_anonymous_404_is_not_logged(client):
    client.get("/no-such-page/")
    assert not Event.objects.exists()
