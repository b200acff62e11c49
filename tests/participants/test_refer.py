import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment
from tests.factories import make_enrolment, make_partner
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(participant) -> str:
    return reverse("participants:refer", args=[participant.pk])


def referral(programme, coach, /, **overrides) -> dict:
    data = {
        "programme": programme.pk,
        "coach": coach.user.pk,
        "referred_on": timezone.localdate().isoformat(),
        "referral_source": "social_service",
        "referrer_name": "Antenne Nord, M. Dupont",
        "referral_reason": "Isolated, wants to practise French",
    }
    data.update(overrides)
    return data


def test_it_shows_the_form_with_the_organisations_choices(
    participant, programme, other_programme, coach, coach_client
):
    response = coach_client.get(url(participant))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["programme"].queryset) == [programme]
    assert form.fields["coach"].initial == coach.user.pk
    assert form.fields["referred_on"].initial == timezone.localdate()


def test_it_records_the_referral_and_opens_the_enrolment(
    participant, programme, coach, coach_client
):
    response = coach_client.post(url(participant), referral(programme, coach))

    enrolment = Enrolment.objects.get()
    assert response.status_code == 302
    assert response.url == enrolment.get_absolute_url()
    assert (enrolment.participant, enrolment.programme, enrolment.coach) == (
        participant,
        programme,
        coach.user,
    )
    assert enrolment.status == Status.REFERRED
    assert enrolment.referrer_name == "Antenne Nord, M. Dupont"
    assert enrolment.changes.get().reason == "Isolated, wants to practise French"
    assert "Referral recorded. Next: the intake." in coach_client.get(response.url).content.decode()


def test_it_records_the_referring_partner(
    participant, programme, organisation, coach, coach_client
):
    partner = make_partner(organisation=organisation, name="Caritas")
    coach_client.post(
        url(participant),
        referral(programme, coach, referral_source="partner", referring_partner=partner.pk),
    )
    assert Enrolment.objects.get().referring_partner == partner


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"referral_source": "partner"},
            "referring_partner",
            "Choose the partner organisation that referred.",
        ),
        ({"coach": ""}, "coach", "This field is required."),
        ({"programme": ""}, "programme", "This field is required."),
        (
            {"referred_on": "2999-01-01"},
            "referred_on",
            "The referral date cannot be in the future.",
        ),
        (
            {"referral_source": "rumour"},
            "referral_source",
            "Select a valid choice. rumour is not one of the available choices.",
        ),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(
    participant, programme, coach, coach_client, overrides, field, message
):
    before = row_counts()
    response = coach_client.post(url(participant), referral(programme, coach, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert row_counts() == before


def test_it_refuses_another_organisations_programme_coach_and_partner(
    participant, programme, other_programme, other_organisation, outsider, coach, coach_client
):
    partner = make_partner(organisation=other_organisation)
    before = row_counts()
    response = coach_client.post(
        url(participant),
        referral(
            programme,
            coach,
            programme=other_programme.pk,
            coach=outsider.user.pk,
            referral_source="partner",
            referring_partner=partner.pk,
        ),
    )
    errors = response.context["form"].errors
    invalid = "Select a valid choice. That choice is not one of the available choices."
    assert errors["programme"] == [invalid]
    assert errors["coach"] == [invalid]
    assert errors["referring_partner"][0] == invalid
    assert row_counts() == before


def test_it_refuses_a_second_open_enrolment_in_the_programme(
    participant, programme, coach, coach_client
):
    make_enrolment(participant=participant, programme=programme, status=Status.ACTIVE)
    before = row_counts()
    response = coach_client.post(url(participant), referral(programme, coach))
    assert response.status_code == 200
    assert (
        "Selam Haile already has an open enrolment in Vivre ensemble." in response.content.decode()
    )
    assert row_counts() == before


def test_a_manager_may_refer(participant, programme, coach, manager_client):
    assert manager_client.post(url(participant), referral(programme, coach)).status_code == 302
    assert Enrolment.objects.count() == 1


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(
    participant, programme, colleague, colleague_client
):
    assert colleague_client.get(url(participant)).status_code == 404
    assert (
        colleague_client.post(url(participant), referral(programme, colleague)).status_code == 404
    )
    assert not Enrolment.objects.exists()


def test_another_organisation_gets_a_404(
    participant, other_programme, outsider, outsider_client, outsider_manager_client
):
    for client in (outsider_client, outsider_manager_client):
        assert client.get(url(participant)).status_code == 404
        assert client.post(url(participant), referral(other_programme, outsider)).status_code == 404
    assert not Enrolment.objects.exists()


def test_an_administrator_gets_a_404(participant, administrator_client):
    assert administrator_client.get(url(participant)).status_code == 404


def test_it_requires_login(participant, programme, coach, client):
    response = client.post(url(participant), referral(programme, coach))
    assert response.status_code == 302
    assert response.url == login_url(url(participant))
    assert not Enrolment.objects.exists()


def test_it_rejects_put(participant, coach_client):
    assert coach_client.put(url(participant)).status_code == 405


def test_a_past_referral_date_is_kept(participant, programme, coach, coach_client):
    day = timezone.localdate() - datetime.timedelta(days=12)
    coach_client.post(url(participant), referral(programme, coach, referred_on=day.isoformat()))
    assert Enrolment.objects.get().referred_on == day
