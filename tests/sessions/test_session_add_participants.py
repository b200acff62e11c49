import pytest
from django.urls import reverse

from sessions.models import Attendance
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import messages_of, session_row_counts

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("sessions:session-add-participants", args=[session.pk])


def expected_at(session) -> set[int]:
    return set(session.attendances.values_list("participant", flat=True))


def test_it_adds_people_to_the_session(session, member, coach, coach_client):
    people = [make_participant(coach=coach.user) for _ in range(2)]

    response = coach_client.post(url(session), {"participants": [p.pk for p in people]})

    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert messages_of(response) == ["2 people added to the session."]
    assert expected_at(session) == {member.pk, *(p.pk for p in people)}
    assert set(session.attendances.values_list("status", flat=True)) == {"expected"}


def test_someone_already_expected_is_not_added_twice(session, member, coach_client):
    coach_client.post(url(session), {"participants": [member.pk]})
    assert Attendance.objects.filter(session=session, participant=member).count() == 1


def test_a_manager_adds_anyone_of_the_organisation(session, member, colleague, manager_client):
    theirs = make_participant(coach=colleague.user)
    manager_client.post(url(session), {"participants": [theirs.pk]})
    assert expected_at(session) == {member.pk, theirs.pk}


@pytest.mark.parametrize("ids", [[], ["abc"], ["999999"]])
def test_nobody_valid_ticked_is_refused(session, coach_client, ids):
    before = session_row_counts()
    response = coach_client.post(url(session), {"participants": ids})
    assert messages_of(response) == ["Tick at least one person."]
    assert session_row_counts() == before


def test_someone_off_the_coachs_caseload_is_left_out(
    session, member, colleague, outsider, coach_client
):
    theirs = make_participant(coach=colleague.user)
    stranger = make_participant(coach=outsider.user)
    before = session_row_counts()

    response = coach_client.post(url(session), {"participants": [theirs.pk, stranger.pk]})

    assert messages_of(response) == ["Tick at least one person."]
    assert session_row_counts() == before


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(
    session, member, colleague, colleague_client
):
    theirs = make_participant(coach=colleague.user)
    response = colleague_client.post(url(session), {"participants": [theirs.pk]})
    assert response.status_code == 404
    assert expected_at(session) == {member.pk}


def test_another_organisation_gets_a_404(
    session, member, outsider, outsider_client, outsider_manager_client
):
    stranger = make_participant(coach=outsider.user)
    for client in (outsider_client, outsider_manager_client):
        assert client.post(url(session), {"participants": [stranger.pk]}).status_code == 404
    assert expected_at(session) == {member.pk}


def test_an_administrator_gets_a_404(session, member, administrator_client):
    assert administrator_client.post(url(session), {"participants": [member.pk]}).status_code == 404


def test_it_requires_login(session, member, coach, client):
    someone = make_participant(coach=coach.user)
    response = client.post(url(session), {"participants": [someone.pk]})
    assert response.status_code == 302
    assert response.url == login_url(url(session))
    assert expected_at(session) == {member.pk}


def test_it_rejects_get(session, coach_client):
    assert coach_client.get(url(session)).status_code == 405
