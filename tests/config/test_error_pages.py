"""The error pages people see in production (DEBUG off): Parcours' own look and words, not
Django's bare "Server Error (500)", and a 500 page that needs nothing that may have failed."""

import pytest
from django.test import Client
from django.urls import path
from django.utils import translation
from django.views.defaults import server_error

from config.urls import urlpatterns as parcours_urls


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *parcours_urls]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
def test_a_server_error_shows_the_products_page(production, coach):
    client = Client(raise_request_exception=False)
    client.force_login(coach.user)
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "tell your IT contact" in page
    assert 'href="/static/css/parcours.css"' in page
    assert "a bug" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_the_500_page_needs_no_database_and_no_request_context(
    rf, django_assert_num_queries, settings
):
    settings.DEBUG = False
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_the_500_page_speaks_the_persons_language_and_direction(rf, settings):
    settings.DEBUG = False
    with translation.override("ar"):
        page = server_error(rf.get("/")).content.decode()
    assert 'lang="ar" dir="rtl"' in page


@pytest.mark.django_db
def test_a_missing_page_shows_the_products_404(production, client, coach_client):
    for who in [client, coach_client]:
        response = who.get("/no-such-page/")
        assert response.status_code == 404
        page = response.content.decode()
        assert "Page not found" in page and "parcours.css" in page
        assert "The requested resource was not found" not in page
