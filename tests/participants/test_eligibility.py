"""Criteria read from the participant's data: True or False when the data says, None when it
does not (the coach then judges)."""

import datetime

import pytest

from participants import eligibility
from programme.models import EligibilityCriterion
from tests.factories import make_criterion, make_participant, make_programme

pytestmark = pytest.mark.django_db
Kind = EligibilityCriterion.Kind
ON = datetime.date(2025, 6, 15)


def evaluate(kind, participant_fields=None, *, language_level=None, **criterion_fields):
    criterion = make_criterion(
        programme=make_programme(language_scale="nt2"), kind=kind, **criterion_fields
    )
    participant = make_participant(
        organisation=criterion.programme.organisation, **(participant_fields or {})
    )
    return eligibility.evaluate(criterion, participant, ON, language_level=language_level)


@pytest.mark.parametrize(
    ("residence_status", "expected"),
    [
        ("refugee", True),
        ("subsidiary", True),
        ("temporary", False),
        ("family_reunification", False),
        ("eu_citizen", False),
        ("", None),
    ],
)
def test_protection_status(residence_status, expected):
    assert evaluate(Kind.PROTECTION_STATUS, {"residence_status": residence_status}) is expected


@pytest.mark.parametrize(
    ("nationality", "expected"),
    [
        ("SY", True),
        ("ER", True),
        ("UA", True),
        ("FR", False),
        ("BE", False),
        ("CH", False),
        ("NO", False),
        ("", None),
    ],
)
def test_third_country_national(nationality, expected):
    assert evaluate(Kind.THIRD_COUNTRY_NATIONAL, {"nationality": nationality}) is expected


@pytest.mark.parametrize("receives", [True, False])
def test_integration_income(receives):
    assert evaluate(Kind.INTEGRATION_INCOME, {"integration_income": receives}) is receives


@pytest.mark.parametrize("completed", [True, False])
def test_civic_integration(completed):
    assert evaluate(Kind.CIVIC_INTEGRATION, {"civic_integration_completed": completed}) is completed


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        pytest.param(datetime.date(2007, 6, 15), True, id="18 on the day"),
        pytest.param(datetime.date(2007, 6, 16), False, id="18 tomorrow"),
        pytest.param(datetime.date(1960, 1, 1), True, id="65"),
    ],
)
def test_minimum_age_on_the_given_date(birth_date, expected):
    assert evaluate(Kind.MIN_AGE, {"birth_date": birth_date}, min_age=18) is expected


def test_a_judgement_is_left_to_the_coach():
    assert evaluate(Kind.JUDGEMENT, {"residence_status": "refugee"}) is None


def test_every_computed_kind_is_evaluated():
    # A new computed kind without a rule in eligibility.evaluate would silently give None.
    participant_fields = {
        "residence_status": "refugee",
        "nationality": "SY",
        "integration_income": True,
        "civic_integration_completed": True,
        "birth_date": datetime.date(1990, 1, 1),
    }
    # The language level is read a floor above (evaluations) and passed in.
    for kind in EligibilityCriterion.COMPUTED_KINDS:
        assert evaluate(kind, participant_fields, language_level="2") is True, kind


@pytest.mark.parametrize(
    ("level", "expected"),
    [("alfa", False), ("1.1", True), ("1.2", True), ("4", True), (None, None), ("", None)],
)
def test_minimum_language_level(level, expected):
    # NT2 1.1 or higher, as AMIE and Interactief! ask; None: no assessment, the coach judges.
    assert evaluate(Kind.MIN_LANGUAGE_LEVEL, language_level=level) is expected


def test_a_level_on_another_scale_says_nothing():
    assert evaluate(Kind.MIN_LANGUAGE_LEVEL, language_level="fle_b1") is None
