"""Scoping of language assessments, evaluations and follow-up calls: each is reached through
the person or enrolment it belongs to (participants.access), so a coach sees their caseload's,
a manager the organisation's, and anything else is a 404. The pages and the API read the same
helpers."""

from django.shortcuts import get_object_or_404

from evaluations.models import Evaluation, FollowUpCall, LanguageAssessment
from participants.access import enrolments_for, participants_for
from programme.models import Staff


def assessments_for(staff: Staff):
    return LanguageAssessment.objects.filter(participant__in=participants_for(staff))


def evaluations_for(staff: Staff):
    return Evaluation.objects.filter(enrolment__in=enrolments_for(staff))


def get_evaluation(request, pk: int) -> Evaluation:
    return get_object_or_404(
        evaluations_for(request.staff).select_related(
            "enrolment__participant", "enrolment__programme", "evaluated_by"
        ),
        pk=pk,
    )


def calls_for(staff: Staff):
    """Follow-up calls the user may see: of a coach's caseload, of a manager's organisation."""
    return FollowUpCall.objects.filter(enrolment__in=enrolments_for(staff))


def calls_to_make(staff: Staff):
    """The calls that are this user's to make: a coach's own (`FollowUpCall.objects.for_coach`),
    every call in reach for a manager."""
    calls = calls_for(staff)
    if staff.is_coach:
        calls = calls.for_coach(staff.user)
    return calls


def get_call(request, pk: int) -> FollowUpCall:
    return get_object_or_404(
        calls_for(request.staff).select_related(
            "enrolment__participant", "enrolment__programme", "enrolment__coach"
        ),
        pk=pk,
    )
