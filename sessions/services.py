"""Every write to groups, series, sessions and attendance goes through these functions."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from audit import services as audit
from evaluations.models import LanguageAssessment
from participants import plans as participant_plans
from participants import services as participant_services
from participants.choices import LanguageUse
from participants.models import Enrolment, LanguageSkill, Participant
from programme.dates import in_future, not_in_future
from programme.models import ClosureDay, PartnerOrganisation, Programme
from sessions import months, recurrence, sms
from sessions.access import waiting_to_be_placed
from sessions.grouping import Member, composition_breaches, level_code
from sessions.models import (
    AbsenceNotice,
    Attendance,
    Group,
    GroupMembership,
    InterpreterBooking,
    Series,
    Session,
    SmsMessage,
)
from sessions.tasks import send_sms_change
from trajectory.models import Placement

Status = Attendance.Status
# Fields a series hands down to each of its sessions.
SHARED_FIELDS = [
    "programme", "group", "kind", "topic", "start_time", "end_time", "place", "room", "address",
    "online_link", "capacity", "partner", "bring", "notes",
]  # fmt: skip


# Groups ----------------------------------------------------------------------------------


def group_create(*, data: Mapping, coaches: Iterable = ()) -> Group:
    with transaction.atomic():
        group = Group(**data)
        group.full_clean()
        group.save()
        group.coaches.set(coaches)
    return group


class WaitingToBeAdmitted(ValidationError):
    """Some of the people chosen are still on the waiting list: admitting them is a decision
    of its own, offered as "admit and add" in one step."""

    def __init__(self, waiting: list[Participant]):
        super().__init__(
            ngettext(
                "%(names)s is on the waiting list: admit them and add them in one step, or "
                "leave them out.",
                "%(names)s are on the waiting list: admit them and add them in one step, or "
                "leave them out.",
                len(waiting),
            )
            % {"names": ", ".join(p.full_name for p in waiting)},
            code="waiting_list",
        )
        self.waiting = waiting


class CompositionBreach(ValidationError):
    """Adding these people breaks the group's composition rules (level band, schooling band,
    mother-tongue share): a warning the coach may override by saying why."""

    def __init__(self, breaches: list[str]):
        super().__init__(
            [
                *breaches,
                _("To add them anyway, write why; otherwise choose other people or another group."),
            ],
            code="composition",
        )
        self.breaches = breaches


def _members(people: list[Participant], *, mother_tongue_only: bool = False):
    """The composition rules' view of people (sessions.grouping.Member): the level of their
    latest assessment, their schooling, their mother tongue. Two queries."""
    ids = [p.pk for p in people]
    levels = {}
    if not mother_tongue_only:
        levels = {
            a.participant_id: level_code(a.level_rank)
            for a in LanguageAssessment.objects.filter(participant__in=ids).latest_per_participant()
        }
    tongues: dict[int, str] = {}
    for participant_id, language in (
        LanguageSkill.objects.filter(participant__in=ids, use=LanguageUse.MOTHER_TONGUE)
        .order_by("participant", "language")
        .values_list("participant_id", "language")
    ):
        tongues.setdefault(participant_id, language)
    return [
        Member(
            name=p.full_name,
            level=levels.get(p.pk, ""),
            schooling=p.schooling,
            # "Other language" may be a different language for each person: it counts for none.
            mother_tongue=None if tongues.get(p.pk, "other") == "other" else tongues[p.pk],
        )
        for p in people
    ]


def group_composition_breaches(
    *, group: Group, joining: list[Participant], on: datetime.date
) -> list[str]:
    """What adding these people to the group on that day would break of its rules."""
    if not joining:
        return []
    staying = list(group.members_on(on).exclude(pk__in=[p.pk for p in joining]))
    return composition_breaches(
        joining=_members(joining),
        staying=_members(staying, mother_tongue_only=True) if staying else [],
        level_low=group.level_low,
        level_high=group.level_high,
        schooling_low=group.schooling_low,
        schooling_high=group.schooling_high,
        max_share=group.programme.max_mother_tongue_share,
    )


def group_add_members(
    *,
    group: Group,
    participants: Iterable[Participant],
    joined_on: datetime.date,
    admit_waiting: bool = False,
    override_reason: str = "",
    by=None,
) -> list[GroupMembership]:
    """Add several people at once; they become expected at the group's coming sessions.
    Only people admitted to the group's programme join: someone on its waiting list is
    admitted here (from the day they join) when `admit_waiting` says so, and refused
    otherwise; anyone else is refused. When they break the group's composition rules (its
    level and schooling bands, the programme's mother-tongue share), nothing is written unless
    the coach says why (`override_reason`), which is kept on the memberships and audited."""
    participants = list(participants)
    override_reason = override_reason.strip()
    with transaction.atomic():
        # Lock the group so two coaches filling the last places cannot both succeed.
        Group.objects.select_for_update().get(pk=group.pk)
        current = set(
            group.memberships.filter(left_on__isnull=True).values_list("participant_id", flat=True)
        )
        new = [p for p in participants if p.pk not in current]
        if len(current) + len(new) > group.capacity:
            raise ValidationError(
                ngettext(
                    "The group has %(free)s free places; you chose %(chosen)s person.",
                    "The group has %(free)s free places; you chose %(chosen)s people.",
                    len(new),
                )
                % {"free": max(group.capacity - len(current), 0), "chosen": len(new)},
                code="capacity",
            )
        outsiders = [p for p in new if p.organisation_id != group.programme.organisation_id]
        if outsiders:
            raise ValidationError(_("Only participants of the programme's organisation can join."))
        enrolments = {
            e.participant_id: e
            for e in Enrolment.objects.filter(
                programme_id=group.programme_id, participant__in=[p.pk for p in new]
            ).exclude(status__in=Enrolment.FINISHED)
        }
        Admission = Enrolment.Status
        waiting = [
            p
            for p in new
            if p.pk in enrolments and enrolments[p.pk].status == Admission.WAITING_LIST
        ]
        not_admitted = [
            p
            for p in new
            if p.pk not in enrolments
            or enrolments[p.pk].status not in {Admission.ACTIVE, Admission.WAITING_LIST}
        ]
        if not_admitted:
            raise ValidationError(
                _("Only people admitted to the programme join a group: %(names)s.")
                % {"names": ", ".join(p.full_name for p in not_admitted)},
                code="not_admitted",
            )
        # The composition first: the coach who says why, then admits and adds, keeps the reason.
        breaches = group_composition_breaches(group=group, joining=new, on=joined_on)
        if breaches and not override_reason:
            raise CompositionBreach(breaches)
        reason = override_reason if breaches else ""
        if waiting and not admit_waiting:
            raise WaitingToBeAdmitted(waiting)
        for person in waiting:
            participant_services.intake_decide(
                enrolment=enrolments[person.pk],
                decision=participant_services.Decision.ADMITTED,
                reason=_("Admitted on joining the group %(group)s.") % {"group": group.name},
                on=joined_on,
                by=by,
                # Joining a group is starting, in a programme with entry by cohort too.
                start_now=True,
            )
        memberships = GroupMembership.objects.bulk_create(
            GroupMembership(group=group, participant=p, joined_on=joined_on, override_reason=reason)
            for p in new
        )
        if breaches:
            for person in new:
                audit.record_event(
                    action=audit.Action.CREATE,
                    by=by,
                    object_type="activities.groupmembership",
                    object_id=group.pk,
                    participant=person,
                    changes={"group": [None, group.pk], "warnings": [None, breaches]},
                    note=_("Added despite the warnings: %(reason)s") % {"reason": reason},
                )
        if group.module_id:
            # A group belongs to a module: joining it puts the module in the person's plan.
            for person in new:
                participant_plans.module_join(
                    enrolment=enrolments[person.pk], module=group.module, on=joined_on, by=by
                )
        coming = Session.objects.filter(group=group, date__gte=joined_on).active()
        _expect(coming, [p.pk for p in new])
        module = group.module
        if module is not None and module.evaluated_at:
            # The module evaluates each person's time in it: from joining its group to the
            # group's end (or the module's length); leaving earlier moves the end evaluation.
            for person in new:
                participant_services.module_evaluation_todos_plan(
                    enrolment=enrolments[person.pk],
                    module=module,
                    starts_on=joined_on,
                    ends_on=group.ends_on,
                )
    return memberships


def group_remove_member(
    *, group: Group, participant: Participant, left_on: datetime.date, by=None
) -> None:
    with transaction.atomic():
        updated = GroupMembership.objects.filter(
            group=group, participant=participant, left_on__isnull=True
        ).update(left_on=left_on)
        if not updated:
            raise ValidationError(_("This person is not in the group."))
        if group.module_id:
            _module_left(group=group, participant=participant, left_on=left_on, by=by)
        module = group.module
        if module is not None and module.evaluated_at:
            enrolment = (
                Enrolment.objects.open()
                .filter(participant=participant, programme_id=group.programme_id)
                .first()
            )
            if enrolment is not None:
                participant_services.module_evaluation_todos_leave(
                    enrolment=enrolment, module=module, left_on=left_on
                )
        # No longer on the list of sessions after leaving; recorded attendance stays.
        Attendance.objects.filter(
            session__group=group,
            session__date__gt=left_on,
            participant=participant,
        ).exclude(status__in=Attendance.RECORDED).delete()


def _module_left(*, group: Group, participant: Participant, left_on: datetime.date, by) -> None:
    """Leaving the last group of a module ends the module in the person's plan: done when the
    group had come to its end, stopped otherwise."""
    still_in = GroupMembership.objects.filter(
        participant=participant, group__module_id=group.module_id, left_on__isnull=True
    ).exists()
    enrolment = (
        Enrolment.objects.open()
        .filter(participant=participant, programme_id=group.programme_id)
        .select_related("participant")
        .first()
    )
    if still_in or enrolment is None:
        return
    participant_plans.module_leave(
        enrolment=enrolment,
        module=group.module,
        on=left_on,
        finished=group.ends_on is not None and left_on >= group.ends_on,
        by=by,
    )


# What an enrolment's lifecycle changes here (called by casefile.lifecycle) ----------------


@dataclass(frozen=True)
class Departure:
    """What leaving or pausing a programme changed in its groups and sessions."""

    groups: list[Group]
    # Sessions at which the person was expected and no longer is (gone from the list on an
    # exit, listed as "paused" during a pause).
    sessions_left: int
    # Individual sessions the person no longer comes to: cancelled on an exit, left to the
    # coach during a pause.
    individual: list[Session]


def _later_unrecorded(participant: Participant, programme_id: int, after: datetime.date):
    """The person's rows nobody recorded ("expected" or "paused") at the programme's sessions
    after a day, so attendance already taken is never touched."""
    return Attendance.objects.filter(
        participant=participant,
        session__programme_id=programme_id,
        session__date__gt=after,
        session__cancelled_at__isnull=True,
    ).exclude(status__in=Attendance.RECORDED)


def participant_leave_programme(
    *, participant: Participant, programme_id: int, on: datetime.date, reason: str
) -> Departure:
    """After an exit on `on`: the person's memberships of the programme's groups end that
    day, they are expected at none of its later sessions, and a later individual session
    that was theirs alone is cancelled with `reason`."""
    with transaction.atomic():
        memberships = GroupMembership.objects.filter(
            participant=participant, group__programme_id=programme_id, left_on__isnull=True
        ).select_related("group")
        groups = [m.group for m in memberships]
        memberships.update(left_on=on)
        rows = _later_unrecorded(participant, programme_id, on)
        individual_ids = list(
            rows.filter(session__group__isnull=True).values_list("session_id", flat=True)
        )
        left = rows.delete()[0]
        # Theirs alone: nobody else is expected or recorded at it any more.
        alone = Session.objects.filter(pk__in=individual_ids).exclude(
            Exists(Attendance.objects.filter(session=OuterRef("pk")))
        )
        individual = list(alone.select_related("kind"))
        alone.update(cancelled_at=timezone.now(), cancel_reason=reason[:200])
    return Departure(groups=groups, sessions_left=left, individual=individual)


def participant_pause(
    *, participant: Participant, programme_id: int, on: datetime.date
) -> Departure:
    """A pause from `on`: the person stays in their groups and on the list of the programme's
    group sessions from that day, as "paused": expected by nobody, so a session they miss is
    neither an absence nor counted in their rate, and the coach sees why they are not there.
    Their individual sessions are listed for the coach to move or cancel: a pause is often
    short."""
    with transaction.atomic():
        rows = _later_unrecorded(participant, programme_id, on - datetime.timedelta(days=1))
        individual = list(
            Session.objects.filter(
                pk__in=rows.filter(session__group__isnull=True).values("session_id")
            ).select_related("kind")
        )
        left = rows.filter(session__group__isnull=False, status=Status.EXPECTED).update(
            status=Status.PAUSED
        )
        groups = list(
            Group.objects.filter(
                programme_id=programme_id,
                memberships__participant=participant,
                memberships__left_on__isnull=True,
            )
        )
    return Departure(groups=groups, sessions_left=left, individual=individual)


def participant_resume(*, participant: Participant, programme_id: int, on: datetime.date) -> int:
    """Back from a pause on `on`: expected again at the coming sessions of the groups they
    are still in; the sessions of the pause keep their "paused" rows. Answers how many
    sessions expect them again."""
    with transaction.atomic():
        added = (
            _later_unrecorded(participant, programme_id, on - datetime.timedelta(days=1))
            .filter(status=Status.PAUSED)
            .update(status=Status.EXPECTED)
        )
        for membership in GroupMembership.objects.filter(
            participant=participant, group__programme_id=programme_id, left_on__isnull=True
        ):
            coming = Session.objects.filter(group_id=membership.group_id, date__gte=on).active()
            added += _expect(coming, [participant.pk])
    return added


def _expect(sessions, participant_ids: list[int], *, paused: Iterable[int] = ()) -> int:
    """Create the missing rows for these people at these sessions, in one insert: "expected",
    or "paused" for those of `paused` (on the list, expected by nobody)."""
    if not participant_ids:
        return 0
    session_ids = list(sessions.values_list("pk", flat=True))
    existing = set(
        Attendance.objects.filter(
            session_id__in=session_ids, participant_id__in=participant_ids
        ).values_list("session_id", "participant_id")
    )
    return len(
        Attendance.objects.bulk_create(
            Attendance(
                session_id=s,
                participant_id=p,
                status=Status.PAUSED if p in paused else Status.EXPECTED,
            )
            for s in session_ids
            for p in participant_ids
            if (s, p) not in existing
        )
    )


def _group_members(group: Group, day: datetime.date) -> tuple[list[int], set[int]]:
    """The members of a group that day, and those of them whose enrolment in the programme
    is paused: a session lists them as "paused", expecting them only after they resume. One
    query."""
    paused = Enrolment.objects.filter(
        participant=OuterRef("pk"), programme_id=group.programme_id, status=Enrolment.Status.PAUSED
    )
    rows = list(group.members_on(day).annotate(paused=Exists(paused)).values_list("pk", "paused"))
    members = [pk for pk, _paused in rows]
    return members, {pk for pk, is_paused in rows if is_paused}


# Conflicts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    kind: str  # participant, facilitator, interpreter, room, capacity
    message: str
    session: Session | None = None


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def find_conflicts(
    *,
    organisation_id: int,
    day: datetime.date,
    start: datetime.time,
    end: datetime.time,
    participant_ids: Iterable[int] = (),
    facilitator_ids: Iterable[int] = (),
    room_id: int | None = None,
    interpreter_names: Iterable[str] = (),
    interpreter_provider: PartnerOrganisation | None = None,
    capacity: int | None = None,
    exclude: Iterable[int] = (),
) -> list[Conflict]:
    """What would be booked twice at that time, and whether the session is over capacity.
    A fixed number of queries, whatever the number of people.

    Only the organisation's own sessions are looked at: another organisation's are none of its
    business. One exception, told without anything of that organisation (no topic, no link):
    an interpreter of a provider both organisations work with, each listing it as a partner
    under the same name, is "busy at that time" when the other booked them."""
    participant_ids, facilitator_ids = list(participant_ids), list(facilitator_ids)
    names = [name.strip() for name in interpreter_names if name and name.strip()]
    everywhere = Session.objects.overlapping(day, start, end).exclude(pk__in=list(exclude))
    overlapping = everywhere.filter(programme__organisation_id=organisation_id)
    conflicts = []
    if participant_ids:
        rows = (
            Attendance.objects.filter(
                session__in=overlapping,
                participant_id__in=participant_ids,
                status__in=Attendance.NOT_PAUSED,  # a paused person is free at that time
            )
            .select_related("participant", "session__kind")
            .order_by("participant__last_name")
        )
        conflicts += [
            Conflict(
                "participant",
                _("%(name)s is already expected at %(session)s.")
                % {"name": row.participant, "session": row.session},
                row.session,
            )
            for row in rows
        ]
    if facilitator_ids:
        busy = (
            overlapping.filter(facilitators__in=facilitator_ids)
            .prefetch_related("facilitators")
            .select_related("kind")
            .distinct()
        )
        for other in busy:
            for user in other.facilitators.all():
                if user.pk in facilitator_ids:
                    conflicts.append(
                        Conflict(
                            "facilitator",
                            _("%(name)s already leads %(session)s.")
                            % {"name": user.get_full_name() or user.username, "session": other},
                            other,
                        )
                    )
    if room_id:
        conflicts += [
            Conflict(
                "room", _("The room is already booked for %(session)s.") % {"session": other}, other
            )
            for other in overlapping.filter(room_id=room_id).select_related("kind")
        ]
    if names:
        query = Q()
        for name in names:
            query |= Q(interpreters__interpreter_name__iexact=name)
        busy = (
            overlapping.filter(query, interpreters__status__in=["requested", "confirmed"])
            .select_related("kind")
            .distinct()
        )
        conflicts += [
            Conflict(
                "interpreter",
                _("The interpreter is already booked for %(session)s.") % {"session": other},
                other,
            )
            for other in busy
        ]
        if interpreter_provider is not None:
            named = Q()
            for name in names:
                named |= Q(interpreter_name__iexact=name)
            # Compared here, not in SQL: SQLite folds the case of ASCII letters only.
            providers = (
                InterpreterBooking.objects.filter(
                    named,
                    status__in=["requested", "confirmed"],
                    provider__isnull=False,
                    session__in=everywhere,
                )
                .exclude(session__programme__organisation_id=organisation_id)
                .values_list("provider__name", flat=True)
            )
            if _same_name(interpreter_provider.name) in {_same_name(p) for p in providers}:
                conflicts.append(
                    Conflict("interpreter", _("The interpreter is busy at that time."))
                )
    if capacity is not None and len(participant_ids) > capacity:
        conflicts.append(
            Conflict(
                "capacity",
                ngettext(
                    "%(count)s person is expected for %(capacity)s places.",
                    "%(count)s people are expected for %(capacity)s places.",
                    len(participant_ids),
                )
                % {"count": len(participant_ids), "capacity": capacity},
            )
        )
    return conflicts


# Series and sessions ---------------------------------------------------------------------


def days_off(
    *, organisation_id: int, start: datetime.date, end: datetime.date
) -> set[datetime.date]:
    """The days the organisation's series skip: Belgian public holidays and its closure days."""
    closed = ClosureDay.objects.filter(
        organisation_id=organisation_id, date__range=(start, end)
    ).values_list("date", flat=True)
    return recurrence.belgian_holidays(start, end) | set(closed)


