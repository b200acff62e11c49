"""Factories for language assessments and evaluations, in the style of tests/factories.py."""

import datetime

from django.utils import timezone

from evaluations.models import DomainScore, Evaluation, LanguageAssessment
from participants.models import Goal


def make_assessment(*, participant, **kwargs) -> LanguageAssessment:
    kwargs.setdefault("language", "fr")
    kwargs.setdefault("assessed_on", timezone.localdate() - datetime.timedelta(days=1))
    kwargs.setdefault("assessed_by", participant.coach)
    kwargs.setdefault("oral", "a1")
    kwargs.setdefault("reading", "a1")
    kwargs.setdefault("writing", "a1")
    return LanguageAssessment.objects.create(participant=participant, **kwargs)


def make_evaluation(*, enrolment, scores: dict | None = None, **kwargs) -> Evaluation:
    """An evaluation with its domain scores: `scores` maps a domain code to a coach's score or
    to (coach's score, participant's score)."""
    kwargs.setdefault("kind", Evaluation.Kind.MIDWAY)
    kwargs.setdefault("held_on", timezone.localdate() - datetime.timedelta(days=1))
    kwargs.setdefault("evaluated_by", enrolment.coach)
    evaluation = Evaluation.objects.create(enrolment=enrolment, **kwargs)
    for domain, score in (scores if scores is not None else {"oral_language": 2}).items():
        coach, own = score if isinstance(score, tuple) else (score, None)
        DomainScore.objects.create(
            evaluation=evaluation, domain=domain, coach_score=coach, participant_score=own
        )
    return evaluation


def make_goal(*, enrolment, **kwargs) -> Goal:
    kwargs.setdefault("text", "Aller seule à la commune.")
    return Goal.objects.create(enrolment=enrolment, **kwargs)
