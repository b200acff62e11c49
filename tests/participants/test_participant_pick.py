import pytest
from django.urls import reverse

from tests.factories import make_participant
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
URL = reverse("participants:pick")


def values(response) -> list[int]:
    return [p.pk for p in response.context["ticked"]] + [p.pk for p in response.context["matches"]]


def test_it_finds_people_of_the_caseload_by_name(participant, coach, coach_client):
    other = make_participant(coach=coach.user, first_name="Dawit", last_name="Kidane")
    response = coach_client.get(URL, {"q": "kida"})
    assert response.status_code == 200
    assert values(response) == [other.pk]
    assert "KIDANE Dawit" in response.content.decode()


def test_people_already_ticked_stay_first_and_ticked(participant, coach, coach_client):
    other = make_participant(coach=coach.user, first_name="Dawit", last_name="Kidane")
    response = coach_client.get(URL, {"q": "kida", "participants": [participant.pk]})
    assert values(response) == [participant.pk, other.pk]
    assert f'value="{participant.pk}" checked' in response.content.decode()


def test_it_shows_at_most_twenty_and_says_so(coach, coach_client):
    for n in range(25):
        make_participant(coach=coach.user, last_name=f"Tesfay{n}")
    response = coach_client.get(URL, {"q": "tesfay"})
    assert len(response.context["matches"]) == 20
    assert "More people match: type more of the name." in response.content.decode()


def test_it_finds_nobody_outside_the_users_reach(participant, colleague_client, outsider_client):
    for client in (colleague_client, outsider_client):
        response = client.get(URL, {"q": participant.last_name, "participants": [participant.pk]})
        assert values(response) == []


def test_an_administrator_gets_a_404(administrator_client):
    assert administrator_client.get(URL, {"q": "a"}).status_code == 404


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == login_url(URL)


def test_it_rejects_post(coach_client):
    assert coach_client.post(URL, {"q": "a"}).status_code == 405


@pytest.mark.parametrize("size", [1, 50])
def test_the_number_of_queries_does_not_grow_with_the_caseload(
    coach, coach_client, size, django_assert_num_queries
):
    people = [make_participant(coach=coach.user, last_name=f"Berhe{n}") for n in range(size)]
    # 1. the session  2. the user with their staff record
    # 3. the people already ticked  4. the matches (at most 20)
    with django_assert_num_queries(4):
        coach_client.get(URL, {"q": "berhe", "participants": [people[0].pk]})
