"""The participant's full record, machine-readable (JSON) and PDF, logged as an export."""

import json

import pytest
from django.urls import reverse

from audit.models import Event
from rights import record
from tests.evaluations.factories import (
    make_assessment,
    make_call,
    make_evaluation,
    make_exit_review,
)
from tests.helpers import login_url
from tests.sessions.factories import make_attendance, make_session
from tests.trajectory.factories import make_consent, make_goal, make_step, started


def json_url(participant):
    return reverse("rights:export-json", args=[participant.pk])


def pdf_url(participant):
    return reverse("rights:export-pdf", args=[participant.pk])


@pytest.fixture
def full_file(participant, enrolment, programme):
    started(enrolment)
    goal = make_goal(enrolment=enrolment, text="Parler français au marché")
    make_step(goal=goal, text="S'inscrire au cours du soir")
    make_consent(participant=participant)
    make_assessment(participant=participant, notes="Progrès à l'oral")
    make_evaluation(enrolment=enrolment, notes="Très motivée")
    make_exit_review(enrolment=enrolment)
    make_call(enrolment=enrolment)
    make_attendance(session=make_session(programme=programme), participant=participant,
                    status="present")  # fmt: skip
    return participant


def test_the_json_holds_every_model_about_the_person(coach_client, full_file):
    response = coach_client.get(json_url(full_file))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["format"] == record.FORMAT
    assert data["participant"]["last_name"] == "Haile"
    assert data["participant"]["national_number"] == "85073003328"
    assert data["goals"][0]["text"] == "Parler français au marché"
    assert data["steps"][0]["text"] == "S'inscrire au cours du soir"
    assert data["language_assessments"][0]["notes"] == "Progrès à l'oral"
    assert data["evaluations"][0]["notes"] == "Très motivée"
    assert len(data["domain_scores"]) == 1
    assert data["exit_reviews"][0]["strengths"].startswith("Ponctuelle")
    assert len(data["follow_up_calls"]) == 1 and len(data["consents"]) == 1
    assert data["attendance"][0]["status"] == "present"
    assert "session_date" in data["attendance"][0]
    # Every field of every section is documented in the file itself.
    for name in ["participant", *(section for section, _m, _p in record.SECTIONS)]:
        rows = data[name] if isinstance(data[name], list) else [data[name]]
        for row in rows:
            assert set(row) <= set(data["fields"][name]), name


def test_the_export_is_logged(coach_client, coach, participant):
    coach_client.get(json_url(participant), REMOTE_ADDR="198.51.100.4")
    event = Event.objects.get()
    assert (event.action, event.object_type, event.actor_id, event.ip) == (
        "export", "record_json", coach.user.pk, "198.51.100.4"
    )  # fmt: skip


def test_the_pdf(manager_client, full_file):
    response = manager_client.get(pdf_url(full_file))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Event.objects.get(action="export").object_type == "record_pdf"


@pytest.mark.parametrize("url", [json_url, pdf_url])
def test_rejects_post(coach_client, participant, url):
    assert coach_client.post(url(participant)).status_code == 405


@pytest.mark.parametrize("url", [json_url, pdf_url])
def test_anonymous_is_sent_to_sign_in(client, participant, url):
    response = client.get(url(participant))
    assert response.status_code == 302 and response.url == login_url(url(participant))


@pytest.mark.parametrize("url", [json_url, pdf_url])
@pytest.mark.parametrize(
    "who", ["colleague_client", "administrator_client", "outsider_client",
            "outsider_manager_client"],
)  # fmt: skip
def test_others_get_404(request, who, participant, url):
    # ASVS 5.0 V8.2.2: the export is reachable only by those who may see the file.
    assert request.getfixturevalue(who).get(url(participant)).status_code == 404
    assert not Event.objects.filter(action="export").exists()


@pytest.mark.parametrize("goals", [1, 15])
def test_queries_do_not_grow_with_the_file(
    coach_client, participant, enrolment, goals, django_assert_num_queries
):
    started(enrolment)
    for n in range(goals):
        make_step(goal=make_goal(enrolment=enrolment, text=f"Goal {n}"), text=f"Step {n}")
    # session, user with their staff record, participant, the audit event, then one query per
    # section
    with django_assert_num_queries(4 + len(record.SECTIONS)):
        coach_client.get(json_url(participant))
