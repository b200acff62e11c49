"""A factory for language assessments, in the style of tests/factories.py."""

import datetime

from django.utils import timezone

from evaluations.models import LanguageAssessment


def make_assessment(*, participant, **kwargs) -> LanguageAssessment:
    kwargs.setdefault("language", "fr")
    kwargs.setdefault("assessed_on", timezone.localdate() - datetime.timedelta(days=1))
    kwargs.setdefault("assessed_by", participant.coach)
    kwargs.setdefault("oral", "a1")
    kwargs.setdefault("reading", "a1")
    kwargs.setdefault("writing", "a1")
    return LanguageAssessment.objects.create(participant=participant, **kwargs)
