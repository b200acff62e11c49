"""Text messages to participants about their sessions, through django-sms (its backend chosen
by settings.SMS_BACKEND: in memory in the tests, the console in development, a provider in
production; docs/decisions/0021-sms-reminders.md).

Three messages: a reminder the day before a session, and a word when a session is moved or
cancelled. Each goes only to a person who gave their consent for it (Consent.Purpose
.SMS_REMINDERS, not withdrawn), has a phone number and has not opted out; in their language
for the phone pages; with the session's kind, day, time and place and nothing more. Each is
kept as an SmsMessage, whose unique key names the event, so that running again sends nothing
twice. With no backend configured, nothing is sent nor kept."""

import datetime
import logging

import phonenumbers
import sms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

from participants.models import Consent, Participant
from sessions.models import AbsenceNotice, Attendance, Place, Session, SmsMessage

logger = logging.getLogger(__name__)
Kind = SmsMessage.Kind
# A failed message is tried again at the next run, up to this many times in all.
MAX_ATTEMPTS = 3


def enabled() -> bool:
    return bool(settings.SMS_BACKEND)


def language_for(participant: Participant) -> str:
    """The person's language for the phone pages when the portal speaks it (Dari for a Farsi
    speaker, as on the phone), else the organisation's."""
    available = [code for code, _name in settings.PORTAL_LANGUAGES]
    language = {"fa": "prs"}.get(participant.portal_language, participant.portal_language)
    return language if language in available else participant.organisation.language


def phone_number(participant: Participant) -> str | None:
    """The number in international form, or None when it cannot receive a text."""
    try:
        number = phonenumbers.parse(participant.phone, settings.PARCOURS_SMS_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def reachable(attendances, day: datetime.date):
    """The attendance rows whose person may receive a text: consent for it valid that day, a
    phone number, no opt-out."""
    consent = Consent.objects.valid_on(day).filter(
        participant=OuterRef("participant_id"), purpose=Consent.Purpose.SMS_REMINDERS
    )
    return (
        attendances.filter(Exists(consent), participant__sms_opt_out=False)
        .exclude(participant__phone="")
        .select_related("participant__organisation")
    )


def _place(session: Session) -> str:
    if session.place == Place.ROOM and session.room_id:
        parts = [session.room.name, session.room.site.address]
        return ", ".join(part for part in parts if part)
    if session.place == Place.OUTSIDE:
        return session.address
    return str(Place(session.place).label)


def _when(session: Session) -> str:
    return "{} {}, {}–{}".format(
        date_format(session.date, "l"),
        date_format(session.date, "DATE_FORMAT"),
        time_format(session.start_time, "TIME_FORMAT"),
        time_format(session.end_time, "TIME_FORMAT"),
    )


def message_text(kind: str, session: Session, participant: Participant) -> str:
    """The message in the person's language: who sends it, what, when and where. No name, no
    topic typed by the staff, nothing else about the person."""
    with translation.override(language_for(participant)):
        values = {
            "organisation": participant.organisation.name,
            "what": str(session.kind),
            "when": _when(session),
            "place": _place(session),
        }
        if kind == Kind.REMINDER:
            text = _(
                "%(organisation)s: tomorrow, %(what)s, %(when)s. Place: %(place)s. "
                "If you cannot come, tell your coach."
            )
        elif kind == Kind.MOVED:
            text = _("%(organisation)s: your session %(what)s moved to %(when)s. Place: %(place)s.")
        else:
            text = _("%(organisation)s: your session %(what)s of %(when)s is cancelled.")
        return text % values


def _key(kind: str, session: Session, participant: Participant) -> str:
    """One message per event: the reminder of this date and time, the move to this date and
    time, this cancellation."""
    if kind == Kind.CANCELLED:
        event = session.cancelled_at.strftime("%Y%m%d%H%M%S") if session.cancelled_at else ""
    else:
        event = f"{session.date:%Y%m%d}{session.start_time:%H%M}{session.end_time:%H%M}"
    return f"{kind}-{session.pk}-{participant.pk}-{event}"


def send(kind: str, session: Session, participant: Participant) -> SmsMessage | None:
    """Send one message unless it was sent already (or is being sent); a failed one is tried
    again. Returns the logged message, or None when nothing was sent."""
    key = _key(kind, session, participant)
    body = message_text(kind, session, participant)
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(key=key).first()
        if message is not None and (
            message.status != SmsMessage.Status.FAILED or message.attempts >= MAX_ATTEMPTS
        ):
            return None
        if message is None:
            try:
                with transaction.atomic():
                    message = SmsMessage.objects.create(
                        participant=participant,
                        session=session,
                        kind=kind,
                        key=key,
                        language=language_for(participant),
                        body=body,
                    )
            except IntegrityError:
                return None  # another worker took it
        message.status = SmsMessage.Status.PENDING
        message.body = body
        message.attempts += 1
        message.save(update_fields=["status", "body", "attempts"])
    number = phone_number(participant)
    error = ""
    if number is None:
        error = "The phone number cannot receive a text message."
    else:
        try:
            sent = sms.Message(body, recipients=[number]).send()
            if not sent:
                error = "The provider sent nothing."
        except Exception as failure:  # noqa: BLE001 - any provider error is logged on the row
            logger.warning("SMS %s not sent: %r", message.pk, failure)
            error = repr(failure)[:300]
    message.status = SmsMessage.Status.FAILED if error else SmsMessage.Status.SENT
    message.error = error
    message.sent_at = None if error else timezone.now()
    message.save(update_fields=["status", "error", "sent_at"])
    return message


def send_reminders(*, day: datetime.date | None = None) -> int:
    """The reminders of the sessions of the day after `day` (today): to everyone expected
    who may receive a text and has not said they cannot come. Returns how many were sent."""
    if not enabled():
        return 0
    day = day or timezone.localdate()
    tomorrow = day + datetime.timedelta(days=1)
    said_no = AbsenceNotice.objects.filter(
        attendance=OuterRef("pk"),
        status__in=[AbsenceNotice.Status.PROPOSED, AbsenceNotice.Status.CONFIRMED],
    )
    rows = reachable(
        Attendance.objects.filter(
            session__date=tomorrow,
            session__cancelled_at__isnull=True,
            status=Attendance.Status.EXPECTED,
        ).filter(~Exists(said_no)),
        day,
    ).select_related("session__kind", "session__room__site")
    sent = 0
    for row in rows:
        message = send(Kind.REMINDER, row.session, row.participant)
        sent += bool(message and message.status == SmsMessage.Status.SENT)
    return sent


def send_change(*, session_id: int, kind: str) -> int:
    """Tell the people on a session's list that it moved or was cancelled: those still
    expected and those excused. Nothing about a session already over."""
    if not enabled():
        return 0
    session = Session.objects.select_related("kind", "room__site").filter(pk=session_id).first()
    today = timezone.localdate()
    if session is None or session.date < today:
        return 0
    if kind == Kind.MOVED and session.is_cancelled:
        return 0
    if kind == Kind.CANCELLED and not session.is_cancelled:
        return 0
    rows = reachable(
        session.attendances.filter(
            status__in=[Attendance.Status.EXPECTED, Attendance.Status.EXCUSED]
        ),
        today,
    )
    sent = 0
    for row in rows:
        message = send(kind, session, row.participant)
        sent += bool(message and message.status == SmsMessage.Status.SENT)
    return sent
