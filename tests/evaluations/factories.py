"""Factories for language assessments and evaluations, in the style of tests/factories.py."""

import datetime

from django.utils import timezone

from evaluations import progress
from evaluations.models import (
    CallAttempt,
    DomainScore,
    Evaluation,
    ExitReview,
    FollowUpCall,
    LanguageAssessment,
)
from trajectory.models import Goal


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
    progress.rebuild(enrolment_ids=[enrolment.pk])  # as the services do
    return evaluation


def make_goal(*, enrolment, **kwargs) -> Goal:
    kwargs.setdefault("text", "Aller seule à la commune.")
    return Goal.objects.create(enrolment=enrolment, **kwargs)


# Exit and follow-up calls ---------------------------------------------------------------------


def make_exited(*, enrolment, exited_on=None, **kwargs):
    """Put an enrolment in the "exited" state directly, as the demo data does."""
    exited_on = exited_on or timezone.localdate() - datetime.timedelta(days=30)
    enrolment.status = "exited"
    enrolment.started_on = enrolment.started_on or exited_on - datetime.timedelta(days=180)
    enrolment.exited_on = exited_on
    enrolment.exit_reason = kwargs.pop("exit_reason", "completed")
    enrolment.exit_destination = kwargs.pop("exit_destination", "training")
    enrolment.save()
    return enrolment


def make_exit_review(*, enrolment, **kwargs):
    kwargs.setdefault("strengths", "Ponctuelle, ose prendre la parole en groupe.")
    kwargs.setdefault("next_step", "Formation d'aide-soignante.")
    kwargs.setdefault("contact_person", "Assistante sociale de l'antenne")
    kwargs.setdefault("reviewed_by", enrolment.coach)
    return ExitReview.objects.create(enrolment=enrolment, **kwargs)


def make_call(*, enrolment, **kwargs):
    """A follow-up call of an exited enrolment (due today unless told otherwise)."""
    kwargs.setdefault("weeks_after_exit", 4)
    kwargs.setdefault("due_on", timezone.localdate())
    return FollowUpCall.objects.create(enrolment=enrolment, **kwargs)


def make_attempt(*, call, **kwargs):
    kwargs.setdefault("outcome", CallAttempt.Outcome.NO_ANSWER)
    kwargs.setdefault("attempted_by", call.enrolment.coach)
    return CallAttempt.objects.create(call=call, **kwargs)
