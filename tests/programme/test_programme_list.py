import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from participants.models import Enrolment
from tests.factories import make_enrolment, make_participant, make_programme
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
URL = reverse("programme:list")
Status = Enrolment.Status


def test_it_lists_the_organisations_programmes_with_their_counts(
    programme, other_programme, coach, coach_client
):
    for status in [
        Status.REFERRED,
        Status.INTAKE,
        Status.WAITING_LIST,
        Status.ACTIVE,
        Status.PAUSED,
        Status.EXITED,
        Status.CLOSED,
        Status.ACTIVE,
    ]:
        make_enrolment(
            participant=make_participant(coach=coach.user), programme=programme, status=status
        )

    response = coach_client.get(URL)

    assert response.status_code == 200
    programmes = list(response.context["programmes"])
    assert programmes == [programme]
    counts = programmes[0]
    assert (counts.referred, counts.waiting, counts.active, counts.exited) == (2, 1, 3, 2)
    html = response.content.decode()
    assert "Vivre ensemble" in html
    assert "Samen op weg" not in html


def test_an_empty_organisation_says_so(coach_client):
    assert "No programme yet." in coach_client.get(URL).content.decode()


@pytest.mark.parametrize("persona", ["manager_client", "administrator_client"])
def test_managers_and_administrators_see_it_too(request, programme, persona):
    response = request.getfixturevalue(persona).get(URL)
    assert list(response.context["programmes"]) == [programme]


def test_another_organisation_sees_its_own(programme, other_programme, outsider_client):
    assert list(outsider_client.get(URL).context["programmes"]) == [other_programme]


def test_a_user_without_organisation_gets_a_404(client, programme):
    user = get_user_model().objects.create_user("visitor")
    client.force_login(user)
    assert client.get(URL).status_code == 404


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == login_url(URL)


def test_it_rejects_post(coach_client):
    assert coach_client.post(URL).status_code == 405


@pytest.mark.parametrize("size", [1, 20])
def test_the_number_of_queries_does_not_grow_with_the_programmes(
    organisation, coach, coach_client, size, django_assert_num_queries
):
    for _ in range(size):
        programme = make_programme(organisation=organisation)
        make_enrolment(participant=make_participant(coach=coach.user), programme=programme)
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the programmes with their enrolment counts
    with django_assert_num_queries(3):
        response = coach_client.get(URL)
    assert len(response.context["programmes"]) == size
