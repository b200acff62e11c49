"""What /healthz looks at: each check answers cheaply (one or two queries, no network) with
whether it is fine and a short state for whoever reads the monitoring. Nothing personal."""

import datetime
from functools import cache

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from ops.email import is_relay
from ops.heartbeat import BEAT_SECONDS, last_beat

# Several missed beats before the worker counts as gone: a busy database may delay one.
WORKER_SILENT_AFTER = datetime.timedelta(seconds=BEAT_SECONDS * 4)


def database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return {"ok": False, "state": f"unreachable ({type(error).__name__})"}
    return {"ok": True, "state": "reachable"}


@cache
def migrations_on_disk() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Every migration the code ships, with the ones it replaces (squashed). Read from disk
    once per process: the code does not change under a running server."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: tuple(migration.replaces) for key, migration in loader.disk_migrations.items()}


def migrations() -> dict:
    applied = set(MigrationRecorder(connection).applied_migrations())
    pending = [
        key
        for key, replaces in migrations_on_disk().items()
        if key not in applied and not (replaces and set(replaces) <= applied)
    ]
    if pending:
        return {"ok": False, "state": f"{len(pending)} not applied: run manage.py migrate"}
    return {"ok": True, "state": "all applied"}


def worker() -> dict:
    if not isinstance(task_backends["default"], DatabaseBackend):
        return {"ok": True, "state": "not used: tasks run inside the request"}
    beat_at = last_beat()
    if beat_at is None:
        return {"ok": False, "state": "never seen: start manage.py run_worker"}
    silent = timezone.now() - beat_at
    seconds = int(silent.total_seconds())
    if silent > WORKER_SILENT_AFTER:
        return {"ok": False, "state": f"silent for {seconds} s", "last_seen_seconds": seconds}
    return {"ok": True, "state": "running", "last_seen_seconds": seconds}


def mail() -> dict:
    kind = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
    if kind == "locmem":
        # Django's test runner puts every test on this backend; no server runs on it (the
        # start-up check refuses it), so here it is a test reading its outbox.
        return {"ok": True, "state": "test outbox"}
    if is_relay(settings.EMAIL_BACKEND):
        # Not the relay's name: the page is public, and that is the network's business.
        return {"ok": True, "state": "relay"}
    # The console is the development default; in production it means mail reaches nobody.
    return {"ok": settings.DEBUG, "state": f"{kind}, no relay"}


def report() -> tuple[bool, dict]:
    checks = {"database": database()}
    if checks["database"]["ok"]:
        checks["migrations"] = migrations()
        checks["worker"] = worker()
    else:
        unknown = {"ok": False, "state": "unknown: no database"}
        checks["migrations"] = checks["worker"] = unknown
    checks["mail"] = mail()
    return all(check["ok"] for check in checks.values()), checks
