"""The API's reach is the pages' reach: the coach sees their caseload, the manager the whole
organisation; a colleague without the person on their caseload, an administrator and anyone
of another organisation are told nothing exists (404); without credentials, 401."""

import pytest
from django.test import Client

from tests.api.conftest import api_client

# (list address, the world's record each detail address shows)
ENDPOINTS = [
    ("participants", "participant"),
    ("enrolments", "enrolment"),
    ("placements", "placement"),
    ("referrals", "referral"),
    ("evaluations", "evaluation"),
    ("language-assessments", "assessment"),
    ("follow-up-calls", "call"),
    ("groups", "group"),
    ("series", "series"),
    ("sessions", "session"),
    ("attendance", "attendance"),
]


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(("name", "record"), ENDPOINTS)
@pytest.mark.parametrize("role", ["coach", "manager"])
def test_staff_in_reach_see_it(request, world, name, record, role):
    client = api_client(request.getfixturevalue(role))
    pk = getattr(world, record).pk

    assert pk in _ids(client.get(f"/api/{name}/"))
    response = client.get(f"/api/{name}/{pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == pk


@pytest.mark.parametrize(("name", "record"), ENDPOINTS)
@pytest.mark.parametrize("role", ["colleague", "outsider", "outsider_manager"])
def test_staff_out_of_reach_get_404(request, world, name, record, role):
    client = api_client(request.getfixturevalue(role))
    pk = getattr(world, record).pk

    assert pk not in _ids(client.get(f"/api/{name}/"))
    assert client.get(f"/api/{name}/{pk}/").status_code == 404


@pytest.mark.parametrize(("name", "record"), ENDPOINTS)
def test_administrator_gets_404(administrator, world, name, record):
    client = api_client(administrator)

    assert client.get(f"/api/{name}/").status_code == 404
    assert client.get(f"/api/{name}/{getattr(world, record).pk}/").status_code == 404


@pytest.mark.parametrize(("name", "record"), ENDPOINTS)
def test_anonymous_gets_401(world, name, record):
    client = Client()

    response = client.get(f"/api/{name}/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert client.get(f"/api/{name}/{getattr(world, record).pk}/").status_code == 401


def test_programmes_are_read_by_all_staff_of_the_organisation(
    administrator, colleague, outsider, programme, world
):
    for staff in (administrator, colleague):
        assert _ids(api_client(staff).get("/api/programmes/")) == {programme.pk}
    assert _ids(api_client(outsider).get("/api/programmes/")) == set()
    assert api_client(outsider).get(f"/api/programmes/{programme.pk}/").status_code == 404


def test_programmes_are_read_only(coach, programme):
    response = api_client(coach).post("/api/programmes/", {}, content_type="application/json")

    assert response.status_code == 405


def test_a_session_sign_in_works_too(coach_client, world):
    assert world.participant.pk in _ids(coach_client.get("/api/participants/"))


def test_a_session_write_needs_the_csrf_token(coach, world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coach.user)

    response = client.post(
        f"/api/enrolments/{world.enrolment.pk}/status/",
        {"to_status": "paused", "reason": "Hospital"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_reference_out_of_reach_reads_as_unknown(outsider, world, programme):
    """Creating something for another organisation's person: the reference is refused as if
    it did not exist."""
    response = api_client(outsider).post(
        "/api/enrolments/",
        {
            "participant": world.participant.pk,
            "programme": programme.pk,
            "referred_on": "2026-01-05",
            "referral_source": "self",
        },
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "does not exist" in str(response.json()["participant"])
    assert "does not exist" in str(response.json()["programme"])


def test_filters_are_the_pages_filters(coach, world, programme):
    client = api_client(coach)

    found = client.get("/api/participants/", {"q": world.participant.last_name[:4]})
    active = client.get("/api/participants/", {"programme": programme.pk, "status": "active"})
    closed = client.get("/api/participants/", {"status": "closed"})

    assert _ids(found) == {world.participant.pk}
    assert _ids(active) == {world.participant.pk}
    assert _ids(closed) == set()


def test_ordering_and_page_size(coach, world):
    response = api_client(coach).get(
        "/api/enrolments/", {"ordering": "referred_on", "page_size": 1}
    )

    body = response.json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert body["next"]
    assert body["results"][0]["status"] == "exited"  # the earlier enrolment comes first
