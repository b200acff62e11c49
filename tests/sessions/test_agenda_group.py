"""A group's schedule: its coming and past sessions, for those who may see the group."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programme.models import Room, Site
from sessions import services
from sessions.models import GroupMembership, Place
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import admit, days_from_today, plan_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(programme, coach):
    return services.group_create(
        data={"programme": programme, "name": "Mardi matin"}, coaches=[coach.user]
    )


@pytest.fixture
def schedule(group, organisation):
    site = Site.objects.create(organisation=organisation, name="Antenne Nord")
    room = Room.objects.create(site=site, name="Salle Meuse")
    people = [make_participant(organisation=organisation) for _ in range(3)]
    for person in people:
        admit(person, group.programme)
    services.group_add_members(
        group=group, participants=people, joined_on=timezone.localdate() - datetime.timedelta(30)
    )
    return {
        "long_ago": plan_session(
            programme=group.programme, group=group, day=days_from_today(-14), topic="Long ago"
        ),
        "yesterday": plan_session(
            programme=group.programme, group=group, day=days_from_today(-1), topic="Yesterday"
        ),
        "today": plan_session(
            programme=group.programme,
            group=group,
            day=days_from_today(0),
            topic="Today",
            place=Place.ROOM,
            room=room,
        ),
        "later": plan_session(
            programme=group.programme, group=group, day=days_from_today(7), topic="Later"
        ),
    }


def url(group) -> str:
    return reverse("sessions:group-schedule", args=[group.pk])


def topics(sessions) -> list[str]:
    return [session.topic for session in sessions]


def test_a_coach_of_the_group_sees_coming_and_past_sessions(group, schedule, coach_client):
    services.session_cancel(session=schedule["later"], reason="Public transport strike")
    response = coach_client.get(url(group))
    assert response.status_code == 200
    assert topics(response.context["coming"]) == ["Today", "Later"]
    # The most recent first.
    assert topics(response.context["past"]) == ["Yesterday", "Long ago"]
    assert [s.expected for s in response.context["coming"]] == [3, 3]
    html = response.content.decode()
    assert "Schedule of Mardi matin</h1>" in html
    assert "Amina Benali" in html
    assert "Salle Meuse" in html
    assert "<s>Workshop: Later</s>" in html
    assert "Cancelled: Public transport strike" in html
    assert f'href="{reverse("sessions:session", args=[schedule["today"].pk])}"' in html
    assert f'href="{reverse("sessions:group", args=[group.pk])}"' in html
    assert "data-print" in html


def test_a_coach_with_a_member_on_their_caseload_sees_it(group, schedule, colleague):
    member = GroupMembership.objects.filter(group=group).first().participant
    member.coach = colleague.user
    member.save()
    client = Client()
    client.force_login(colleague.user)
    assert client.get(url(group)).status_code == 200


def test_a_manager_sees_it(group, schedule, manager_client):
    assert manager_client.get(url(group)).status_code == 200


def test_a_colleague_who_neither_coaches_the_group_nor_follows_a_member_gets_a_404(
    group, schedule, colleague_client
):
    assert colleague_client.get(url(group)).status_code == 404


def test_another_organisation_gets_a_404(group, outsider_client, outsider_manager_client):
    assert outsider_client.get(url(group)).status_code == 404
    assert outsider_manager_client.get(url(group)).status_code == 404


def test_an_administrator_gets_a_404(group, administrator_client):
    assert administrator_client.get(url(group)).status_code == 404


def test_it_requires_login(group, client):
    response = client.get(url(group))
    assert response.status_code == 302
    assert response.url == login_url(url(group))


def test_it_rejects_post(group, coach_client):
    assert coach_client.post(url(group)).status_code == 405


@pytest.mark.parametrize("sessions", [1, 20])
def test_queries_do_not_grow_with_sessions(
    group, organisation, coach_client, django_assert_num_queries, sessions
):
    people = [make_participant(organisation=organisation) for _ in range(5)]
    for person in people:
        admit(person, group.programme)
    services.group_add_members(
        group=group,
        participants=people,
        joined_on=timezone.localdate() - datetime.timedelta(30),
    )
    for n in range(sessions):
        plan_session(
            programme=group.programme,
            group=group,
            day=days_from_today(n - sessions // 2),
            topic=f"Session {n}",
        )
    # 1. the session row, 2. the user with their Staff row and the organisation in the header,
    # 3. the group within the coach's scope, 4. the sessions with their counts, 5. the group's
    # coaches.
    with django_assert_num_queries(5):
        response = coach_client.get(url(group))
    assert len(response.context["coming"]) + len(response.context["past"]) == sessions
