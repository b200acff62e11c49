"""The sessions and attendance lists cover the last 90 days and what is planned unless the
request gives its own dates: a coach with three years of history gets a first page that costs
what it cost after three months, and `?since=` goes further back."""

import pytest

from sessions.filters import WINDOW_DAYS
from tests.api.conftest import api_client
from tests.sessions.factories import days_from_today, make_group, make_session

# Three years of the coach's group, a session every so many days, the person expected at each.
HISTORY = [-3 * 365, -2 * 365, -365, -200, -WINDOW_DAYS - 1]
RECENT = [-WINDOW_DAYS, -10, 7]


@pytest.fixture
def history(world, coach, participant):
    """Sessions of a group the coach leads over three years: old ones before the window,
    recent ones inside it (the world's own session, yesterday, is recent too)."""
    group = make_group(programme=world.enrolment.programme, coaches=[coach.user])
    sessions = {}
    for days in HISTORY + RECENT:
        sessions[days] = make_session(
            programme=world.enrolment.programme,
            group=group,
            facilitators=[coach.user],
            expected=[participant],
            date=days_from_today(days),
        )
    return sessions


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_sessions_start_90_days_back_by_default(coach, world, history):
    listed = _ids(api_client(coach).get("/api/sessions/"))

    assert listed == {history[days].pk for days in RECENT} | {world.session.pk}


def test_sessions_since_goes_further_back(coach, world, history):
    since = days_from_today(-3 * 365 - 1)

    listed = _ids(api_client(coach).get("/api/sessions/", {"since": since.isoformat()}))

    assert listed == {session.pk for session in history.values()} | {world.session.pk}


def test_sessions_since_a_year_back_stops_there(coach, world, history):
    listed = _ids(api_client(coach).get("/api/sessions/", {"since": str(days_from_today(-365))}))

    assert listed == {history[days].pk for days in [-365, -200, -WINDOW_DAYS - 1, *RECENT]} | {
        world.session.pk
    }


def test_sessions_between_dates_of_one_s_own_are_not_windowed(coach, history):
    day = days_from_today(-2 * 365)

    listed = _ids(api_client(coach).get("/api/sessions/", {"date_from": day, "date_to": day}))

    assert listed == {history[-2 * 365].pk}


def test_an_old_session_is_still_read_by_its_id(coach, history):
    old = history[-3 * 365]

    response = api_client(coach).get(f"/api/sessions/{old.pk}/")

    assert response.status_code == 200
    assert response.json()["date"] == old.date.isoformat()


def test_attendance_starts_90_days_back_by_default(coach, world, history):
    listed = _ids(api_client(coach).get("/api/attendance/"))

    recent = {history[days].attendances.get().pk for days in RECENT}
    assert listed == recent | {world.attendance.pk}


def test_attendance_since_goes_further_back(coach, world, history):
    since = days_from_today(-3 * 365)

    listed = _ids(api_client(coach).get("/api/attendance/", {"since": str(since)}))

    assert listed == {s.attendances.get().pk for s in history.values()} | {world.attendance.pk}


def test_attendance_of_one_old_session_is_not_windowed(coach, history):
    old = history[-2 * 365]

    listed = _ids(api_client(coach).get("/api/attendance/", {"session": old.pk}))

    assert listed == {old.attendances.get().pk}


@pytest.mark.parametrize("name", ["sessions", "attendance"])
@pytest.mark.parametrize("since", ["2024-13-01", "yesterday", "20240101"])
def test_a_bad_since_is_refused(coach, world, name, since):
    response = api_client(coach).get(f"/api/{name}/", {"since": since})

    assert response.status_code == 400
    assert "since" in response.json()


def test_the_outsider_sees_nothing_however_far_back(outsider, world, history):
    client = api_client(outsider)
    since = str(days_from_today(-4 * 365))

    assert _ids(client.get("/api/sessions/", {"since": since})) == set()
    assert _ids(client.get("/api/attendance/", {"since": since})) == set()


def _more_history(world, coach, participant, count: int) -> None:
    group = make_group(programme=world.enrolment.programme, coaches=[coach.user])
    for i in range(count):
        make_session(
            programme=world.enrolment.programme,
            group=group,
            facilitators=[coach.user],
            expected=[participant],
            date=days_from_today(-WINDOW_DAYS - 5 - 7 * i),
        )


# list address → queries: key, count, page (+ facilitators for sessions), window or not
@pytest.mark.parametrize(("name", "queries"), [("sessions", 4), ("attendance", 3)])
@pytest.mark.parametrize("query", [{}, {"since": "2000-01-01"}])
@pytest.mark.parametrize("old", [1, 20])
def test_the_list_costs_the_same_with_more_history(
    coach, world, participant, name, queries, query, old, django_assert_num_queries
):
    _more_history(world, coach, participant, old)
    client = api_client(coach)
    assert client.get(f"/api/{name}/").status_code == 200  # the key's last use, written once

    with django_assert_num_queries(queries):
        response = client.get(f"/api/{name}/", query)

    assert response.status_code == 200
    # The default window leaves the old sessions out; since 2000 counts them all.
    assert response.json()["count"] == (1 if not query else 1 + old)


def test_the_schema_documents_since():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ["/api/sessions/", "/api/attendance/"]:
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert parameters["since"]["schema"]["format"] == "date"
        assert "90 days" in parameters["since"]["description"]
    assert "90 days" in schema["paths"]["/api/sessions/"]["get"]["description"]