def series_dates(series: Series, *, after: datetime.date | None = None) -> list[datetime.date]:
    last = recurrence.last_possible_day(
        starts_on=series.starts_on,
        ends_on=series.ends_on,
        count=series.count,
        interval=series.interval,
    )
    days = recurrence.dates(
        frequency=series.frequency,
        interval=series.interval,
        weekdays=series.weekday_list(),
        week_of_month=series.week_of_month,
        starts_on=series.starts_on,
        ends_on=series.ends_on,
        count=series.count,
        skip=days_off(
            organisation_id=series.programme.organisation_id, start=series.starts_on, end=last
        ),
    )
    return [day for day in days if after is None or day > after]


def _create_sessions(series: Series, days: list[datetime.date]) -> list[Session]:
    shared = {field: getattr(series, field) for field in SHARED_FIELDS}
    sessions = Session.objects.bulk_create(
        Session(series=series, date=day, **shared) for day in days
    )
    facilitators = list(series.facilitators.all())
    Session.facilitators.through.objects.bulk_create(
        Session.facilitators.through(session_id=s.pk, user_id=u.pk)
        for s in sessions
        for u in facilitators
    )
    if series.group_id:
        for session in sessions:
            members, paused = _group_members(series.group, session.date)
            _expect(Session.objects.filter(pk=session.pk), members, paused=paused)
    return sessions


