"""Erasing a person ends every way in that stood for them (their calendar address, their portal
code and the phones signed in with it) and takes their name out of the free text of the rows
linked to them, shared ones included (a group session's topic); the erasure record says what
was done.

GDPR art. 17 (erasure), ASVS 5.0 V14.2.4 (personal data removed when no longer needed) and
V7.4.3 (the tokens of an ended account stop working).
"""

import pytest
from django.test import Client
from django.urls import reverse

from participants.models import Participant
from rights import services
from rights.models import Erasure
from sessions.feeds import feed_create
from sessions.models import Group, Series, Session
from tests.factories import make_participant
from tests.portal.factories import portal_client_for
from tests.sessions.factories import add_member, make_group, make_series, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(coach):
    """Another person in the same group, whose name must stay."""
    return make_participant(
        organisation=coach.organisation, coach=coach.user, first_name="Yonas", last_name="Tesfay"
    )


@pytest.fixture
def group_session(participant, neighbour, programme, coach):
    group = make_group(programme=programme, coaches=[coach.user], name="Mardi — groupe de Selam")
    add_member(group=group, participant=participant)
    add_member(group=group, participant=neighbour)
    series = make_series(
        programme=programme, group=group, topic="Atelier CV", notes="Selam Haile anime la pause"
    )
    return make_session(
        programme=programme,
        group=group,
        series=series,
        expected=[participant, neighbour],
        topic="Visite de la bibliothèque avec Selam et Yonas",
        notes="HAILE Selam traduit pour Yonas Tesfay. Salle Haileybury.",
    )


def test_an_erased_person_s_calendar_address_stops_answering(participant, manager):
    feed = feed_create(participant=participant)
    address = feed.get_absolute_url()
    assert Client().get(address).status_code == 200

    services.participant_erase(participant=participant, by=manager.user)

    assert Client().get(address).status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert Erasure.objects.get().done["calendar_feeds_ended"] == 1


def test_an_erased_person_s_portal_code_and_phones_stop_working(participant, manager):
    phone, access = portal_client_for(participant)
    assert phone.get("/p/home/").status_code == 200

    services.participant_erase(participant=participant, by=manager.user)

    assert phone.get("/p/home/").url == "/p/"
    access.refresh_from_db()
    assert access.revoked_at is not None
    assert Erasure.objects.get().done["portal_codes_revoked"] == 1


def test_a_session_topic_naming_the_erased_person_no_longer_names_them(
    group_session, participant, manager
):
    services.participant_erase(participant=participant, by=manager.user)

    session = Session.objects.get(pk=group_session.pk)
    assert session.topic == "Visite de la bibliothèque avec [erased] et Yonas"
    # Every form of the name, in any case; the colleague's name and a longer word stay.
    assert session.notes == "[erased] traduit pour Yonas Tesfay. Salle Haileybury."
    assert Series.objects.get().notes == "[erased] anime la pause"
    assert Series.objects.get().topic == "Atelier CV"
    assert Group.objects.get().name == "Mardi — groupe de [erased]"


def test_a_scrubbed_session_says_it_changed(group_session, participant, manager):
    # A calendar app reads LAST-MODIFIED: the other participants' feeds show the new topic.
    before = group_session.updated_at

    services.participant_erase(participant=participant, by=manager.user)

    assert Session.objects.get(pk=group_session.pk).updated_at > before


def test_a_legal_basis_naming_the_person_is_scrubbed(participant, enrolment, manager):
    services.participant_erase(
        participant=participant,
        legal_basis="Selam Haile asked in writing; recorded without a legal ground",
        by=manager.user,
    )

    assert Erasure.objects.get().legal_basis == (
        "[erased] asked in writing; recorded without a legal ground"
    )


def test_the_erasure_record_lists_what_was_done(group_session, participant, manager):
    portal_client_for(participant)
    feed_create(participant=participant)  # after the code: a new code ends earlier addresses

    erasure = services.participant_erase(participant=participant, by=manager.user)

    done = Erasure.objects.get(pk=erasure.pk).done
    assert done["calendar_feeds_ended"] == 1
    assert done["portal_codes_revoked"] == 1
    assert done["texts_scrubbed"] == 4
    assert sorted((row["record"], row["field"]) for row in done["scrubbed"]) == [
        ("activities.group", "name"),
        ("activities.series", "notes"),
        ("activities.session", "notes"),
        ("activities.session", "topic"),
    ]
    # Ids and field names only: nothing of what was written.
    assert "Selam" not in str(done) and "Haile" not in str(done)


def test_the_erasure_page_shows_what_was_done(manager_client, group_session, participant):
    feed_create(participant=participant)
    url = reverse("rights:erase", args=[participant.pk])

    response = manager_client.post(url, {"confirm": "on"}, follow=True)

    message = " ".join(str(m) for m in response.context["messages"])
    assert "1 calendar address ended." in message
    assert "0 portal codes revoked" in message
    assert "4 texts that named the person" in message
    page = manager_client.get(url)
    assert page.status_code == 200
    assert "1 calendar address ended." in page.text
    assert "4 texts that named the person" in page.text
    assert Participant.objects.get(pk=participant.pk).first_name == "Erased"


def test_another_person_s_texts_are_left_alone(group_session, neighbour, manager, participant):
    services.participant_erase(participant=neighbour, by=manager.user)

    session = Session.objects.get(pk=group_session.pk)
    assert session.topic == "Visite de la bibliothèque avec Selam et [erased]"
    assert "HAILE Selam" in session.notes
    assert Participant.objects.get(pk=participant.pk).first_name == "Selam"
