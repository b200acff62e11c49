"""Attendance kept per person, programme, month, kind of session and module (AttendanceMonth),
so that a report over a year reads some tens of thousands of monthly rows rather than
hundreds of thousands of attendance rows (issue 18, decision 28).

The kept rows are never edited: `rebuild` deletes those of some people in a programme and
counts them again from the attendance, in one INSERT … SELECT. It runs wherever an enrolment's
attendance rate is refreshed (`services.refresh_attendance_figures`: a recording, a whole
session recorded, an absence confirmed, a session with recorded attendance cancelled, put
back or moved), for the whole table after the demo data is loaded and when the table is
created, and on demand (`manage.py rebuild_attendance_months`). A person erased takes their
rows with them; a deleted module leaves them without one, as it leaves its groups.

`per_person` reads it back for any period: the months wholly inside from the kept rows, the
days at the period's edges from the attendance itself, as one query to aggregate over.
"""

import datetime
import operator
from functools import reduce

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from programme.sql import recount
from sessions.models import Attendance, AttendanceMonth

ONE_DAY = datetime.timedelta(days=1)
COLUMNS = ("participant", "programme", "month", "kind", "module", "recorded", "attended",
           "first_attended")  # fmt: skip


def counted(attendance: QuerySet) -> QuerySet:
    """The attendance rows given, as kept rows: recorded attendance of sessions that took
    place, per person, programme, month, kind and module (the columns in COLUMNS' order)."""
    attended = Q(status__in=Attendance.ATTENDED)
    return (
        attendance.filter(status__in=Attendance.RECORDED, session__cancelled_at__isnull=True)
        .order_by()
        .values("participant_id")
        .annotate(
            in_programme=F("session__programme_id"),
            in_month=TruncMonth("session__date"),
            of_kind=F("session__kind_id"),
            of_module=F("session__group__module_id"),
        )
        .values("participant_id", "in_programme", "in_month", "of_kind", "of_module")
        .annotate(
            recorded=Count("pk"),
            attended=Count("pk", filter=attended),
            first_attended=Min("session__date", filter=attended),
        )
        .values_list(
            "participant_id",
            "in_programme",
            "in_month",
            "of_kind",
            "of_module",
            "recorded",
            "attended",
            "first_attended",
        )  # fmt: skip
    )


def rebuild(*, participant_ids: list[int] | None = None, programme_id: int | None = None) -> None:
    """Count again the kept rows of these people (everyone when None) in this programme (every
    programme when None). Two statements, whatever the number of people or months."""
    if participant_ids is not None and not participant_ids:
        return
    kept, rows = AttendanceMonth.objects.all(), Attendance.objects.all()
    if participant_ids is not None:
        kept = kept.filter(participant_id__in=participant_ids)
        rows = rows.filter(participant_id__in=participant_ids)
    if programme_id is not None:
        kept = kept.filter(programme_id=programme_id)
        rows = rows.filter(session__programme_id=programme_id)
    recount(kept, COLUMNS, counted(rows))


def whole_months(start: datetime.date, end: datetime.date):
    """The first and last day of the run of whole months inside [start, end], or None."""
    first = start if start.day == 1 else _next_month(start)
    month_end = _next_month(end) - datetime.timedelta(days=1)
    last = end if end == month_end else end.replace(day=1) - datetime.timedelta(days=1)
    if first > last:
        return None
    return first, last


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def per_person(programmes, start: datetime.date, end: datetime.date) -> QuerySet:
    """(participant_id, recorded, attended) of the sessions of these programmes held between
    `start` and `end`: a person may have several rows (the kept months, the edge days), so
    sum them per person. One query (a UNION ALL), to use as a subquery."""
    months = whole_months(start, end)
    parts, edges = [], [(start, end)]
    if months:
        parts.append(
            AttendanceMonth.objects.filter(programme__in=programmes, month__range=months)
            .order_by()
            .values("participant_id")
            .annotate(recorded=Sum("recorded"), attended=Sum("attended"))
            .values_list("participant_id", "recorded", "attended")
        )
        # The edge days as plain ranges: "in the period but not in its whole months" misleads
        # PostgreSQL's estimate into reading the whole attendance table (0.5 s, not 0.02 s).
        edges = [(start, months[0] - ONE_DAY), (months[1] + ONE_DAY, end)]
        edges = [(first, last) for first, last in edges if first <= last]
    if edges:
        parts.append(
            Attendance.objects.filter(
                reduce(operator.or_, (Q(session__date__range=edge) for edge in edges)),
                session__programme__in=programmes,
                session__cancelled_at__isnull=True,
                status__in=Attendance.RECORDED,
            )
            .order_by()
            .values("participant_id")
            .annotate(
                recorded=Count("pk"),
                attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED)),
            )
            .values_list("participant_id", "recorded", "attended")
        )
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def _month_end(day: datetime.date) -> datetime.date:
    return _next_month(day) - datetime.timedelta(days=1)


FIRST_COLUMNS = ("participant_id", "in_programme", "code", "of_module")


def first_attended(programmes, starts, until: datetime.date) -> QuerySet:
    """Rows of (participant_id, programme, kind code, module, then for each of `starts` the
    first day attended from it up to `until`), to take the smallest of per person, programme,
    kind and module: the whole months up to `until` from the kept rows, the days of its own
    month and of each start's month from the attendance itself (a start's month is kept
    whole, but its first day attended may come before the start). One query (a UNION ALL)."""
    last_whole = until if until == _month_end(until) else until.replace(day=1) - ONE_DAY
    edges = Q(session__date__gt=last_whole)
    for start in starts:
        if start.day != 1:
            edges |= Q(session__date__range=(start, _month_end(start)))
    days = (
        Attendance.objects.filter(
            edges,
            status__in=Attendance.ATTENDED,
            session__programme__in=programmes,
            session__cancelled_at__isnull=True,
            session__date__lte=until,
        )
        .order_by()
        .values("participant_id")
        .annotate(
            in_programme=F("session__programme_id"),
            code=F("session__kind__code"),
            of_module=F("session__group__module_id"),
        )
        .values(*FIRST_COLUMNS)
        .annotate(
            **{
                f"from_{i}": Min("session__date", filter=Q(session__date__gte=start))
                for i, start in enumerate(starts)
            }
        )
        .values_list(*FIRST_COLUMNS, *(f"from_{i}" for i in range(len(starts))))
    )
    kept = (
        AttendanceMonth.objects.filter(
            programme__in=programmes, month__lte=last_whole, first_attended__isnull=False
        )
        .order_by()
        .values("participant_id")
        .annotate(in_programme=F("programme_id"), code=F("kind__code"), of_module=F("module_id"))
        .values(*FIRST_COLUMNS)
        .annotate(
            **{
                f"from_{i}": Min("first_attended", filter=Q(first_attended__gte=start))
                for i, start in enumerate(starts)
            }
        )
        .values_list(*FIRST_COLUMNS, *(f"from_{i}" for i in range(len(starts))))
    )
    return kept.union(days, all=True)
