"""Assertions shared by the view tests."""

from participants.models import (
    EligibilityAnswer,
    Enrolment,
    EnrolmentStatusChange,
    IntakeInterview,
    LanguageSkill,
    Participant,
)

WRITTEN_MODELS = [
    Participant,
    LanguageSkill,
    Enrolment,
    EnrolmentStatusChange,
    EligibilityAnswer,
    IntakeInterview,
]


def row_counts() -> dict[str, int]:
    """How many rows each participant table holds: compare before and after a refused write
    to prove nothing was saved."""
    return {model.__name__: model.objects.count() for model in WRITTEN_MODELS}


def login_url(path: str) -> str:
    return f"/accounts/login/?next={path}"


# The management form of an empty language formset, posted with every participant form.
EMPTY_LANGUAGES = {
    "lang-TOTAL_FORMS": "0",
    "lang-INITIAL_FORMS": "0",
    "lang-MIN_NUM_FORMS": "0",
    "lang-MAX_NUM_FORMS": "12",
}
