"""programme/dates.py, and the services that now hold the date rules once held by forms only."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants import services
from participants.models import Enrolment, IntakeInterview, Participant
from programme.dates import in_future, not_before, not_in_future

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_in_future_is_after_the_sites_local_date():
    assert in_future(TOMORROW)
    assert not in_future(TODAY)
    assert not in_future(None)


def test_a_rule_raises_on_its_field_or_plainly_or_collects():
    with pytest.raises(ValidationError) as on_field:
        not_in_future(TOMORROW, field="held_on")
    assert on_field.value.message_dict == {"held_on": ["The date cannot be in the future."]}
    with pytest.raises(ValidationError) as plain:
        not_in_future(TOMORROW, message="Not yet.")
    assert plain.value.messages == ["Not yet."]
    errors = {}
    assert not not_before(TODAY, TOMORROW, field="ended_on", errors=errors)
    assert list(errors) == ["ended_on"]
    assert not_in_future(TODAY, field="held_on") and not_before(TOMORROW, TODAY, field="x")


@pytest.mark.django_db
def test_a_future_birth_date_is_refused_by_the_service(organisation, coach):
    with pytest.raises(ValidationError) as error:
        services.participant_create(
            organisation=organisation,
            data={"first_name": "Nour", "last_name": "Haddad", "birth_date": TOMORROW,
                  "gender": "woman", "coach": coach.user},
            by=coach.user,
        )  # fmt: skip
    assert error.value.message_dict["birth_date"] == ["The date of birth cannot be in the future."]
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_future_referral_date_is_refused_by_the_service(participant, programme, coach):
    with pytest.raises(ValidationError) as error:
        services.enrolment_refer(
            participant=participant, programme=programme, coach=coach.user,
            referred_on=TOMORROW, referral_source="social_service", by=coach.user,
        )  # fmt: skip
    assert error.value.message_dict == {
        "referred_on": ["The referral date cannot be in the future."]
    }
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
def test_a_future_interview_is_refused_by_the_service(enrolment, coach):
    with pytest.raises(ValidationError) as error:
        services.intake_interview_record(
            enrolment=enrolment,
            data={"held_on": TOMORROW, "duration_minutes": 45, "support": "none"},
            by=coach.user,
        )
    assert error.value.message_dict["held_on"] == ["Record an interview once it has taken place."]
    assert not IntakeInterview.objects.exists()
