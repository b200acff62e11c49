import pytest
from django.urls import reverse

from sessions.models import Attendance
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import days_from_today, messages_of

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("sessions:attendance-all-present", args=[session.pk])


@pytest.fixture
def three(session, member, coach):
    """The member and two more expected; one of them already recorded as excused."""
    others = [make_participant(coach=coach.user) for _ in range(2)]
    Attendance.objects.create(session=session, participant=others[0])
    Attendance.objects.create(
        session=session, participant=others[1], status="excused", reason="Ill", version=2
    )
    return [member, *others]


def statuses(session) -> list[str]:
    return list(session.attendances.order_by("participant_id").values_list("status", flat=True))


def test_everyone_not_recorded_yet_is_marked_present(session, three, coach, coach_client):
    response = coach_client.post(url(session))

    assert response.status_code == 302
    assert response.url == session.get_absolute_url() + "#attendance"
    assert messages_of(response) == ["2 people marked present."]
    assert statuses(session) == ["present", "present", "excused"]
    assert Attendance.objects.get(participant=three[2]).reason == "Ill"
    assert Attendance.objects.get(participant=three[0]).recorded_by == coach.user


def test_the_page_offers_it_while_someone_is_not_recorded(session, three, coach_client):
    html = coach_client.get(session.get_absolute_url()).content.decode()
    assert "Mark everyone not recorded yet as present" in html
    coach_client.post(url(session))
    html = coach_client.get(session.get_absolute_url()).content.decode()
    assert url(session) not in html


def test_a_manager_may_do_it(session, three, manager_client):
    manager_client.post(url(session))
    assert statuses(session) == ["present", "present", "excused"]


def test_a_coming_session_is_refused(session, three, coach_client):
    session.date = days_from_today(1)
    session.save()
    response = coach_client.post(url(session))
    assert messages_of(response) == [
        "Attendance is recorded on the day of a session that took place."
    ]
    assert statuses(session) == ["expected", "expected", "excused"]


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(session, three, colleague_client):
    assert colleague_client.post(url(session)).status_code == 404
    assert statuses(session) == ["expected", "expected", "excused"]


def test_another_organisation_gets_a_404(session, three, outsider_client, outsider_manager_client):
    assert outsider_client.post(url(session)).status_code == 404
    assert outsider_manager_client.post(url(session)).status_code == 404
    assert statuses(session) == ["expected", "expected", "excused"]


def test_an_administrator_gets_a_404(session, three, administrator_client):
    assert administrator_client.post(url(session)).status_code == 404
    assert statuses(session) == ["expected", "expected", "excused"]


def test_it_requires_login(session, three, client):
    response = client.post(url(session))
    assert response.status_code == 302
    assert response.url == login_url(url(session))
    assert statuses(session) == ["expected", "expected", "excused"]


def test_it_rejects_get(session, coach_client):
    assert coach_client.get(url(session)).status_code == 405
