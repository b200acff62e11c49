"""Text messages about sessions (sessions.sms), through django-sms's in-memory backend
(tests/conftest.py empties sms.outbox for each test): the reminder the day before, the word
when a session moves or is cancelled; in the person's language; only with their consent, a
phone number and no opt-out; each one logged, and never sent twice."""

import datetime

import pytest
import sms
from django.core.management import call_command
from django.urls import reverse

from participants.models import Consent
from sessions import services
from sessions import sms as session_sms
from sessions.models import AbsenceNotice, Attendance, Place, SmsMessage
from tests.factories import make_participant
from tests.sessions.factories import days_from_today, get_kind, make_room, make_session, make_site

pytestmark = pytest.mark.django_db
T = datetime.time


def consent(person, **kwargs) -> Consent:
    kwargs.setdefault("given_on", days_from_today(-30))
    return Consent.objects.create(
        participant=person, purpose=Consent.Purpose.SMS_REMINDERS, **kwargs
    )


@pytest.fixture
def room(organisation):
    site = make_site(organisation=organisation, name="Antenne Nord", address="Rue Haute 12, Liège")
    return make_room(site=site, name="Salle 2")


@pytest.fixture
def sara(coach):
    """Reads her phone in Arabic, agreed to text messages, has a Belgian mobile number."""
    person = make_participant(
        organisation=coach.organisation,
        coach=coach.user,
        first_name="Sara",
        portal_language="ar",
        phone="0470 12 34 56",
    )
    consent(person)
    return person


@pytest.fixture
def luc(coach):
    """Reads his phone in French, agreed too."""
    person = make_participant(
        organisation=coach.organisation,
        coach=coach.user,
        first_name="Luc",
        portal_language="fr",
        phone="+32 485 11 22 33",
    )
    consent(person)
    return person


@pytest.fixture
def tomorrow(programme, room, coach, sara, luc):
    return make_session(
        programme=programme,
        date=days_from_today(1),
        kind=get_kind("workshop"),
        topic="Budget familial (notes internes)",
        place=Place.ROOM,
        room=room,
        start_time=T(9, 30),
        end_time=T(12),
        facilitators=[coach.user],
        expected=[sara, luc],
    )


def outbox_for(number: str) -> list[str]:
    return [message.body for message in sms.outbox if message.recipients == [number]]


def test_the_reminder_reaches_each_person_in_their_language(tomorrow, sara, luc):
    assert session_sms.send_reminders() == 2

    [arabic] = outbox_for("+32470123456")
    assert arabic.startswith("CPAS de Liège: غدًا")
    assert "09:30–12:00" in arabic and "Salle 2, Rue Haute 12, Liège" in arabic
    assert "أخبر مرشدك" in arabic
    [french] = outbox_for("+32485112233")
    assert french.startswith("CPAS de Liège : demain, Atelier")
    assert "9:30" in french or "09:30" in french
    assert "Lieu : Salle 2, Rue Haute 12, Liège" in french
    # No name, no staff note, nothing but the session.
    for body in (arabic, french):
        assert "Sara" not in body and "Luc" not in body and "Budget" not in body

    logged = SmsMessage.objects.get(participant=sara)
    assert (logged.kind, logged.status, logged.session, logged.language) == (
        "reminder",
        "sent",
        tomorrow,
        "ar",
    )
    assert logged.body == arabic and logged.sent_at is not None and logged.error == ""


def test_running_again_sends_nothing_twice(tomorrow):
    session_sms.send_reminders()
    session_sms.send_reminders()
    call_command("send_sms_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert len(sms.outbox) == 2
    assert SmsMessage.objects.count() == 2


def test_the_command_queues_the_reminders(tomorrow, capsys):
    call_command("send_sms_reminders")

    assert len(sms.outbox) == 2
    assert "Reminders queued" in capsys.readouterr().out


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda p: Consent.objects.filter(participant=p).delete(), id="no consent"),
        pytest.param(
            lambda p: Consent.objects.filter(participant=p).update(
                withdrawn_on=days_from_today(-1)
            ),
            id="consent withdrawn",
        ),
        pytest.param(
            lambda p: Consent.objects.filter(participant=p).update(given_on=days_from_today(1)),
            id="consent not given yet",
        ),
        pytest.param(
            lambda p: p.__class__.objects.filter(pk=p.pk).update(sms_opt_out=True), id="opted out"
        ),
        pytest.param(lambda p: p.__class__.objects.filter(pk=p.pk).update(phone=""), id="no phone"),
    ],
)
def test_nobody_gets_a_text_without_consent_phone_and_wish(tomorrow, sara, luc, change):
    change(sara)

    session_sms.send_reminders()

    assert outbox_for("+32470123456") == []
    assert not SmsMessage.objects.filter(participant=sara).exists()
    assert len(outbox_for("+32485112233")) == 1


def test_a_consent_for_something_else_is_not_enough(tomorrow, sara):
    Consent.objects.filter(participant=sara).update(purpose=Consent.Purpose.PHOTOS)

    session_sms.send_reminders()

    assert outbox_for("+32470123456") == []


def test_no_reminder_for_someone_not_expected_or_who_said_they_cannot_come(
    tomorrow, sara, luc, coach
):
    Attendance.objects.filter(participant=luc).update(status=Attendance.Status.PAUSED)
    services.absence_propose(participant=sara, session=tomorrow, reason="ill")

    session_sms.send_reminders()

    assert sms.outbox == []


