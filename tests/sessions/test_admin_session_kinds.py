"""Administrators add their programmes' own kinds of session in the admin, and only those."""

import pytest

from sessions.models import SessionKind

pytestmark = pytest.mark.django_db
URL = "/admin/activities/sessionkind/"


def test_an_administrator_sees_only_their_programmes_kinds(
    kinds, programme, other_programme, administrator_client
):
    SessionKind.objects.create(programme=programme, code="budget", name="Budget workshop")
    SessionKind.objects.create(programme=other_programme, code="velo", name="Atelier vélo")
    response = administrator_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Budget workshop" in html
    assert "Atelier vélo" not in html
    assert "Information session" not in html  # the shared default kinds are not edited here


def test_an_administrator_adds_a_kind_to_their_programme(programme, administrator_client):
    response = administrator_client.post(
        f"{URL}add/", {"programme": programme.pk, "code": "budget", "name": "Budget workshop"}
    )
    assert response.status_code == 302
    assert SessionKind.objects.get(code="budget").programme == programme


def test_an_administrator_cannot_add_a_shared_kind_nor_one_for_another_organisation(
    other_programme, administrator_client
):
    for programme in ("", other_programme.pk):
        response = administrator_client.post(
            f"{URL}add/", {"programme": programme, "code": "budget", "name": "Budget workshop"}
        )
        assert response.status_code == 200
    assert not SessionKind.objects.filter(code="budget").exists()


def test_a_coach_has_no_admin(coach_client):
    assert coach_client.get(URL).status_code == 302
