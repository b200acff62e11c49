"""Demo text messages and "I can't come" (run by demo.load, after the portal): the demo
people with a phone code agreed to text-message reminders, so their files show the
reminders of their next session as sent; the Arabic-reading one said on her phone that
she cannot come to it, so the demo coach's Today asks to confirm. Draws nothing from the
random generator: the other steps' data stay as they were."""

import datetime
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from demo import portal
from participants.models import Consent, Enrolment, Participant
from programme.models import Room
from sessions import services, sms
from sessions.models import Attendance, Place, SessionKind, SmsMessage

PHONES = {"ar": "0470 11 22 33", "ti": "0485 44 55 66", "fr": "0477 77 88 99"}


def load(rng: random.Random, today: datetime.date) -> dict:
    # The three people demo.portal gave a phone code, picked the same way.
    people = [p for p in portal._people(today)[:3] if p.portal_language in PHONES]
    messages = notices = 0
    for person in people:
        if not person.phone:
            person.phone = PHONES[person.portal_language]
            Participant.objects.filter(pk=person.pk).update(phone=person.phone)
        Consent.objects.get_or_create(
            participant=person,
            purpose=Consent.Purpose.SMS_REMINDERS,
            defaults={"given_on": today - datetime.timedelta(days=30), "language": ""},
        )
        row = (
            Attendance.objects.filter(
                participant=person,
                status=Attendance.Status.EXPECTED,
                session__date__gt=today,
                session__cancelled_at__isnull=True,
            )
            .select_related("session__kind", "session__room__site", "participant__organisation")
            .order_by("session__date", "session__start_time")
            .first()
        )
        if row is None:
            # Between groups (their last one ended, the next not yet planned): the coach sees
            # them alone next week, so the phone has a session to remind them of whatever day
            # the demo is loaded.
            row = _individual_session(person, today)
        # As the day before's run would have logged it, without sending anything now.
        SmsMessage.objects.get_or_create(
            key=f"demo-reminder-{row.session_id}-{person.pk}",
            defaults={
                "participant": person,
                "session": row.session,
                "kind": SmsMessage.Kind.REMINDER,
                "status": SmsMessage.Status.SENT,
                "language": sms.language_for(person),
                "body": sms.message_text(SmsMessage.Kind.REMINDER, row.session, person),
                "attempts": 1,
                "sent_at": timezone.now(),
            },
        )
        messages += 1
        if person.portal_language == "ar":
            try:
                services.absence_propose(
                    participant=person, session=row.session, reason="child_ill"
                )
                notices += 1
            except ValidationError:
                pass
    return {"text messages": messages, "I can't come": notices}


def _individual_session(person: Participant, today: datetime.date) -> Attendance:
    enrolment = person.enrolments.filter(status=Enrolment.Status.ACTIVE).first()
    day = today + datetime.timedelta(days=7)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    room = Room.objects.filter(site__organisation_id=person.organisation_id).order_by("pk").first()
    session = services.session_create(
        data={
            "programme": enrolment.programme,
            "kind": SessionKind.objects.get(code="individual_coaching", programme__isnull=True),
            "date": day,
            "start_time": datetime.time(10),
            "end_time": datetime.time(11),
            "place": Place.ROOM if room else Place.PHONE,
            "room": room,
        },
        facilitators=[enrolment.coach] if enrolment.coach else [],
        participants=[person],
    )
    return (
        Attendance.objects.filter(session=session, participant=person)
        .select_related("session__kind", "session__room__site", "participant__organisation")
        .get()
    )
