import pytest
from django.urls import reverse

from participants.models import Enrolment
from sessions import services
from tests.factories import make_enrolment, make_participant
from tests.helpers import login_url
from tests.sessions.factories import days_from_today, make_session

pytestmark = pytest.mark.django_db
URL = reverse("sessions:attention")


@pytest.fixture
def absent_three_times(kinds, programme, participant, enrolment, coach):
    """Active, and absent from the three last sessions."""
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.ACTIVE)
    for days in (-10, -7, -3):
        session = make_session(
            programme=programme, date=days_from_today(days), expected=[participant]
        )
        services.attendance_record(
            session=session, participant=participant, status="absent", version=1, by=coach.user
        )
    return Enrolment.objects.get(pk=enrolment.pk)


def test_it_lists_people_absent_several_times_in_a_row(absent_three_times, coach_client):
    assert absent_three_times.consecutive_absences == 3
    response = coach_client.get(URL)
    assert response.status_code == 200
    assert list(response.context["enrolments"]) == [absent_three_times]
    assert "<strong>3</strong>" in response.content.decode()


def test_a_higher_threshold_leaves_them_out(absent_three_times, coach_client):
    assert list(coach_client.get(URL, {"threshold": 4}).context["enrolments"]) == []


def test_a_bad_threshold_falls_back_to_three(absent_three_times, coach_client):
    response = coach_client.get(URL, {"threshold": "many"})
    assert response.context["threshold"] == 3


def test_coming_back_clears_the_streak(
    absent_three_times, kinds, programme, participant, coach, coach_client
):
    session = make_session(programme=programme, date=days_from_today(-1), expected=[participant])
    services.attendance_record(
        session=session, participant=participant, status="present", version=1, by=coach.user
    )
    assert list(coach_client.get(URL).context["enrolments"]) == []


def test_others_see_only_their_reach(
    absent_three_times, colleague_client, outsider_client, manager_client
):
    assert list(colleague_client.get(URL).context["enrolments"]) == []
    assert list(outsider_client.get(URL).context["enrolments"]) == []
    assert list(manager_client.get(URL).context["enrolments"]) == [absent_three_times]


def test_an_administrator_gets_a_404(administrator_client):
    assert administrator_client.get(URL).status_code == 404


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.url == login_url(URL)


def test_it_rejects_post(coach_client):
    assert coach_client.post(URL).status_code == 405


@pytest.mark.parametrize("size", [1, 20])
def test_the_number_of_queries_does_not_grow(
    programme, coach, coach_client, size, django_assert_num_queries
):
    for n in range(size):
        person = make_participant(coach=coach.user, last_name=f"Absent{n}")
        make_enrolment(
            participant=person, programme=programme, status="active", consecutive_absences=4
        )
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the enrolments with participant, programme and coach
    with django_assert_num_queries(3):
        response = coach_client.get(URL)
    assert len(response.context["enrolments"]) == size
