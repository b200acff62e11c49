"""Reads that compose several apps: what a coach has to do today, and where a person stands now.

Each function reads one app's rows through that app's access helper, so the scope (a coach's
caseload, a manager's organisation) is decided where it always is, and runs one query whatever
the number of rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from evaluations import timeline as evaluation_timeline
from evaluations.access import calls_to_make
from evaluations.models import FollowUpCall
from participants.access import enrolments_for
from participants.models import Enrolment, Todo
from programme.models import Staff
from sessions import timeline as session_timeline
from sessions.access import absence_notices_to_answer, sessions_for
from sessions.models import Attendance, GroupMembership
from trajectory import selectors as trajectory_selectors
from trajectory.models import Goal, Placement

# How many rows each block of Today shows; the block links to its full list for the rest.
BLOCK_SIZE = 8
# A person with this many absences in a row, or not seen at a session for this many weeks,
# needs a call from their coach.
ABSENCES_IN_A_ROW = 3
WEEKS_WITHOUT_CONTACT = 3
OPEN = [Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED]
NEW = [Enrolment.Status.REFERRED, Enrolment.Status.INTAKE]


@dataclass
class Block:
    """Up to BLOCK_SIZE rows and whether there are more (read as BLOCK_SIZE + 1 rows, so no
    separate count query)."""

    rows: list = field(default_factory=list)
    more: bool = False

    @classmethod
    def of(cls, queryset) -> "Block":
        rows = list(queryset[: BLOCK_SIZE + 1])
        return cls(rows=rows[:BLOCK_SIZE], more=len(rows) > BLOCK_SIZE)


def own_enrolments(staff: Staff):
    """The enrolments whose work falls to this coach (`Enrolment.objects.coached_by`); a
    manager: the organisation's."""
    enrolments = enrolments_for(staff)
    if staff.is_coach:
        enrolments = enrolments.coached_by(staff.user)
    return enrolments


def sessions_to_record(staff: Staff, today: datetime.date):
    """Today's and tomorrow's sessions in reach, with how many people are expected and how many
    of them are still to record: one query."""
    tomorrow = today + datetime.timedelta(days=1)
    return (
        sessions_for(staff)
        .filter(date__in=[today, tomorrow], cancelled_at__isnull=True)
        .select_related("kind", "group", "room")
        .annotate(
            # A paused person is on the list but expected by nobody.
            people=Count("attendances", filter=Q(attendances__status__in=Attendance.NOT_PAUSED)),
            to_record=Count(
                "attendances", filter=Q(attendances__status=Attendance.Status.EXPECTED)
            ),
        )
        .order_by("date", "start_time", "pk")
    )


def absences_to_answer(staff: Staff, today: datetime.date):
    """ "I can't come" sent from a phone for a session still to come, waiting for this
    coach's answer, the soonest session first."""
    return (
        absence_notices_to_answer(staff)
        .filter(attendance__session__date__gte=today)
        .select_related("attendance__participant", "attendance__session__kind")
        .order_by("attendance__session__date", "attendance__session__start_time", "pk")
    )


def todos_due(staff: Staff, today: datetime.date):
    """Open to-dos overdue or due within a week, oldest first: the to-do list's default view."""
    return (
        Todo.objects.open()
        .filter(enrolment__in=own_enrolments(staff), due_on__lt=today + datetime.timedelta(days=7))
        .select_related("enrolment__participant", "enrolment__programme")
        .order_by("due_on", "pk")
    )


def calls_due(staff: Staff, today: datetime.date):
    """Follow-up calls due today or overdue, oldest first: the call queue's first part."""
    return (
        calls_to_make(staff)
        .due(today)
        .select_related("enrolment__participant", "enrolment__programme")
        .order_by("due_on", "pk")
    )


def needing_attention(staff: Staff, today: datetime.date):
    """Active people with several absences in a row, or who have not come to a session for
    some weeks (or never, three weeks after their start). Read from the attendance figures
    stored on the enrolment (sessions.services.refresh_attendance_figures), not recomputed."""
    quiet_since = today - datetime.timedelta(weeks=WEEKS_WITHOUT_CONTACT)
    return (
        own_enrolments(staff)
        .filter(status=Enrolment.Status.ACTIVE)
        .filter(
            Q(consecutive_absences__gte=ABSENCES_IN_A_ROW)
            | Q(last_attended_on__lt=quiet_since)
            | Q(last_attended_on__isnull=True, started_on__lt=quiet_since)
        )
        .select_related("participant", "programme")
        .order_by("-consecutive_absences", "last_attended_on", "pk")
    )


