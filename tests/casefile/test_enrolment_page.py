import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casefile.panels import PANELS
from participants.models import Enrolment
from programme.models import EligibilityCriterion
from tests.evaluations.factories import make_exit_review, make_exited
from tests.factories import (
    make_answer,
    make_criterion,
    make_enrolment,
    make_interview,
    make_participant,
    make_status_change,
)
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(enrolment) -> str:
    return reverse("participants:enrolment", args=[enrolment.pk])


def set_status(enrolment, status, **fields):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status, **fields)


def offered(response) -> list[tuple[str, str]]:
    """The status changes the page offers, by status and label."""
    return [(status, label) for status, label, _url, _in_place in response.context["actions"]]


def test_a_referral_offers_to_start_the_intake(enrolment, coach_client):
    response = coach_client.get(url(enrolment))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Start the intake" in html
    assert reverse("participants:intake-start", args=[enrolment.pk]) in html
    assert [s["key"] for s in response.context["steps"] if s["done"]] == ["referral", "eligibility"]
    assert offered(response) == [(Status.CLOSED, "Close the file")]


def test_the_steps_follow_the_intake(enrolment, programme, coach_client):
    criterion = make_criterion(programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT)
    set_status(enrolment, Status.INTAKE)
    steps = coach_client.get(url(enrolment)).context["steps"]
    assert [s["key"] for s in steps if s.get("current")] == ["eligibility"]

    make_answer(enrolment=enrolment, criterion=criterion)
    steps = coach_client.get(url(enrolment)).context["steps"]
    assert [s["key"] for s in steps if s.get("current")] == ["interview"]

    make_interview(enrolment=enrolment)
    response = coach_client.get(url(enrolment))
    assert [s["key"] for s in response.context["steps"] if s.get("current")] == ["decision"]
    assert "Continue: Decision" in response.content.decode()


def test_the_waiting_list_shows_the_position(enrolment, programme, coach, coach_client):
    earlier = make_enrolment(participant=make_participant(coach=coach.user), programme=programme)
    since = timezone.now() - datetime.timedelta(days=10)
    set_status(earlier, Status.WAITING_LIST, waiting_since=since)
    set_status(enrolment, Status.WAITING_LIST, waiting_since=since + datetime.timedelta(days=1))

    response = coach_client.get(url(enrolment))

    assert response.context["position"] == 2
    assert "Waiting list: position 2" in response.content.decode()


def test_an_active_enrolment_offers_pause_and_exit(enrolment, coach_client):
    set_status(enrolment, Status.ACTIVE, started_on=timezone.localdate())
    response = coach_client.get(url(enrolment))
    assert response.context["steps"] is None
    assert offered(response) == [(Status.PAUSED, "Pause"), (Status.EXITED, "Exit")]
    html = response.content.decode()
    assert reverse("lifecycle:enrolment-status", args=[enrolment.pk, "paused"]) in html
    assert "Start the intake" not in html


def test_a_paused_enrolment_offers_resume_and_exit(enrolment, coach_client):
    set_status(enrolment, Status.PAUSED)
    actions = offered(coach_client.get(url(enrolment)))
    assert actions == [(Status.ACTIVE, "Resume"), (Status.EXITED, "Exit")]


def test_a_closed_enrolment_offers_nothing(enrolment, coach_client):
    set_status(enrolment, Status.CLOSED)
    assert offered(coach_client.get(url(enrolment))) == []


def test_it_shows_the_history_the_eligibility_and_the_interview(
    enrolment, programme, coach, coach_client
):
    income = make_criterion(programme=programme, kind=EligibilityCriterion.Kind.INTEGRATION_INCOME)
    make_answer(
        enrolment=enrolment,
        criterion=income,
        computed=False,
        met=True,
        override_reason="Payment starts next month",
    )
    make_interview(enrolment=enrolment, notes="Speaks some French already.")
    make_status_change(enrolment=enrolment, to_status=Status.REFERRED, reason="Sent by the antenna")
    make_status_change(enrolment=enrolment, from_status=Status.REFERRED, to_status=Status.INTAKE)

    html = coach_client.get(url(enrolment)).content.decode()

    assert "Overridden, the data said otherwise: Payment starts next month" in html
    assert "Speaks some French already." in html
    assert "Sent by the antenna" in html
    assert "Referred → <strong>Intake</strong>" in html


def test_the_coach_of_the_enrolment_may_open_it(
    participant, programme, colleague, colleague_client
):
    theirs = make_enrolment(participant=participant, programme=programme, coach=colleague.user)
    assert colleague_client.get(url(theirs)).status_code == 200


def test_a_manager_opens_any_enrolment_of_the_organisation(enrolment, manager_client):
    assert manager_client.get(url(enrolment)).status_code == 200


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(enrolment, colleague_client):
    assert colleague_client.get(url(enrolment)).status_code == 404


def test_another_organisation_gets_a_404(enrolment, outsider_client, outsider_manager_client):
    assert outsider_client.get(url(enrolment)).status_code == 404
    assert outsider_manager_client.get(url(enrolment)).status_code == 404


def test_an_administrator_gets_a_404(enrolment, administrator_client):
    assert administrator_client.get(url(enrolment)).status_code == 404


def test_it_requires_login(enrolment, client):
    response = client.get(url(enrolment))
    assert response.status_code == 302
    assert response.url == login_url(url(enrolment))


def test_it_rejects_post(enrolment, coach_client):
    assert coach_client.post(url(enrolment)).status_code == 405


@pytest.mark.parametrize("size", [1, 50])
def test_the_number_of_queries_does_not_grow_with_the_history(
    enrolment, programme, coach, coach_client, size, django_assert_num_queries
):
    for n in range(size):
        criterion = make_criterion(
            programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT, label=f"Criterion {n}"
        )
        make_answer(enrolment=enrolment, criterion=criterion)
        make_interview(enrolment=enrolment)
        make_status_change(enrolment=enrolment, reason=f"Change {n}")
    set_status(enrolment, Status.WAITING_LIST, waiting_since=timezone.now())
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the enrolment, within the user's reach, with participant, programme, coach and
    #    referring partner
    # 4. its eligibility answers and 5. their criteria
    # 6. its interviews and 7. who held them
    # 8. the programme's criteria
    # 9. its status changes and 10. who made them
    # 11. its place on the waiting list
    # 12. its co-coaches with their user (the referral's facts)
    # 13. its referrals to partners with partner, consent and author (referrals panel)
    # 14. the audit event recording the view
    with django_assert_num_queries(14):
        response = coach_client.get(url(enrolment))
    assert len(response.context["enrolment"].changes.all()) == size


def test_the_sections_of_every_app_come_in_order(enrolment, coach_client):
    """The action plan, the to-dos, the evaluations, the referrals, the placements, the exit."""
    make_exit_review(enrolment=make_exited(enrolment=enrolment))
    response = coach_client.get(url(enrolment))
    html = response.content.decode()
    sections = ["action-plan", "todos", "evaluations", "referrals", "placements", "exit-review"]
    where = [html.find(f'<article id="{section}"') for section in sections]
    assert -1 not in where
    assert where == sorted(where)
    assert [panel.template for panel in response.context["panels"]] == [
        panel.template for panel in PANELS
    ]


def test_the_header_links_to_the_printable_summary(enrolment, coach_client):
    response = coach_client.get(url(enrolment))
    summary = reverse("reports:summary", args=[enrolment.pk])
    assert response.context["links"] == [("Printable summary", summary, "printer")]
    assert f'href="{summary}"' in response.content.decode()
