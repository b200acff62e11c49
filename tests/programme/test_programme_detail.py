import pytest
from django.urls import reverse

from programme.models import EligibilityCriterion, Site
from tests.factories import make_criterion, make_module, make_partner
from tests.helpers import login_url

pytestmark = pytest.mark.django_db


def url(programme) -> str:
    return reverse("programme:detail", args=[programme.pk])


def test_it_shows_the_programme(programme, organisation, coach_client):
    make_module(programme=programme, name="Groupe de parole", rhythm="weekly, 3 hours")
    make_criterion(programme=programme, kind=EligibilityCriterion.Kind.MIN_AGE, min_age=18)
    make_criterion(programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT, label="Motivated")
    make_partner(organisation=organisation, name="Croix-Rouge", services="language courses")
    programme.sites.add(Site.objects.create(organisation=organisation, name="Antenne Centre"))

    response = coach_client.get(url(programme))

    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Vivre ensemble",
        "Groupe de parole",
        "18 years or older",
        "Motivated",
        "Croix-Rouge",
        "Antenne Centre",
    ]:
        assert text in html
    assert "(judgement)" in html


def test_a_programme_without_criteria_is_open_to_everyone(programme, coach_client):
    assert "None: everyone is welcome." in coach_client.get(url(programme)).content.decode()


def test_an_administrator_gets_the_configure_link(programme, administrator_client, coach_client):
    link = reverse("admin:programme_programme_change", args=[programme.pk])
    assert link in administrator_client.get(url(programme)).content.decode()
    assert link not in coach_client.get(url(programme)).content.decode()


def test_it_does_not_show_another_organisations_partners(
    programme, other_organisation, coach_client
):
    make_partner(organisation=other_organisation, name="Vluchtelingenwerk")
    assert "Vluchtelingenwerk" not in coach_client.get(url(programme)).content.decode()


def test_another_organisation_gets_a_404(programme, outsider_client, outsider_manager_client):
    assert outsider_client.get(url(programme)).status_code == 404
    assert outsider_manager_client.get(url(programme)).status_code == 404


def test_it_requires_login(programme, client):
    response = client.get(url(programme))
    assert response.status_code == 302
    assert response.url == login_url(url(programme))


def test_it_rejects_post(programme, coach_client):
    assert coach_client.post(url(programme)).status_code == 405
