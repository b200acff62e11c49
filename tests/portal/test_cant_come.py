""" "I can't come" on the phone (portal.views.cant_come) and the text messages' on/off
(portal.views.text_messages): plain forms that work without JavaScript, in the person's
language, for their own coming sessions only."""

import pytest

from participants.models import Consent
from portal.services import portal_access_revoke
from sessions import services
from sessions.models import AbsenceNotice, Attendance
from tests.portal.factories import portal_client_for
from tests.sessions.factories import days_from_today, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def coming(programme, coach, participant, active):
    return make_session(
        programme=programme,
        date=days_from_today(2),
        facilitators=[coach.user],
        expected=[participant],
    )


def url(session) -> str:
    return f"/p/sessions/{session.pk}/cant-come/"


def test_each_coming_session_offers_it_on_home_and_sessions(portal, coming):
    for page in ("/p/home/", "/p/sessions/"):
        html = portal.get(page).content.decode()
        assert f'href="{url(coming)}?next={page}"' in html
        assert "I can't come" in html


def test_the_reasons_are_pictures_with_words(portal, coming):
    html = portal.get(url(coming)).content.decode()

    for reason in ("ill", "child_ill", "appointment", "transport", "other"):
        assert f'value="{reason}"' in html
    assert "My child is ill" in html and "No transport" in html
    assert html.count("<svg") >= 5


def test_the_participant_tells_their_coach(portal, coming, participant, coach):
    response = portal.post(url(coming), {"reason": "appointment", "next": "/p/sessions/"})

    assert response.status_code == 302 and response.url == "/p/sessions/"
    notice = AbsenceNotice.objects.get()
    assert (notice.reason, notice.status, notice.attendance.participant) == (
        "appointment",
        "proposed",
        participant,
    )
    home = portal.get("/p/home/").content.decode()
    assert "Sent to your coach." in home

    services.absence_confirm(notice=notice, by=coach.user)

    home = portal.get("/p/home/").content.decode()
    assert "Your coach knows you cannot come." in home
    assert url(coming) not in home


def test_after_a_rejection_the_person_is_told_they_are_expected(portal, coming, participant, coach):
    notice = services.absence_propose(participant=participant, session=coming, reason="other")
    services.absence_reject(notice=notice, by=coach.user)

    home = portal.get("/p/home/").content.decode()

    assert "Your coach expects you. If you cannot come, call your coach." in home
    assert url(coming) in home


@pytest.mark.parametrize("data", [{}, {"reason": ""}, {"reason": "holiday"}])
def test_no_reason_is_refused_with_a_message_and_nothing_written(portal, coming, data):
    response = portal.post(url(coming), data)

    assert response.status_code == 400
    assert "Choose a reason." in response.content.decode()
    assert not AbsenceNotice.objects.exists()


def test_a_session_that_cannot_change_any_more_says_so(portal, coming):
    Attendance.objects.filter(session=coming).update(status=Attendance.Status.PAUSED)

    response = portal.post(url(coming), {"reason": "ill"})

    assert response.status_code == 400
    assert "This session cannot be changed here." in response.content.decode()
    assert not AbsenceNotice.objects.exists()


def test_someone_elses_session_is_a_404(neighbour_portal, coming):
    assert neighbour_portal.get(url(coming)).status_code == 404
    assert neighbour_portal.post(url(coming), {"reason": "ill"}).status_code == 404
    assert not AbsenceNotice.objects.exists()


def test_a_revoked_phone_cannot_use_it(participant, active, coming):
    client, access = portal_client_for(participant)
    portal_access_revoke(access=access, by=None)

    response = client.post(url(coming), {"reason": "ill"})

    assert response.status_code == 302 and response.url == "/p/"
    assert not AbsenceNotice.objects.exists()


def test_a_staff_browser_is_not_a_participant(coach_client, coming):
    response = coach_client.post(url(coming), {"reason": "ill"})

    assert response.status_code == 302 and response.url == "/p/"
    assert not AbsenceNotice.objects.exists()


def test_it_speaks_the_persons_language(participant, active, coming):
    participant.portal_language = "ar"
    participant.save()
    client, _access = portal_client_for(participant)

    page = client.get(url(coming)).content.decode()
    assert 'lang="ar"' in page and "لا أستطيع الحضور" in page and "طفلي مريض" in page

    refused = client.post(url(coming), {"reason": ""}).content.decode()
    assert "اختر سببًا." in refused and 'dir="rtl"' in refused


def test_it_refuses_other_methods(portal, coming):
    assert portal.put(url(coming)).status_code == 405


# Text messages: stopped and started again from the phone ------------------------------------


@pytest.fixture
def agreed(participant):
    return Consent.objects.create(
        participant=participant,
        purpose=Consent.Purpose.SMS_REMINDERS,
        given_on=days_from_today(-10),
    )


def test_the_person_stops_and_starts_the_text_messages(portal, participant, agreed):
    assert "Stop the text messages" in portal.get("/p/calendar/").content.decode()

    response = portal.post("/p/text-messages/", {"stop": "1"})

    assert response.status_code == 302 and response.url == "/p/calendar/"
    participant.refresh_from_db()
    assert participant.sms_opt_out is True
    page = portal.get("/p/calendar/").content.decode()
    assert "You get no text messages." in page and "Send me text messages again" in page

    portal.post("/p/text-messages/", {"stop": "0"})

    participant.refresh_from_db()
    assert participant.sms_opt_out is False


def test_without_consent_the_phone_offers_nothing_to_stop(portal, participant):
    assert "Stop the text messages" not in portal.get("/p/calendar/").content.decode()


def test_stopping_needs_a_signed_in_phone(client, participant, agreed):
    response = client.post("/p/text-messages/", {"stop": "1"})

    assert response.status_code == 302 and response.url == "/p/"
    participant.refresh_from_db()
    assert participant.sms_opt_out is False


def test_stopping_refuses_get(portal):
    assert portal.get("/p/text-messages/").status_code == 405
