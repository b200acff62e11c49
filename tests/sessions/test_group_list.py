import pytest
from django.urls import reverse

from tests.factories import make_enrolment, make_participant, make_programme
from tests.helpers import login_url
from tests.sessions.factories import add_member, make_group

pytestmark = pytest.mark.django_db
URL = reverse("sessions:groups")


def names(response) -> list[str]:
    return [group.name for group in response.context["groups"]]


def test_a_coach_sees_the_groups_they_coach_with_their_size(group, member, coach_client):
    response = coach_client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["FLE A1 matin"]
    html = response.content.decode()
    assert "1 / 12" in html
    assert "Amina Benali" in html
    assert group.get_absolute_url() in html


def test_a_coach_sees_a_group_where_someone_of_their_caseload_is(
    programme, participant, colleague, coach_client
):
    theirs = make_group(programme=programme, coaches=[colleague.user], name="Cuisine")
    add_member(group=theirs, participant=participant)
    make_group(programme=programme, coaches=[colleague.user], name="Jardin")

    assert names(coach_client.get(URL)) == ["Cuisine"]


def test_members_who_left_are_not_counted(group, member, coach, coach_client):
    gone = make_participant(coach=coach.user)
    add_member(group=group, participant=gone, left_on=group.starts_on)

    assert coach_client.get(URL).context["groups"][0].size == 1


def test_a_colleague_does_not_see_the_coachs_group(group, colleague_client):
    response = colleague_client.get(URL)
    assert names(response) == []
    assert "No group yet." in response.content.decode()


def test_a_manager_sees_every_group_of_the_organisation(
    group, programme, colleague, manager_client
):
    make_group(programme=programme, coaches=[colleague.user], name="Cuisine")
    assert names(manager_client.get(URL)) == ["Cuisine", "FLE A1 matin"]


def test_another_organisation_sees_none_of_them(group, outsider_client, outsider_manager_client):
    for client in (outsider_client, outsider_manager_client):
        response = client.get(URL)
        assert response.status_code == 200
        assert "FLE A1 matin" not in response.content.decode()


def test_an_administrator_gets_a_404(group, administrator_client):
    assert administrator_client.get(URL).status_code == 404


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == login_url(URL)


def test_it_rejects_post(coach_client):
    assert coach_client.post(URL).status_code == 405


@pytest.mark.parametrize("size", [1, 20])
def test_the_number_of_queries_does_not_grow_with_the_groups(
    organisation, coach, colleague, manager_client, size, django_assert_num_queries
):
    for _ in range(size):
        group = make_group(
            programme=make_programme(organisation=organisation),
            coaches=[coach.user, colleague.user],
        )
        person = make_participant(coach=coach.user)
        make_enrolment(participant=person, programme=group.programme)
        add_member(group=group, participant=person)

    # 1. the login session  2. the user with their staff record and organisation (page header)
    # 3. the groups with programme, module and current size
    # 4. their coaches
    with django_assert_num_queries(4):
        response = manager_client.get(URL)

    assert len(response.context["groups"]) == size
