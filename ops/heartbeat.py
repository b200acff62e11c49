"""The report worker's heartbeat: a thread of `manage.py run_worker` stamps the worker's row
every BEAT_SECONDS; /healthz reads the freshest stamp (ops/health.py)."""

import datetime
import logging
import os
import socket
import threading

from django.db import DatabaseError, connections
from django.utils import timezone

from ops.models import WorkerHeartbeat

log = logging.getLogger("parcours.worker")

BEAT_SECONDS = 15
# Rows of workers that stopped long ago say nothing useful any more.
FORGET_AFTER = datetime.timedelta(days=7)


def beat(worker_id: str, started_at: datetime.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "beat_at": timezone.now(),
        },
    )


def last_beat() -> datetime.datetime | None:
    return WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()


class Heartbeat(threading.Thread):
    """A thread rather than a beat in the worker's loop: a report that takes minutes to count
    keeps the loop busy, and the worker is alive all the same. A beat that fails (the database
    restarting) is logged and tried again at the next one."""

    def __init__(self, worker_id: str, every: float = BEAT_SECONDS):
        super().__init__(name="parcours-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            # The command beats once itself before starting the thread.
            while not self.stopping.wait(self.every):
                try:
                    beat(self.worker_id, self.started_at)
                except DatabaseError as error:
                    log.warning("worker heartbeat not recorded: %s", error)
                    connections.close_all()
        finally:
            # This thread's own connections; the worker's are the main thread's.
            connections.close_all()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.every + 5)
