"""Writes go through the pages' services, so their rules hold; a write based on a version
someone else has since changed is refused with 409 and nothing is applied."""

import datetime

from django.utils import timezone

from evaluations.models import CallAttempt, Evaluation, FollowUpCall
from participants.models import Enrolment, Participant
from sessions.models import Attendance
from tests.api.conftest import api_client
from tests.helpers import row_counts
from tests.trajectory.factories import make_host
from trajectory.models import Placement, Referral

JSON = "application/json"


def _patch(client, url, data):
    return client.patch(url, data, content_type=JSON)


def _post(client, url, data):
    return client.post(url, data, content_type=JSON)


# Participants --------------------------------------------------------------------------------


def test_a_participant_is_created_in_the_users_organisation(manager, organisation):
    response = _post(
        api_client(manager),
        "/api/participants/",
        {
            "first_name": "Awet",
            "last_name": "Tesfay",
            "birth_date": "1992-03-14",
            "gender": "man",
            "nationality": "ER",
        },
    )

    assert response.status_code == 201, response.content
    person = Participant.objects.get(pk=response.json()["id"])
    assert person.organisation == organisation
    assert str(person.nationality) == "ER"
    assert response.json()["version"] == 1


def test_the_model_rules_hold_through_the_api(manager):
    before = row_counts()

    response = _post(
        api_client(manager),
        "/api/participants/",
        {
            "first_name": "Awet",
            "last_name": "Tesfay",
            "birth_date": "1992-03-14",
            "gender": "man",
            "national_number": "85073003300",
        },
    )

    assert response.status_code == 400
    assert "national_number" in response.json()
    assert row_counts() == before


def test_an_update_with_the_current_version_is_applied(coach, participant):
    response = _patch(
        api_client(coach),
        f"/api/participants/{participant.pk}/",
        {"phone": "+32 470 12 34 56", "version": participant.version},
    )

    assert response.status_code == 200, response.content
    assert response.json()["version"] == participant.version + 1
    participant.refresh_from_db()
    assert participant.phone == "+32 470 12 34 56"


def test_a_stale_participant_update_is_refused(coach, colleague, participant):
    participant.version = 3
    Participant.objects.filter(pk=participant.pk).update(version=3, phone="0470 00 00 00")

    response = _patch(
        api_client(coach),
        f"/api/participants/{participant.pk}/",
        {"phone": "+32 470 12 34 56", "version": 2},
    )

    assert response.status_code == 409
    assert "Someone else changed this file" in response.json()["detail"]
    participant.refresh_from_db()
    assert participant.phone == "0470 00 00 00"
    assert participant.version == 3


def test_an_update_without_a_version_is_refused(coach, participant):
    response = _patch(api_client(coach), f"/api/participants/{participant.pk}/", {"phone": "1"})

    assert response.status_code == 400
    assert "version" in response.json()


# Enrolments ----------------------------------------------------------------------------------


