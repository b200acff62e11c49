"""/healthz for the proxy and the monitoring: 200 when the database answers, every migration
is applied, the report worker beats and mail has a relay; 503 otherwise, each part's state in
the body; no sign-in, nothing personal, a few queries."""

import datetime

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from ops import health
from ops.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

URL = "/healthz"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = SMTP
    settings.TASKS = DATABASE_TASKS


def worker_seen(seconds_ago: int) -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=f"w{seconds_ago}",
        host="app1",
        pid=4242,
        started_at=now - datetime.timedelta(hours=1),
        beat_at=now - datetime.timedelta(seconds=seconds_ago),
    )


def test_all_well_answers_200_with_each_part(client, production, django_assert_num_queries):
    worker_seen(5)
    # SELECT 1; the migrations table exists?; the applied migrations; the freshest heartbeat.
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "migrations": True,
        "worker": True,
        "mail": True,
    }
    assert 5 <= body["checks"]["worker"]["last_seen_seconds"] < 60


def test_it_needs_no_sign_in_and_shows_nothing_personal(client, production, coach, participant):
    worker_seen(5)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    for private in [participant.last_name, coach.user.username, "app1", "4242"]:
        assert private not in response.text


def test_a_silent_worker_answers_503(client, production):
    worker_seen(int(health.WORKER_SILENT_AFTER.total_seconds()) + 1)
    response = client.get(URL)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["state"].startswith("silent for")
    assert body["checks"]["database"]["ok"] is True


def test_a_worker_never_started_answers_503(client, production):
    response = client.get(URL)
    assert response.status_code == 503
    assert "run_worker" in response.json()["checks"]["worker"]["state"]


def test_the_freshest_of_several_workers_counts(client, production):
    worker_seen(3600)
    worker_seen(2)
    assert client.get(URL).status_code == 200


def test_without_a_worker_backend_the_worker_is_not_needed(client, production, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["state"].startswith("not used")


def test_mail_without_a_relay_fails_in_production_only(client, production, settings):
    worker_seen(1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["mail"] == {"ok": False, "state": "console, no relay"}
    settings.DEBUG = True
    assert client.get(URL).status_code == 200


def test_a_migration_not_applied_answers_503(client, production, monkeypatch):
    worker_seen(1)
    on_disk = dict(health.migrations_on_disk())
    on_disk[("ops", "9999_not_yet")] = ()
    monkeypatch.setattr(health, "migrations_on_disk", lambda: on_disk)
    response = client.get(URL)
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "ok": False,
        "state": "1 not applied: run manage.py migrate",
    }


def test_a_squashed_migration_counts_as_applied_when_what_it_replaces_is(production, monkeypatch):
    on_disk = dict(health.migrations_on_disk())
    on_disk[("ops", "0001_squashed")] = (("ops", "0001_worker_heartbeat"),)
    monkeypatch.setattr(health, "migrations_on_disk", lambda: on_disk)
    assert health.migrations()["ok"] is True


def test_an_unreachable_database_answers_503_without_asking_more(client, production, monkeypatch):
    def unreachable():
        return {"ok": False, "state": "unreachable (OperationalError)"}

    monkeypatch.setattr(health, "database", unreachable)
    response = client.get(URL)
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["migrations"]["state"] == checks["worker"]["state"] == "unknown: no database"


def test_the_database_check_reports_an_error_by_its_kind(monkeypatch):
    class Broken:
        def __enter__(self):
            raise DatabaseError("could not connect to server at 10.0.0.5")

        def __exit__(self, *args):
            return False

    monkeypatch.setattr(health.connection, "cursor", Broken)
    assert health.database() == {"ok": False, "state": "unreachable (DatabaseError)"}


def test_it_answers_get_only(client, production):
    assert client.post(URL).status_code == 405


def test_plain_http_is_not_redirected_for_the_local_monitoring(client, production, settings):
    settings.SECURE_SSL_REDIRECT = True
    worker_seen(1)
    assert client.get(URL).status_code == 200
    assert client.get(reverse("login")).status_code == 301


def test_the_test_runners_outbox_counts_as_mail(client, settings):
    """Django's test runner puts mail on locmem; a server never runs on it (the start-up
    check refuses it), so the page is green in tests that do not set a relay."""
    settings.DEBUG = False
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
    assert client.get(URL).json()["checks"]["mail"] == {"ok": True, "state": "test outbox"}
