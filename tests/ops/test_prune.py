"""`manage.py prune`: finished task results after 14 days, expired sessions, sign-in records
after 30 days and lock-out counts past their cool-off are deleted; nothing still in use is."""

import datetime
import io

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reports import tasks

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def task_result(status: str, finished_at):
    result = tasks.build_funder_snapshot.enqueue(1)
    DBTaskResult.objects.filter(pk=result.id).update(status=status, finished_at=finished_at)
    return result.id


def record(model, when, **fields):
    # attempt_time is set on creation by django-axes: moved back after.
    row = model.objects.create(ip_address="10.0.0.1", user_agent="x", **fields)
    model.objects.filter(pk=row.pk).update(attempt_time=when)


def prune(*args) -> str:
    out = io.StringIO()
    call_command("prune", *args, stdout=out)
    return out.getvalue()


def test_finished_task_results_go_after_fourteen_days_queued_ones_stay(settings):
    settings.TASKS = DATABASE_TASKS
    old_done = task_result("SUCCESSFUL", ago(days=15))
    old_failed = task_result("FAILED", ago(days=15))
    recent = task_result("SUCCESSFUL", ago(days=13))
    queued = task_result("READY", None)
    output = prune()
    remaining = set(DBTaskResult.objects.values_list("id", flat=True))
    assert {str(pk) for pk in remaining} == {str(recent), str(queued)}
    assert old_done not in remaining and old_failed not in remaining
    assert "task results: 2 deleted" in output


def test_expired_sessions_go_live_ones_stay():
    live = SessionStore()
    live["x"] = 1
    live.create()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=ago(seconds=1))
    output = prune()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert "expired sessions: 1 deleted" in output


def test_sign_in_records_go_after_thirty_days(settings):
    for when in [ago(days=31), ago(days=29)]:
        record(AccessLog, when, username="amina")
        record(AccessFailureLog, when, username="amina")
    output = prune()
    assert AccessLog.objects.count() == AccessFailureLog.objects.count() == 1
    assert AccessLog.objects.get().attempt_time > ago(days=30)
    assert "sign-in records: 2 deleted" in output


def test_lock_out_counts_go_once_they_lock_nobody(settings):
    """Past the cool-off a count no longer locks anyone; within it, it still does."""
    for when, username in [(ago(minutes=16), "old"), (ago(minutes=5), "current")]:
        record(AccessAttempt, when, username=username, failures_since_start=5)
    prune()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["current"]


def test_the_retention_can_be_set(settings):
    record(AccessLog, ago(days=8), username="amina")
    prune("--sign-in-days", "7", "--task-results-days", "3")
    assert not AccessLog.objects.exists()
