import pytest
from django.urls import reverse

from tests.helpers import login_url
from tests.sessions.factories import messages_of

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("sessions:session-cancel", args=[session.pk])


def cancelled(session) -> tuple:
    session.refresh_from_db()
    return (session.is_cancelled, session.cancel_reason)


def test_it_cancels_the_session_and_keeps_who_was_expected(session, member, coach_client):
    response = coach_client.post(url(session), {"reason": "Coach ill"})

    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert messages_of(response) == ["Session cancelled."]
    assert cancelled(session) == (True, "Coach ill")
    assert list(session.attendances.values_list("participant", "status")) == [
        (member.pk, "expected")
    ]


def test_a_manager_may_cancel_a_session(session, manager_client):
    manager_client.post(url(session), {"reason": "Strike"})
    assert cancelled(session) == (True, "Strike")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(session, coach_client, reason):
    response = coach_client.post(url(session), {"reason": reason})
    assert messages_of(response) == ["Say why the session is cancelled."]
    assert cancelled(session) == (False, "")


def test_cancelling_twice_is_refused(session, coach_client):
    coach_client.post(url(session), {"reason": "Coach ill"})
    response = coach_client.post(url(session), {"reason": "Strike"})
    assert messages_of(response)[-1] == "This session is already cancelled."
    assert cancelled(session) == (True, "Coach ill")


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(session, colleague_client):
    assert colleague_client.post(url(session), {"reason": "Strike"}).status_code == 404
    assert cancelled(session) == (False, "")


def test_another_organisation_gets_a_404(session, outsider_client, outsider_manager_client):
    assert outsider_client.post(url(session), {"reason": "Strike"}).status_code == 404
    assert outsider_manager_client.post(url(session), {"reason": "Strike"}).status_code == 404
    assert cancelled(session) == (False, "")


def test_an_administrator_gets_a_404(session, administrator_client):
    assert administrator_client.post(url(session), {"reason": "Strike"}).status_code == 404
    assert cancelled(session) == (False, "")


def test_it_requires_login(session, client):
    response = client.post(url(session), {"reason": "Strike"})
    assert response.status_code == 302
    assert response.url == login_url(url(session))
    assert cancelled(session) == (False, "")


def test_it_rejects_get(session, coach_client):
    assert coach_client.get(url(session)).status_code == 405
