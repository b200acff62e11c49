"""Demo data: the demo phones' people agreed to text messages, their files show the reminder
of their next session, and the Arabic-reading one's "I can't come" waits on the coach's Today."""

import pytest
from django.utils import timezone

from demo import load as demo
from participants.models import Consent
from sessions.models import AbsenceNotice, SmsMessage

pytestmark = pytest.mark.django_db


def test_the_demo_shows_reminders_and_an_i_cant_come():
    counts = demo.load(today=timezone.localdate())

    assert counts["text messages"] == 3
    assert Consent.objects.filter(purpose=Consent.Purpose.SMS_REMINDERS).count() == 3
    arabic = SmsMessage.objects.get(participant__portal_language="ar")
    assert arabic.status == "sent" and "غدًا" in arabic.body
    notice = AbsenceNotice.objects.get()
    assert notice.status == "proposed"
    assert notice.attendance.participant.portal_language == "ar"
