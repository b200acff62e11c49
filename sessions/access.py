"""Scoping of groups and sessions. A manager sees the organisation's; a coach those they lead,
of the groups they coach, or where someone of their caseload is expected. Elsewhere: 404.

Seeing is not acting: a coach sees a colleague's group or session once one of their own people
is in it, but plans, fills, moves and cancels only their own (the `*_to_act_on` helpers), and
records attendance there only for their own people (`attendance_to_record`). Every choice list
and every write goes through these, in the pages and the API alike."""

from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.shortcuts import get_object_or_404

from evaluations.models import LanguageAssessment
from participants.access import participants_for
from participants.choices import LanguageUse
from participants.models import Enrolment, LanguageSkill
from programme.models import Programme, Staff
from sessions.models import AbsenceNotice, Attendance, Group, GroupMembership, Series, Session


def groups_for(staff: Staff):
    if not staff.works_with_participants:
        return Group.objects.none()
    groups = Group.objects.filter(programme__organisation_id=staff.organisation_id)
    if staff.is_coach:
        groups = groups.for_coach(staff.user)
    return groups


def sessions_for(staff: Staff, *, since=None):
    """The sessions in sight; from `since` on when given (the API's windowed lists), which the
    coach's lookups read through their date index instead of the whole history."""
    if not staff.works_with_participants:
        return Session.objects.none()
    sessions = Session.objects.filter(programme__organisation_id=staff.organisation_id)
    if since is not None:
        sessions = sessions.filter(date__gte=since)
    if staff.is_coach:
        sessions = sessions.for_coach(staff.user, since=since)
    return sessions


def groups_to_act_on(staff: Staff):
    """The groups one may plan sessions for and add people to or take them out of: the
    organisation's for a manager, those a coach coaches."""
    if not staff.works_with_participants:
        return Group.objects.none()
    groups = Group.objects.filter(programme__organisation_id=staff.organisation_id)
    if staff.is_coach:
        groups = groups.coached_by(staff.user)
    return groups


def sessions_to_act_on(staff: Staff):
    """The sessions one may move, cancel, add people or an interpreter to: the organisation's
    for a manager; for a coach, those they lead, those of a group they coach, and those nobody
    owns (no facilitator, no coached group) where someone of their caseload is expected."""
    if not staff.works_with_participants:
        return Session.objects.none()
    sessions = Session.objects.filter(programme__organisation_id=staff.organisation_id)
    if staff.is_coach:
        sessions = sessions.run_by(staff.user)
    return sessions


def attendance_to_record(staff: Staff):
    """Whose attendance one may record: everyone's at a session one acts on, and one's own
    people's at any session (a colleague's group where one's person is expected, say)."""
    if not staff.works_with_participants:
        return Attendance.objects.none()
    return Attendance.objects.filter(
        Q(session__in=sessions_to_act_on(staff)) | Q(participant__in=participants_for(staff)),
        session__programme__organisation_id=staff.organisation_id,
    )


def absence_notices_to_answer(staff: Staff):
    """The "I can't come" a participant sent that one may confirm or reject: those of the
    rows one may record (attendance_to_record), still waiting for an answer."""
    return AbsenceNotice.objects.filter(
        attendance__in=attendance_to_record(staff), status=AbsenceNotice.Status.PROPOSED
    )


def get_group(request, pk: int) -> Group:
    """A group in sight, with `may_act` saying whether the page offers to change it."""
    acts = groups_to_act_on(request.staff).filter(pk=OuterRef("pk"))
    return get_object_or_404(
        groups_for(request.staff)
        .select_related("programme", "module", "site")
        .annotate(may_act=Exists(acts)),
        pk=pk,
    )


def get_session(request, pk: int) -> Session:
    """A session in sight, with `may_act` saying whether the page offers to change it."""
    acts = sessions_to_act_on(request.staff).filter(pk=OuterRef("pk"))
    return get_object_or_404(
        sessions_for(request.staff)
        .select_related("programme", "group", "kind", "room__site", "partner", "series")
        .annotate(may_act=Exists(acts)),
        pk=pk,
    )


def get_group_to_act_on(request, pk: int) -> Group:
    return get_object_or_404(
        groups_to_act_on(request.staff)
        .select_related("programme", "module", "site")
        .annotate(may_act=Value(True)),
        pk=pk,
    )


def get_session_to_act_on(request, pk: int) -> Session:
    return get_object_or_404(
        sessions_to_act_on(request.staff)
        .select_related("programme", "group", "kind", "room__site", "partner", "series")
        .annotate(may_act=Value(True)),
        pk=pk,
    )


def series_for(staff: Staff):
    """A series is in reach when one of its sessions is."""
    return Series.objects.filter(Exists(sessions_for(staff).filter(series=OuterRef("pk"))))


def series_to_act_on(staff: Staff):
    """A series may be extended or changed by whoever may act on one of its sessions."""
    return Series.objects.filter(Exists(sessions_to_act_on(staff).filter(series=OuterRef("pk"))))


def get_series_to_act_on(request, pk: int) -> Series:
    return get_object_or_404(
        series_to_act_on(request.staff)
        .select_related("programme", "group", "kind", "room")
        .annotate(may_act=Value(True)),
        pk=pk,
    )


def get_series(request, pk: int) -> Series:
    """A series in sight, with `may_act` saying whether the page offers to change it."""
    acts = series_to_act_on(request.staff).filter(pk=OuterRef("pk"))
    return get_object_or_404(
        series_for(request.staff)
        .select_related("programme", "group", "kind", "room")
        .annotate(may_act=Exists(acts)),
        pk=pk,
    )


# Who the grouping proposal may place: active or waiting, and in none of the programme's groups.
PLACEABLE = [Enrolment.Status.ACTIVE, Enrolment.Status.WAITING_LIST]


def waiting_to_be_placed(staff: Staff, programme: Programme):
    """People within the user's reach with an open enrolment (active or on the waiting list)
    in the programme and in none of its groups now, with their latest assessment and mother
    tongue: one query."""
    enrolled = Enrolment.objects.filter(
        participant=OuterRef("pk"), programme=programme, status__in=PLACEABLE
    )
    in_a_group = GroupMembership.objects.filter(
        participant=OuterRef("pk"), group__programme=programme, left_on__isnull=True
    )
    latest = LanguageAssessment.objects.filter(participant=OuterRef("pk")).order_by(
        "-assessed_on", "-pk"
    )
    mother_tongue = LanguageSkill.objects.filter(
        participant=OuterRef("pk"), use=LanguageUse.MOTHER_TONGUE
    ).order_by("language")
    return (
        participants_for(staff)
        .filter(Exists(enrolled), ~Exists(in_a_group))
        .annotate(
            latest_oral=Subquery(latest.values("oral")[:1]),
            latest_reading=Subquery(latest.values("reading")[:1]),
            latest_writing=Subquery(latest.values("writing")[:1]),
            latest_literacy=Subquery(latest.values("literacy")[:1]),
            mother_tongue=Subquery(mother_tongue.values("language")[:1]),
        )
        .order_by("last_name", "first_name", "pk")
    )