def waiting_for_a_group(staff: Staff, today: datetime.date):
    """Admitted people who are in none of their programme's groups, longest admitted first."""
    in_a_group = GroupMembership.objects.filter(
        participant_id=OuterRef("participant_id"),
        group__programme_id=OuterRef("programme_id"),
        joined_on__lte=today,
    ).filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
    return (
        own_enrolments(staff)
        .filter(status=Enrolment.Status.ACTIVE)
        .filter(~Exists(in_a_group))
        .select_related("participant", "programme")
        .order_by("started_on", "pk")
    )


def new_referrals(staff: Staff):
    """Referrals whose intake is not decided yet, oldest first."""
    return (
        own_enrolments(staff)
        .filter(status__in=NEW)
        .select_related("participant", "programme")
        .order_by("referred_on", "pk")
    )


@dataclass
class Today:
    sessions: list
    absences: Block
    todos: Block
    calls: Block
    attention: Block
    waiting: Block
    referrals: Block


def today_for(staff: Staff, today: datetime.date | None = None) -> Today:
    """Everything on a coach's Today page: seven queries whatever the size of the caseload."""
    today = today or timezone.localdate()
    return Today(
        sessions=list(sessions_to_record(staff, today)),
        absences=Block.of(absences_to_answer(staff, today)),
        todos=Block.of(todos_due(staff, today)),
        calls=Block.of(calls_due(staff, today)),
        attention=Block.of(needing_attention(staff, today)),
        waiting=Block.of(waiting_for_a_group(staff, today)),
        referrals=Block.of(new_referrals(staff)),
    )


# The participant file: where the person stands now -------------------------------------


@dataclass
class Now:
    today: datetime.date
    enrolments: list  # open enrolments, with their coach and programme
    memberships: list  # current group memberships, with the group and its programme
    next_sessions: list
    goals: list
    placements: list
    next_todo: Todo | None
    next_call: FollowUpCall | None
    attendance_rate: float | None = None
    last_attended_on: datetime.date | None = None
    # The modules of the open enrolments' plans not yet ended, in the plan's order.
    modules: list = field(default_factory=list)


NEXT_SESSIONS = 3


def now_for(participant, today: datetime.date | None = None) -> Now:
    """Where the person stands today: one query of its own (the group memberships) whatever
    the size of the file.

    Everything else is read from rows the file reads once for its panels and timeline
    (Participant.file_enrolments with their next to-do and module plan, the trajectory's goals
    and placements; the attendance rows and the exits of sessions' and evaluations' timelines)
    and picked here."""
    today = today or timezone.localdate()
    enrolments = [e for e in participant.file_enrolments if e.is_open]
    memberships = list(
        GroupMembership.objects.filter(participant=participant, joined_on__lte=today)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .select_related("group__programme")
        .order_by("joined_on", "pk")
    )
    next_sessions = sorted(
        (
            row.session
            for row in session_timeline.file_attendances(participant)
            if row.session.date >= today
            and row.session.cancelled_at is None
            and row.status in Attendance.NOT_PAUSED
        ),
        key=lambda session: (session.date, session.start_time, session.pk),
    )[:NEXT_SESSIONS]
    goals = [
        goal
        for goal in trajectory_selectors.file_goals(participant)
        if goal.status == Goal.Status.OPEN and goal.enrolment.status in OPEN
    ]
    placements = sorted(
        (
            placement
            for placement in trajectory_selectors.file_placements(participant)
            if placement.status != Placement.Status.CANCELLED
            and placement.ended_on is None
            and (placement.ends_on is None or placement.ends_on >= today)
        ),
        key=lambda placement: (placement.starts_on, placement.pk),
    )
    next_todo = _first(
        (e.next_todo for e in participant.file_enrolments if e.next_todo is not None),
        key=lambda todo: (todo.due_on, todo.pk),
    )
    _reviews, calls = evaluation_timeline.file_exits(participant)
    next_call = _first(
        (call for call in calls if call.status == FollowUpCall.Status.PLANNED),
        key=lambda call: (call.due_on, call.pk),
    )
    # The rate of the open enrolment with the most recent attendance: the programme the person
    # is attending now.
    attending = sorted(
        (e for e in enrolments if e.attendance_rate is not None or e.last_attended_on),
        key=lambda e: e.last_attended_on or datetime.date.min,
        reverse=True,
    )
    # The module plan of the open programmes, read with the enrolments.
    modules = sorted(
        (entry for e in enrolments for entry in e.plan_not_ended),
        key=lambda entry: (entry.enrolment_id, entry.position, entry.pk),
    )
    return Now(
        today=today,
        enrolments=enrolments,
        modules=modules,
        memberships=memberships,
        next_sessions=next_sessions,
        goals=goals,
        placements=placements,
        next_todo=next_todo,
        next_call=next_call,
        attendance_rate=attending[0].attendance_rate if attending else None,
        last_attended_on=attending[0].last_attended_on if attending else None,
    )


def _first(rows, key):
    """The smallest row by key, or None (the query's order_by(...).first(), in Python)."""
    return min(rows, key=key, default=None)