def series_create(*, data: Mapping, facilitators: Iterable = ()) -> Series:
    """Save the schedule and create its sessions ahead of time."""
    with transaction.atomic():
        series = Series(**data)
        series.full_clean()
        series.save()
        series.facilitators.set(facilitators)
        days = series_dates(series)
        if not days:
            raise ValidationError(
                _("These dates give no session (holidays and closure days are skipped).")
            )
        _create_sessions(series, days)
    return series


def series_in_force(series: Series) -> Series:
    """The schedule that replaced this one ("this and following"), and so on: the last."""
    current = series
    while (following := Series.objects.filter(previous=current).first()) is not None:
        current = following
    return current


def series_extend(*, series: Series, count: int) -> list[Session]:
    """Add `count` more sessions after the last one. A schedule replaced from a date on is
    over: adding to it would put the old sessions back beside the new ones."""
    if count < 1:
        raise ValidationError(_("Add at least one session."))
    in_force = series_in_force(series)
    if in_force.pk != series.pk:
        raise ValidationError(
            _(
                "This schedule was replaced from %(date)s: add sessions to the schedule in "
                "force instead."
            )
            % {"date": date_format(in_force.starts_on, "SHORT_DATE_FORMAT")},
            code="superseded",
        )
    with transaction.atomic():
        last = series.sessions.order_by("-date").values_list("date", flat=True).first()
        # The rule still runs from the series' first day: "every two weeks" restarted the day
        # after the last session would count its weeks from there (a Sunday's next day is
        # already another week) and put the next session one week early.
        extended = Series(
            **{
                field: getattr(series, field)
                for field in ["frequency", "interval", "weekdays", "week_of_month", "programme"]
            },
            starts_on=series.starts_on,
            ends_on=(last or series.starts_on) + recurrence.HORIZON,
        )
        days = [day for day in series_dates(extended) if last is None or day > last][:count]
        series.count = None
        series.ends_on = days[-1]
        series.save(update_fields=["count", "ends_on"])
        return _create_sessions(series, days)


