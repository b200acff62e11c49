"""The modules report: people per module by where they stand in their plan, and the hours
attended in the modules' groups; managers only, their own organisation only."""

import pytest
from django.urls import reverse

from participants.models import Enrolment
from sessions import services
from sessions.models import Attendance
from tests.factories import make_enrolment, make_module, make_participant
from tests.sessions.factories import days_from_today, make_group, make_session

URL = reverse("reports:modules")


def fill(programme, organisation, size):
    via = make_module(programme=programme, name="VIA", trial_sessions=1)
    group = make_group(programme=programme, module=via, capacity=size)
    for n in range(size):
        person = make_participant(organisation=organisation, first_name=f"P{n}")
        make_enrolment(
            participant=person,
            programme=programme,
            status=Enrolment.Status.ACTIVE,
            started_on=days_from_today(-90),
        )
        services.group_add_members(
            group=group, participants=[person], joined_on=days_from_today(-30)
        )
        session = make_session(programme=programme, group=group, date=days_from_today(-n - 1))
        Attendance.objects.create(session=session, participant=person, status="present")
    return via


def test_the_manager_sees_people_and_hours_per_module(manager_client, programme, organisation):
    fill(programme, organisation, 3)
    response = manager_client.get(URL, {"programme": programme.pk})
    assert response.status_code == 200
    [item] = response.context["rows"]
    assert item["row"].module.name == "VIA"
    assert item["row"].people == 3
    assert item["row"].hours == 9
    assert "VIA" in response.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_the_queries_do_not_grow(
    manager_client, programme, organisation, size, django_assert_num_queries
):
    fill(programme, organisation, size)
    manager_client.get(URL, {"programme": programme.pk})
    # 1. the session  2. the user with their staff record and organisation  3. the
    # organisation's programmes  4. the programme chosen, within reach  5. its modules  6. the
    # plan rows by module and status  7. the sessions of the modules' groups, with who came
    with django_assert_num_queries(7):
        manager_client.get(URL, {"programme": programme.pk})


def test_a_coach_gets_a_404(coach_client):
    assert coach_client.get(URL).status_code == 404


def test_another_organisation_s_programme_is_a_404(outsider_manager_client, programme):
    assert outsider_manager_client.get(URL, {"programme": programme.pk}).status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(URL).status_code == 302


def test_an_unreadable_date_is_a_400(manager_client, programme):
    assert manager_client.get(URL, {"programme": programme.pk, "start": "soon"}).status_code == 400


def test_post_is_refused(manager_client):
    assert manager_client.post(URL).status_code == 405
