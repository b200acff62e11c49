from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per report worker process (`manage.py run_worker`), stamped every few seconds
    while it runs, so /healthz can tell a stopped worker from an idle one. django-tasks' own
    tables only say which worker took a task, not whether any worker is there to take one.
    Nothing personal: a machine name and a process number."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return f"{self.host}:{self.pid}"
