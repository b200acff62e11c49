"""Text messages sent in the background (django-tasks, as reports/tasks.py): the immediate
backend runs them at once in development; production's worker (`manage.py run_worker`) runs
them beside the web processes. The reminders are queued once a day by
`manage.py send_sms_reminders` (deploy/parcours-sms-reminders.timer); a move or a
cancellation queues its message when the change is saved (sessions.services)."""

from django_tasks import task

from sessions import sms


@task()
def send_sms_reminders() -> int:
    return sms.send_reminders()


@task()
def send_sms_change(session_id: int, kind: str) -> int:
    return sms.send_change(session_id=session_id, kind=kind)
