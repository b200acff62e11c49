import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Attendance, GroupMembership
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import (
    admit,
    days_from_today,
    make_session,
    messages_of,
    session_row_counts,
)

pytestmark = pytest.mark.django_db


def url(group) -> str:
    return reverse("sessions:group-add-members", args=[group.pk])


def waiting(programme, staff):
    person = make_participant(coach=staff.user)
    admit(person, programme)
    return person


@pytest.fixture
def people(programme, coach):
    return [waiting(programme, coach) for _ in range(2)]


@pytest.fixture
def sessions(kinds, programme, group):
    return {
        "past": make_session(programme=programme, group=group, date=days_from_today(-3)),
        "coming": make_session(programme=programme, group=group, date=days_from_today(4)),
    }


def post(client, group, people, **extra):
    data = {"participants": [p.pk for p in people], "joined_on": timezone.localdate().isoformat()}
    return client.post(url(group), {**data, **extra})


def test_it_adds_several_people_at_once(group, people, sessions, coach_client):
    response = post(coach_client, group, people)

    assert response.status_code == 302
    assert response.url == group.get_absolute_url()
    assert messages_of(response) == ["2 people added to the group."]
    assert set(
        GroupMembership.objects.filter(group=group).values_list("participant", flat=True)
    ) == {p.pk for p in people}
    # Expected at the coming session, not at the one already held.
    assert set(Attendance.objects.values_list("session", "participant", "status")) == {
        (sessions["coming"].pk, p.pk, "expected") for p in people
    }


def test_a_manager_adds_anyone_of_the_organisation(group, programme, colleague, manager_client):
    theirs = waiting(programme, colleague)
    response = post(manager_client, group, [theirs])
    assert messages_of(response) == ["1 person added to the group."]
    assert GroupMembership.objects.filter(group=group, participant=theirs).exists()


def test_nobody_ticked_is_refused(group, coach_client):
    before = session_row_counts()
    response = coach_client.post(url(group), {"joined_on": timezone.localdate().isoformat()})
    assert messages_of(response) == ["Tick at least one person."]
    assert session_row_counts() == before


def test_more_people_than_free_places_is_refused_whole(
    group, member, people, sessions, coach_client
):
    group.capacity = 2
    group.save()
    before = session_row_counts()

    response = post(coach_client, group, people)

    assert response.status_code == 302
    assert messages_of(response) == ["The group has 1 free places; you chose 2 people."]
    assert session_row_counts() == before


def test_someone_off_the_coachs_caseload_is_refused(
    group, people, programme, colleague, coach_client
):
    theirs = waiting(programme, colleague)
    before = session_row_counts()

    response = post(coach_client, group, [*people, theirs])

    assert messages_of(response) == [
        f"Select a valid choice. {theirs.pk} is not one of the available choices."
    ]
    assert session_row_counts() == before


def test_a_missing_date_is_refused(group, people, coach_client):
    before = session_row_counts()
    response = post(coach_client, group, people, joined_on="")
    assert messages_of(response) == ["This field is required."]
    assert session_row_counts() == before


def test_a_colleague_who_neither_coaches_it_nor_has_a_member_gets_a_404(
    group, programme, colleague, colleague_client
):
    theirs = waiting(programme, colleague)
    before = session_row_counts()
    assert post(colleague_client, group, [theirs]).status_code == 404
    assert session_row_counts() == before


def test_another_organisation_gets_a_404(group, people, outsider_client, outsider_manager_client):
    assert post(outsider_client, group, people).status_code == 404
    assert post(outsider_manager_client, group, people).status_code == 404
    assert not GroupMembership.objects.exists()


def test_an_administrator_gets_a_404(group, people, administrator_client):
    assert post(administrator_client, group, people).status_code == 404
    assert not GroupMembership.objects.exists()


def test_it_requires_login(group, people, client):
    response = post(client, group, people)
    assert response.status_code == 302
    assert response.url == login_url(url(group))
    assert not GroupMembership.objects.exists()


def test_it_rejects_get(group, coach_client):
    assert coach_client.get(url(group)).status_code == 405
