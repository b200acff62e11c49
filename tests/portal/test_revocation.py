"""Revocation reaches everything: a revoked or re-issued code, an erasure and the end of
follow-up end every calendar address of the person; the phone asks whether its saved copy
may stay; a new code keeps the coach's phone number."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from casefile import lifecycle
from participants.models import Enrolment
from portal.models import PortalAccess
from portal.services import portal_access_issue, portal_access_revoke, portal_end_if_over
from rights.services import participant_erase
from sessions.feeds import feed_create
from sessions.models import CalendarFeed
from tests.evaluations.factories import make_exited
from tests.factories import make_enrolment
from tests.portal.factories import make_access, portal_client_for
from tests.sessions.factories import days_from_today, make_session


@pytest.fixture
def subscribed(participant, active, programme):
    """The participant's phone, signed in, with a calendar subscription answering."""
    make_session(programme=programme, date=days_from_today(3), expected=[participant])
    client, access = portal_client_for(participant, contact_phone="081 23 45 67")
    client.post("/p/calendar/")
    feed = CalendarFeed.objects.get(participant=participant, revoked_at__isnull=True)
    url = feed.get_absolute_url()
    assert Client().get(url).status_code == 200
    assert client.get("/p/status/").json() == {"valid": True}
    return {"client": client, "access": access, "feed": url}


def ended(subscribed) -> bool:
    """The feed no longer answers and the phone is told to drop its copy."""
    feed = Client().get(subscribed["feed"]).status_code
    status = subscribed["client"].get("/p/status/")
    assert status["Cache-Control"] == "private, no-store"
    return feed in (404, 410) and status.json() == {"valid": False}


def test_revoking_the_code_ends_the_calendar_and_the_saved_copy(subscribed, coach):
    portal_access_revoke(access=subscribed["access"], by=coach.user)
    assert ended(subscribed)


def test_revoking_from_the_coach_page_ends_the_calendar(subscribed, coach_client, participant):
    response = coach_client.post(f"/participants/{participant.pk}/portal/", {"action": "revoke"})
    assert response.status_code == 302
    assert ended(subscribed)


def test_a_new_code_ends_the_calendar_of_the_old_one(subscribed, participant, coach):
    portal_access_issue(participant=participant, by=coach.user)
    assert ended(subscribed)
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0


def test_erasure_ends_the_calendar_and_the_saved_copy(subscribed, participant):
    participant_erase(participant=participant, legal_basis="Asked by the person", by=None)
    assert ended(subscribed)


def test_the_end_of_follow_up_ends_the_calendar_and_the_saved_copy(
    subscribed, participant, active, coach
):
    make_exited(enrolment=active, exited_on=timezone.localdate() - datetime.timedelta(days=200))
    active.refresh_from_db()
    assert not ended(subscribed), "after the exit, the person still reads their follow-up"
    lifecycle.enrolment_change_status(
        enrolment=active, to_status=Enrolment.Status.CLOSED, by=coach.user, reason="Suivi fini"
    )
    assert ended(subscribed)
    assert PortalAccess.objects.get().revoked_by == coach.user


def test_an_enrolment_still_running_keeps_the_portal(participant, active):
    make_enrolment(participant=participant, status="closed")
    access, _code = make_access(participant=participant)
    assert not portal_end_if_over(participant=participant)
    access.refresh_from_db()
    assert access.is_active


def test_a_stranger_or_a_signed_out_phone_is_told_not_to_keep_anything(client, subscribed):
    assert client.get("/p/status/").json() == {"valid": False}
    subscribed["client"].post("/p/signout/")
    assert subscribed["client"].get("/p/status/").json() == {"valid": False}


def test_a_staff_session_is_no_valid_portal_access(coach_client):
    assert coach_client.get("/p/status/").json() == {"valid": False}


def test_the_status_reads_little(subscribed, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        subscribed["client"].get("/p/status/")


def test_a_new_code_after_a_revoke_keeps_the_coachs_phone(participant, coach):
    access, _code = make_access(participant=participant, contact_phone="081 23 45 67")
    portal_access_revoke(access=access, by=coach.user)
    again, _code = portal_access_issue(participant=participant, by=coach.user)
    assert again.contact_phone == "081 23 45 67"


def test_the_coach_page_offers_the_last_number_after_a_revoke(coach_client, participant, coach):
    access, _code = make_access(participant=participant, contact_phone="081 23 45 67")
    portal_access_revoke(access=access, by=coach.user)
    page = coach_client.get(f"/participants/{participant.pk}/portal/").content.decode()
    assert 'value="081 23 45 67"' in page
    coach_client.post(
        f"/participants/{participant.pk}/portal/",
        {"action": "issue", "contact_phone": "081 23 45 67"},
    )
    assert PortalAccess.objects.get(revoked_at__isnull=True).contact_phone == "081 23 45 67"


def test_a_coach_may_still_clear_the_number_on_purpose(coach_client, participant):
    make_access(participant=participant, contact_phone="081 23 45 67")
    coach_client.post(
        f"/participants/{participant.pk}/portal/", {"action": "issue", "contact_phone": ""}
    )
    assert PortalAccess.objects.get(revoked_at__isnull=True).contact_phone == ""


def test_the_offline_page_says_nothing_personal(client, subscribed, participant):
    page = subscribed["client"].get("/p/offline/")
    assert page.status_code == 200
    assert participant.first_name not in page.content.decode()
    assert "not saved on this phone" in page.content.decode()


def test_a_coach_feed_is_untouched_by_a_participants_revoke(subscribed, coach):
    mine = feed_create(user=coach.user)
    portal_access_revoke(access=subscribed["access"], by=coach.user)
    assert Client().get(mine.get_absolute_url()).status_code == 200


def test_the_phone_can_add_the_portal_to_its_home_screen(client, db):
    client.cookies["portal_language"] = "ar"
    page = client.get("/p/").content.decode()
    assert '<link rel="manifest" href="/p/manifest.webmanifest">' in page
    manifest = client.get("/p/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["start_url"] == "/p/home/" and data["display"] == "standalone"
    assert data["lang"] == "ar" and data["dir"] == "rtl"
    assert data["icons"][0]["src"].endswith("favicon.svg")
