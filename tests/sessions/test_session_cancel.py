"""Cancelling a session: asked first, undone on request, and with attendance recorded only
after an explicit choice."""

import pytest
from django.urls import reverse

from sessions.models import Attendance
from tests.helpers import login_url
from tests.sessions.factories import messages_of

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("sessions:session-cancel", args=[session.pk])


def cancelled(session) -> tuple:
    session.refresh_from_db()
    return (session.is_cancelled, session.cancel_reason)


def confirm(client, session, reason: str, **extra):
    return client.post(url(session), {"reason": reason, "confirm": "1", **extra})


def test_it_asks_for_confirmation_first(session, member, coach_client):
    response = coach_client.get(url(session), {"reason": "Coach ill"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cancel this session?" in html
    assert "1 person is expected" in html
    assert 'value="Coach ill"' in html
    assert cancelled(session) == (False, "")


def test_a_post_without_confirmation_only_asks(session, coach_client):
    response = coach_client.post(url(session), {"reason": "Coach ill"})
    assert response.status_code == 200
    assert cancelled(session) == (False, "")


def test_it_cancels_the_session_and_keeps_who_was_expected(session, member, coach_client):
    response = confirm(coach_client, session, "Coach ill")

    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert messages_of(response) == ["Session cancelled. You can undo it from its page."]
    assert cancelled(session) == (True, "Coach ill")
    assert list(session.attendances.values_list("participant", "status")) == [
        (member.pk, "expected")
    ]


def test_a_manager_may_cancel_a_session(session, manager_client):
    confirm(manager_client, session, "Strike")
    assert cancelled(session) == (True, "Strike")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(session, coach_client, reason):
    response = confirm(coach_client, session, reason)
    assert response.status_code == 200
    assert "Say why the session is cancelled." in response.content.decode()
    assert cancelled(session) == (False, "")


def test_with_attendance_recorded_an_explicit_choice_is_required(session, member, coach_client):
    Attendance.objects.filter(session=session).update(status="present", version=2)

    refused = confirm(coach_client, session, "Room flooded")
    html = refused.content.decode()
    assert "Attendance was recorded for 1 person" in html
    assert 'name="recorded" value="keep"' in html
    assert "move the session" in html
    assert cancelled(session) == (False, "")

    confirm(coach_client, session, "Room flooded", recorded="keep")
    assert cancelled(session) == (True, "Room flooded")
    # The record stays, shown as "session cancelled", and counts in no rate.
    assert Attendance.objects.get(session=session).status == "present"
    page = coach_client.get(session.get_absolute_url()).content.decode()
    assert "Session cancelled (recorded: present)" in page


def test_a_cancellation_can_be_undone(session, member, coach_client):
    confirm(coach_client, session, "Coach ill")
    response = coach_client.post(reverse("sessions:session-uncancel", args=[session.pk]))
    assert response.status_code == 302
    assert messages_of(response)[-1] == "The session takes place again."
    assert cancelled(session) == (False, "")
    assert session.attendances.filter(participant=member).exists()


def test_undoing_a_session_that_is_not_cancelled_is_refused(session, coach_client):
    response = coach_client.post(reverse("sessions:session-uncancel", args=[session.pk]))
    assert messages_of(response)[-1] == "This session is not cancelled."


def test_undo_is_not_found_for_another_organisation(session, outsider_client, coach_client):
    confirm(coach_client, session, "Coach ill")
    response = outsider_client.post(reverse("sessions:session-uncancel", args=[session.pk]))
    assert response.status_code == 404
    assert cancelled(session) == (True, "Coach ill")


def test_undo_rejects_get(session, coach_client):
    assert (
        coach_client.get(reverse("sessions:session-uncancel", args=[session.pk])).status_code == 405
    )


def test_cancelling_twice_is_refused(session, coach_client):
    confirm(coach_client, session, "Coach ill")
    response = confirm(coach_client, session, "Strike")
    assert messages_of(response)[-1] == "This session is already cancelled."
    assert cancelled(session) == (True, "Coach ill")


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(session, colleague_client):
    assert confirm(colleague_client, session, "Strike").status_code == 404
    assert cancelled(session) == (False, "")


def test_another_organisation_gets_a_404(session, outsider_client, outsider_manager_client):
    assert confirm(outsider_client, session, "Strike").status_code == 404
    assert confirm(outsider_manager_client, session, "Strike").status_code == 404
    assert cancelled(session) == (False, "")


def test_an_administrator_gets_a_404(session, administrator_client):
    assert confirm(administrator_client, session, "Strike").status_code == 404
    assert cancelled(session) == (False, "")


def test_it_requires_login(session, client):
    response = confirm(client, session, "Strike")
    assert response.status_code == 302
    assert response.url == login_url(url(session))
    assert cancelled(session) == (False, "")


def test_it_rejects_put(session, coach_client):
    assert coach_client.put(url(session)).status_code == 405
