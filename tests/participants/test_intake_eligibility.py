import pytest
from django.urls import reverse

from participants.models import EligibilityAnswer, Enrolment, Participant
from programme.models import EligibilityCriterion
from tests.factories import make_answer, make_criterion, make_enrolment, make_programme
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
Kind = EligibilityCriterion.Kind


def url(enrolment) -> str:
    return reverse("participants:intake-eligibility", args=[enrolment.pk])


@pytest.fixture
def criteria(programme, participant):
    # The participant (born 1985) is of age and does not receive the integration income.
    Participant.objects.filter(pk=participant.pk).update(integration_income=False)
    return {
        "age": make_criterion(programme=programme, kind=Kind.MIN_AGE, min_age=18, position=1),
        "income": make_criterion(programme=programme, kind=Kind.INTEGRATION_INCOME, position=2),
        "motivation": make_criterion(
            programme=programme, kind=Kind.JUDGEMENT, label="Motivated", position=3
        ),
    }


def answers(criteria, **overrides) -> dict:
    data = {
        f"criterion_{criteria['age'].pk}": "yes",
        f"criterion_{criteria['income'].pk}": "no",
        f"criterion_{criteria['motivation'].pk}": "yes",
    }
    data.update(overrides)
    return data


def test_it_fills_in_what_the_data_says(enrolment, criteria, coach_client):
    response = coach_client.get(url(enrolment))
    assert response.status_code == 200
    rows = response.context["form"].rows
    assert [(row["criterion"], row["computed"]) for row in rows] == [
        (criteria["age"], True),
        (criteria["income"], False),
        (criteria["motivation"], None),
    ]
    form = response.context["form"]
    assert [form.fields[f"criterion_{c.pk}"].initial for c in criteria.values()] == [
        "yes",
        "no",
        None,
    ]
    assert "From the file:" in response.content.decode()


def test_it_shows_previous_answers(enrolment, criteria, coach_client):
    make_answer(enrolment=enrolment, criterion=criteria["motivation"], met=False)
    form = coach_client.get(url(enrolment)).context["form"]
    assert form.fields[f"criterion_{criteria['motivation'].pk}"].initial == "no"


def test_a_programme_open_to_everyone_has_nothing_to_check(
    participant, organisation, coach, coach_client
):
    open_programme = make_programme(organisation=organisation, name="MOD'ACTIONS")
    enrolment = make_enrolment(participant=participant, programme=open_programme)
    html = coach_client.get(url(enrolment)).content.decode()
    assert "MOD&#x27;ACTIONS is open to everyone: there is nothing to check." in html


def test_it_records_the_answers_and_goes_to_the_interview(enrolment, criteria, coach, coach_client):
    response = coach_client.post(url(enrolment), answers(criteria))
    assert response.status_code == 302
    assert response.url == reverse("participants:intake-interview", args=[enrolment.pk])
    stored = {
        a.criterion_id: (a.computed, a.met)
        for a in EligibilityAnswer.objects.filter(enrolment=enrolment)
    }
    assert stored == {
        criteria["age"].pk: (True, True),
        criteria["income"].pk: (False, False),
        criteria["motivation"].pk: (None, True),
    }
    assert "Eligibility recorded." in coach_client.get(response.url).content.decode()


def test_it_keeps_an_override_with_its_reason(enrolment, criteria, coach_client):
    income = criteria["income"].pk
    coach_client.post(
        url(enrolment),
        answers(
            criteria,
            **{f"criterion_{income}": "yes", f"reason_{income}": "First payment next week"},
        ),
    )
    answer = EligibilityAnswer.objects.get(enrolment=enrolment, criterion_id=income)
    assert (answer.computed, answer.met, answer.override_reason) == (
        False,
        True,
        "First payment next week",
    )


def test_an_override_without_reason_is_refused_and_nothing_written(
    enrolment, criteria, coach_client
):
    before = row_counts()
    response = coach_client.post(
        url(enrolment), answers(criteria, **{f"criterion_{criteria['income'].pk}": "yes"})
    )
    assert response.status_code == 200
    assert response.context["form"].errors[f"criterion_{criteria['income'].pk}"] == [
        "You changed what the data says: write why."
    ]
    html = response.content.decode()
    assert "You changed what the data says: write why." in html
    assert "Nothing was saved. Please check what is marked below." in html
    assert row_counts() == before


def test_a_missing_answer_is_refused_and_nothing_written(enrolment, criteria, coach_client):
    data = answers(criteria)
    del data[f"criterion_{criteria['motivation'].pk}"]
    before = row_counts()
    response = coach_client.post(url(enrolment), data)
    assert response.context["form"].errors[f"criterion_{criteria['motivation'].pk}"] == [
        "This field is required."
    ]
    assert "This field is required." in response.content.decode()
    assert row_counts() == before


def test_after_the_intake_it_leads_back_to_the_enrolment(enrolment, criteria, coach_client):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.ACTIVE)
    before = row_counts()
    for response in (
        coach_client.get(url(enrolment)),
        coach_client.post(url(enrolment), answers(criteria)),
    ):
        assert response.status_code == 302
        assert response["Location"] == enrolment.get_absolute_url()
    assert row_counts() == before


def test_a_manager_may_record_it(enrolment, criteria, manager_client):
    assert manager_client.post(url(enrolment), answers(criteria)).status_code == 302
    assert EligibilityAnswer.objects.count() == 3


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(
    enrolment, criteria, colleague_client
):
    assert colleague_client.get(url(enrolment)).status_code == 404
    assert colleague_client.post(url(enrolment), answers(criteria)).status_code == 404
    assert not EligibilityAnswer.objects.exists()


def test_another_organisation_gets_a_404(
    enrolment, criteria, outsider_client, outsider_manager_client
):
    for client in (outsider_client, outsider_manager_client):
        assert client.get(url(enrolment)).status_code == 404
        assert client.post(url(enrolment), answers(criteria)).status_code == 404
    assert not EligibilityAnswer.objects.exists()


def test_an_administrator_gets_a_404(enrolment, administrator_client):
    assert administrator_client.get(url(enrolment)).status_code == 404


def test_it_requires_login(enrolment, criteria, client):
    response = client.post(url(enrolment), answers(criteria))
    assert response.status_code == 302
    assert response.url == login_url(url(enrolment))
    assert not EligibilityAnswer.objects.exists()


def test_it_rejects_put(enrolment, coach_client):
    assert coach_client.put(url(enrolment)).status_code == 405