def test_a_referral_into_a_programme_goes_through_the_service(coach, participant, programme):
    response = _post(
        api_client(coach),
        "/api/enrolments/",
        {
            "participant": participant.pk,
            "programme": programme.pk,
            "referred_on": str(timezone.localdate()),
            "referral_source": "self",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "referred"
    assert [c["to_status"] for c in body["status_changes"]] == ["referred"]


def test_an_enrolment_moves_through_its_statuses_with_the_pages_rules(coach, world):
    client = api_client(coach)
    url = f"/api/enrolments/{world.enrolment.pk}/status/"

    refused = _post(client, url, {"to_status": "closed"})
    paused = _post(
        client, url, {"to_status": "paused", "reason": "Hospital", "from_status": "active"}
    )

    assert refused.status_code == 400
    assert "cannot become" in str(refused.json())
    assert paused.status_code == 200, paused.content
    assert paused.json()["status"] == "paused"
    assert paused.json()["status_changes"][-1]["to_status"] == "paused"


def test_a_status_change_from_a_stale_status_is_refused(coach, world):
    Enrolment.objects.filter(pk=world.enrolment.pk).update(status="paused")

    response = _post(
        api_client(coach),
        f"/api/enrolments/{world.enrolment.pk}/status/",
        {"to_status": "exited", "from_status": "active", "exit_reason": "completed"},
    )

    assert response.status_code == 409
    assert Enrolment.objects.get(pk=world.enrolment.pk).status == "paused"


# Placements, referrals -----------------------------------------------------------------------


def test_a_stale_placement_update_is_refused(coach, world):
    Placement.objects.filter(pk=world.placement.pk).update(version=2, role="Cashier")

    response = _patch(
        api_client(coach),
        f"/api/placements/{world.placement.pk}/",
        {"role": "Stock keeper", "version": 1},
    )

    assert response.status_code == 409
    assert Placement.objects.get(pk=world.placement.pk).role == "Cashier"


def test_a_placement_is_updated_then_ended(coach, world):
    client = api_client(coach)

    updated = _patch(
        client, f"/api/placements/{world.placement.pk}/", {"role": "Cashier", "version": 1}
    )
    ended = _post(
        client,
        f"/api/placements/{world.placement.pk}/end/",
        {"on": str(timezone.localdate()), "outcome": "article_60"},
    )

    assert updated.status_code == 200, updated.content
    assert ended.status_code == 200, ended.content
    assert ended.json()["status"] == "ended"
    assert ended.json()["version"] == 3


def test_a_host_of_another_organisation_is_refused(coach, world, other_organisation):
    host = make_host(organisation=other_organisation)
    before = Placement.objects.count()

    response = _post(
        api_client(coach),
        "/api/placements/",
        {
            "enrolment": world.enrolment.pk,
            "kind": "volunteering",
            "host": host.pk,
            "role": "Help",
            "hours_per_week": "4.0",
            "starts_on": str(timezone.localdate()),
        },
    )

    assert response.status_code == 400
    assert Placement.objects.count() == before


def test_sharing_data_without_consent_needs_a_reason(coach, world):
    payload = {
        "enrolment": world.enrolment.pk,
        "partner": world.referral.partner_id,
        "kind": "legal",
        "sent_on": str(timezone.localdate()),
        "reason": "Residence questions",
        "shares_personal_data": True,
    }
    before = Referral.objects.count()

    refused = _post(api_client(coach), "/api/referrals/", payload)
    accepted = _post(
        api_client(coach),
        "/api/referrals/",
        {**payload, "consent_override_reason": "Urgent hearing tomorrow"},
    )

    assert refused.status_code == 400
    assert "consent_override_reason" in refused.json()
    assert accepted.status_code == 201, accepted.content
    assert Referral.objects.count() == before + 1


# Evaluations and follow-up calls -------------------------------------------------------------


def test_an_evaluation_is_recorded_with_its_scores(coach, world):
    response = _post(
        api_client(coach),
        "/api/evaluations/",
        {
            "enrolment": world.enrolment.pk,
            "kind": "baseline",
            "held_on": str(timezone.localdate() - datetime.timedelta(days=1)),
            "scores": [{"domain": "oral_language", "coach_score": 2, "participant_score": 3}],
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["scores"][0]["participant_score"] == 3


def test_a_stale_evaluation_update_is_refused(coach, world):
    Evaluation.objects.filter(pk=world.evaluation.pk).update(version=2, notes="Theirs")

    response = _patch(
        api_client(coach),
        f"/api/evaluations/{world.evaluation.pk}/",
        {"notes": "Mine", "version": 1},
    )

    assert response.status_code == 409
    assert Evaluation.objects.get(pk=world.evaluation.pk).notes == "Theirs"


def test_a_call_attempt_with_a_stale_version_is_refused(coach, world):
    FollowUpCall.objects.filter(pk=world.call.pk).update(version=2)

    response = _post(
        api_client(coach),
        f"/api/follow-up-calls/{world.call.pk}/attempts/",
        {"outcome": "no_answer", "version": 1},
    )

    assert response.status_code == 409
    assert not CallAttempt.objects.exists()


def test_a_reached_call_closes_with_the_answers(coach, world):
    response = _post(
        api_client(coach),
        f"/api/follow-up-calls/{world.call.pk}/attempts/",
        {
            "outcome": "reached",
            "version": 1,
            "situation": "training",
            "needs_help": False,
            "helped_integration": "yes",
        },
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "reached"
    assert response.json()["attempts"] == 1


# Attendance, one person ----------------------------------------------------------------------


def test_one_mark_with_the_version_read(coach, world):
    response = _patch(
        api_client(coach),
        f"/api/attendance/{world.attendance.pk}/",
        {"status": "present", "version": 1},
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "present"
    assert response.json()["version"] == 2


def test_a_stale_mark_is_refused(coach, world):
    Attendance.objects.filter(pk=world.attendance.pk).update(status="absent", version=2)

    response = _patch(
        api_client(coach),
        f"/api/attendance/{world.attendance.pk}/",
        {"status": "present", "version": 1},
    )

    assert response.status_code == 409
    assert "just recorded" in response.json()["detail"]
    assert Attendance.objects.get(pk=world.attendance.pk).status == "absent"
