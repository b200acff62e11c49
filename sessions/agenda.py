"""Read-only schedules: a coach's agenda (week or month), a group's schedule and a site's room
bookings. All are printable and navigable by `?date=`.

Sessions keep a date and local wall-clock times (Europe/Brussels), so "today" is the local
date and no conversion happens here.
"""

import calendar
import datetime

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programme.access import coaches_for, participant_work_required, staff_required
from programme.models import Room, Site
from sessions.access import get_group, sessions_for
from sessions.models import Attendance, Group, Place, Session

# Dates outside these years are typing mistakes; they would also overflow the date arithmetic.
FIRST_YEAR, LAST_YEAR = 1900, 2999


# Reads shared with the calendar feeds ----------------------------------------------------


def sessions_of(user):
    """Sessions a person leads, or that belong to a group they coach. Exists() rather than a
    join, so no session is repeated and the attendance count is not multiplied."""
    leads = Session.facilitators.through.objects.filter(session_id=OuterRef("pk"), user=user)
    coaches = Group.coaches.through.objects.filter(group_id=OuterRef("group_id"), user=user)
    return Session.objects.filter(Exists(leads) | Exists(coaches))


def with_details(sessions):
    """What a schedule shows of each session, in the same query: kind, group, room and the
    number of people expected (their Attendance rows, less anyone paused)."""
    # In the order of the clock, said again: with the count, Django leaves out the model's
    # default order, and sessions came back in the order they were planned.
    return (
        sessions.select_related("kind", "group", "room__site")
        .annotate(
            expected=Count("attendances", filter=Q(attendances__status__in=Attendance.NOT_PAUSED))
        )
        .order_by("date", "start_time", "pk")
    )


PLACE_ICONS = {
    Place.ROOM: "door-open",
    Place.HOME: "house",
    Place.OUTSIDE: "building-2",
    Place.ONLINE: "globe",
    Place.PHONE: "phone",
}


def place_label(session: Session) -> str:
    if session.place == Place.ROOM and session.room_id:
        return session.room.name
    if session.place == Place.OUTSIDE and session.address:
        return session.address
    return str(session.get_place_display())


# Dates -----------------------------------------------------------------------------------


def _chosen_day(request: HttpRequest) -> datetime.date:
    """`?date=YYYY-MM-DD`, or today (local) when absent or unreadable."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return timezone.localdate()
    return day


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _week(day: datetime.date) -> list[datetime.date]:
    monday = _monday(day)
    return [monday + datetime.timedelta(days=n) for n in range(7)]


def _with_place(session: Session) -> Session:
    session.where = place_label(session)
    session.place_icon = PLACE_ICONS.get(session.place, "info")
    return session


def _by_day(sessions) -> dict[datetime.date, list[Session]]:
    days: dict[datetime.date, list[Session]] = {}
    for session in sessions:
        _with_place(session)
        days.setdefault(session.date, []).append(session)
    return days


def _week_nav(monday: datetime.date) -> dict:
    return {
        "previous": (monday - datetime.timedelta(days=7)).isoformat(),
        "next": (monday + datetime.timedelta(days=7)).isoformat(),
    }


# Views -----------------------------------------------------------------------------------


def _agenda_owner(request: HttpRequest):
    """Whose agenda: one's own, or for a manager any coach of the organisation. Anyone else
    is a 404, including a coach asking for a colleague's agenda."""
    staff = request.staff
    choices = list(coaches_for(staff)) if staff.is_manager else []
    wanted = request.GET.get("coach", "")
    if not wanted:
        return request.user, choices
    try:
        pk = int(wanted)
    except ValueError:
        raise Http404 from None
    if pk == request.user.pk:
        return request.user, choices
    for coach in choices:
        if coach.pk == pk:
            return coach, choices
    raise Http404


@participant_work_required
@require_http_methods(["GET"])
def agenda(request: HttpRequest) -> HttpResponse:
    owner, coaches = _agenda_owner(request)
    day = _chosen_day(request)
    today = timezone.localdate()
    by_month = request.GET.get("view") == "month"
    if by_month:
        weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
            day.year, day.month
        )
        first, last = weeks[0][0], weeks[-1][-1]
        start_of_month = day.replace(day=1)
        nav = {
            "previous": (start_of_month - datetime.timedelta(days=1)).replace(day=1).isoformat(),
            "next": (start_of_month + datetime.timedelta(days=32)).replace(day=1).isoformat(),
        }
    else:
        weeks = [_week(day)]
        first, last = weeks[0][0], weeks[0][-1]
        nav = _week_nav(first)
    sessions = with_details(
        sessions_of(owner).filter(
            programme__organisation_id=request.staff.organisation_id, date__range=(first, last)
        )
    )
    days = _by_day(sessions)
    grid = [
        [
            {
                "date": date,
                "sessions": days.get(date, []),
                "today": date == today,
                "outside": by_month and date.month != day.month,
            }
            for date in week
        ]
        for week in weeks
    ]
    if owner == request.user:
        heading = _("My agenda")
    else:
        heading = _("Agenda of %(name)s") % {"name": owner.get_full_name() or owner.username}
    template = "sessions/agenda.html"
    if request.htmx:
        template += "#agenda"
    return render(
        request,
        template,
        {
            "heading": heading,
            "owner": owner,
            "coaches": coaches,
            "view": "month" if by_month else "week",
            "day": day,
            "today": today,
            "first": first,
            "last": last,
            "month": day.replace(day=1),
            "grid": grid,
            "count": len(sessions),
            "nav": nav,
        },
    )


@participant_work_required
@require_http_methods(["GET"])
def group_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group(request, pk)
    today = timezone.localdate()
    coming, past = [], []
    for session in with_details(Session.objects.filter(group=group)):
        _with_place(session)
        (coming if session.date >= today else past).append(session)
    past.reverse()
    return render(
        request,
        "sessions/agenda_group.html",
        {
            "group": group,
            "coaches": group.coaches.all(),
            "coming": coming,
            "past": past,
            "today": today,
        },
    )


@staff_required
@require_http_methods(["GET"])
def room_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(
        Site.objects.filter(organisation_id=request.staff.organisation_id), pk=pk
    )
    days = _week(_chosen_day(request))
    rooms = list(Room.objects.filter(site=site))
    bookings = (
        Session.objects.filter(room__site=site, date__range=(days[0], days[-1]))
        .select_related("kind", "group")
        .prefetch_related("facilitators")
    )
    # Colleagues see every booking of the site, but link only to the sessions they may open.
    openable = set(
        sessions_for(request.staff)
        .filter(room__site=site, date__range=(days[0], days[-1]))
        .values_list("pk", flat=True)
    )
    by_room_day: dict[tuple[int, datetime.date], list[Session]] = {}
    for session in bookings:
        session.openable = session.pk in openable
        by_room_day.setdefault((session.room_id, session.date), []).append(session)
    rows = [
        {"room": room, "cells": [by_room_day.get((room.pk, day), []) for day in days]}
        for room in rooms
    ]
    template = "sessions/agenda_rooms.html"
    if request.htmx:
        template += "#rooms"
    return render(
        request,
        template,
        {
            "site": site,
            "days": days,
            "rows": rows,
            "today": timezone.localdate(),
            "nav": _week_nav(days[0]),
        },
    )