@dataclass(frozen=True)
class Skipped:
    date: datetime.date
    reason: str


def series_skipped(series: Series) -> list[Skipped]:
    """The dates the rhythm gave that no session took, and why: a public holiday (its name)
    or a closure day of the organisation (its reason). Two queries, for the sessions' range
    and the closure days."""
    span = series.sessions.aggregate(first=Min("date"), last=Max("date"))
    if span["first"] is None:
        return []
    start, end = series.starts_on, max(span["last"], series.ends_on or span["last"])
    rhythm = recurrence.dates(
        frequency=series.frequency,
        interval=series.interval,
        weekdays=series.weekday_list(),
        week_of_month=series.week_of_month,
        starts_on=start,
        ends_on=end,
    )
    language = (get_language() or "fr")[:2]
    names = holidays.country_holidays(
        "BE",
        years=range(start.year, end.year + 1),
        language=language if language in {"fr", "nl", "de"} else "en_US",
    )
    closed = dict(
        ClosureDay.objects.filter(
            organisation_id=series.programme.organisation_id, date__range=(start, end)
        ).values_list("date", "reason")
    )
    skipped = []
    for day in rhythm:
        if day in names:
            skipped.append(Skipped(day, names[day]))
        elif day in closed:
            skipped.append(Skipped(day, closed[day] or _("Closure day")))
    return skipped


