"""A whole session's attendance in one call: everyone or nobody."""

from participants.models import Enrolment
from sessions.models import Attendance
from tests.api.conftest import api_client
from tests.factories import make_participant

JSON = "application/json"


def _url(world) -> str:
    return f"/api/sessions/{world.session.pk}/attendance/"


def _second_person(world, coach):
    person = make_participant(organisation=world.participant.organisation, coach=coach.user)
    Attendance.objects.create(session=world.session, participant=person)
    return person


def test_one_call_records_everyone(coach, world):
    other = _second_person(world, coach)

    response = api_client(coach).post(
        _url(world),
        {
            "marks": [
                {"participant": world.participant.pk, "status": "present", "version": 1},
                {"participant": other.pk, "status": "excused", "reason": "Sick child"},
            ]
        },
        content_type=JSON,
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["recorded"] == 2
    marks = {row["participant"]: row for row in body["attendance"]}
    assert marks[world.participant.pk]["status"] == "present"
    assert marks[other.pk]["reason"] == "Sick child"
    # The attendance figures of the enrolment follow, as after a tap on the page.
    assert Enrolment.objects.get(pk=world.enrolment.pk).attendance_rate == 100


def test_one_refused_mark_refuses_the_whole_call(coach, world):
    other = _second_person(world, coach)

    response = api_client(coach).post(
        _url(world),
        {
            "marks": [
                {"participant": world.participant.pk, "status": "present"},
                {"participant": other.pk, "status": "excused"},
            ]
        },
        content_type=JSON,
    )

    assert response.status_code == 400
    assert "reason for each excused absence" in str(response.json())
    assert set(world.session.attendances.values_list("status", flat=True)) == {"expected"}


def test_a_stale_version_refuses_the_whole_call(coach, world):
    other = _second_person(world, coach)
    Attendance.objects.filter(pk=world.attendance.pk).update(status="late", version=2)

    response = api_client(coach).post(
        _url(world),
        {
            "marks": [
                {"participant": world.participant.pk, "status": "present", "version": 1},
                {"participant": other.pk, "status": "present", "version": 1},
            ]
        },
        content_type=JSON,
    )

    assert response.status_code == 409
    assert Attendance.objects.get(pk=world.attendance.pk).status == "late"
    assert Attendance.objects.get(session=world.session, participant=other).status == "expected"


def test_only_people_expected_at_the_session(coach, world):
    stranger = make_participant(organisation=world.participant.organisation, coach=coach.user)

    response = api_client(coach).post(
        _url(world),
        {"marks": [{"participant": stranger.pk, "status": "present"}]},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert "Not expected at this session" in str(response.json())
    assert not Attendance.objects.filter(participant=stranger).exists()


def test_out_of_reach_sessions_are_404(colleague, outsider, administrator, world):
    for staff in (colleague, outsider, administrator):
        response = api_client(staff).post(
            _url(world),
            {"marks": [{"participant": world.participant.pk, "status": "present"}]},
            content_type=JSON,
        )
        assert response.status_code == 404
    assert world.session.attendances.get().status == "expected"


def test_the_manager_may_record_it(manager, world):
    response = api_client(manager).post(
        _url(world),
        {"marks": [{"participant": world.participant.pk, "status": "absent"}]},
        content_type=JSON,
    )

    assert response.status_code == 200


def test_the_one_call_needs_post(coach, world):
    assert api_client(coach).get(_url(world)).status_code == 405
