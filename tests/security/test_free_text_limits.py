"""Free text is bounded wherever a person types it: an over-long text is refused with a plain
message, on the page and through the API, and nothing is written. (A 200 KB goal once made
the record PDF take 40 s; tests/rights/test_record_pdf.py bounds the PDF itself.)

ASVS 5.0 V2.2.1 (input validated against expected length), V15.1.3 (resource-hungry operations
bounded).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import CallAttempt, Evaluation
from programme.text_limits import LONG_NOTE, NOTE
from sessions.models import Attendance, ensure_default_kinds
from tests.api.conftest import api_client
from tests.api.factories import make_world
from tests.evaluations.factories import make_call, make_exited
from tests.factories import make_enrolment
from tests.trajectory.factories import started
from trajectory.models import Goal, Referral

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def world(coach, participant, enrolment):
    ensure_default_kinds()
    return make_world(coach=coach, participant=participant, enrolment=enrolment)


def too_long(limit: int) -> str:
    return "a" * (limit + 1)


def test_an_over_long_goal_is_refused_on_the_page(coach_client, enrolment):
    started(enrolment)
    url = reverse("trajectory:goal-add", args=[enrolment.pk])

    response = coach_client.post(
        url, {"text": too_long(NOTE), "text_own_language": "", "own_language": ""}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [
        f"Ensure this value has at most {NOTE} characters (it has {NOTE + 1})."
    ]
    assert not Goal.objects.exists()


def test_the_goal_field_says_its_limit_to_the_browser(coach_client, enrolment):
    started(enrolment)

    response = coach_client.get(reverse("trajectory:goal-add", args=[enrolment.pk]))

    assert f'maxlength="{NOTE}"'.encode() in response.content


def test_an_over_long_referral_reason_is_refused_by_the_api(coach, world):
    before = Referral.objects.count()

    response = api_client(coach).post(
        "/api/referrals/",
        {
            "enrolment": world.enrolment.pk,
            "partner": world.referral.partner_id,
            "kind": "legal",
            "sent_on": str(timezone.localdate()),
            "reason": too_long(NOTE),
            "shares_personal_data": False,
        },
        content_type=JSON,
    )

    assert response.status_code == 400
    assert response.json()["reason"] == [f"Ensure this field has no more than {NOTE} characters."]
    assert Referral.objects.count() == before


def test_over_long_evaluation_notes_are_refused_by_the_api(coach, world):
    response = api_client(coach).patch(
        f"/api/evaluations/{world.evaluation.pk}/",
        {"notes": too_long(LONG_NOTE), "version": world.evaluation.version},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert "notes" in response.json()
    assert Evaluation.objects.get(pk=world.evaluation.pk).notes == world.evaluation.notes


def test_an_over_long_attendance_reason_is_refused_by_the_api(coach, world):
    # The column holds 200 characters: PostgreSQL would have answered 500.
    response = api_client(coach).patch(
        f"/api/attendance/{world.attendance.pk}/",
        {"status": "excused", "reason": too_long(200), "version": 1},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert "reason" in response.json()
    attendance = Attendance.objects.get(pk=world.attendance.pk)
    assert (attendance.reason, attendance.version) == ("", 1)


def test_over_long_call_notes_are_refused_by_the_api(coach, participant, programme):
    exited = make_exited(
        enrolment=make_enrolment(participant=participant, programme=programme, coach=coach.user),
        exited_on=timezone.localdate() - datetime.timedelta(days=40),
    )
    call = make_call(enrolment=exited)

    response = api_client(coach).post(
        f"/api/follow-up-calls/{call.pk}/attempts/",
        {"outcome": "reached", "version": call.version, "notes": too_long(LONG_NOTE)},
        content_type=JSON,
    )

    assert response.status_code == 400
    assert "notes" in response.json()
    assert not CallAttempt.objects.exists()
