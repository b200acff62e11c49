import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from programme import two_factor

pytestmark = pytest.mark.django_db
URL = reverse("home")


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("login")


def test_a_coach_goes_to_today(coach_client):
    response = coach_client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("casefile:today")


def test_a_manager_goes_to_the_dashboard(manager_client):
    response = manager_client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("reports:dashboard")


def test_an_administrator_goes_to_the_programmes(administrator_client):
    response = administrator_client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("programme:list")


def test_a_superuser_without_organisation_goes_to_the_admin(client, db):
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(superuser)
    session = client.session
    session[two_factor.STATE] = two_factor.DONE  # past the second factor
    session.save()
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_it_rejects_post(coach_client):
    assert coach_client.post(URL).status_code == 405
