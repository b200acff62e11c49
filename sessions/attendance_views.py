"""Attendance overviews: who needs attention, and hours attended per week and month."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participants.access import enrolments_for
from participants.models import Enrolment
from programme import params
from programme.access import participant_work_required, programmes_for
from sessions import services
from sessions.access import absence_notices_to_answer, groups_for
from sessions.models import Attendance

OPEN = [Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED]
ANSWERS = {"confirm": services.absence_confirm, "reject": services.absence_reject}
HOURS_PAGE_SIZE = 50


@participant_work_required
@require_http_methods(["GET"])
def needs_attention(request: HttpRequest) -> HttpResponse:
    """Open enrolments with several absences in a row, the longest streak first."""
    try:
        threshold = max(1, min(int(request.GET.get("threshold", 3)), 20))
    except ValueError:
        threshold = 3
    enrolments = services.needs_attention(
        enrolments=enrolments_for(request.staff)
        .filter(status__in=OPEN)
        .select_related("participant", "programme", "coach"),
        threshold=threshold,
    )
    return render(
        request, "sessions/needs_attention.html", {"enrolments": enrolments, "threshold": threshold}
    )


def _month(request: HttpRequest) -> datetime.date:
    this_month = timezone.localdate().replace(day=1)
    return params.month_param(request.GET, "month", this_month, lenient=True)


@participant_work_required
@require_http_methods(["GET"])
def hours(request: HttpRequest) -> HttpResponse:
    """Hours of activity per person and week of a month (sessions attended and placement
    hours), against the programme's weekly minimum, and the attendance rate of each group."""
    programmes = programmes_for(request.staff)
    programme_id = params.id_param(request.GET, "programme") or (
        programmes.values_list("pk", flat=True).first()
    )
    programme = get_object_or_404(programmes, pk=programme_id) if programme_id else None
    first = _month(request)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    # Whole weeks (Monday to Sunday) that touch the month, so no week is cut in two.
    monday = first - datetime.timedelta(days=first.weekday())
    mondays = []
    while monday <= last:
        mondays.append(monday)
        monday += datetime.timedelta(weeks=1)
    weeks = [(day.isocalendar()[0], day.isocalendar()[1]) for day in mondays]
    today = timezone.localdate()
    rows, groups, page = [], [], None
    if programme:
        enrolments = (
            enrolments_for(request.staff)
            .filter(programme=programme, status__in=OPEN)
            .select_related("participant")
            .order_by("participant__last_name", "participant__first_name")
        )
        page = Paginator(enrolments, HOURS_PAGE_SIZE).get_page(request.GET.get("page"))
        enrolments = list(page.object_list)
        # Each week and the month add up the same days: a week at the edge of the month
        # shows all its seven days (and so appears in both months), the month only its own.
        per_day = services.hours_by_day(
            participant_ids=[e.participant_id for e in enrolments],
            start=mondays[0],
            end=mondays[-1] + datetime.timedelta(days=6),
        )
        # Placement hours count as activity too: added to each week, and shown apart in the
        # month so the two sources stay readable.
        placement_weeks, placement_month = services.placement_hours_by_period(
            enrolment_ids=[e.pk for e in enrolments], mondays=mondays, month=(first, last)
        )
        minimum = float(programme.min_hours_per_week) if programme.min_hours_per_week else None
        for enrolment in enrolments:
            days = per_day.get(enrolment.participant_id, {})
            per_week: dict[tuple[int, int], float] = {}
            for day, day_hours in days.items():
                key = day.isocalendar()[:2]
                per_week[key] = per_week.get(key, 0) + day_hours
            in_placement = placement_weeks.get(enrolment.pk, {})
            cells = []
            for week, start in zip(weeks, mondays, strict=True):
                hours = round(per_week.get(week, 0) + in_placement.get(week, 0), 1)
                # Only finished weeks of the trajectory are judged against the minimum.
                judged = (
                    minimum is not None
                    and start + datetime.timedelta(days=6) < today
                    and (enrolment.started_on is None or start >= enrolment.started_on)
                )
                cells.append((hours, judged and hours < minimum))
            placement_total = round(placement_month.get(enrolment.pk, 0), 1)
            month_total = round(
                sum(h for day, h in days.items() if first <= day <= last) + placement_total, 1
            )
            rows.append(
                {
                    "enrolment": enrolment,
                    "cells": cells,
                    "placement": placement_total,
                    "total": month_total,
                }
            )
        groups = list(groups_for(request.staff).filter(programme=programme).order_by("name"))
        totals = (
            Attendance.objects.filter(session__group__in=groups, session__cancelled_at__isnull=True)
            .values("session__group")
            .annotate(
                counted=Count("pk", filter=Q(status__in=["present", "late", "absent"])),
                attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED)),
            )
        )
        by_group = {row["session__group"]: row for row in totals}
        for group in groups:
            row = by_group.get(group.pk, {"counted": 0, "attended": 0})
            group.rate = (
                round(100 * row["attended"] / row["counted"], 1) if row["counted"] else None
            )
    return render(
        request,
        "sessions/hours.html",
        {
            "programmes": programmes,
            "programme": programme,
            "month": first,
            "previous": (first - datetime.timedelta(days=1)).replace(day=1),
            "next": last + datetime.timedelta(days=1),
            "weeks": weeks,
            # Weeks with days of the month before or after: shown in both months, with a note.
            "headers": [
                (week, start < first or start + datetime.timedelta(days=6) > last)
                for (_year, week), start in zip(weeks, mondays, strict=True)
            ],
            "rows": rows,
            "groups": groups,
            "page": page,
        },
    )


@participant_work_required
@require_POST
def absence_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    """Confirm or reject an "I can't come" sent from the phone, from the session page or
    Today; back to the page it was answered on."""
    notice = get_object_or_404(
        absence_notices_to_answer(request.staff).select_related(
            "attendance__session", "attendance__participant"
        ),
        pk=pk,
    )
    session = notice.attendance.session
    try:
        ANSWERS[answer](notice=notice, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        name = notice.attendance.participant.full_name
        if answer == "confirm":
            messages.success(request, _("Excused absence recorded for %(name)s.") % {"name": name})
        else:
            messages.info(
                request,
                _("Absence not accepted: %(name)s is still expected. Tell them.") % {"name": name},
            )
    return redirect(params.safe_next_url(request, default=session))
