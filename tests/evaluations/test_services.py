import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluations.models import LanguageAssessment
from evaluations.services import language_assessment_record

pytestmark = pytest.mark.django_db


def data(**overrides) -> dict:
    values = {
        "language": "nl",
        "assessed_on": timezone.localdate(),
        "oral": "a1",
        "reading": "pre_a1",
        "writing": "pre_a1",
        "local_level": "1.1",
    }
    values.update(overrides)
    return values


def test_it_adds_to_the_history(participant, coach):
    language_assessment_record(participant=participant, data=data(), by=coach.user)
    language_assessment_record(
        participant=participant, data=data(oral="a2", local_level="1.2"), by=coach.user
    )
    assert [a.oral for a in participant.language_assessments.all()] == ["a2", "a1"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"local_level": "fle_a1"}, "The FLE scale measures French, not the language tested."),
        (
            {"local_level": "3"},
            "Level 3 matches about B2, more than one step away from the oral level A1.",
        ),
        (
            {"assessed_on": timezone.localdate().replace(year=2999)},
            "Record an assessment once it has taken place.",
        ),
    ],
)
def test_the_service_refuses_what_the_form_refuses(participant, coach, overrides, message):
    """The rules live on the model, so a write from a command or the API meets them too."""
    with pytest.raises(ValidationError) as caught:
        language_assessment_record(participant=participant, data=data(**overrides), by=coach.user)
    assert message in " ".join(caught.value.messages)
    assert not LanguageAssessment.objects.exists()
