"""Every change to participant data through the services, and every view and export of a
participant file, lands in the audit trail (ASVS 5.0 V16.2.1: who, what, when, where)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from evaluations import services as evaluation_services
from participants import services
from participants.models import Consent
from sessions import services as session_services
from tests.evaluations.factories import make_evaluation
from tests.sessions.factories import make_session
from tests.trajectory.factories import make_goal, started
from trajectory import services as trajectory


def only_event(**filters) -> Event:
    return Event.objects.get(**filters)


def test_participant_update_keeps_who_before_and_after(participant, coach):
    services.participant_update(
        participant=participant,
        data={"children": 4, "phone": "0470 11 22 33"},
        version=participant.version,
        by=coach.user,
    )
    event = only_event(action="update", object_type="participants.participant")
    assert (event.actor_id, event.participant_id) == (coach.user.pk, participant.pk)
    assert event.changes == {"children": [0, 4], "phone": "changed"}
    assert "0470" not in str(event.changes)


def test_status_changes_are_kept(enrolment, coach):
    services.intake_start(enrolment=enrolment, by=coach.user)
    event = only_event(object_type="participants.enrolment")
    assert event.changes["status"] == ["referred", "intake"]


def test_consent_given_and_withdrawn(participant, coach):
    consent = services.consent_record(
        participant=participant,
        purpose=Consent.Purpose.PHOTOS,
        given_on=timezone.localdate(),
        language="ar",
        interpreter=True,
        by=coach.user,
    )
    services.consent_withdraw(consent=consent, by=coach.user)
    created, withdrawn = Event.objects.filter(object_type="participants.consent").order_by("pk")
    assert created.action == "create" and created.changes["interpreter"] == [None, True]
    assert withdrawn.changes == {"withdrawn_on": [None, timezone.localdate().isoformat()]}


def test_goal_text_is_recorded_as_changed_only(enrolment, coach):
    started(enrolment)
    goal = make_goal(enrolment=enrolment, text="Find a flat")
    trajectory.goal_update(goal=goal, text="Find a bigger flat near the school", by=coach.user)
    event = only_event(object_type="trajectory.goal")
    assert event.changes == {"text": "changed"}


def test_evaluation_corrections_keep_the_scores_not_the_notes(enrolment, coach):
    started(enrolment)
    evaluation = make_evaluation(enrolment=enrolment, scores={"oral_language": 2})
    evaluation_services.evaluation_update(
        evaluation=evaluation,
        held_on=evaluation.held_on,
        scores=[evaluation_services.ScoreRow(domain="oral_language", coach_score=3)],
        notes="Talked about her nightmares",
        version=evaluation.version,
        by=coach.user,
    )
    event = only_event(object_type="evaluations.evaluation")
    assert event.changes == {"notes": "changed"}
    assert event.note == "oral_language 3/-"


def test_attendance_one_tap_and_a_whole_session(participant, enrolment, programme, coach):
    session = make_session(programme=programme, expected=[participant])
    session_services.attendance_record(
        session=session, participant=participant, status="present", version=1, by=coach.user
    )
    session_services.attendance_record_session(
        session=session, marks={participant.pk: "absent"}, by=coach.user
    )
    tap, whole = Event.objects.filter(object_type="activities.attendance").order_by("pk")
    assert tap.changes["status"] == ["expected", "present"]
    assert whole.changes == {"status": [None, "absent"]}
    assert whole.participant_id == participant.pk and whole.actor_id == coach.user.pk


def test_opening_the_participant_page_is_logged_with_the_address(coach_client, coach, participant):
    coach_client.get(participant.get_absolute_url(), REMOTE_ADDR="192.0.2.10",
                     HTTP_USER_AGENT="Mozilla/5.0 test")  # fmt: skip
    event = only_event(action="view")
    assert (event.object_type, event.actor_id, event.ip, event.user_agent) == (
        "participant", coach.user.pk, "192.0.2.10", "Mozilla/5.0 test"
    )  # fmt: skip
    assert event.at <= timezone.now() and event.at.tzinfo is not None


def test_the_enrolment_page_and_the_summary_are_logged(manager_client, enrolment):
    manager_client.get(enrolment.get_absolute_url())
    manager_client.get(reverse("reports:summary", args=[enrolment.pk]))
    assert list(Event.objects.order_by("pk").values_list("object_type", "object_id")) == [
        ("enrolment", enrolment.pk), ("summary", enrolment.pk)
    ]  # fmt: skip


def test_a_participant_read_through_the_api_is_logged(coach_client, participant):
    response = coach_client.get(f"/api/participants/{participant.pk}/")
    assert response.status_code == 200
    assert only_event(action="view").object_type == "api"


@pytest.mark.parametrize("who", ["colleague_client", "outsider_client", "administrator_client"])
def test_a_refused_page_logs_no_view(request, who, participant):
    assert request.getfixturevalue(who).get(participant.get_absolute_url()).status_code == 404
    assert not Event.objects.filter(action="view").exists()


def test_the_time_is_stored_in_utc(participant):
    from audit.services import record_event

    event = record_event(action="view", participant=participant)
    event.refresh_from_db()
    assert event.at.utcoffset() == datetime.timedelta(0)