def series_change_from(
    *, series: Series, from_date: datetime.date, data: Mapping, facilitators: Iterable
) -> Series:
    """Change the schedule from a date on ("this and following"). Sessions before that date,
    and any attendance already recorded, stay as they are."""
    with transaction.atomic():
        coming = series.sessions.filter(date__gte=from_date, detached=False)
        if Attendance.objects.filter(session__in=coming, status__in=Attendance.RECORDED).exists():
            raise ValidationError(
                _("Attendance was already recorded after this date: change from a later date.")
            )
        kept = series.sessions.filter(date__lt=from_date).count()
        coming.delete()
        new = Series(
            **{field: getattr(series, field) for field in SHARED_FIELDS},
            frequency=series.frequency,
            interval=series.interval,
            weekdays=series.weekdays,
            week_of_month=series.week_of_month,
            ends_on=series.ends_on,
            count=(series.count - kept) if series.count else None,
        )
        for field, value in data.items():
            setattr(new, field, value)
        new.starts_on = from_date
        new.previous = series
        new.full_clean()
        series.ends_on = from_date - datetime.timedelta(days=1)
        series.count = None
        series.save(update_fields=["ends_on", "count"])
        new.save()
        new.facilitators.set(facilitators)
        days = series_dates(new)
        if not days:
            # An empty series would be out of everyone's reach (series_for), its page a 404.
            raise ValidationError(
                _("These dates give no session (holidays and closure days are skipped).")
            )
        _create_sessions(new, days)
    return new


def session_create(
    *, data: Mapping, facilitators: Iterable = (), participants: Iterable[Participant] = ()
) -> Session:
    """A single session: individual (with the people named) or for a group (its members)."""
    with transaction.atomic():
        session = Session(**data)
        session.full_clean()
        session.save()
        session.facilitators.set(facilitators)
        people, paused = [p.pk for p in participants], set()
        if session.group_id:
            members, paused = _group_members(session.group, session.date)
            people += members
        _expect(Session.objects.filter(pk=session.pk), sorted(set(people)), paused=paused)
    return session


def session_add_participants(*, session: Session, participants: Iterable[Participant]) -> None:
    _expect(Session.objects.filter(pk=session.pk), [p.pk for p in participants])


def session_move(
    *, session: Session, date: datetime.date, start_time: datetime.time, end_time: datetime.time
) -> Session:
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled: plan a new one instead."))
    with transaction.atomic():
        before = (session.date, session.start_time, session.end_time)
        session.date, session.start_time, session.end_time = date, start_time, end_time
        session.detached = True
        moved = (session.date, session.start_time, session.end_time) != before
        session.full_clean()
        session.save(update_fields=["date", "start_time", "end_time", "detached", "updated_at"])
        if moved:
            _refresh_for(session)  # attendance recorded ahead (an absence) changes month
            _tell_by_sms(session, SmsMessage.Kind.MOVED)
    return session


def _tell_by_sms(session: Session, kind: str) -> None:
    """Once the change is saved, a text message to the people on the list who may receive
    one (sessions.sms), sent by the worker: never for a change that was rolled back."""
    if sms.enabled():
        session_id = session.pk
        transaction.on_commit(lambda: send_sms_change.enqueue(session_id, kind))


class KeepRecorded:
    """What becomes of attendance already recorded when its session is cancelled."""

    KEEP = "keep"  # kept, shown as "session cancelled", counted nowhere


