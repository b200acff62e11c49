from collections.abc import Mapping

from django.db import transaction

from evaluations.models import LanguageAssessment
from participants.models import Participant


def language_assessment_record(
    *, participant: Participant, data: Mapping, by
) -> LanguageAssessment:
    """Add a dated assessment to the participant's history (earlier ones are kept)."""
    with transaction.atomic():
        assessment = LanguageAssessment(participant=participant, assessed_by=by, **data)
        assessment.full_clean()
        assessment.save()
    return assessment
