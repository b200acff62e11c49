import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, IntakeInterview
from tests.factories import make_interview
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(enrolment) -> str:
    return reverse("participants:intake-interview", args=[enrolment.pk])


def interview(**overrides) -> dict:
    data = {
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": "60",
        "support": "mediator",
        "support_language": "prs",
        "notes": "Would like to work in a kitchen.",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form(enrolment, coach_client):
    response = coach_client.get(url(enrolment))
    assert response.status_code == 200
    # The date starts at today, as the coach sees it in the field.
    assert response.context["form"]["held_on"].value() == timezone.localdate()
    assert f'value="{timezone.localdate().isoformat()}"' in response.content.decode()
    assert response.context["step"] == "interview"


def test_it_mentions_an_interview_already_recorded(enrolment, coach_client):
    make_interview(enrolment=enrolment, held_on=datetime.date(2025, 3, 3), duration_minutes=45)
    html = coach_client.get(url(enrolment)).content.decode()
    assert "Already recorded: 03/03/2025, 45 minutes." in html


def test_it_records_the_interview_and_goes_to_the_decision(enrolment, coach, coach_client):
    response = coach_client.post(url(enrolment), interview())

    assert response.status_code == 302
    assert response.url == reverse("participants:intake-decision", args=[enrolment.pk])
    recorded = IntakeInterview.objects.get()
    assert (recorded.enrolment, recorded.conducted_by) == (enrolment, coach.user)
    assert (recorded.support, recorded.support_language, recorded.duration_minutes) == (
        "mediator",
        "prs",
        60,
    )
    assert Enrolment.objects.get(pk=enrolment.pk).status == Status.INTAKE
    assert "Intake interview recorded." in coach_client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"held_on": "2999-01-01"}, "held_on", "Record an interview once it has taken place."),
        (
            # The enrolment was referred 30 days ago.
            {"held_on": (timezone.localdate() - datetime.timedelta(days=60)).isoformat()},
            "held_on",
            "The interview cannot be before the referral date.",
        ),
        ({"held_on": ""}, "held_on", "This field is required."),
        ({"duration_minutes": "2"}, "duration_minutes", "Give a length between 5 and 480 minutes."),
        (
            {"duration_minutes": "600"},
            "duration_minutes",
            "Give a length between 5 and 480 minutes.",
        ),
        (
            {"support_language": ""},
            "support_language",
            "Say in which language the interpreter or mediator helped.",
        ),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(
    enrolment, coach_client, overrides, field, message
):
    before = row_counts()
    response = coach_client.post(url(enrolment), interview(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert row_counts() == before
    assert Enrolment.objects.get(pk=enrolment.pk).status == Status.REFERRED


def test_after_the_intake_it_leads_back_to_the_enrolment(enrolment, coach_client):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.ACTIVE)
    before = row_counts()
    for response in (
        coach_client.get(url(enrolment)),
        coach_client.post(url(enrolment), interview()),
    ):
        assert response.status_code == 302
        assert response["Location"] == enrolment.get_absolute_url()
    assert row_counts() == before


def test_a_manager_may_record_it(enrolment, manager, manager_client):
    manager_client.post(url(enrolment), interview())
    assert IntakeInterview.objects.get().conducted_by == manager.user


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(enrolment, colleague_client):
    assert colleague_client.get(url(enrolment)).status_code == 404
    assert colleague_client.post(url(enrolment), interview()).status_code == 404
    assert not IntakeInterview.objects.exists()


def test_another_organisation_gets_a_404(enrolment, outsider_client, outsider_manager_client):
    for client in (outsider_client, outsider_manager_client):
        assert client.get(url(enrolment)).status_code == 404
        assert client.post(url(enrolment), interview()).status_code == 404
    assert not IntakeInterview.objects.exists()


def test_an_administrator_gets_a_404(enrolment, administrator_client):
    assert administrator_client.get(url(enrolment)).status_code == 404


def test_it_requires_login(enrolment, client):
    response = client.post(url(enrolment), interview())
    assert response.status_code == 302
    assert response.url == login_url(url(enrolment))
    assert not IntakeInterview.objects.exists()


def test_it_rejects_put(enrolment, coach_client):
    assert coach_client.put(url(enrolment)).status_code == 405