def session_cancel(*, session: Session, reason: str, recorded: str = "") -> Session:
    """Cancel a session. Attendance already recorded needs an explicit choice: keep it (it
    then reads "session cancelled" and counts in no rate), or move the session instead of
    cancelling it. Nobody's row is deleted, so the cancellation can be undone."""
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Say why the session is cancelled.")})
    with transaction.atomic():
        # Locked and read again: two coaches cancelling at once cancel it once.
        if Session.objects.select_for_update().get(pk=session.pk).is_cancelled:
            raise ValidationError(_("This session is already cancelled."))
        taken = session.attendances.filter(status__in=Attendance.RECORDED).count()
        if taken and recorded != KeepRecorded.KEEP:
            raise ValidationError(
                ngettext(
                    "Attendance was recorded for %(count)s person: keep it as “session "
                    "cancelled”, or move the session instead.",
                    "Attendance was recorded for %(count)s people: keep it as “session "
                    "cancelled”, or move the session instead.",
                    taken,
                )
                % {"count": taken},
                code="recorded",
            )
        session.cancelled_at = timezone.now()
        session.cancel_reason = reason.strip()
        session.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
        if taken:
            _refresh_for(session)
        _tell_by_sms(session, SmsMessage.Kind.CANCELLED)
    return session


def session_uncancel(*, session: Session) -> Session:
    """Undo a cancellation: the session takes place again, with the people it expected and
    any attendance recorded before."""
    with transaction.atomic():
        if not Session.objects.select_for_update().get(pk=session.pk).is_cancelled:
            raise ValidationError(_("This session is not cancelled."))
        session.cancelled_at = None
        session.cancel_reason = ""
        session.save(update_fields=["cancelled_at", "cancel_reason", "updated_at"])
        _refresh_for(session)
    return session


def _refresh_for(session: Session) -> None:
    """Rates skip cancelled sessions: recount those of the people recorded at this one."""
    people = list(
        session.attendances.filter(status__in=Attendance.RECORDED).values_list(
            "participant_id", flat=True
        )
    )
    if people:
        refresh_attendance_figures(participant_ids=people, programme_id=session.programme_id)


def interpreter_book(*, session: Session, data: Mapping) -> InterpreterBooking:
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled: plan a new one instead."))
    booking = InterpreterBooking(session=session, **data)
    booking.full_clean()
    booking.save()
    return booking


# Attendance ------------------------------------------------------------------------------


class StaleAttendance(ValidationError):
    """Someone else recorded this person's attendance since the page was loaded."""

    def __init__(self, current: Attendance):
        super().__init__(
            _(
                "%(name)s was just recorded as “%(status)s” by someone else (%(by)s, %(time)s). "
                "Check and tap again if needed."
            )
            % {
                "name": current.participant,
                "status": current.get_status_display(),
                "by": current.recorded_by.get_full_name() if current.recorded_by else "—",
                "time": timezone.localtime(current.recorded_at).strftime("%H:%M")
                if current.recorded_at
                else "—",
            },
            code="stale",
        )
        self.current = current


def _paused_message(rows: list[Attendance]) -> str:
    return ngettext(
        "%(names)s is paused: resume their enrolment to record their attendance.",
        "%(names)s are paused: resume their enrolments to record their attendance.",
        len(rows),
    ) % {"names": ", ".join(str(row.participant) for row in rows)}


def attendance_record(
    *, session: Session, participant: Participant, status: str, version: int, reason: str = "", by
) -> Attendance:
    """Record one person's attendance. The version the page showed must still be current:
    two coaches tapping at once never overwrite each other silently."""
    if status not in Attendance.RECORDED:
        raise ValidationError(_("Choose present, late, excused or unexcused absence."))
    if status == Status.EXCUSED and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the excused absence.")})
    if session.is_cancelled:
        raise ValidationError(_("This session was cancelled."))
    not_in_future(
        session.date, message=_("Attendance is recorded on the day of the session or later.")
    )
    with transaction.atomic():
        row, created = Attendance.objects.get_or_create(session=session, participant=participant)
        if row.status == Status.PAUSED:
            raise ValidationError(_paused_message([row]), code="paused")
        if not created and row.version != version:
            raise StaleAttendance(row)
        if created and version not in (0, 1):
            raise StaleAttendance(row)
        updated = Attendance.objects.filter(pk=row.pk, version=row.version).update(
            status=status,
            reason=reason.strip() if status in Attendance.ABSENCES else "",
            recorded_by=by,
            recorded_at=timezone.now(),
            version=row.version + 1,
        )
        if not updated:
            raise StaleAttendance(Attendance.objects.get(pk=row.pk))
        before = audit.snapshot(row)
        row.refresh_from_db()
        audit.record_change(
            instance=row, before=None if created else before, by=by, participant=participant
        )
        refresh_attendance_figures(
            participant_ids=[participant.pk], programme_id=session.programme_id
        )
    return row


def attendance_record_session(
    *, session: Session, marks: Mapping[int, str], reasons: Mapping[int, str] | None = None, by
) -> int:
    """Record a whole session at once (participant id → status), e.g. from the API."""
    reasons = reasons or {}
    bad = [pk for pk, status in marks.items() if status not in Attendance.RECORDED]
    if bad:
        raise ValidationError(_("Choose present, late, excused or unexcused absence for everyone."))
    missing_reason = [
        pk
        for pk, status in marks.items()
        if status == Status.EXCUSED and not reasons.get(pk, "").strip()
    ]
    if missing_reason:
        raise ValidationError(_("Give the reason for each excused absence."))
    if session.is_cancelled or in_future(session.date):
        raise ValidationError(_("Attendance is recorded on the day of a session that took place."))
    with transaction.atomic():
        _expect(Session.objects.filter(pk=session.pk), list(marks))
        rows = list(
            Attendance.objects.select_for_update().filter(
                session=session, participant_id__in=list(marks)
            )
        )
        paused = [row for row in rows if row.status == Status.PAUSED]
        if paused:
            raise ValidationError(_paused_message(paused), code="paused")
        now = timezone.now()
        for row in rows:
            row.status = marks[row.participant_id]
            row.reason = (
                reasons.get(row.participant_id, "").strip()
                if row.status in Attendance.ABSENCES
                else ""
            )
            row.recorded_by, row.recorded_at, row.version = by, now, row.version + 1
        Attendance.objects.bulk_update(
            rows, ["status", "reason", "recorded_by", "recorded_at", "version"]
        )
        audit.record_many(
            action=audit.Action.UPDATE,
            by=by,
            object_type=Attendance._meta.label_lower,
            rows=[
                {
                    "object_id": row.pk,
                    "participant_id": row.participant_id,
                    "changes": {"status": [None, row.status]},
                }
                for row in rows
            ],
        )
        refresh_attendance_figures(participant_ids=list(marks), programme_id=session.programme_id)
    return len(rows)


