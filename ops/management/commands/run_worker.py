"""`manage.py run_worker`: django-tasks' database worker (`db_worker`, same options) with a
heartbeat, so /healthz and the snapshot page can tell when no worker is running."""

import os

from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from ops.heartbeat import FORGET_AFTER, Heartbeat, beat
from ops.models import WorkerHeartbeat


class Command(db_worker.Command):
    help = "Run the report worker (django-tasks' db_worker) and record its heartbeat"

    def handle(self, **options):
        # With --reload the first process only watches the files; the worker runs in the
        # child it starts (which runs this command again, with the variable set).
        watcher_only = options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if watcher_only:
            return super().handle(**options)
        WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - FORGET_AFTER).delete()
        heartbeat = Heartbeat(options["worker_id"])
        # The first beat in the foreground: a worker that cannot write it fails at once.
        beat(heartbeat.worker_id, heartbeat.started_at)
        heartbeat.start()
        try:
            return super().handle(**options)
        finally:
            heartbeat.stop()
