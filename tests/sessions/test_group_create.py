import pytest
from django.urls import reverse

from sessions.models import Group
from tests.factories import make_module, make_programme
from tests.helpers import login_url
from tests.sessions.factories import messages_of, session_row_counts

pytestmark = pytest.mark.django_db
URL = reverse("sessions:group-create")


@pytest.fixture
def data(programme, site):
    return {
        "programme": programme.pk,
        "name": "FLE A2 après-midi",
        "level_low": "a1",
        "level_high": "a2",
        "capacity": 10,
        "site": site.pk,
        "starts_on": "2027-01-11",
        "ends_on": "2027-06-25",
    }


def test_it_shows_the_form_with_the_coach_ticked(programme, coach, coach_client):
    response = coach_client.get(URL, {"programme": programme.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["coaches"].initial == [coach.user.pk]
    assert form.initial["programme"] == str(programme.pk)
    assert "Create the group" in response.content.decode()


def test_a_coach_creates_a_group_and_coaches_it(data, colleague, coach, coach_client):
    response = coach_client.post(URL, {**data, "coaches": [colleague.user.pk]})

    group = Group.objects.get()
    assert response.status_code == 302
    assert response.url == group.get_absolute_url()
    assert messages_of(response) == ["Group created. Now add its members."]
    assert (group.name, group.capacity, group.level_low, group.level_high) == (
        "FLE A2 après-midi",
        10,
        "a1",
        "a2",
    )
    # Coaching it lets the coach open it afterwards, even unticked.
    assert set(group.coaches.all()) == {colleague.user, coach.user}


def test_a_manager_creates_a_group_for_other_coaches(data, coach, manager_client):
    response = manager_client.post(URL, {**data, "coaches": [coach.user.pk]})
    assert response.status_code == 302
    assert list(Group.objects.get().coaches.all()) == [coach.user]


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"capacity": 0}, "capacity", "Give a capacity between 1 and 60."),
        ({"capacity": 61}, "capacity", "Give a capacity between 1 and 60."),
        ({"level_low": "b1"}, "level_high", "The band must go from the lower level to the higher."),
        ({"ends_on": "2026-12-31"}, "ends_on", "The group cannot end before it starts."),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message(data, coach_client, change, field, message):
    before = session_row_counts()

    response = coach_client.post(URL, {**data, **change})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert session_row_counts() == before


def test_a_module_of_another_programme_is_refused(data, organisation, coach_client):
    elsewhere = make_module(programme=make_programme(organisation=organisation))
    before = session_row_counts()

    response = coach_client.post(URL, {**data, "module": elsewhere.pk})

    assert response.context["form"].errors["module"] == [
        "This module belongs to another programme."
    ]
    assert session_row_counts() == before


def test_another_organisation_cannot_create_a_group_in_our_programme(data, outsider_client):
    before = session_row_counts()

    response = outsider_client.post(URL, data)

    errors = response.context["form"].errors
    assert errors["programme"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert "site" in errors
    assert session_row_counts() == before


def test_an_administrator_gets_a_404(data, administrator_client):
    assert administrator_client.get(URL).status_code == 404
    assert administrator_client.post(URL, data).status_code == 404
    assert not Group.objects.exists()


def test_it_requires_login(data, client):
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response.url == login_url(URL)
    assert not Group.objects.exists()


def test_it_rejects_put(coach_client):
    assert coach_client.put(URL).status_code == 405


def test_the_only_programme_is_already_chosen(programme, coach_client):
    form = coach_client.get(URL).context["form"]
    assert form["programme"].value() == programme.pk


def test_with_two_programmes_none_is_chosen_for_the_coach(programme, organisation, coach_client):
    make_programme(organisation=organisation, name="Atelier vélo")
    form = coach_client.get(URL).context["form"]
    assert form["programme"].value() is None