def refresh_attendance_figures(*, participant_ids: list[int], programme_id: int) -> None:
    """Recompute the attendance rate, absences in a row and last attended date of these
    people's open enrolments in the programme, and their attendance kept per month for the
    reports (sessions.months). Excused absences do not lower the rate."""
    months.rebuild(participant_ids=participant_ids, programme_id=programme_id)
    enrolments = Enrolment.objects.filter(
        participant_id__in=participant_ids, programme_id=programme_id
    ).exclude(status__in=Enrolment.FINISHED)
    recorded = (
        Attendance.objects.filter(
            participant_id__in=participant_ids,
            session__programme_id=programme_id,
            status__in=Attendance.RECORDED,
        )
        .filter(session__cancelled_at__isnull=True)
        .order_by("participant_id", "-session__date", "-session__start_time")
        .values_list("participant_id", "status", "session__date")
    )
    history: dict[int, list[tuple[str, datetime.date]]] = {}
    for participant_id, status, day in recorded:
        history.setdefault(participant_id, []).append((status, day))
    for enrolment in enrolments:
        rate, in_a_row, last = attendance_figures(history.get(enrolment.participant_id, []))
        participant_services.enrolment_set_attendance(
            enrolment_id=enrolment.pk,
            rate=rate,
            consecutive_absences=in_a_row,
            last_attended_on=last,
        )


def attendance_figures(
    rows: list[tuple[str, datetime.date]],
) -> tuple[float | None, int, datetime.date | None]:
    """From one person's recorded attendance in a programme, newest first, as (status, day):
    the attendance rate (excused absences do not lower it), the absences in a row up to the
    latest, and the last day they attended."""
    counted = [status for status, _day in rows if status != Status.EXCUSED]
    attended = [day for status, day in rows if status in Attendance.ATTENDED]
    in_a_row = 0
    for status, _day in rows:
        if status not in Attendance.ABSENCES:
            break
        in_a_row += 1
    came = len([status for status in counted if status in Attendance.ATTENDED])
    rate = 100 * came / len(counted) if counted else None
    return rate, in_a_row, max(attended) if attended else None


