"""Sessions and attendance on the participant file's timeline (merged in casefile.timeline)."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from participants.timeline import Entry, _name, read_once
from sessions.models import Attendance, Session, SmsMessage


def session_url(session: Session) -> str:
    """The session's page; empty while no such route exists, so the file still renders."""
    try:
        return reverse("sessions:session", args=[session.pk])
    except NoReverseMatch:
        return ""


def file_attendances(participant) -> list[Attendance]:
    """Every session the person is expected at, past and to come, with what was recorded:
    one query per file, shared by the timeline and the file's next sessions."""
    return read_once(
        participant,
        "attendances",
        lambda: list(
            Attendance.objects.filter(participant=participant).select_related(
                "session__kind", "session__group", "session__room", "recorded_by"
            )
        ),
    )


def attendance_entries(participant) -> list[Entry]:
    """Each session the person was expected at that has taken place (or is today), and each
    cancelled one, with what was recorded. One query whatever the number of sessions
    (file_attendances)."""
    today = timezone.localdate()
    return [
        _entry(row)
        for row in file_attendances(participant)
        if row.session.date <= today or row.session.cancelled_at is not None
    ]


def _entry(row: Attendance) -> Entry:
    session = row.session
    what = _("Group session") if session.group_id else str(session.kind)
    topic = session.topic or (session.group.name if session.group_id else "")
    if topic:
        what = _("%(what)s — %(topic)s") % {"what": what, "topic": topic}
    when = session.starts_at()
    if session.is_cancelled:
        outcome = pgettext("session", "Cancelled")
        reason = session.cancel_reason
        # A cancelled session that was still to come is shown when it was called off, so the
        # file holds no future entries.
        when = min(when, session.cancelled_at)
        detail = _("Planned for %(date)s") % {
            "date": date_format(session.date, "SHORT_DATE_FORMAT")
        }
    else:
        outcome = row.get_status_display()
        reason = row.reason if row.status in Attendance.ABSENCES else ""
        detail = ""
    if reason:
        outcome = _("%(outcome)s (%(reason)s)") % {"outcome": outcome, "reason": reason}
    return Entry(
        when=when,
        kind=f"session-{'cancelled' if session.is_cancelled else row.status}",
        title=_("%(what)s: %(outcome)s") % {"what": what, "outcome": outcome},
        detail=detail,
        by=_name(row.recorded_by),
        url=session_url(session),
    )


def sms_entries(participant) -> list[Entry]:
    """Each text message about a session sent (or tried) to the person, with its words: one
    query whatever their number."""
    messages = SmsMessage.objects.filter(participant=participant).select_related("session")
    return [
        Entry(
            when=message.sent_at or message.created_at,
            kind=f"sms-{message.status}",
            title=(
                _("Text message sent: %(kind)s")
                if message.status == SmsMessage.Status.SENT
                else _("Text message not sent: %(kind)s")
            )
            % {"kind": message.get_kind_display()},
            detail=message.body
            + (f" — {message.error}" if message.status == SmsMessage.Status.FAILED else ""),
            url=session_url(message.session) if message.session_id else "",
        )
        for message in messages
    ]
