"""A programme's structure from its design: phases with their modules, each module's rhythm,
planned lengths (tracks) and cohorts. Written with the programme, before its people, so
enrolments can be put on a track and in a cohort as they are made.

A module run as groups takes its rhythm from the sessions the demo generates for it (the
design's `Track`): sessions and hours a week, weekdays. Its groups take people in as they come
and run on, so the module has no length in weeks (the report would stop planning a group's
hours after it); how long a person stays is in the note and in the design. A module without
groups keeps the design's figures."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from demo.designs import Design
from programme.models import Cohort, Module, Phase, Programme, Track

MONTH = 30.44
MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december"),
}  # fmt: skip


def build(design: Design, programme: Programme, today: datetime.date) -> None:
    phases = Phase.objects.bulk_create(
        Phase(
            programme=programme, name=phase.name, position=i, min_weeks=phase.min_weeks,
            max_weeks=phase.max_weeks, description=phase.description,
        )
        for i, phase in enumerate(design.phases)
    )  # fmt: skip
    phase_of = {
        module: phase.pk
        for spec, phase in zip(design.phases, phases, strict=True)
        for module in spec.modules
    }
    groups = {track.module: track for track in design.tracks}
    trials = dict(design.trial_sessions)
    evaluated = dict(design.evaluated_modules)
    modules = []
    for i, (kind, name, rhythm, hours, weeks) in enumerate(design.modules):
        module = Module(
            programme=programme, kind=kind, name=name, rhythm=rhythm, hours_per_week=hours,
            length_weeks=weeks, position=i, phase_id=phase_of.get(name),
            trial_sessions=trials.get(name, 0), evaluated_at=evaluated.get(name, ""),
        )  # fmt: skip
        track = groups.get(name)
        if track is not None:
            per_week = Decimal(len(track.weekdays)) / track.every_weeks
            module.sessions_per_week = int(per_week) if per_week == int(per_week) else None
            module.hours_per_week = (per_week * track.hours).quantize(Decimal("0.1"))
            module.weekdays = ",".join(str(day) for day in track.weekdays)
            module.length_weeks = None
        modules.append(module)
    Module.objects.bulk_create(modules)
    Track.objects.bulk_create(
        Track(programme=programme, name=length.name, length_months=length.months, position=i)
        for i, length in enumerate(design.lengths)
    )
    if design.cohorts:
        _cohorts(design, programme, today)


def _cohorts(design: Design, programme: Programme, today: datetime.date) -> None:
    """One cohort per start day (named by its month) from the programme's start to a year
    ahead. The intake of each opens the day after the previous cohort's start and closes the
    day before its own: people admitted in between wait for it. Those begun are started."""
    starts = design.cohort_starts(programme.starts_on, today + datetime.timedelta(days=366))
    cohorts = []
    previous = programme.starts_on - relativedelta(months=4)
    for start in starts:
        cohorts.append(
            Cohort(
                programme=programme,
                name=f"{MONTHS[design.language][start.month - 1]} {start.year}",
                intake_opens_on=previous + datetime.timedelta(days=1),
                intake_closes_on=start - datetime.timedelta(days=1),
                starts_on=start,
                ends_on=start + datetime.timedelta(weeks=design.cohort_weeks, days=-1),
                started_at=_noon(start) if start <= today else None,
            )
        )
        previous = start
    Cohort.objects.bulk_create(cohorts)


def track_for(design: Design, tracks: dict[str, int], started_on, exited_on, today):
    """The track whose dates fit the trajectory (None: the programme's planned length)."""
    if started_on is None or not design.lengths:
        return None
    months = ((exited_on or today) - started_on).days / MONTH
    for length in design.lengths:
        if length.since and started_on < length.since:
            continue
        low, high = length.fits
        if exited_on is None and months < low:
            continue  # still running: not yet known to be short
        if low <= months <= high and (exited_on is not None or high > design.planned_months):
            return tracks[length.name]
    return None


def cohort_for(cohorts: list[tuple], started_on, admitted_on):
    """The cohort someone started with (its start day), or, admitted and still waiting, the
    first cohort whose intake was open on the day they were admitted."""
    for pk, opens, closes, starts in cohorts:
        if started_on is not None:
            if starts == started_on:
                return pk
        elif admitted_on is not None and opens <= admitted_on <= closes:
            return pk
    return None


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
