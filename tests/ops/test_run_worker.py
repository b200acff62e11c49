"""`manage.py run_worker`: django-tasks' database worker with a heartbeat, so a stopped worker
shows on /healthz and the snapshot page instead of nowhere."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ops import heartbeat
from ops.models import WorkerHeartbeat
from reports import tasks

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The worker closes connections that are not in autocommit, as after a request: the tests run
# outside a test transaction, as the real worker does.
WORKER_DB = pytest.mark.django_db(transaction=True)


def run_worker(*args):
    call_command("run_worker", "--batch", "--no-startup-delay", "--no-reload", *args)


@WORKER_DB
def test_the_worker_records_its_heartbeat_and_runs_the_queue(settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    built = []
    monkeypatch.setattr(
        "reports.tasks.funder_snapshot_build", lambda *, snapshot_id: built.append(snapshot_id)
    )
    tasks.build_funder_snapshot.enqueue(41)
    run_worker("--worker-id", "app1-worker")
    assert built == [41]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    beat = WorkerHeartbeat.objects.get()
    assert beat.worker_id == "app1-worker"
    assert timezone.now() - beat.beat_at < datetime.timedelta(minutes=1)
    assert beat.pid > 0 and beat.host


@WORKER_DB
def test_a_worker_forgets_the_heartbeats_of_workers_gone_for_a_week(settings):
    settings.TASKS = DATABASE_TASKS
    long_ago = timezone.now() - datetime.timedelta(days=8)
    WorkerHeartbeat.objects.create(
        worker_id="old", host="h", pid=1, started_at=long_ago, beat_at=long_ago
    )
    run_worker("--worker-id", "new")
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_beats_while_the_worker_is_busy():
    """A report may keep the worker's loop busy for minutes; the thread beats meanwhile."""
    started = timezone.now() - datetime.timedelta(minutes=5)
    heartbeat.beat("busy", started)
    first = WorkerHeartbeat.objects.get().beat_at
    thread = heartbeat.Heartbeat("busy", every=0.01)
    thread.started_at = started
    beaten = threading.Event()
    original = heartbeat.beat

    def beat_and_tell(worker_id, started_at):
        original(worker_id, started_at)
        beaten.set()

    heartbeat.beat = beat_and_tell
    try:
        thread.start()
        assert beaten.wait(timeout=10)
    finally:
        thread.stop()
        heartbeat.beat = original
    assert not thread.is_alive()
    row = WorkerHeartbeat.objects.get()
    assert row.beat_at > first and row.started_at == started
