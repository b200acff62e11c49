import datetime

import pytest
from django.urls import reverse

from tests.helpers import login_url
from tests.sessions.factories import days_from_today, make_session, messages_of

pytestmark = pytest.mark.django_db
T = datetime.time


def url(session) -> str:
    return reverse("sessions:session-move", args=[session.pk])


def to(days: int, start: str = "13:00", end: str = "16:00", **extra) -> dict:
    return {
        "date": days_from_today(days).isoformat(),
        "start_time": start,
        "end_time": end,
        **extra,
    }


def when(session) -> tuple:
    session.refresh_from_db()
    return (session.date, session.start_time, session.end_time, session.detached)


def test_it_moves_the_session_and_detaches_it_from_its_series(series, member, coach_client):
    session = series.sessions.order_by("date").first()

    response = coach_client.post(url(session), to(10))

    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert messages_of(response) == ["Session moved."]
    assert when(session) == (days_from_today(10), T(13), T(16), True)
    assert session.series == series
    assert list(session.attendances.values_list("participant", flat=True)) == [member.pk]


def test_a_manager_may_move_a_session(session, manager_client):
    manager_client.post(url(session), to(2))
    assert when(session) == (days_from_today(2), T(13), T(16), True)


def test_clashes_are_shown_before_moving(session, programme, member, coach, coach_client):
    make_session(
        programme=programme,
        date=days_from_today(2),
        start_time=T(14),
        end_time=T(15),
        topic="Atelier CV",
        facilitators=[coach.user],
    )
    before = when(session)

    response = coach_client.post(url(session), to(2))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Move the session" in html
    assert "Amina Benali already leads Atelier CV" in html
    assert 'form="move-form"' in html
    assert when(session) == before


def test_moving_anyway_after_seeing_the_clashes(session, programme, coach, coach_client):
    make_session(programme=programme, date=days_from_today(2), facilitators=[coach.user])

    response = coach_client.post(url(session), to(2, confirm="1"))

    assert response.status_code == 302
    assert when(session) == (days_from_today(2), T(13), T(16), True)


def test_moving_within_its_own_time_is_no_clash(session, coach_client):
    response = coach_client.post(url(session), to(-1, "10:00", "12:30"))
    assert messages_of(response) == ["Session moved."]


@pytest.mark.parametrize(
    "data, message",
    [
        (to(2, "13:00", "12:00"), "The end must come after the start."),
        (to(2, start=""), "This field is required."),
        (to(2, end="noon"), "Enter a valid time."),
    ],
)
def test_bad_input_is_refused_with_a_message(session, coach_client, data, message):
    before = when(session)
    response = coach_client.post(url(session), data)
    assert response.status_code == 302
    assert messages_of(response) == [message]
    assert when(session) == before


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(session, colleague_client):
    before = when(session)
    assert colleague_client.post(url(session), to(2)).status_code == 404
    assert when(session) == before


def test_another_organisation_gets_a_404(session, outsider_client, outsider_manager_client):
    before = when(session)
    assert outsider_client.post(url(session), to(2)).status_code == 404
    assert outsider_manager_client.post(url(session), to(2)).status_code == 404
    assert when(session) == before


def test_an_administrator_gets_a_404(session, administrator_client):
    before = when(session)
    assert administrator_client.post(url(session), to(2)).status_code == 404
    assert when(session) == before


def test_it_requires_login(session, client):
    before = when(session)
    response = client.post(url(session), to(2))
    assert response.status_code == 302
    assert response.url == login_url(url(session))
    assert when(session) == before


def test_it_rejects_get(session, coach_client):
    assert coach_client.get(url(session)).status_code == 405
