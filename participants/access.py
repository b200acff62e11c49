"""Scoping of participants and enrolments: a coach sees their caseload, a manager the whole
organisation, nobody anything of another organisation."""

from django.shortcuts import get_object_or_404

from participants.models import Enrolment, Participant
from programme.models import Staff


def participants_for(staff: Staff):
    if not staff.works_with_participants:
        return Participant.objects.none()
    participants = Participant.objects.filter(organisation_id=staff.organisation_id)
    if staff.is_coach:
        participants = participants.in_caseload_of(staff.user)
    return participants


def enrolments_for(staff: Staff):
    return Enrolment.objects.filter(participant__in=participants_for(staff))


def get_participant(request, pk: int) -> Participant:
    return get_object_or_404(participants_for(request.staff).select_related("coach"), pk=pk)


def get_in_scope(request, queryset, pk: int, *, via: str = "enrolment"):
    """One record reached through an enrolment (or, for a `via` ending in "participant", a
    participant) the user may see; anything else is a 404."""
    staff = request.staff
    scope = participants_for(staff) if via.endswith("participant") else enrolments_for(staff)
    return get_object_or_404(queryset.filter(**{f"{via}__in": scope}), pk=pk)


def get_enrolment(request, pk: int) -> Enrolment:
    return get_object_or_404(
        enrolments_for(request.staff).select_related("participant", "programme", "coach"), pk=pk
    )
