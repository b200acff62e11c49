import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Attendance, GroupMembership
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import (
    days_from_today,
    make_session,
    messages_of,
    session_row_counts,
)

pytestmark = pytest.mark.django_db


def url(group, participant) -> str:
    return reverse("sessions:group-remove-member", args=[group.pk, participant.pk])


@pytest.fixture
def calendar(session, programme, group, member):
    """Yesterday's session (the fixture `session`, attended) and next week's."""
    Attendance.objects.filter(session=session).update(status="present", version=2)
    coming = make_session(
        programme=programme, group=group, date=days_from_today(7), expected=[member]
    )
    return {"past": session, "coming": coming}


def test_the_member_leaves_and_is_no_longer_expected(group, member, calendar, coach_client):
    response = coach_client.post(url(group, member))

    assert response.status_code == 302
    assert response.url == group.get_absolute_url()
    assert messages_of(response) == ["Selam Haile left the group."]
    membership = GroupMembership.objects.get(group=group, participant=member)
    assert membership.left_on == timezone.localdate()
    assert list(Attendance.objects.values_list("session", "status")) == [
        (calendar["past"].pk, "present")
    ]


def test_a_manager_may_remove_a_member(group, member, calendar, manager_client):
    response = manager_client.post(url(group, member))
    assert messages_of(response) == ["Selam Haile left the group."]
    assert GroupMembership.objects.get().left_on == timezone.localdate()


def test_someone_not_in_the_group_is_refused(group, member, calendar, coach, coach_client):
    stranger = make_participant(coach=coach.user)
    before = session_row_counts()

    response = coach_client.post(url(group, stranger))

    assert messages_of(response) == ["This person is not in the group."]
    assert session_row_counts() == before


def test_leaving_twice_is_refused(group, member, calendar, coach_client):
    coach_client.post(url(group, member))
    response = coach_client.post(url(group, member))
    assert messages_of(response)[-1] == "This person is not in the group."


def test_someone_off_the_coachs_caseload_is_refused(
    group, member, calendar, colleague, coach_client
):
    theirs = make_participant(coach=colleague.user)
    membership = GroupMembership.objects.create(
        group=group, participant=theirs, joined_on=days_from_today(-30)
    )

    response = coach_client.post(url(group, theirs))

    assert messages_of(response) == ["This person is not in the group."]
    membership.refresh_from_db()
    assert membership.left_on is None


def test_a_colleague_who_neither_coaches_it_nor_has_a_member_gets_a_404(
    group, member, calendar, colleague_client
):
    assert colleague_client.post(url(group, member)).status_code == 404
    assert GroupMembership.objects.get().left_on is None


def test_another_organisation_gets_a_404(
    group, member, calendar, outsider_client, outsider_manager_client
):
    assert outsider_client.post(url(group, member)).status_code == 404
    assert outsider_manager_client.post(url(group, member)).status_code == 404
    assert GroupMembership.objects.get().left_on is None


def test_an_administrator_gets_a_404(group, member, administrator_client):
    assert administrator_client.post(url(group, member)).status_code == 404
    assert GroupMembership.objects.get().left_on is None


def test_it_requires_login(group, member, client):
    response = client.post(url(group, member))
    assert response.status_code == 302
    assert response.url == login_url(url(group, member))
    assert GroupMembership.objects.get().left_on is None


def test_it_rejects_get(group, member, coach_client):
    assert coach_client.get(url(group, member)).status_code == 405
    assert GroupMembership.objects.get().left_on is None
