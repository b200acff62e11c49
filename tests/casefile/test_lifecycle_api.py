"""The lifecycle through the API: the status change refuses an exit, the exit has its own
endpoint (documented in the schema), and both take the consequences along."""

import datetime

import pytest

from participants.models import Enrolment
from sessions.models import Attendance, GroupMembership, Session
from tests.api.conftest import api_client
from tests.casefile.conftest import TODAY, review
from tests.factories import make_programme
from tests.helpers import row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
JSON = "application/json"


def post(client, url, data):
    return client.post(url, data, content_type=JSON)


def exit_body(**overrides) -> dict:
    data = review(**overrides)
    data["exited_on"] = data["exited_on"].isoformat()
    return data


def test_the_status_endpoint_refuses_an_exit_and_points_to_the_exit_endpoint(
    active, timetable, participant, coach
):
    before = row_counts()
    response = post(
        api_client(coach),
        f"/api/enrolments/{active.pk}/status/",
        {"to_status": "exited", "reason": "Found a job"},
    )
    assert response.status_code == 400
    assert "exit review" in str(response.json())
    assert row_counts() == before
    assert Enrolment.objects.get(pk=active.pk).status == Status.ACTIVE
    assert Attendance.objects.filter(session=timetable["later"], participant=participant).exists()


def test_the_exit_endpoint_records_the_exit_and_its_consequences(
    active, timetable, group, participant, coach
):
    recorded = Attendance.objects.get(session=timetable["past"], participant=participant)

    response = post(api_client(coach), f"/api/enrolments/{active.pk}/exit/", exit_body())

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "exited"
    assert body["groups_left"] == [group.pk]
    assert body["individual_sessions_cancelled"] == [timetable["individual"].pk]
    assert body["follow_up_calls"] == len(active.programme.follow_up_offsets)
    assert GroupMembership.objects.get(group=group, participant=participant).left_on == TODAY()
    assert not Attendance.objects.filter(
        session=timetable["later"], participant=participant
    ).exists()
    assert Attendance.objects.get(pk=recorded.pk).status == recorded.status
    assert Session.objects.get(pk=timetable["individual"].pk).is_cancelled


def test_the_exit_endpoint_refuses_a_future_date(active, timetable, coach):
    before = row_counts()
    response = post(
        api_client(coach),
        f"/api/enrolments/{active.pk}/exit/",
        exit_body(exited_on=TODAY() + datetime.timedelta(days=3)),
    )
    assert response.status_code == 400
    assert "exited_on" in response.json()
    assert row_counts() == before


def test_the_exit_endpoint_refuses_a_stale_status(active, coach):
    Enrolment.objects.filter(pk=active.pk).update(status=Status.PAUSED)
    response = post(
        api_client(coach),
        f"/api/enrolments/{active.pk}/exit/",
        {**exit_body(), "from_status": "active"},
    )
    assert response.status_code == 409
    assert Enrolment.objects.get(pk=active.pk).status == Status.PAUSED


def test_the_exit_endpoint_is_not_found_outside_the_caseload(active, outsider, colleague):
    for staff in (outsider, colleague):
        response = post(api_client(staff), f"/api/enrolments/{active.pk}/exit/", exit_body())
        assert response.status_code == 404
    assert Enrolment.objects.get(pk=active.pk).status == Status.ACTIVE


def test_a_pause_through_the_api_lists_the_person_as_paused_and_a_resume_expects_them(
    active, timetable, participant, coach
):
    client = api_client(coach)
    paused = post(
        client, f"/api/enrolments/{active.pk}/status/", {"to_status": "paused", "reason": "Ill"}
    )
    assert paused.status_code == 200, paused.content
    later = Attendance.objects.get(session=timetable["later"], participant=participant)
    assert later.status == Attendance.Status.PAUSED

    resumed = post(client, f"/api/enrolments/{active.pk}/status/", {"to_status": "active"})
    assert resumed.json()["status"] == "active"
    later.refresh_from_db()
    assert later.status == Attendance.Status.EXPECTED


def test_the_api_refuses_to_record_a_paused_person(active, timetable, participant, coach):
    client = api_client(coach)
    post(client, f"/api/enrolments/{active.pk}/status/", {"to_status": "paused", "reason": "Ill"})
    during = timetable["later"]
    Session.objects.filter(pk=during.pk).update(date=TODAY())

    response = post(
        client,
        f"/api/sessions/{during.pk}/attendance/",
        {"marks": [{"participant": participant.pk, "status": "present"}]},
    )

    assert response.status_code == 400, response.content
    assert "paused" in response.content.decode()
    row = Attendance.objects.get(session=during, participant=participant)
    assert (row.status, row.recorded_at) == (Attendance.Status.PAUSED, None)


def test_the_transfer_endpoint_continues_in_the_other_programme(active, organisation, coach):
    other = make_programme(organisation=organisation, name="Pré-activation")
    body = exit_body()
    body.pop("exit_reason")
    body.pop("drop_out_reason")
    response = post(
        api_client(coach),
        f"/api/enrolments/{active.pk}/transfer/",
        {**body, "programme": other.pk},
    )
    assert response.status_code == 200, response.content
    new = Enrolment.objects.get(pk=response.json()["continued_in"])
    assert (new.programme, new.status) == (other, Status.ACTIVE)


def test_the_schema_documents_the_exit_endpoint(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/enrolments/{id}/exit/" in schema["paths"]
    body = schema["paths"]["/api/enrolments/{id}/status/"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"]
    status = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "/exit/" in status["properties"]["to_status"]["description"]