def test_no_reminder_for_a_cancelled_session_or_another_day(programme, tomorrow, sara, luc):
    tomorrow.cancelled_at = datetime.datetime.now(datetime.UTC)
    tomorrow.save()
    make_session(programme=programme, date=days_from_today(2), expected=[sara, luc])

    session_sms.send_reminders()

    assert sms.outbox == []


def test_a_number_that_cannot_receive_a_text_is_logged_as_failed(tomorrow, sara):
    sara.phone = "12"
    sara.save()

    session_sms.send_reminders()

    logged = SmsMessage.objects.get(participant=sara)
    assert logged.status == "failed" and "cannot receive" in logged.error
    assert logged.sent_at is None
    assert outbox_for("12") == []


class BrokenProvider:
    def __init__(self, fail_silently=False, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("provider unreachable")


def test_a_provider_failure_is_logged_and_tried_again_at_the_next_run(tomorrow, sara, settings):
    settings.SMS_BACKEND = "tests.sessions.test_sms.BrokenProvider"

    session_sms.send_reminders()

    logged = SmsMessage.objects.get(participant=sara)
    assert logged.status == "failed" and "provider unreachable" in logged.error

    settings.SMS_BACKEND = "sms.backends.locmem.SmsBackend"
    session_sms.send_reminders()

    logged.refresh_from_db()
    assert (logged.status, logged.attempts, logged.error) == ("sent", 2, "")
    assert len(outbox_for("+32470123456")) == 1
    assert SmsMessage.objects.filter(participant=sara).count() == 1


def test_without_a_backend_nothing_is_sent_nor_logged(tomorrow, settings):
    settings.SMS_BACKEND = ""

    assert session_sms.send_reminders() == 0

    assert sms.outbox == [] and not SmsMessage.objects.exists()


# Moved and cancelled ----------------------------------------------------------------------


def test_moving_a_session_tells_the_people_expected(
    tomorrow, sara, luc, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_move(
            session=tomorrow, date=days_from_today(3), start_time=T(14), end_time=T(16)
        )

    [french] = outbox_for("+32485112233")
    assert "votre séance Atelier est déplacée au" in french and "14:00–16:00" in french
    [arabic] = outbox_for("+32470123456")
    assert "تغيّر موعد جلستك" in arabic and "14:00–16:00" in arabic
    assert set(SmsMessage.objects.values_list("kind", flat=True)) == {"moved"}

    # Moved again to the same time: no second message about the same move.
    with django_capture_on_commit_callbacks(execute=True):
        services.session_move(
            session=tomorrow, date=days_from_today(3), start_time=T(14), end_time=T(16)
        )
    assert len(sms.outbox) == 2


def test_the_reminder_follows_the_session_once_moved(
    tomorrow, sara, luc, django_capture_on_commit_callbacks
):
    session_sms.send_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_move(
            session=tomorrow, date=days_from_today(1), start_time=T(15), end_time=T(17)
        )

    session_sms.send_reminders()

    reminders = SmsMessage.objects.filter(participant=luc, kind="reminder")
    assert reminders.count() == 2  # one for 9:30, one for 15:00
    assert SmsMessage.objects.filter(participant=luc, kind="moved").count() == 1


def test_cancelling_a_session_tells_the_people_expected(
    tomorrow, sara, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=tomorrow, reason="Formatrice malade")

    [arabic] = outbox_for("+32470123456")
    assert "أُلغيت جلستك" in arabic
    [french] = outbox_for("+32485112233")
    assert "est annulée" in french and "malade" not in french
    assert SmsMessage.objects.filter(kind="cancelled", status="sent").count() == 2


def test_a_refused_change_sends_nothing(tomorrow, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        services.session_move(
            session=tomorrow, date=days_from_today(3), start_time=T(16), end_time=T(14)
        )

    assert sms.outbox == []


def test_no_message_about_a_session_already_over(
    programme, sara, django_capture_on_commit_callbacks
):
    past = make_session(programme=programme, date=days_from_today(-2), expected=[sara])

    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=past, reason="Oubli")

    assert sms.outbox == []


def test_the_move_page_sends_the_message(
    tomorrow, coach_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = coach_client.post(
            reverse("sessions:session-move", args=[tomorrow.pk]),
            {"date": days_from_today(4).isoformat(), "start_time": "10:00", "end_time": "12:00"},
        )

    assert response.status_code == 302
    assert len(sms.outbox) == 2


def test_an_excused_person_hears_of_the_change_too(
    tomorrow, sara, luc, coach, django_capture_on_commit_callbacks
):
    notice = services.absence_propose(participant=sara, session=tomorrow, reason="transport")
    services.absence_confirm(notice=notice, by=coach.user)
    assert AbsenceNotice.objects.get().status == "confirmed"

    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=tomorrow, reason="Salle fermée", recorded="keep")

    assert len(outbox_for("+32470123456")) == 1


# On the participant file ------------------------------------------------------------------


def test_the_messages_are_on_the_participant_file(tomorrow, sara, coach_client, settings):
    session_sms.send_reminders()
    SmsMessage.objects.create(
        participant=sara,
        session=tomorrow,
        kind="moved",
        key="moved-test",
        status="failed",
        language="ar",
        body="…",
        error="provider unreachable",
    )

    response = coach_client.get(reverse("participants:detail", args=[sara.pk]))

    page = response.content.decode()
    assert "Text message sent: Reminder" in page
    assert "Text message not sent: Session moved" in page
    assert "provider unreachable" in page
