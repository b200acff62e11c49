"""Every API list costs a fixed number of queries, the same with one record as with twenty.

With a key, each request starts with the same two queries:
  1. the key, with its user and staff (a revoked key finds nothing)
  2. (only the first use in five minutes) writing back when it was last used — made here
     beforehand, so it does not count
and then, per list: the count for the page, the page itself, and one query per prefetched
relation (status history, scores, coaches, facilitators)."""

import pytest

from tests.api.conftest import api_client
from tests.api.factories import more_of_everything

# list address → queries: key, count, page (+ prefetches)
LISTS = {
    # key, count, page
    "programmes": 3,
    # key, count, page
    "participants": 3,
    # key, count, page, status history
    "enrolments": 4,
    # key, count, page
    "placements": 3,
    # key, count, page
    "referrals": 3,
    # key, count, page, scores
    "evaluations": 4,
    # key, count, page
    "language-assessments": 3,
    # key, count, page (attempts counted in the page query)
    "follow-up-calls": 3,
    # key, count, page, coaches
    "groups": 4,
    # key, count, page, facilitators
    "series": 4,
    # key, count, page, facilitators
    "sessions": 4,
    # key, count, page
    "attendance": 3,
}


def _warm(client, name):
    # The first request writes the key's last use: not part of the steady cost.
    assert client.get(f"/api/{name}/").status_code == 200


@pytest.mark.parametrize(("name", "queries"), LISTS.items())
@pytest.mark.parametrize("extra", [0, 19])
def test_a_list_costs_the_same_at_1_and_20(
    coach, world, name, queries, extra, django_assert_num_queries
):
    more_of_everything(world, coach, extra)
    client = api_client(coach)
    _warm(client, name)

    with django_assert_num_queries(queries):
        response = client.get(f"/api/{name}/")

    assert response.status_code == 200
    assert response.json()["count"] >= 1 + extra or name == "programmes"


@pytest.mark.parametrize("extra", [0, 19])
def test_the_manager_s_caseload_filtered_costs_the_same(
    manager, coach, world, programme, extra, django_assert_num_queries
):
    more_of_everything(world, coach, extra)
    client = api_client(manager)
    _warm(client, "participants")

    # key, the filter's programme, count, page
    with django_assert_num_queries(4):
        response = client.get("/api/participants/", {"programme": programme.pk, "status": "active"})

    assert response.json()["count"] == 1 + extra
