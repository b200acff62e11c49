import pytest
from django.urls import reverse

from sessions.models import InterpreterBooking
from tests.factories import make_partner
from tests.helpers import login_url
from tests.sessions.factories import make_booking, make_session, messages_of

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("sessions:session-add-interpreter", args=[session.pk])


@pytest.fixture
def data(organisation):
    provider = make_partner(organisation=organisation, name="Interprètes solidaires")
    return {
        "language": "ti",
        "provider": provider.pk,
        "interpreter_name": "Yonas Tesfay",
        "status": "confirmed",
    }


def test_it_books_an_interpreter(session, data, coach_client):
    response = coach_client.post(url(session), data)

    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert messages_of(response) == ["Interpreter booking saved."]
    booking = InterpreterBooking.objects.get()
    assert (booking.session, booking.language, booking.interpreter_name, booking.status) == (
        session,
        "ti",
        "Yonas Tesfay",
        "confirmed",
    )
    assert booking.provider.name == "Interprètes solidaires"


def test_the_same_interpreter_elsewhere_at_that_time_is_shown_before_saving(
    session, data, programme, coach_client
):
    other = make_session(programme=programme, date=session.date, topic="Atelier CV")
    make_booking(session=other, interpreter_name="yonas tesfay")

    response = coach_client.post(url(session), data)

    assert response.status_code == 200
    clash = f"The interpreter is already booked for Atelier CV — {session.date:%d/%m/%Y} 09:00."
    assert [c.message for c in response.context["conflicts"]] == [clash]
    assert clash in response.content.decode()
    assert not InterpreterBooking.objects.filter(session=session).exists()

    # Seen, and booked anyway.
    response = coach_client.post(url(session), {**data, "confirm": "1"})
    assert messages_of(response) == ["Interpreter booking saved."]
    assert InterpreterBooking.objects.filter(session=session).count() == 1


def test_a_manager_may_book_an_interpreter(session, data, manager_client):
    manager_client.post(url(session), data)
    assert InterpreterBooking.objects.filter(session=session).exists()


@pytest.mark.parametrize("language", ["", "klingon"])
def test_a_missing_or_unknown_language_is_refused(session, data, coach_client, language):
    response = coach_client.post(url(session), {**data, "language": language})
    assert messages_of(response) == ["Choose the interpreter's language."]
    assert not InterpreterBooking.objects.exists()


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(session, data, colleague_client):
    assert colleague_client.post(url(session), data).status_code == 404
    assert not InterpreterBooking.objects.exists()


def test_another_organisation_gets_a_404(session, data, outsider_client, outsider_manager_client):
    assert outsider_client.post(url(session), data).status_code == 404
    assert outsider_manager_client.post(url(session), data).status_code == 404
    assert not InterpreterBooking.objects.exists()


def test_an_administrator_gets_a_404(session, data, administrator_client):
    assert administrator_client.post(url(session), data).status_code == 404
    assert not InterpreterBooking.objects.exists()


def test_it_requires_login(session, data, client):
    response = client.post(url(session), data)
    assert response.status_code == 302
    assert response.url == login_url(url(session))
    assert not InterpreterBooking.objects.exists()


def test_it_rejects_get(session, coach_client):
    assert coach_client.get(url(session)).status_code == 405
