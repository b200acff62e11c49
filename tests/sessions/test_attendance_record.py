from decimal import Decimal

import pytest
from django.urls import reverse

from sessions.models import Attendance
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import days_from_today, messages_of

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(session, participant) -> str:
    return reverse("sessions:attendance-record", args=[session.pk, participant.pk])


def row(session, participant) -> tuple:
    attendance = Attendance.objects.get(session=session, participant=participant)
    return (attendance.status, attendance.reason, attendance.version)


def test_a_tap_records_the_attendance(session, member, enrolment, coach, coach_client):
    response = coach_client.post(url(session, member), {"status": "present", "version": 1})

    assert response.status_code == 302
    assert response.url == session.get_absolute_url() + "#attendance"
    assert messages_of(response) == []
    assert row(session, member) == ("present", "", 2)
    assert Attendance.objects.get().recorded_by == coach.user
    enrolment.refresh_from_db()
    assert enrolment.attendance_rate == Decimal("100.0")
    assert enrolment.last_attended_on == session.date


def test_with_htmx_it_returns_the_row_alone(session, member, coach_client):
    response = coach_client.post(url(session, member), {"status": "late", "version": 1}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<li class="attendance-row status-late" id="attendance-{member.pk}"'
    )
    assert "<html" not in html
    assert 'value="late" class="tap tap-late" aria-pressed="true"' in html
    assert 'name="version" value="2"' in html
    assert row(session, member) == ("late", "", 2)


def test_an_excused_absence_keeps_its_reason(session, member, coach_client):
    coach_client.post(url(session, member), {"status": "excused", "reason": "Doctor", "version": 1})
    assert row(session, member) == ("excused", "Doctor", 2)


def test_a_manager_may_record(session, member, manager_client):
    manager_client.post(url(session, member), {"status": "absent", "version": 1})
    assert row(session, member) == ("absent", "", 2)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"status": "excused", "reason": " "}, "Give the reason for the excused absence."),
        ({"status": "expected"}, "Choose present, late, excused or unexcused absence."),
        ({"status": ""}, "Choose present, late, excused or unexcused absence."),
    ],
)
def test_a_bad_tap_is_refused_with_a_message(session, member, coach_client, data, message):
    response = coach_client.post(url(session, member), {**data, "version": 1})
    assert response.status_code == 302
    assert messages_of(response) == [message]
    assert row(session, member) == ("expected", "", 1)


def test_with_htmx_a_bad_tap_shows_the_message_in_the_row(session, member, coach_client):
    response = coach_client.post(url(session, member), {"status": "excused", "version": 1}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert">Give the reason for the excused absence.</p>' in html
    assert 'class="attendance-row status-expected"' in html
    assert row(session, member) == ("expected", "", 1)


def test_a_coming_session_is_refused(session, member, coach_client):
    session.date = days_from_today(1)
    session.save()
    response = coach_client.post(url(session, member), {"status": "present", "version": 1})
    assert messages_of(response) == ["Attendance is recorded on the day of the session or later."]
    assert row(session, member) == ("expected", "", 1)


def test_a_cancelled_session_is_refused(session, member, coach_client):
    coach_client.post(
        reverse("sessions:session-cancel", args=[session.pk]), {"reason": "Ill", "confirm": "1"}
    )
    response = coach_client.post(url(session, member), {"status": "present", "version": 1})
    assert messages_of(response)[-1] == "This session was cancelled."
    assert row(session, member) == ("expected", "", 1)


def test_someone_not_expected_at_the_session_is_refused(session, member, coach, coach_client):
    walk_in = make_participant(coach=coach.user)
    response = coach_client.post(url(session, walk_in), {"status": "present", "version": 1})
    assert messages_of(response) == ["This person is not expected at this session."]
    assert not Attendance.objects.filter(participant=walk_in).exists()


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(session, member, colleague_client):
    response = colleague_client.post(url(session, member), {"status": "absent", "version": 1})
    assert response.status_code == 404
    assert row(session, member) == ("expected", "", 1)


def test_another_organisation_gets_a_404(session, member, outsider_client, outsider_manager_client):
    for client in (outsider_client, outsider_manager_client):
        response = client.post(url(session, member), {"status": "absent", "version": 1})
        assert response.status_code == 404
    assert row(session, member) == ("expected", "", 1)


def test_an_administrator_gets_a_404(session, member, administrator_client):
    response = administrator_client.post(url(session, member), {"status": "absent", "version": 1})
    assert response.status_code == 404
    assert row(session, member) == ("expected", "", 1)


def test_it_requires_login(session, member, client):
    response = client.post(url(session, member), {"status": "absent", "version": 1})
    assert response.status_code == 302
    assert response.url == login_url(url(session, member))
    assert row(session, member) == ("expected", "", 1)


def test_it_rejects_get(session, member, coach_client):
    assert coach_client.get(url(session, member)).status_code == 405
