import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment
from programme.models import EligibilityCriterion
from tests.factories import make_answer, make_criterion, make_interview
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(enrolment) -> str:
    return reverse("participants:intake-decision", args=[enrolment.pk])


@pytest.fixture
def interviewed(enrolment, programme):
    """In intake, interview held, the one criterion met."""
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.INTAKE)
    make_interview(enrolment=enrolment)
    criterion = make_criterion(programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT)
    make_answer(enrolment=enrolment, criterion=criterion, met=True)
    return enrolment


def current(enrolment) -> Enrolment:
    return Enrolment.objects.get(pk=enrolment.pk)


def test_it_shows_the_form(interviewed, coach_client):
    response = coach_client.get(url(interviewed))
    assert response.status_code == 200
    assert "Record the decision" in response.content.decode()


def test_it_admits_from_the_start_date(interviewed, coach, coach_client):
    start = timezone.localdate() + datetime.timedelta(days=3)
    response = coach_client.post(
        url(interviewed), {"decision": "admitted", "start_date": start.isoformat()}
    )

    assert response.status_code == 302
    assert response.url == interviewed.get_absolute_url()
    enrolment = current(interviewed)
    assert (enrolment.status, enrolment.started_on) == (Status.ACTIVE, start)
    assert enrolment.changes.get().changed_by == coach.user
    assert "Decision recorded: Active." in coach_client.get(response.url).content.decode()


def test_it_puts_on_the_waiting_list(interviewed, coach_client):
    coach_client.post(url(interviewed), {"decision": "waiting_list"})
    enrolment = current(interviewed)
    assert enrolment.status == Status.WAITING_LIST
    assert enrolment.waiting_since is not None


def test_it_admits_from_the_waiting_list(interviewed, coach_client):
    Enrolment.objects.filter(pk=interviewed.pk).update(
        status=Status.WAITING_LIST, waiting_since=timezone.now()
    )
    html = coach_client.get(url(interviewed)).content.decode()
    assert "The person is on the waiting list. Admit them when a place is free." in html
    coach_client.post(url(interviewed), {"decision": "admitted"})
    assert current(interviewed).started_on == timezone.localdate()


def test_it_refuses_admission_with_the_reason(interviewed, coach_client):
    coach_client.post(url(interviewed), {"decision": "not_admitted", "reason": "Works full time"})
    enrolment = current(interviewed)
    assert (enrolment.status, enrolment.decision_reason) == (Status.NOT_ADMITTED, "Works full time")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"decision": "not_admitted", "reason": "  "},
            "reason",
            "Say why the person is not admitted.",
        ),
        ({"reason": ""}, "decision", "This field is required."),
        (
            {"decision": "maybe"},
            "decision",
            "Select a valid choice. maybe is not one of the available choices.",
        ),
        ({"decision": "admitted", "start_date": "soon"}, "start_date", "Enter a valid date."),
        (
            # The enrolment was referred 30 days ago.
            {
                "decision": "admitted",
                "start_date": (timezone.localdate() - datetime.timedelta(days=60)).isoformat(),
            },
            "start_date",
            "The start date cannot be before the referral date.",
        ),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(interviewed, coach_client, data, field, message):
    before = row_counts()
    response = coach_client.post(url(interviewed), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert row_counts() == before
    assert current(interviewed).status == Status.INTAKE


def test_it_explains_why_the_person_cannot_be_admitted_yet(enrolment, coach_client):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.INTAKE)
    before = row_counts()
    response = coach_client.post(url(enrolment), {"decision": "admitted"})
    assert response.status_code == 200
    assert "Record the intake interview first." in response.content.decode()
    assert row_counts() == before


def test_it_refuses_to_admit_when_a_criterion_is_not_met(interviewed, programme, coach_client):
    judgement = make_criterion(
        programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT, label="Lives in Liège"
    )
    make_answer(enrolment=interviewed, criterion=judgement, met=False)
    response = coach_client.post(url(interviewed), {"decision": "admitted"})
    assert (
        "Not every eligibility criterion is met: the person cannot be admitted."
        in response.content.decode()
    )
    assert current(interviewed).status == Status.INTAKE


def test_it_refuses_a_decision_before_the_intake(enrolment, coach_client):
    response = coach_client.post(url(enrolment), {"decision": "admitted"})
    assert "An enrolment that is “Referred” cannot become “Active”." in response.content.decode()
    assert current(enrolment).status == Status.REFERRED


def test_a_manager_may_decide(interviewed, manager_client):
    manager_client.post(url(interviewed), {"decision": "admitted"})
    assert current(interviewed).status == Status.ACTIVE


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(interviewed, colleague_client):
    assert colleague_client.get(url(interviewed)).status_code == 404
    assert colleague_client.post(url(interviewed), {"decision": "admitted"}).status_code == 404
    assert current(interviewed).status == Status.INTAKE


def test_another_organisation_gets_a_404(interviewed, outsider_client, outsider_manager_client):
    for client in (outsider_client, outsider_manager_client):
        assert client.get(url(interviewed)).status_code == 404
        assert client.post(url(interviewed), {"decision": "admitted"}).status_code == 404
    assert current(interviewed).status == Status.INTAKE


def test_an_administrator_gets_a_404(interviewed, administrator_client):
    assert administrator_client.post(url(interviewed), {"decision": "admitted"}).status_code == 404
    assert current(interviewed).status == Status.INTAKE


def test_it_requires_login(interviewed, client):
    response = client.post(url(interviewed), {"decision": "admitted"})
    assert response.status_code == 302
    assert response.url == login_url(url(interviewed))
    assert current(interviewed).status == Status.INTAKE


def test_it_rejects_put(interviewed, coach_client):
    assert coach_client.put(url(interviewed)).status_code == 405