def hours_by_period(
    *, participant_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict:
    """Hours attended per participant and ISO week: {participant_id: {(year, week): hours}}."""
    hours: dict[int, dict[tuple[int, int], float]] = {}
    for participant_id, days in hours_by_day(
        participant_ids=participant_ids, start=start, end=end
    ).items():
        per_week = hours.setdefault(participant_id, {})
        for day, day_hours in days.items():
            year, week, _weekday = day.isocalendar()
            per_week[(year, week)] = per_week.get((year, week), 0) + day_hours
    return hours


def hours_by_day(
    *, participant_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> dict:
    """Hours attended per participant and day: {participant_id: {date: hours}}. Weeks and
    months are sums of these same days, so their figures always agree. One query."""
    rows = (
        Attendance.objects.filter(
            participant_id__in=list(participant_ids),
            status__in=Attendance.ATTENDED,
            session__date__range=(start, end),
            session__cancelled_at__isnull=True,
        )
        .select_related("session")
        .only("participant_id", "session__date", "session__start_time", "session__end_time")
    )
    hours: dict[int, dict[datetime.date, float]] = {}
    for row in rows:
        per_day = hours.setdefault(row.participant_id, {})
        per_day[row.session.date] = per_day.get(row.session.date, 0) + row.session.hours
    return hours


def placement_hours_by_period(
    *, enrolment_ids: Iterable[int], mondays: list[datetime.date], month: tuple, today=None
) -> tuple[dict, dict]:
    """Hours of volunteering, job tasting or internship, which count as activity beside the
    sessions attended: per enrolment and ISO week {enrolment_id: {(year, week): hours}}, and
    per enrolment within the month (first, last) {enrolment_id: hours}. One query."""
    start, end = mondays[0], mondays[-1] + datetime.timedelta(days=6)
    placements = Placement.objects.filter(enrolment_id__in=list(enrolment_ids)).overlapping(
        start, end
    )
    per_week: dict[int, dict[tuple[int, int], float]] = {}
    in_month: dict[int, float] = {}
    for placement in placements.only(
        "enrolment_id", "status", "hours_per_week", "starts_on", "ends_on", "ended_on"
    ):
        weeks = per_week.setdefault(placement.enrolment_id, {})
        for monday in mondays:
            hours = placement.hours_between(monday, monday + datetime.timedelta(days=6), today)
            if hours:
                year, week, _day = monday.isocalendar()
                weeks[(year, week)] = weeks.get((year, week), 0) + hours
        in_month[placement.enrolment_id] = in_month.get(
            placement.enrolment_id, 0
        ) + placement.hours_between(*month, today)
    return per_week, in_month


def needs_attention(*, enrolments, threshold: int = 3):
    """Open enrolments with at least `threshold` absences in a row."""
    return enrolments.filter(consecutive_absences__gte=threshold).order_by("-consecutive_absences")


def _group_name(programme: Programme, band: str, number: int) -> str:
    suffix = f" {band} ({number})"
    return programme.name[: Group._meta.get_field("name").max_length - len(suffix)] + suffix


def groups_create_from_proposal(
    *, programme, proposal, people: dict, staff, override_reason: str = ""
) -> list[Group]:
    """One group per non-empty proposed group, its members added in one call, all or nothing.
    The members join through `group_add_members`, so the composition rules hold here too: a
    group the proposal could not keep within the mother-tongue share needs the coach's reason."""
    today = timezone.localdate()
    coaches = [staff.user] if staff.is_coach else []
    chosen = [group for group in proposal.groups if group.size]
    with transaction.atomic():
        # Two coaches confirming at once would otherwise place the same people twice.
        Programme.objects.select_for_update().get(pk=programme.pk)
        still_waiting = set(waiting_to_be_placed(staff, programme).values_list("pk", flat=True))
        if any(p.candidate.id not in still_waiting for g in chosen for p in g.placements):
            raise ValidationError(
                _("Some of these people were placed meanwhile: check the groups again.")
            )
        existing = Group.objects.filter(programme=programme).count()
        created = []
        for number, proposed in enumerate(chosen, start=existing + 1):
            group = group_create(
                data={
                    "programme": programme,
                    "name": _group_name(programme, proposed.band, number),
                    "level_low": proposed.level_low,
                    "level_high": proposed.level_high,
                    "capacity": proposal.capacity,
                },
                coaches=coaches,
            )
            # Confirming the proposal is the decision to admit the people it places.
            group_add_members(
                group=group,
                participants=[people[p.candidate.id] for p in proposed.placements],
                joined_on=today,
                admit_waiting=True,
                override_reason=override_reason,
                by=staff.user,
            )
            created.append(group)
    return created


# "I can't come" ---------------------------------------------------------------------------


def absence_propose(*, participant: Participant, session: Session, reason: str) -> AbsenceNotice:
    """The participant says, from their phone, that they cannot come: a proposed excused
    absence for a coach to confirm. Only for a coming session they are expected at; saying
    it again changes the reason, and after a refusal proposes it again."""
    if reason not in AbsenceNotice.Reason.values:
        raise ValidationError(_("Choose a reason."), code="reason")
    with transaction.atomic():
        row = (
            Attendance.objects.select_for_update()
            .filter(session=session, participant=participant)
            .first()
        )
        today, now = timezone.localdate(), timezone.localtime()
        if (
            row is None
            or session.is_cancelled
            or session.date < today
            or (session.date == today and session.end_time <= now.time())
            or row.status not in (Status.EXPECTED, Status.EXCUSED)
        ):
            raise ValidationError(_("This session cannot be changed here."), code="closed")
        notice = AbsenceNotice.objects.filter(attendance=row).first()
        if notice is not None and notice.status == AbsenceNotice.Status.CONFIRMED:
            raise ValidationError(_("Your coach already knows."), code="confirmed")
        if row.status == Status.EXCUSED:
            raise ValidationError(_("Your coach already knows."), code="confirmed")
        if notice is None:
            notice = AbsenceNotice(attendance=row)
        notice.reason = reason
        notice.status = AbsenceNotice.Status.PROPOSED
        notice.created_at = timezone.now()
        notice.decided_by = notice.decided_at = None
        notice.save()
    return notice


def absence_confirm(*, notice: AbsenceNotice, by) -> Attendance:
    """The coach confirms: the row becomes an excused absence with the person's reason, even
    before the day (the person said it ahead, which is what an excused absence is)."""
    with transaction.atomic():
        notice = AbsenceNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != AbsenceNotice.Status.PROPOSED:
            raise ValidationError(_("This absence was already answered."), code="answered")
        row = (
            Attendance.objects.select_for_update(of=("self",))
            .select_related("session", "participant")
            .get(pk=notice.attendance_id)
        )
        if row.session.is_cancelled:
            raise ValidationError(_("This session was cancelled."), code="cancelled")
        if row.status != Status.EXPECTED:
            raise ValidationError(
                _("Attendance was already recorded for this person: “%(status)s”.")
                % {"status": row.get_status_display()},
                code="recorded",
            )
        before = audit.snapshot(row)
        row.status = Status.EXCUSED
        row.reason = str(notice.get_reason_display())
        row.recorded_by, row.recorded_at, row.version = by, timezone.now(), row.version + 1
        row.save(update_fields=["status", "reason", "recorded_by", "recorded_at", "version"])
        audit.record_change(
            instance=row, before=before, by=by, participant=row.participant, note="I can't come"
        )
        notice.status = AbsenceNotice.Status.CONFIRMED
        notice.decided_by, notice.decided_at = by, timezone.now()
        notice.save(update_fields=["status", "decided_by", "decided_at"])
        refresh_attendance_figures(
            participant_ids=[row.participant_id], programme_id=row.session.programme_id
        )
    return row


def absence_reject(*, notice: AbsenceNotice, by) -> AbsenceNotice:
    """The coach does not accept the absence (they will talk with the person): the row stays
    as it was."""
    with transaction.atomic():
        notice = AbsenceNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != AbsenceNotice.Status.PROPOSED:
            raise ValidationError(_("This absence was already answered."), code="answered")
        notice.status = AbsenceNotice.Status.REJECTED
        notice.decided_by, notice.decided_at = by, timezone.now()
        notice.save(update_fields=["status", "decided_by", "decided_at"])
    return notice
