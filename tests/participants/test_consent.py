"""Consent per purpose (and, to share data, per partner), withdrawn with its date kept."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import Consent
from tests.factories import make_partner
from tests.helpers import login_url
from tests.trajectory.factories import make_consent

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def url(participant):
    return reverse("participants:consents", args=[participant.pk])


@pytest.fixture
def partner(organisation):
    return make_partner(organisation=organisation, name="Solentra")


def test_a_consent_is_recorded_with_language_and_interpreter(participant, partner, coach):
    consent = services.consent_record(
        participant=participant,
        purpose=Consent.Purpose.SHARING,
        partner=partner,
        given_on=TODAY,
        language="ti",
        interpreter=True,
        by=coach.user,
    )
    assert (consent.partner, consent.language, consent.interpreter) == (partner, "ti", True)
    assert consent.recorded_by == coach.user


def test_sharing_needs_a_partner_of_the_organisation(participant, other_organisation, coach):
    for partner in (None, make_partner(organisation=other_organisation)):
        with pytest.raises(ValidationError) as refused:
            services.consent_record(
                participant=participant,
                purpose=Consent.Purpose.SHARING,
                partner=partner,
                given_on=TODAY,
                by=coach.user,
            )
        assert "partner" in refused.value.error_dict
    assert not Consent.objects.exists()


def test_other_purposes_name_no_partner(participant, partner, coach):
    consent = services.consent_record(
        participant=participant, purpose="photos", partner=partner, given_on=TODAY, by=coach.user
    )
    assert consent.partner is None


def test_a_consent_already_on_file_is_not_recorded_twice(participant, partner, coach):
    make_consent(participant=participant, partner=partner)
    with pytest.raises(ValidationError):
        services.consent_record(
            participant=participant,
            purpose="sharing",
            partner=partner,
            given_on=TODAY,
            by=coach.user,
        )
    # For another partner it is a consent of its own.
    services.consent_record(
        participant=participant,
        purpose="sharing",
        partner=make_partner(organisation=participant.organisation),
        given_on=TODAY,
        by=coach.user,
    )


def test_a_future_consent_is_refused(participant, coach):
    with pytest.raises(ValidationError):
        services.consent_record(
            participant=participant,
            purpose="processing",
            given_on=TODAY + datetime.timedelta(days=1),
            by=coach.user,
        )


def test_withdrawing_keeps_the_row_and_its_date(participant, coach):
    consent = make_consent(participant=participant)
    services.consent_withdraw(consent=consent, on=TODAY, by=coach.user)
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY
    assert consent.is_valid_on(TODAY - datetime.timedelta(days=1))
    assert not consent.is_valid_on(TODAY)
    assert list(Consent.objects.valid_on(TODAY)) == []
    with pytest.raises(ValidationError):
        services.consent_withdraw(consent=consent, by=coach.user)
    # Once withdrawn it may be given again.
    services.consent_record(
        participant=participant, purpose="processing", given_on=TODAY, by=coach.user
    )


def test_a_consent_is_not_withdrawn_before_it_was_given_nor_in_the_future(participant, coach):
    consent = make_consent(participant=participant, given_on=TODAY)
    for day in (TODAY - datetime.timedelta(days=1), TODAY + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            services.consent_withdraw(consent=consent, on=day, by=coach.user)
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


# --- the pages ---------------------------------------------------------------------------------


def test_the_participant_page_shows_the_consents(participant, partner, coach_client):
    make_consent(participant=participant, partner=partner)
    make_consent(participant=participant, purpose="photos", withdrawn_on=TODAY)
    html = coach_client.get(reverse("participants:detail", args=[participant.pk])).content.decode()
    assert "Sharing data with Solentra" in html
    assert "Withdrawn on" in html
    assert url(participant) in html


def test_a_coach_records_a_consent(participant, partner, coach_client):
    assert coach_client.get(url(participant)).status_code == 200
    response = coach_client.post(
        url(participant),
        {
            "purpose": "sharing",
            "partner": partner.pk,
            "given_on": TODAY.isoformat(),
            "language": "ar",
            "interpreter": "on",
        },
    )
    assert response.status_code == 302
    consent = participant.consents.get()
    assert (consent.partner, consent.language, consent.interpreter) == (partner, "ar", True)


def test_sharing_without_a_partner_writes_nothing(participant, coach_client):
    response = coach_client.post(
        url(participant), {"purpose": "sharing", "given_on": TODAY.isoformat()}
    )
    assert response.status_code == 200
    assert "Choose the partner the data may be shared with." in response.content.decode()
    assert not Consent.objects.exists()


def test_a_partner_of_another_organisation_cannot_be_chosen(
    participant, other_organisation, coach_client
):
    theirs = make_partner(organisation=other_organisation)
    response = coach_client.post(
        url(participant),
        {"purpose": "sharing", "partner": theirs.pk, "given_on": TODAY.isoformat()},
    )
    assert response.status_code == 200
    assert not Consent.objects.exists()


def test_a_coach_withdraws_a_consent(participant, coach_client):
    consent = make_consent(participant=participant)
    withdraw = reverse("participants:consent-withdraw", args=[consent.pk])
    response = coach_client.post(withdraw, {"on": TODAY.isoformat()})
    assert response.url == url(participant)
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY


def test_a_bad_withdrawal_date_says_why(participant, coach_client):
    consent = make_consent(participant=participant, given_on=TODAY)
    withdraw = reverse("participants:consent-withdraw", args=[consent.pk])
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    response = coach_client.post(withdraw, {"on": yesterday}, follow=True)
    assert "A consent cannot be withdrawn before it was given." in response.content.decode()
    response = coach_client.post(withdraw, {"on": "soon"}, follow=True)
    assert "Enter a valid date." in response.content.decode()
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


@pytest.mark.parametrize(
    "who",
    ["administrator_client", "outsider_client", "outsider_manager_client", "colleague_client"],
)
def test_people_out_of_reach_get_a_404(participant, who, request):
    client = request.getfixturevalue(who)
    consent = make_consent(participant=participant)
    assert client.get(url(participant)).status_code == 404
    withdraw = reverse("participants:consent-withdraw", args=[consent.pk])
    assert client.post(withdraw, {"on": TODAY.isoformat()}).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_a_manager_sees_and_records(participant, manager_client):
    assert manager_client.get(url(participant)).status_code == 200


def test_anonymous_users_are_sent_to_log_in(participant, client):
    assert client.get(url(participant)).url == login_url(url(participant))


def test_withdrawing_rejects_get_and_the_page_rejects_put(participant, coach_client):
    consent = make_consent(participant=participant)
    withdraw = reverse("participants:consent-withdraw", args=[consent.pk])
    assert coach_client.get(withdraw).status_code == 405
    assert coach_client.put(url(participant)).status_code == 405


@pytest.mark.parametrize("size", [1, 20])
def test_the_page_runs_the_same_queries_whatever_the_number(
    participant, organisation, coach_client, size, django_assert_num_queries
):
    for n in range(size):
        make_consent(
            participant=participant,
            partner=make_partner(organisation=organisation),
            withdrawn_on=TODAY if n % 2 else None,
        )
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the participant, within reach  4. the consents with partner and recorder
    # 5. the organisation's partners (form)
    with django_assert_num_queries(5):
        response = coach_client.get(url(participant))
    assert len(response.context["consents"]) == size
