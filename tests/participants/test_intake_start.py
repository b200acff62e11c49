import pytest
from django.urls import reverse

from participants.models import Enrolment, EnrolmentStatusChange
from tests.factories import make_enrolment
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(enrolment) -> str:
    return reverse("participants:intake-start", args=[enrolment.pk])


def status_of(enrolment) -> str:
    return Enrolment.objects.get(pk=enrolment.pk).status


def test_it_starts_the_intake(enrolment, coach, coach_client):
    response = coach_client.post(url(enrolment))
    assert response.status_code == 302
    assert response.url == reverse("participants:intake-eligibility", args=[enrolment.pk])
    assert status_of(enrolment) == Status.INTAKE
    change = EnrolmentStatusChange.objects.get(enrolment=enrolment)
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.REFERRED,
        Status.INTAKE,
        coach.user,
    )


def test_it_explains_why_an_intake_cannot_start_and_writes_nothing(enrolment, coach_client):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.ACTIVE)
    before = row_counts()
    response = coach_client.post(url(enrolment), follow=True)
    assert "An enrolment that is “Active” cannot become “Intake”." in response.content.decode()
    assert row_counts() == before
    assert status_of(enrolment) == Status.ACTIVE


def test_a_manager_may_start_it(enrolment, manager_client):
    manager_client.post(url(enrolment))
    assert status_of(enrolment) == Status.INTAKE


def test_the_coach_of_the_enrolment_may_start_it(
    participant, programme, colleague, colleague_client
):
    theirs = make_enrolment(participant=participant, programme=programme, coach=colleague.user)
    colleague_client.post(url(theirs))
    assert status_of(theirs) == Status.INTAKE


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(enrolment, colleague_client):
    assert colleague_client.post(url(enrolment)).status_code == 404
    assert status_of(enrolment) == Status.REFERRED


def test_another_organisation_gets_a_404(enrolment, outsider_client, outsider_manager_client):
    assert outsider_client.post(url(enrolment)).status_code == 404
    assert outsider_manager_client.post(url(enrolment)).status_code == 404
    assert status_of(enrolment) == Status.REFERRED


def test_an_administrator_gets_a_404(enrolment, administrator_client):
    assert administrator_client.post(url(enrolment)).status_code == 404
    assert status_of(enrolment) == Status.REFERRED


def test_it_requires_login(enrolment, client):
    response = client.post(url(enrolment))
    assert response.status_code == 302
    assert response.url == login_url(url(enrolment))
    assert status_of(enrolment) == Status.REFERRED


def test_it_rejects_get(enrolment, coach_client):
    assert coach_client.get(url(enrolment)).status_code == 405
    assert status_of(enrolment) == Status.REFERRED
