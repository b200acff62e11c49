"""The programme's structure against what happened: hours planned by each module's rhythm
against the hours its groups actually met, per module and per phase; and who has stayed in a
phase longer than it is expected to last.

Planned hours of a module over a period: for each of its groups, the module's hours per week
times the weeks the group runs inside the period (from the group's start to its end, or to
the module's length in weeks after its start, or to the end of the period). Delivered hours:
the length (start to end time) of the groups' sessions in the period that were not
cancelled. A module without hours per week has no plan to compare with: its gap is empty.

A person's phase, until a module plan per person exists, is read from their groups: the
phase of the latest-placed module whose group they joined since they started, else the
programme's first phase from their start date. They are in it from the day they joined its
first group (or from their start). Fixed queries, whatever the number of groups, sessions or
people (four in all; tests/reports/test_structure.py lists them).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import FloatField, OuterRef, Subquery, Sum, Value
from django.utils.translation import gettext as _

from participants.models import Enrolment
from programme.models import Module, Phase
from reports.aggregates import Seconds
from reports.figures import Period
from sessions.models import Group, GroupMembership, Session


@dataclass
class Hours:
    label: str
    planned: float | None = None
    delivered: float = 0.0
    phase: str = ""
    groups: int = 0

    @property
    def gap(self) -> float | None:
        """Delivered minus planned: negative when fewer hours were held than planned."""
        return None if self.planned is None else self.delivered - self.planned

    @property
    def share(self) -> int | None:
        """Delivered as a whole percentage of planned."""
        if not self.planned:
            return None
        return round(100 * self.delivered / self.planned)

    @property
    def planned_text(self) -> str:
        return hours_text(self.planned)

    @property
    def delivered_text(self) -> str:
        return hours_text(self.delivered)

    @property
    def gap_text(self) -> str:
        gap = self.gap
        if gap is None:
            return "—"
        return ("+" if gap > 0 else "") + hours_text(gap)

    def add(self, other: "Hours") -> None:
        if other.planned is not None:
            self.planned = (self.planned or 0.0) + other.planned
        self.delivered += other.delivered
        self.groups += other.groups


@dataclass
class Overrun:
    enrolment: Enrolment
    phase: Phase
    since: datetime.date
    weeks: int


@dataclass
class Structure:
    modules: list[Hours] = field(default_factory=list)
    phases: list[Hours] = field(default_factory=list)
    overruns: list[Overrun] = field(default_factory=list)


def _weeks_inside(group: Group, module: Module, period: Period) -> float:
    start = max(group.starts_on, period.start)
    end = period.end
    if group.ends_on:
        end = min(end, group.ends_on)
    if module.length_weeks:
        end = min(end, group.starts_on + datetime.timedelta(weeks=module.length_weeks, days=-1))
    if end < start:
        return 0.0
    return ((end - start).days + 1) / 7


def planned_and_delivered(programmes, period: Period) -> tuple[list[Hours], list[Hours]]:
    """The rows per module (in the programme's order) and per phase. One query: the groups
    with their module and phase, and the length of their sessions held in the period."""
    held = (
        Session.objects.active()
        .filter(group=OuterRef("pk"), date__gte=period.start, date__lte=period.end)
        .order_by()
        .values("group")
        .annotate(length=Sum(Seconds("end_time") - Seconds("start_time")))
        .values("length")
    )
    groups = list(
        Group.objects.filter(programme__in=programmes, module__isnull=False)
        .select_related("module__phase", "module__programme")
        .annotate(held=Subquery(held, output_field=FloatField()))
        .order_by("module__programme_id", "module__position", "module__name", "pk")
    )
    delivered = {group.pk: round(group.held) / 3600 if group.held else 0.0 for group in groups}
    # Over several programmes, each row names its programme: their modules and phases often
    # share names ("Module collectif" in each).
    several = len(programmes) > 1

    def named(thing) -> str:
        return f"{thing.programme.name} — {thing.name}" if several else thing.name

    modules: dict[int, Hours] = {}
    for group in groups:
        module = group.module
        row = modules.setdefault(
            module.pk,
            Hours(named(module), phase=module.phase.name if module.phase else ""),
        )
        planned = module.planned_hours(_weeks_inside(group, module, period))
        row.add(Hours(module.name, planned=planned, delivered=delivered[group.pk], groups=1))
    phase_of = {}
    for group in groups:
        if group.module.phase is not None:
            phase_of[group.module.pk] = group.module.phase
            group.module.phase.programme = group.module.programme  # the same: not read again
    ordered = sorted(set(phase_of.values()), key=lambda p: (p.programme_id, p.position, p.pk))
    phases = {phase.pk: Hours(named(phase)) for phase in ordered}
    for module_pk, phase in phase_of.items():
        phases[phase.pk].add(modules[module_pk])
    return list(modules.values()), list(phases.values())


def phase_overruns(programmes, today: datetime.date, enrolments=None) -> list[Overrun]:
    """Active people who have been in their phase longer than its longest expected length,
    longest first. Three queries: the phases; the active enrolments (or those given) as plain
    rows with the memberships of their people in a phase's group; the overrunning enrolments
    with their participant and coach, the only ones read as instances."""
    phases: dict[int, list[Phase]] = defaultdict(list)
    for phase in Phase.objects.filter(programme__in=programmes).order_by("position", "pk"):
        phases[phase.programme_id].append(phase)
    if not any(p.max_weeks for listed in phases.values() for p in listed):
        return []
    if enrolments is None:
        enrolments = Enrolment.objects.filter(programme__in=programmes)
    active = enrolments.filter(
        status=Enrolment.Status.ACTIVE, started_on__isnull=False, programme_id__in=list(phases)
    ).order_by()
    memberships = GroupMembership.objects.filter(
        participant__in=active.values("participant_id"),
        group__programme_id__in=list(phases),
        group__module__phase__isnull=False,
    ).order_by()
    # One query: the active enrolments' rows (0, pk, person, programme, start) and the
    # memberships of their people in a phase's group (1, person, programme, phase, joined).
    rows = active.values_list(Value(0), "pk", "participant_id", "programme_id", "started_on")
    rows = rows.union(
        memberships.values_list(
            Value(1), "participant_id", "group__programme_id", "group__module__phase_id",
            "joined_on",
        ),
        all=True,
    )  # fmt: skip
    by_pk = {phase.pk: phase for listed in phases.values() for phase in listed}
    started, joined = [], defaultdict(list)
    for which, *row in rows:
        if which:
            participant_id, programme_id, phase_id, joined_on = row
            joined[participant_id, programme_id].append((by_pk[phase_id], joined_on))
        else:
            started.append(row)
    found = {}
    for pk, participant_id, programme_id, started_on in started:
        reached = [
            (phase, day) for phase, day in joined[participant_id, programme_id] if day >= started_on
        ]
        if reached:
            phase = max(reached, key=lambda item: (item[0].position, item[0].pk))[0]
            since = min(day for p, day in reached if p.pk == phase.pk)
        else:
            phase, since = phases[programme_id][0], started_on
        days = (today - since).days
        if phase.max_weeks and days > 7 * phase.max_weeks:
            found[pk] = (phase, since, days // 7)
    if not found:
        return []
    overrunning = Enrolment.objects.filter(pk__in=list(found)).select_related(
        "participant", "coach", "programme"
    )
    overruns = [Overrun(enrolment, *found[enrolment.pk]) for enrolment in overrunning]
    overruns.sort(
        key=lambda overrun: (overrun.since, overrun.enrolment.started_on, overrun.enrolment.pk)
    )
    return overruns


def structure(programmes, period: Period, today: datetime.date) -> Structure:
    modules, phases = planned_and_delivered(programmes, period)
    return Structure(modules, phases, phase_overruns(programmes, today))


def hours_text(value: float | None) -> str:
    if value is None:
        return "—"
    return _("%(hours)s h") % {"hours": f"{value:.1f}".rstrip("0").rstrip(".")}
