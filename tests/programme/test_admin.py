"""An organisation's administrator configures their own organisation in the admin, and sees
nothing of another organisation, nor of participant data."""

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from programme.models import Programme
from programme.services import ADMINISTRATOR_MODELS
from tests.factories import make_participant, make_partner

pytestmark = pytest.mark.django_db


def test_the_programme_list_shows_only_the_own_organisation(
    programme, other_programme, administrator_client
):
    response = administrator_client.get(reverse("admin:programme_programme_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [programme]
    html = response.content.decode()
    assert "Vivre ensemble" in html
    assert "Samen op weg" not in html


def test_another_organisations_programme_cannot_be_opened(other_programme, administrator_client):
    response = administrator_client.get(
        reverse("admin:programme_programme_change", args=[other_programme.pk])
    )
    # The admin's answer to an object outside the queryset: back to the index, "doesn't exist".
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_the_own_programme_can_be_opened(programme, administrator_client):
    response = administrator_client.get(
        reverse("admin:programme_programme_change", args=[programme.pk])
    )
    assert response.status_code == 200
    organisations = response.context["adminform"].form.fields["organisation"].queryset
    assert list(organisations) == [programme.organisation]


def test_partners_and_staff_are_scoped_too(
    organisation, other_organisation, administrator, outsider, administrator_client
):
    make_partner(organisation=organisation, name="Croix-Rouge")
    make_partner(organisation=other_organisation, name="Vluchtelingenwerk")
    partners = administrator_client.get(reverse("admin:programme_partnerorganisation_changelist"))
    assert [p.name for p in partners.context["cl"].result_list] == ["Croix-Rouge"]

    staff = administrator_client.get(reverse("admin:programme_staff_changelist"))
    assert outsider not in staff.context["cl"].result_list
    assert administrator in staff.context["cl"].result_list


def test_the_organisation_list_shows_only_the_own_one(
    organisation, other_organisation, administrator_client
):
    response = administrator_client.get(reverse("admin:programme_organisation_changelist"))
    assert list(response.context["cl"].result_list) == [organisation]


def test_participant_data_is_not_in_the_administrators_admin(participant, administrator_client):
    make_participant(organisation=participant.organisation)
    assert (
        administrator_client.get(reverse("admin:participants_participant_changelist")).status_code
        == 403
    )
    index = administrator_client.get(reverse("admin:index")).content.decode()
    assert "Participants" not in index


@pytest.mark.parametrize("persona", ["coach_client", "manager_client"])
def test_coaches_and_managers_have_no_admin(request, persona):
    response = request.getfixturevalue(persona).get(reverse("admin:programme_programme_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_programme_cannot_be_added_to_another_organisation(
    organisation, other_organisation, administrator_client
):
    data = {
        "organisation": other_organisation.pk,
        "name": "Trojan",
        "code": "trojan",
        "starts_on": "2025-01-01",
        "planned_length_months": "6",
        "entry_mode": "continuous",
        "module_path": "chosen",
        "modules-TOTAL_FORMS": "0",
        "modules-INITIAL_FORMS": "0",
        "criteria-TOTAL_FORMS": "0",
        "criteria-INITIAL_FORMS": "0",
        "template_steps-TOTAL_FORMS": "0",
        "template_steps-INITIAL_FORMS": "0",
        "outcome_domains": ["oral_language", "wellbeing"],
        "follow_up_weeks": "4, 13",
        "follow_up_max_attempts": "3",
        "retention_years": "5",
        "activity_mappings-TOTAL_FORMS": "0",
        "activity_mappings-INITIAL_FORMS": "0",
        "indicator_targets-TOTAL_FORMS": "0",
        "indicator_targets-INITIAL_FORMS": "0",
        "phases-TOTAL_FORMS": "0",
        "phases-INITIAL_FORMS": "0",
        "tracks-TOTAL_FORMS": "0",
        "tracks-INITIAL_FORMS": "0",
        "cohorts-TOTAL_FORMS": "0",
        "cohorts-INITIAL_FORMS": "0",
    }
    url = reverse("admin:programme_programme_add")
    response = administrator_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not Programme.objects.filter(code="trojan").exists()

    response = administrator_client.post(url, {**data, "organisation": organisation.pk})
    assert response.status_code == 302
    programme = Programme.objects.get(code="trojan")
    assert programme.organisation == organisation
    assert programme.outcome_domains == ["oral_language", "wellbeing"]
    assert programme.follow_up_offsets == [4, 13]


def test_every_model_administrators_configure_is_installed_and_granted(administrator):
    """The list names models by label, some in apps above programme: a renamed model or app
    label would silently take the permission away."""
    for app_label, model in ADMINISTRATOR_MODELS:
        django_apps.get_model(app_label, model)
        assert administrator.user.has_perm(f"{app_label}.change_{model}")
