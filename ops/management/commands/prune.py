"""`manage.py prune`: forget what Parcours no longer needs, on the schedule of
docs/data-protection.md. Run daily by the scheduler (docs/deployment.md)."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ops.heartbeat import FORGET_AFTER
from ops.models import WorkerHeartbeat

TASK_RESULT_DAYS = 14
SIGN_IN_DAYS = 30


class Command(BaseCommand):
    help = (
        "Delete finished background-task results, expired sessions and old sign-in records "
        "(successful and failed sign-ins, lock-out counts past their cool-off)"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--task-results-days",
            type=int,
            default=TASK_RESULT_DAYS,
            help="keep finished task results this many days (default %(default)s)",
        )
        parser.add_argument(
            "--sign-in-days",
            type=int,
            default=SIGN_IN_DAYS,
            help="keep records of sign-ins this many days (default %(default)s)",
        )

    def handle(self, *, task_results_days: int, sign_in_days: int, **options):
        now = timezone.now()
        task_limit = now - datetime.timedelta(days=task_results_days)
        sign_in_limit = now - datetime.timedelta(days=sign_in_days)
        deleted = {
            # Finished only: a queued or running task is still someone's report.
            "task results": DBTaskResult.objects.finished()
            .filter(finished_at__lt=task_limit)
            .delete()[0],
            "expired sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
            "sign-in records": AccessLog.objects.filter(attempt_time__lt=sign_in_limit).delete()[0]
            + AccessFailureLog.objects.filter(attempt_time__lt=sign_in_limit).delete()[0],
            # The failure counts behind lock-outs; past the cool-off they lock nobody.
            "lock-out counts": AccessAttempt.objects.filter(
                attempt_time__lt=now - settings.AXES_COOLOFF_TIME
            ).delete()[0],
            "worker heartbeats": WorkerHeartbeat.objects.filter(
                beat_at__lt=now - FORGET_AFTER
            ).delete()[0],
        }
        for what, count in deleted.items():
            self.stdout.write(f"{what}: {count} deleted")
