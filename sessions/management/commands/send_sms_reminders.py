"""`manage.py send_sms_reminders`: queue the day's text-message reminders of tomorrow's
sessions. Run once a day by the scheduler (deploy/parcours-sms-reminders.timer); running it
again the same day sends nothing twice."""

from django.core.management.base import BaseCommand

from sessions import sms
from sessions.tasks import send_sms_reminders


class Command(BaseCommand):
    help = "Queue the text-message reminders of tomorrow's sessions (sent once per session)"

    def handle(self, *args, **options):
        if not sms.enabled():
            self.stdout.write("No SMS backend is configured (PARCOURS_SMS_BACKEND): nothing sent.")
            return
        result = send_sms_reminders.enqueue()
        self.stdout.write(f"Reminders queued ({result.status}).")
