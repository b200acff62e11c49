"""Booking an interpreter warns of the same interpreter booked elsewhere at that time. Within
the organisation the warning names the other session and links to it; another organisation's
bookings are none of its business, except that an interpreter of a provider both work with
(the same regional interpreting service, listed as a partner by each) is said to be "busy at
that time", with nothing of the other organisation: no topic, no link, no name."""

import pytest
from django.urls import reverse

from sessions.models import InterpreterBooking
from tests.factories import make_participant, make_partner
from tests.sessions.factories import make_booking, make_session

pytestmark = pytest.mark.django_db

PROVIDER = "Service de traduction et d'interprétariat en milieu social"


def url(session) -> str:
    return reverse("sessions:session-add-interpreter", args=[session.pk])


@pytest.fixture
def session(programme, coach):
    person = make_participant(organisation=coach.organisation, coach=coach.user)
    return make_session(
        programme=programme, topic="Budget du ménage", facilitators=[coach.user], expected=[person]
    )


@pytest.fixture
def provider(organisation):
    return make_partner(organisation=organisation, name=PROVIDER)


@pytest.fixture
def their_session(other_programme, outsider, session):
    """Organisation B's session at the same time, on a topic that names one of its people."""
    return make_session(
        programme=other_programme,
        date=session.date,
        topic="Rendez-vous Rahel Tesfaye",
        facilitators=[outsider.user],
    )


def booking(provider, name="Yonas Tesfay") -> dict:
    return {
        "language": "ti",
        "provider": provider.pk if provider else "",
        "interpreter_name": name,
        "status": "confirmed",
    }


def test_another_organisations_booking_of_a_namesake_is_not_shown(
    session, their_session, provider, other_organisation, coach_client
):
    make_booking(session=their_session, interpreter_name="Yonas Tesfay")

    response = coach_client.post(url(session), booking(provider))

    # No clash to look at: the booking is saved straight away.
    assert response.status_code == 302
    assert InterpreterBooking.objects.filter(session=session).count() == 1
    page = coach_client.get(session.get_absolute_url()).content.decode()
    assert "Rahel" not in page
    assert their_session.get_absolute_url() not in page


def test_an_interpreter_of_a_shared_provider_is_busy_without_a_word_of_the_other_organisation(
    session, their_session, provider, other_organisation, coach_client
):
    theirs = make_partner(organisation=other_organisation, name=PROVIDER.upper())
    make_booking(session=their_session, interpreter_name="yonas tesfay", provider=theirs)

    response = coach_client.post(url(session), booking(provider))

    assert response.status_code == 200
    conflicts = response.context["conflicts"]
    assert [(c.message, c.session) for c in conflicts] == [
        ("The interpreter is busy at that time.", None)
    ]
    page = response.content.decode()
    assert "busy at that time" in page
    for leak in ("Rahel", their_session.get_absolute_url(), "Antwerpen", "Jan Peeters"):
        assert leak not in page
    assert not InterpreterBooking.objects.filter(session=session).exists()


def test_the_same_interpreter_in_the_organisation_is_named_with_its_session(
    session, programme, provider, colleague, coach_client
):
    ours = make_session(
        programme=programme, date=session.date, topic="Atelier CV", facilitators=[colleague.user]
    )
    make_booking(session=ours, interpreter_name="Yonas Tesfay", provider=provider)

    response = coach_client.post(url(session), booking(provider))

    assert response.status_code == 200
    [conflict] = response.context["conflicts"]
    assert conflict.session == ours
    assert conflict.message.startswith("The interpreter is already booked for Atelier CV")
    assert ours.get_absolute_url() in response.content.decode()


def test_other_organisations_cannot_read_our_bookings_either(
    session, their_session, provider, other_organisation, outsider_client
):
    """Both ways: organisation B booking the same name learns nothing of organisation A."""
    make_booking(session=session, interpreter_name="Yonas Tesfay")
    theirs = make_partner(organisation=other_organisation, name="Tolken zonder grenzen")

    response = outsider_client.post(url(their_session), booking(theirs))

    assert response.status_code == 302
    assert InterpreterBooking.objects.filter(session=their_session).count() == 1
    page = outsider_client.get(their_session.get_absolute_url()).content.decode()
    assert "Budget du ménage" not in page
    assert session.get_absolute_url() not in page
