"""Factories for groups, series, sessions and attendance, in the style of tests/factories.py:
each writes one valid record straight to the database, every field overridable."""

import datetime
import itertools

from django.contrib.messages import get_messages
from django.utils import timezone

from participants.models import Enrolment
from programme.models import ClosureDay, Room, Site
from sessions import months, services
from sessions.models import (
    Attendance,
    Group,
    GroupMembership,
    InterpreterBooking,
    Place,
    Series,
    Session,
    SessionKind,
    ensure_default_kinds,
)
from tests.factories import make_enrolment

_numbers = itertools.count(1)
NINE, NOON = datetime.time(9), datetime.time(12)


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def get_kind(code: str = "workshop") -> SessionKind:
    # The default kinds come from a data migration, which a flushed test database loses.
    ensure_default_kinds()
    return SessionKind.objects.get(programme__isnull=True, code=code)


def make_site(*, organisation, **kwargs) -> Site:
    kwargs.setdefault("name", f"Antenne {next(_numbers)}")
    return Site.objects.create(organisation=organisation, **kwargs)


def make_room(*, site: Site | None = None, organisation=None, **kwargs) -> Room:
    if site is None:
        site = make_site(organisation=organisation)
    kwargs.setdefault("name", f"Salle {next(_numbers)}")
    return Room.objects.create(site=site, **kwargs)


def make_closure_day(*, organisation, date: datetime.date, **kwargs) -> ClosureDay:
    kwargs.setdefault("reason", "Staff training")
    return ClosureDay.objects.create(organisation=organisation, date=date, **kwargs)


def make_group(*, programme, coaches=(), **kwargs) -> Group:
    kwargs.setdefault("name", f"Groupe {next(_numbers)}")
    kwargs.setdefault("starts_on", datetime.date(2026, 1, 5))
    group = Group.objects.create(programme=programme, **kwargs)
    group.coaches.set(coaches)
    return group


def admit(participant, programme) -> None:
    """An active enrolment in the programme: only admitted people join its groups."""
    make_enrolment(
        participant=participant,
        programme=programme,
        status=Enrolment.Status.ACTIVE,
        started_on=days_from_today(-90),
    )


def add_member(
    *, group: Group, participant, joined_on: datetime.date | None = None, **kwargs
) -> GroupMembership:
    joined_on = joined_on or days_from_today(-60)
    return GroupMembership.objects.create(
        group=group, participant=participant, joined_on=joined_on, **kwargs
    )


def _schedule_defaults(kwargs: dict) -> None:
    kwargs.setdefault("kind", get_kind())
    kwargs.setdefault("start_time", NINE)
    kwargs.setdefault("end_time", NOON)
    # "online" needs no room or address, so a session is valid without either.
    kwargs.setdefault("place", Place.ROOM if kwargs.get("room") else Place.ONLINE)


def make_series(*, programme, facilitators=(), **kwargs) -> Series:
    """The schedule alone: its sessions are made with make_session(series=...)."""
    _schedule_defaults(kwargs)
    kwargs.setdefault("weekdays", "1")
    kwargs.setdefault("starts_on", datetime.date(2026, 9, 1))
    kwargs.setdefault("count", 10)
    series = Series.objects.create(programme=programme, **kwargs)
    series.facilitators.set(facilitators)
    return series


def make_session(
    *, programme, date: datetime.date | None = None, facilitators=(), expected=(), **kwargs
) -> Session:
    """A session with an "expected" attendance row for each person in `expected`."""
    _schedule_defaults(kwargs)
    session = Session.objects.create(
        programme=programme, date=date or days_from_today(-1), **kwargs
    )
    session.facilitators.set(facilitators)
    Attendance.objects.bulk_create(Attendance(session=session, participant=p) for p in expected)
    return session


def plan_session(
    *, programme, day: datetime.date, start=9, end=12, facilitators=(), people=(), **data
) -> Session:
    """A session planned as the pages plan it (sessions.services.session_create): validated,
    with the people named and, for a group session, the group's members expected. `start` and
    `end` are whole hours."""
    data.setdefault("kind", get_kind())
    data.setdefault("place", Place.ONLINE)
    return services.session_create(
        data={
            "programme": programme,
            "date": day,
            "start_time": datetime.time(start),
            "end_time": datetime.time(end),
            **data,
        },
        facilitators=facilitators,
        participants=people,
    )


def make_attendance(*, session: Session, participant, **kwargs) -> Attendance:
    """A row written directly, with the attendance kept per month counted again as the
    services do (sessions.months)."""
    row = Attendance.objects.create(session=session, participant=participant, **kwargs)
    months.rebuild(participant_ids=[participant.pk], programme_id=session.programme_id)
    return row


def make_booking(*, session: Session, **kwargs) -> InterpreterBooking:
    kwargs.setdefault("language", "ar")
    kwargs.setdefault("interpreter_name", "Youssef Amrani")
    kwargs.setdefault("status", InterpreterBooking.Status.CONFIRMED)
    return InterpreterBooking.objects.create(session=session, **kwargs)


SESSION_MODELS = [Group, GroupMembership, Series, Session, Attendance, InterpreterBooking]


def session_row_counts() -> dict[str, int]:
    """How many rows each table of the sessions app holds: compare before and after a refused
    write to prove nothing was saved."""
    counts = {model.__name__: model.objects.count() for model in SESSION_MODELS}
    counts["SessionFacilitator"] = Session.facilitators.through.objects.count()
    counts["GroupCoach"] = Group.coaches.through.objects.count()
    return counts


def messages_of(response) -> list[str]:
    """The flash messages a response queued, read before the redirect is followed."""
    return [str(message) for message in get_messages(response.wsgi_request)]
