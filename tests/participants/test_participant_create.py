import pytest
from django.urls import reverse

from participants.models import Participant
from tests.helpers import EMPTY_LANGUAGES, login_url, row_counts

pytestmark = pytest.mark.django_db
URL = reverse("participants:create")


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Yonas",
        "last_name": "Tekle",
        "birth_date": "1992-03-04",
        "gender": "man",
        "national_number": "",
        "nationality": "ER",
        "residence_status": "refugee",
        "portal_language": "ti",
        "children": "2",
        **EMPTY_LANGUAGES,
    }
    data.update(overrides)
    return data


def with_languages(*rows) -> dict:
    data = {"lang-TOTAL_FORMS": str(len(rows))}
    for n, (language, use) in enumerate(rows):
        data[f"lang-{n}-language"] = language
        data[f"lang-{n}-use"] = use
    return data


def test_it_shows_the_form(coach, coach_client):
    response = coach_client.get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["coach"].initial == coach.user.pk
    assert "New participant" in response.content.decode()


def test_the_participant_pages_start_in_the_organisations_language(coach, coach_client):
    coach.organisation.language = "nl"
    coach.organisation.save()
    response = coach_client.get(URL)
    assert response.context["form"]["portal_language"].value() == "nl"


def test_it_creates_the_file_and_goes_on_to_the_referral(coach, coach_client, organisation):
    response = coach_client.post(
        URL,
        form_data(
            coach=coach.user.pk,
            phone="0470 12 34 56",
            **with_languages(("ti", "mother_tongue"), ("ar", "conversation")),
        ),
    )

    participant = Participant.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("participants:refer", args=[participant.pk])
    assert participant.organisation == organisation
    assert participant.coach == coach.user
    assert (participant.full_name, participant.children, participant.nationality.code) == (
        "Yonas Tekle",
        2,
        "ER",
    )
    assert participant.phone == "+32 470 12 34 56"
    assert sorted(participant.languages.values_list("language", flat=True)) == ["ar", "ti"]
    follow = coach_client.get(response.url)
    assert "The file of Yonas Tekle was created." in follow.content.decode()


def test_it_stores_the_register_number_as_digits(coach_client):
    coach_client.post(URL, form_data(birth_date="1985-07-30", national_number="85.07.30-033.28"))
    assert Participant.objects.get().national_number == "85073003328"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "This field is required."),
        ({"birth_date": "2999-01-01"}, "birth_date", "The date of birth cannot be in the future."),
        ({"birth_date": "30/02/1990"}, "birth_date", "Enter a valid date."),
        (
            {"national_number": "85.07.30-033.29"},
            "national_number",
            "This is not a valid national register number: check the 11 digits.",
        ),
        (
            {"birth_date": "1985-07-31", "national_number": "85073003328"},
            "national_number",
            "This number belongs to someone born on 30/07/1985, not on the date of birth above.",
        ),
        (
            {"arrived_on": "1980-01-01"},
            "arrived_on",
            "The arrival date cannot be before the date of birth.",
        ),
        ({"children": "-1"}, "children", "Ensure this value is greater than or equal to 0."),
        ({"phone": "12345"}, "phone", "This is not a valid phone number, e.g. 0470 12 34 56."),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(coach_client, overrides, field, message):
    before = row_counts()
    response = coach_client.post(URL, form_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved. Please check what is marked below." in html
    assert row_counts() == before


def test_it_refuses_a_language_twice(coach_client):
    before = row_counts()
    response = coach_client.post(
        URL, form_data(**with_languages(("ti", "mother_tongue"), ("ti", "fluent")))
    )
    assert response.status_code == 200
    assert "Each language only once, please." in response.content.decode()
    assert row_counts() == before


def test_it_refuses_a_coach_of_another_organisation(outsider, coach_client):
    before = row_counts()
    response = coach_client.post(URL, form_data(coach=outsider.user.pk))
    assert response.context["form"].errors["coach"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert row_counts() == before


def test_a_manager_creates_in_their_organisation(manager_client, organisation):
    manager_client.post(URL, form_data())
    participant = Participant.objects.get()
    assert participant.organisation == organisation
    assert participant.coach is None


def test_an_outsider_creates_in_their_own_organisation(outsider_client, other_organisation):
    outsider_client.post(URL, form_data())
    assert Participant.objects.get().organisation == other_organisation


def test_an_administrator_gets_a_404(administrator_client):
    assert administrator_client.get(URL).status_code == 404
    assert administrator_client.post(URL, form_data()).status_code == 404
    assert not Participant.objects.exists()


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == login_url(URL)
    assert client.post(URL, form_data()).status_code == 302
    assert not Participant.objects.exists()


def test_it_rejects_put(coach_client):
    assert coach_client.put(URL).status_code == 405
