import pytest
from django.urls import reverse

from participants import services
from participants.models import Participant
from tests.helpers import EMPTY_LANGUAGES, login_url, row_counts

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else changed this file while you were editing it. "
    "Your changes were not saved: reload the page to see theirs."
)


def url(participant) -> str:
    return reverse("participants:edit", args=[participant.pk])


def edit_data(participant, **overrides) -> dict:
    """What the browser posts back for an unchanged form, plus the overrides."""
    data = {
        "first_name": participant.first_name,
        "last_name": participant.last_name,
        "birth_date": participant.birth_date.isoformat(),
        "gender": participant.gender,
        "national_number": participant.national_number_display,
        "portal_language": participant.portal_language,
        "children": str(participant.children),
        "coach": str(participant.coach_id or ""),
        "version": str(participant.version),
        **EMPTY_LANGUAGES,
    }
    data.update(overrides)
    return data


def test_it_shows_the_file_in_the_form(participant, coach_client):
    participant.languages.create(language="ti", use="mother_tongue")
    response = coach_client.get(url(participant))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="85.07.30-033.28"' in html
    assert 'name="version" value="1"' in html
    assert response.context["languages"].initial == [{"language": "ti", "use": "mother_tongue"}]


def test_it_saves_and_returns_to_the_file(participant, coach_client):
    response = coach_client.post(
        url(participant),
        edit_data(
            participant,
            phone="+32 470 12 34 56",
            children="3",
            **{"lang-TOTAL_FORMS": "1", "lang-0-language": "ar", "lang-0-use": "fluent"},
        ),
    )

    assert response.status_code == 302
    assert response.url == participant.get_absolute_url()
    participant.refresh_from_db()
    assert (participant.phone, participant.children, participant.version) == (
        "+32 470 12 34 56",
        3,
        2,
    )
    assert participant.national_number == "85073003328"
    assert list(participant.languages.values_list("language", "use")) == [("ar", "fluent")]
    assert "Saved." in coach_client.get(response.url).content.decode()


def test_saving_an_unchanged_form_works(participant, coach_client):
    # The form shows the register number formatted; posting it back must not fail.
    response = coach_client.post(url(participant), edit_data(participant))
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.version == 2


def test_a_stale_form_is_refused_and_nothing_is_written(participant, colleague, coach_client):
    opened = edit_data(participant, first_name="Mine")
    services.participant_update(
        participant=participant, data={"first_name": "Theirs"}, version=1, by=colleague.user
    )
    before = row_counts()

    response = coach_client.post(url(participant), opened)

    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert row_counts() == before
    participant.refresh_from_db()
    assert (participant.first_name, participant.version) == ("Theirs", 2)


def test_a_form_without_version_is_treated_as_stale(participant, coach_client):
    response = coach_client.post(
        url(participant), edit_data(participant, first_name="Mine", version="")
    )
    assert STALE in response.content.decode()
    participant.refresh_from_db()
    assert (participant.first_name, participant.version) == ("Selam", 1)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"last_name": ""}, "This field is required."),
        (
            {"birth_date": "1985-07-31"},
            "This number belongs to someone born on 30/07/1985, not on the date of birth above.",
        ),
        (
            {"gender": "unknown"},
            "Select a valid choice. unknown is not one of the available choices.",
        ),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(participant, coach_client, overrides, message):
    before = row_counts()
    response = coach_client.post(url(participant), edit_data(participant, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert row_counts() == before
    participant.refresh_from_db()
    assert (participant.last_name, participant.birth_date.isoformat(), participant.version) == (
        "Haile",
        "1985-07-30",
        1,
    )


def test_a_manager_may_edit(participant, manager_client):
    assert (
        manager_client.post(
            url(participant), edit_data(participant, phone="0470 12 34 56")
        ).status_code
        == 302
    )
    participant.refresh_from_db()
    assert participant.phone == "+32 470 12 34 56"


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(participant, colleague_client):
    assert colleague_client.get(url(participant)).status_code == 404
    assert (
        colleague_client.post(
            url(participant), edit_data(participant, phone="0470 12 34 56")
        ).status_code
        == 404
    )
    participant.refresh_from_db()
    assert participant.phone == ""


def test_another_organisation_gets_a_404(participant, outsider_client, outsider_manager_client):
    for client in (outsider_client, outsider_manager_client):
        assert client.get(url(participant)).status_code == 404
        assert (
            client.post(url(participant), edit_data(participant, phone="0470 12 34 56")).status_code
            == 404
        )
    participant.refresh_from_db()
    assert participant.phone == ""


def test_an_administrator_gets_a_404(participant, administrator_client):
    assert administrator_client.get(url(participant)).status_code == 404


def test_it_requires_login(participant, client):
    response = client.post(url(participant), edit_data(participant, phone="0470 12 34 56"))
    assert response.status_code == 302
    assert response.url == login_url(url(participant))
    participant.refresh_from_db()
    assert participant.phone == ""


def test_it_rejects_delete(participant, coach_client):
    assert coach_client.delete(url(participant)).status_code == 405
    assert Participant.objects.filter(pk=participant.pk).exists()
