"""Reading a module plan with what happened in it: for one enrolment, each planned module with
the sessions attended and held, the hours attended and its evaluations (`plan_for`); for a
programme, the people in each module by status and the hours attended (`modules_table`).

The plan lives in participants (`PlannedModule`), the sessions here, so the reads that put
them together sit here, where the enrolment page, the portal and the reports can all read
them. A session counts for a module when it is a session of one of the module's groups.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from evaluations.models import Evaluation
from participants.models import Enrolment, PlannedModule
from programme.models import Module
from sessions.models import Attendance, Session


@dataclass
class ModuleLine:
    """One planned module and what the person did in it."""

    entry: PlannedModule
    attended: int = 0
    # Sessions held at which the person was on the list and their attendance was recorded.
    held: int = 0
    coming: int = 0
    hours: float = 0.0
    evaluations: list = field(default_factory=list)

    @property
    def module(self) -> Module:
        return self.entry.module

    @property
    def trial_over(self) -> bool:
        """The person has used the module's trial sessions and should choose or stop it."""
        entry = self.entry
        return (
            entry.status == PlannedModule.Status.TRYING
            and self.attended >= entry.module.trial_sessions
        )


def _hours(start: datetime.time, end: datetime.time) -> float:
    day = datetime.date.min
    span = datetime.datetime.combine(day, end) - datetime.datetime.combine(day, start)
    return span.total_seconds() / 3600


def _evaluations_by_module(enrolment: Enrolment) -> dict[int, list]:
    """The enrolment's evaluations that name their module, in one query, per module."""
    by_module: dict[int, list] = defaultdict(list)
    rows = Evaluation.objects.filter(enrolment=enrolment, module__isnull=False).order_by(
        "held_on", "pk"
    )
    for evaluation in rows:
        by_module[evaluation.module_id].append(evaluation)
    return by_module


def plan_for(enrolment: Enrolment, today: datetime.date | None = None) -> list[ModuleLine]:
    """The enrolment's module plan in its order, each module with its sessions and hours.
    Three queries, whatever the length of the plan and of the history: the plan with its
    modules, the person's attendance at the sessions of those modules' groups within the
    enrolment's period, and the evaluations of those modules."""
    today = today or timezone.localdate()
    entries = list(
        PlannedModule.objects.filter(enrolment=enrolment)
        .select_related("module")
        .order_by("position", "pk")
    )
    lines = {entry.module_id: ModuleLine(entry=entry) for entry in entries}
    if not lines:
        return []
    rows = Attendance.objects.filter(
        participant_id=enrolment.participant_id,
        session__programme_id=enrolment.programme_id,
        session__group__module_id__in=list(lines),
        session__cancelled_at__isnull=True,
        session__date__gte=enrolment.started_on or enrolment.referred_on,
    )
    if enrolment.exited_on:
        rows = rows.filter(session__date__lte=enrolment.exited_on)
    for module_id, status, day, start, end in rows.values_list(
        "session__group__module_id",
        "status",
        "session__date",
        "session__start_time",
        "session__end_time",
    ):
        line = lines[module_id]
        if status in Attendance.ATTENDED:
            line.attended += 1
            line.hours += _hours(start, end)
        if status in Attendance.RECORDED:
            line.held += 1
        elif status == Attendance.Status.EXPECTED and day >= today:
            line.coming += 1
    for module_id, evaluations in _evaluations_by_module(enrolment).items():
        if module_id in lines:
            lines[module_id].evaluations = evaluations
    return list(lines.values())


@dataclass
class ModuleRow:
    """One module of a programme: how many people are in each status, the hours attended."""

    module: Module
    by_status: dict[str, int] = field(default_factory=dict)
    hours: float = 0.0
    sessions: int = 0

    @property
    def people(self) -> int:
        return sum(self.by_status.values())


def modules_table(
    programme, start: datetime.date, end: datetime.date, today: datetime.date | None = None
) -> list[ModuleRow]:
    """Each module of the programme with its people by plan status (everyone whose module
    overlaps the period, or still planned in an open enrolment) and the hours attended and
    sessions held in the period. Three queries whatever the number of modules and people."""
    rows = {m.pk: ModuleRow(module=m) for m in programme.modules.order_by("position", "name")}
    if not rows:
        return []
    Status = PlannedModule.Status
    in_period = (Q(status=Status.PLANNED) & ~Q(enrolment__status__in=Enrolment.FINISHED)) | (
        Q(starts_on__lte=end)
        & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        & ~Q(status=Status.PLANNED)
    )
    counts = (
        PlannedModule.objects.filter(module__programme=programme)
        .filter(in_period)
        .values_list("module_id", "status")
        .annotate(people=Count("enrolment_id", distinct=True))
        .order_by()
    )
    for module_id, status, people in counts:
        rows[module_id].by_status[status] = people
    held = (
        Session.objects.filter(
            programme=programme,
            group__module__isnull=False,
            date__range=(start, min(end, today or timezone.localdate())),
            cancelled_at__isnull=True,
        )
        .annotate(came=Count("attendances", filter=Q(attendances__status__in=Attendance.ATTENDED)))
        .values_list("group__module_id", "start_time", "end_time", "came")
    )
    for module_id, start_time, end_time, came in held:
        row = rows[module_id]
        row.sessions += 1
        row.hours += came * _hours(start_time, end_time)
    return list(rows.values())
