"""Scoping of participants and enrolments: a coach sees their caseload
(`Participant.objects.in_caseload_of`), a manager the whole organisation, nobody anything of
another organisation. Every record reached through a person or an enrolment (to-dos, the action
plan, consents, funder facts) is scoped here too, through `get_in_scope`; other apps' access
modules build on `participants_for` and `enrolments_for`. Out of reach is a 404."""

from django.db.models import FilteredRelation
from django.http import Http404
from django.shortcuts import get_object_or_404

from participants.models import Enrolment, Participant, Todo
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


def todos_for(staff: Staff):
    return Todo.objects.filter(enrolment__in=enrolments_for(staff))


def get_participant(request, pk: int) -> Participant:
    return get_object_or_404(participants_for(request.staff).select_related("coach"), pk=pk)


def get_participant_file(request, pk: int) -> Participant:
    """get_participant, with the person's languages (Participant.file_languages) read in the
    same query: the person comes once per language, a handful at most, and is folded back
    here. Their file stays within its query budget."""
    rows = list(
        participants_for(request.staff)
        .filter(pk=pk)
        .annotate(skill=FilteredRelation("languages"))
        .select_related("coach", "skill")
        .order_by("skill__use", "skill__language")
    )
    if not rows:
        raise Http404("No participant in reach with this number.")
    participant = rows[0]
    # A person without any language comes once, without the attribute.
    participant.file_languages = [row.skill for row in rows if getattr(row, "skill", None)]
    return participant


def get_in_scope(request, queryset, pk: int, *, via: str = "enrolment"):
    """One record reached through an enrolment (or, for a `via` ending in "participant", a
    participant) the user may see; anything else is a 404."""
    staff = request.staff
    scope = participants_for(staff) if via.endswith("participant") else enrolments_for(staff)
    return get_object_or_404(queryset.filter(**{f"{via}__in": scope}), pk=pk)


def get_enrolment(request, pk: int, *, prefetch: tuple[str, ...] = ()) -> Enrolment:
    return get_object_or_404(
        enrolments_for(request.staff)
        .select_related("participant", "programme", "coach", "track", "cohort")
        .prefetch_related(*prefetch),
        pk=pk,
    )
