"""Demo groups, weekly series, individual talks and recorded attendance for every trajectory
that started, built on the participants' demo data (run by demo.load).

Shaped like each programme's design (demo/designs.py): each of its group modules (a `Track`)
keeps its groups, banded as the design says (adjacent levels, one level and schooling band, or
mixed under the mother-tongue cap), meeting on the module's rhythm from its first member's
start until a few weeks ahead. A person joins the modules that fit them (by level, literacy,
and choice), when the design says (on the first day, after an individual orientation, towards
the end), for as long as it says; and meets their coach on the design's rhythm. At
`--scale 250` that is millions of attendance records, so everything is written with
demo.bulk, one programme at a time, with the dates, holidays and expected people the services
would have given.
"""

import bisect
import datetime
import heapq
import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from demo import bulk, designs
from evaluations.models import Cefr, Evaluation, LanguageAssessment
from participants.models import (
    Enrolment,
    EnrolmentCoach,
    EnrolmentStatusChange,
    LanguageSkill,
    Participant,
    PlannedModule,
)
from programme.models import Module, Programme, Room, Staff
from sessions import recurrence, services
from sessions.models import (
    Attendance,
    Group,
    GroupMembership,
    Series,
    Session,
    SessionKind,
    ensure_default_kinds,
)
from trajectory.models import Placement

logger = logging.getLogger("parcours.demo")

# Published shape: most people come, some are late, health keeps some away.
ATTENDANCE_WEIGHTS = [("present", 78), ("late", 6), ("excused", 9), ("absent", 7)]
EXCUSES = [
    "Rendez-vous médical",
    "Enfant malade",
    "Rendez-vous au CPAS",
    "Ziek",
    "Afspraak bij de dokter",
]
CANCEL_REASONS = [
    "Formatrice malade / Begeleider ziek",
    "Grève des transports / Staking openbaar vervoer",
    "Salle indisponible / Zaal niet beschikbaar",
]
# Schooling bands for groups homogeneous by schooling: none or primary, and beyond.
LOW_SCHOOLING = {"isced0", "isced1"}
SCHOOLING_BANDS = {True: ("isced0", "isced1"), False: ("isced2", "isced8")}
# A module tried first (Module.trial_sessions) is "trying" for its first two weeks; about one
# person in four who chose such a module tried another one they did not choose.
TRIAL_DAYS = 14
TRIED_NOT_CHOSEN = 0.25
# One person in three has a mid-way review recorded as a module evaluation (one per module).
MODULE_EVALUATED_EVERY = 3
# VIA's job tasting: in the module's ninth week.
TASTING_WEEK = 8
JOB_TASTING_ROLE = "Snuffelstage (VIA)"
JOB_TASTING_NOTE = "Een week meedraaien op de werkvloer; besproken in VIA."
# The mother-tongue cap is read on sessions of at least three people: with two, each one is
# already half of the group.
CAP_FROM = 3
# A band gets one group per `Track.group_size()` people present at its busiest, so that
# joining the least full group never makes one larger than that: the capacity is never
# exceeded.
# Adjacent levels share a band until it has about one full group at its busiest.
BAND_PEAK = 10
SERIES_AHEAD = datetime.timedelta(weeks=8)
TALKS_AHEAD = datetime.timedelta(weeks=4)
TALK_HOURS = (9, 10, 11, 13, 14, 15, 16)  # on a group day, 8 to 17 out of the group's time
# Share of the people in a group who have stopped coming (absent at their last sessions), so
# "needs attention" has someone to show for every coach.
DRIFT_SHARE = 0.1
DRIFT_SESSIONS = 3
DRIFT_DAYS = 21
DROP_OUT_DAYS = (28, 42)  # attendance falls over the last four to six weeks before dropping out
CANCEL_SHARE = 0.02
# People who started most recently and wait for a group, so the grouping proposal has people
# to place: one in UNPLACED of the active people (at least two).
UNPLACED = 15

_STATUSES = [status for status, _weight in ATTENDANCE_WEIGHTS]
_CUMULATIVE = [
    sum(weight for _s, weight in ATTENDANCE_WEIGHTS[: i + 1]) for i in range(len(_STATUSES))
]
SESSION_FIELDS = [
    "id", "programme_id", "group_id", "series_id", "kind_id", "topic", "start_time", "end_time",
    "place", "room_id", "address", "online_link", "capacity", "partner_id", "bring", "notes",
    "date", "detached", "cancelled_at", "cancel_reason", "created_at", "updated_at",
]  # fmt: skip
ATTENDANCE_FIELDS = [
    "session_id", "participant_id", "status", "reason", "recorded_by_id", "recorded_at", "version",
]  # fmt: skip


@dataclass(slots=True)
class _Trajectory:
    """A started enrolment, as far as the sessions demo needs it."""

    pk: int
    participant: int
    coach: int | None
    status: str
    start: datetime.date
    last_day: datetime.date | None  # last day in a group: exit or the day before a pause
    dropped_out: bool
    rank: int = 1  # language level (CEFR rank) when the person started
    schooling: str = ""
    literacy: str = ""
    tongue: str = ""
    stints: list = field(default_factory=list)  # the person's places in groups


@dataclass(slots=True)
class _Stint:
    """One person in one group of a track, from `start` to `last_day` (both included)."""

    t: _Trajectory
    track: int
    start: datetime.date
    last_day: datetime.date | None
    group: int | None = None

    @property
    def pk(self) -> int:
        return self.t.pk

    @property
    def rank(self) -> int:
        return self.t.rank


def load(rng: random.Random, today: datetime.date) -> dict:
    # A generator of its own, seeded once: however many draws the sessions take, what the
    # apps after this one draw stays the same.
    rng = random.Random(rng.getrandbits(64))
    ensure_default_kinds()
    kinds = {kind.code: kind.pk for kind in SessionKind.objects.filter(programme__isnull=True)}
    clock = _Clock()
    counts = {"groups": 0, "sessions": 0, "attendance": 0}
    rooms_given: dict[int, int] = defaultdict(int)  # organisation -> rooms handed out
    for programme in Programme.objects.select_related("organisation").order_by("pk"):
        built = _Programme(programme, kinds, rng, today, clock, rooms_given).build()
        for key in counts:
            counts[key] += built[key]
    bulk.reset_sequences(Group, Series, Session)
    clock.log(counts)
    return counts


class _Clock:
    """Time spent in each step, summed over the programmes and logged at the end (parcours.demo
    at INFO), so a slow step shows at any scale."""

    def __init__(self):
        self.totals: dict[str, float] = defaultdict(float)
        self.last = time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.totals[step] += now - self.last
        self.last = now

    def log(self, counts: dict) -> None:
        for step, seconds in self.totals.items():
            logger.info("demo data: sessions, %s in %.1f s", step, seconds)
        logger.info(
            "demo data: %(groups)s groups, %(sessions)s sessions, %(attendance)s attendance",
            counts,
        )


class _Programme:
    def __init__(self, programme, kinds, rng, today, clock, rooms_given):
        self.programme = programme
        self.design = designs.for_code(programme.code)
        self.tracks = self.design.tracks
        self.kinds = kinds
        self.rng = rng
        self.today = today
        self.clock = clock
        self.rooms_given = rooms_given
        self._noons: dict[datetime.date, datetime.datetime] = {}
        # Hours taken by groups, by weekday: a talk is held out of them.
        self.group_hours: dict[int, set[int]] = defaultdict(set)
        for track in self.tracks:
            for weekday in track.weekdays:
                self.group_hours[weekday].update(range(track.hour, track.hour + track.hours))

    def build(self) -> dict:
        trajectories = self._trajectories()
        self.clock.lap("reading the trajectories")
        if not trajectories:
            return {"groups": 0, "sessions": 0, "attendance": 0}
        groups = self._groups(trajectories)
        self.clock.lap("groups, series and members")
        sessions = self._sessions(groups, trajectories)
        self.clock.lap("sessions")
        attendance, history = self._attendance(groups, sessions, trajectories)
        self.clock.lap("attendance")
        self._figures(history)
        self.clock.lap("attendance figures")
        return {
            "groups": len(groups),
            "sessions": sessions.dates_count + len(sessions.talks),
            "attendance": attendance,
        }

    # Reading ---------------------------------------------------------------------------

    def _trajectories(self) -> list[_Trajectory]:
        paused_on = dict(
            EnrolmentStatusChange.objects.filter(
                enrolment__programme=self.programme, to_status=Enrolment.Status.PAUSED
            )
            .order_by("changed_at", "pk")
            .values_list("enrolment_id", "changed_at")
        )
        trajectories = []
        for pk, participant, coach, status, start, exited_on, reason in (
            Enrolment.objects.filter(programme=self.programme, started_on__isnull=False)
            .order_by("pk")
            .values_list(
                "pk",
                "participant_id",
                "coach_id",
                "status",
                "started_on",
                "exited_on",
                "exit_reason",
            )
        ):
            last_day = exited_on
            if status == Enrolment.Status.PAUSED and pk in paused_on:
                pause = min(timezone.localtime(paused_on[pk]).date(), self.today)
                last_day = max(start, pause - datetime.timedelta(days=1))
            dropped_out = reason == "dropped_out"
            trajectories.append(
                _Trajectory(pk, participant, coach, status, start, last_day, dropped_out)
            )
        # Someone enrolled twice in the programme is in a group once at a time: a second
        # trajectory that overlaps the first keeps its talks but not a second group place.
        self.overlapping = set()
        seen: dict[int, _Trajectory] = {}
        for t in sorted(trajectories, key=lambda t: (t.start, t.pk)):
            before = seen.get(t.participant)
            if before and (before.last_day is None or before.last_day >= t.start):
                self.overlapping.add(t.pk)
            else:
                seen[t.participant] = t
        self._levels(trajectories)
        self._profiles(trajectories)
        self.open_enrolments = list(
            Enrolment.objects.filter(programme=self.programme)
            .open()
            .order_by("pk")
            .values_list("pk", "participant_id")
        )
        self.open_people = {participant for _pk, participant in self.open_enrolments}
        return trajectories

    def _profiles(self, trajectories) -> None:
        """Schooling, literacy and mother tongue: what groups are formed by."""
        people = {t.participant for t in trajectories}
        profile = {
            pk: (schooling, literacy)
            for pk, schooling, literacy in Participant.objects.filter(pk__in=people).values_list(
                "pk", "schooling", "literacy"
            )
        }
        tongue = dict(
            LanguageSkill.objects.filter(participant__in=people, use="mother_tongue")
            .order_by("participant_id", "pk")
            .values_list("participant_id", "language")
        )
        for t in trajectories:
            t.schooling, t.literacy = profile.get(t.participant, ("", ""))
            t.tongue = tongue.get(t.participant, "")

    def _levels(self, trajectories) -> None:
        """The oral level each person had when they started: their assessment of that day or
        before, else their first one; A1 for someone never assessed."""
        assessed = defaultdict(list)
        for participant, day, oral in (
            LanguageAssessment.objects.filter(
                participant_id__in=Enrolment.objects.filter(programme=self.programme).values(
                    "participant_id"
                )
            )
            .order_by("participant_id", "assessed_on", "pk")
            .values_list("participant_id", "assessed_on", "oral")
        ):
            assessed[participant].append((day, oral))
        a1 = Cefr.rank(Cefr.A1)
        for t in trajectories:
            rows = assessed.get(t.participant)
            if not rows:
                t.rank = a1
                continue
            level = rows[0][1]
            for day, oral in rows:
                if day > t.start:
                    break
                level = oral
            t.rank = Cefr.rank(level) if level else a1

    # Groups ----------------------------------------------------------------------------

    def _stints(self, trajectories) -> list[list[_Stint]]:
        """Who joins each track, from when to when. The latest starters wait for a group
        (the grouping proposal has people to place); so does someone still in orientation."""
        rng, today, design = self.rng, self.today, self.design
        active = [t for t in trajectories if t.status == Enrolment.Status.ACTIVE]
        waiting = sorted(active, key=lambda t: (t.start, t.pk), reverse=True)
        left_out = {t.pk for t in waiting[: max(2, len(active) // UNPLACED)]} | self.overlapping
        expected = datetime.timedelta(days=int(design.published.average_months * 30.44))
        per_track: list[list[_Stint]] = [[] for _ in self.tracks]
        for t in trajectories:
            orientation = t.start + datetime.timedelta(days=rng.randint(*design.orientation_days))
            if t.pk in left_out:
                continue
            end = t.last_day or max(today, t.start + expected)
            for index, track in enumerate(self.tracks):
                if track.levels is not None and Cefr.values[t.rank] not in track.levels:
                    continue
                if track.literacy is not None and t.literacy not in track.literacy:
                    continue
                if track.share < 1 and rng.random() >= track.share:
                    continue
                base = orientation if track.joins == "orientation" else t.start
                if track.joins == "end":
                    base = max(base, end - datetime.timedelta(weeks=track.weeks or 0))
                start = base + datetime.timedelta(days=rng.randint(*track.delay_days))
                if track.weeks == 0:  # one day: the next day the track meets
                    while start.weekday() not in track.weekdays:
                        start += datetime.timedelta(days=1)
                    last = start
                elif track.weeks:
                    last = start + datetime.timedelta(weeks=track.weeks, days=-1)
                else:
                    last = None
                if t.last_day is not None:
                    last = t.last_day if last is None else min(last, t.last_day)
                if start > today or (last is not None and last < start):
                    continue
                stint = _Stint(t, index, start, last)
                per_track[index].append(stint)
                t.stints.append(stint)
        return per_track

    def _bands(self, track, stints) -> list[list[_Stint]]:
        if track.banding == "mixed":
            return [stints] if stints else []
        if track.banding == "level_schooling":
            by_key = defaultdict(list)
            for s in stints:
                by_key[(s.rank, s.t.schooling in LOW_SCHOOLING)].append(s)
            return [by_key[key] for key in sorted(by_key)]
        return _bands(stints)

    def _groups(self, trajectories) -> list[Group]:
        """Each track's bands, groups in each, and who is in which group when."""
        per_track = self._stints(trajectories)
        cap = self.programme.max_mother_tongue_share
        plans = []  # (track, members, level low, level high)
        for index, (track, stints) in enumerate(zip(self.tracks, per_track, strict=True)):
            for band in self._bands(track, stints):
                if cap:
                    slots = _assign_capped(band, track, cap / 100)
                else:
                    count = -(-_peak(band) // track.group_size()) or 1
                    slots = [[] for _ in range(count)]
                    for s, slot in zip(
                        sorted(band, key=lambda s: (s.start, s.pk)),
                        _assign(band, count),
                        strict=True,
                    ):
                        slots[slot].append(s)
                for members in slots:
                    if members:
                        ranks = sorted({s.rank for s in members})
                        plans.append((index, members, ranks[0], ranks[-1]))
        coaches = self._coaches(trajectories)
        rooms = self._rooms([self.tracks[index].capacity for index, *_rest in plans])
        modules = dict(Module.objects.filter(programme=self.programme).values_list("name", "pk"))
        # By cohort: a group is formed with the cohort its first members started with.
        cohorts = dict(self.programme.cohorts.values_list("starts_on", "pk"))
        groups, self.group_coaches, self.group_track = [], [], []
        given = 0  # coaches handed out, in turn
        for number, (index, members, low, high) in enumerate(plans):
            track = self.tracks[index]
            band = _label(low) + (f"–{_label(high)}" if high != low else "")
            room = rooms[number] if rooms else None
            schooling = ("", "")
            if track.banding == "level_schooling":  # one schooling band per group
                low_band = members[0].t.schooling in LOW_SCHOOLING
                schooling = SCHOOLING_BANDS[low_band]
            groups.append(
                Group(
                    programme=self.programme,
                    module_id=modules.get(track.module),
                    name=f"{track.module} — {band} ({number + 1})"[:100],
                    level_low=Cefr.values[low],
                    level_high=Cefr.values[high],
                    schooling_low=schooling[0],
                    schooling_high=schooling[1],
                    capacity=track.capacity,
                    site_id=room.site_id if room else None,
                    starts_on=min(s.start for s in members),
                    ends_on=_last_day(members, self.today),
                    cohort_id=cohorts.get(min(s.t.start for s in members)),
                )
            )
            chosen = []
            for _ in range(min(track.coaches, len(coaches))):
                chosen.append(coaches[given % len(coaches)])
                given += 1
            self.group_coaches.append(chosen)
            self.group_track.append(track)
            for s in members:
                s.group = number
        bulk.insert_objects(groups)
        bulk.insert(
            Group.coaches.through,
            ["group_id", "user_id"],
            [(g.pk, c) for g, cs in zip(groups, self.group_coaches, strict=True) for c in cs],
        )
        self.series = [
            Series(
                programme=self.programme,
                group_id=group.pk,
                kind_id=self.kinds[track.kind],
                topic=track.topics[0],
                start_time=datetime.time(track.hour),
                end_time=datetime.time(track.hour + track.hours),
                place="room" if rooms else "outside",
                room_id=rooms[index].pk if rooms else None,
                address="" if rooms else self.programme.organisation.city or "—",
                frequency=Series.Frequency.WEEKLY,
                interval=track.every_weeks,
                weekdays=",".join(str(day) for day in track.weekdays),
                starts_on=group.starts_on,
                ends_on=group.ends_on or self.today + SERIES_AHEAD,
                bring="Cahier, stylo / schrift en pen",
                created_at=self._noon(group.starts_on - datetime.timedelta(days=7)),
            )
            for index, (group, track) in enumerate(zip(groups, self.group_track, strict=True))
        ]
        bulk.insert_objects(self.series)
        bulk.insert(
            Series.facilitators.through,
            ["series_id", "user_id"],
            [(s.pk, c) for s, cs in zip(self.series, self.group_coaches, strict=True) for c in cs],
        )
        bulk.insert(
            GroupMembership,
            ["group_id", "participant_id", "joined_on", "left_on"],
            [
                (groups[s.group].pk, s.t.participant, s.start, s.last_day)
                for t in trajectories
                for s in t.stints
            ],
        )
        self._module_plans(groups, trajectories)
        return groups

    def _module_plans(self, groups: list[Group], trajectories) -> None:
        """Joining a group of a module puts the module in the person's plan
        (participants.plans.module_join): running while they are in one of its groups, done
        when they left the last one as planned, stopped when they dropped out of it. Modules
        are numbered in the order the person began them; in a programme followed in sequence,
        in the programme's order. A module that may be tried first (Module.trial_sessions) is
        "trying" for its first two weeks, and some people tried one they did not choose."""
        now = timezone.now()
        # Loaded again over the same people (a second run), a module already planned stays.
        planned = set(
            PlannedModule.objects.filter(enrolment_id__in=[t.pk for t in trajectories]).values_list(
                "enrolment_id", "module_id"
            )
        )
        sequence = self.programme.module_path == Programme.ModulePath.SEQUENCE
        modules = {
            pk: (position, name, trial)
            for pk, position, name, trial in Module.objects.filter(
                programme=self.programme
            ).values_list("pk", "position", "name", "trial_sessions")
        }
        tried = [pk for pk, (_p, _n, trial) in modules.items() if trial]
        # Draws of their own: the rows drawn after the plans stay the same.
        rng = random.Random(f"{self.programme.code}:plans")
        rows, self.module_spans = [], {}
        for t in trajectories:
            spans = {}  # module: (first day, last day or None while running)
            for stint in t.stints:
                module = groups[stint.group].module_id if stint.group is not None else None
                if module is None:
                    continue
                first, last = spans.get(module, (stint.start, stint.last_day))
                first = min(first, stint.start)
                if last is not None:
                    last = None if stint.last_day is None else max(last, stint.last_day)
                spans[module] = (first, last)
            self.module_spans[t.pk] = spans
            entries = []
            for module, (first, last) in spans.items():
                # A stint that ends after today is still running: it ends when it ends.
                running = (
                    last is None
                    or last >= self.today
                    or (t.status == "paused" and last == t.last_day)
                )
                stopped = not running and t.dropped_out and last == t.last_day
                status = "running" if running else ("stopped" if stopped else "done")
                if running and modules[module][2] and (self.today - first).days < TRIAL_DAYS:
                    status = "trying"  # still in its trial sessions
                reason = "left_programme" if stopped else ""
                ends_on = None if running else max(last, first)
                entries.append((module, status, first, ends_on, reason))
            chosen = [spans[m][0] for m in spans if m in tried]
            others = [m for m in tried if m not in spans]
            if chosen and others and rng.random() < TRIED_NOT_CHOSEN:
                first = min(chosen)
                ends_on = first + datetime.timedelta(days=7)
                if ends_on <= min(self.today, t.last_day or self.today):
                    entries.append((rng.choice(others), "stopped", first, ends_on, "not_chosen"))
            if sequence:
                entries.sort(key=lambda e: (modules[e[0]][0], e[0]))
            else:
                entries.sort(key=lambda e: (e[2], e[0]))
            for position, (module, status, first, ends_on, reason) in enumerate(entries, start=1):
                if (t.pk, module) not in planned:
                    rows.append((t.pk, module, status, position, first, ends_on, reason, "", now))
        bulk.insert(
            PlannedModule,
            ["enrolment_id", "module_id", "status", "position", "starts_on", "ends_on",
             "stop_reason", "note", "updated_at"],
            rows,
        )  # fmt: skip
        names = {name: pk for pk, (_p, name, _t) in modules.items()}
        self._co_coaches(trajectories, names)
        self._placements_in_modules(trajectories, names)
        self._module_evaluations(trajectories, modules)

    def _co_coaches(self, trajectories, modules: dict[str, int]) -> None:
        """The design's second coach (Interactief!'s activation coach) on the enrolment of
        everyone who joined its module, from that day to the end of the trajectory: another
        of the programme's coaches than the lead."""
        if self.design.co_coach is None:
            return
        module, role = self.design.co_coach
        coaches = self._coaches(trajectories)
        if modules.get(module) is None or len(coaches) < 2:
            return
        taken = set(
            EnrolmentCoach.objects.filter(
                enrolment_id__in=[t.pk for t in trajectories]
            ).values_list("enrolment_id", flat=True)
        )
        rows = []
        for t in trajectories:
            span = self.module_spans[t.pk].get(modules[module])
            if span is None or t.pk in taken:
                continue
            others = [c for c in coaches if c != t.coach]
            until = None
            if t.status not in {Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED}:
                until = (t.last_day or self.today) + datetime.timedelta(days=1)
            rows.append((t.pk, others[t.pk % len(others)], role, span[0], until, t.coach))
        bulk.insert(
            EnrolmentCoach,
            ["enrolment_id", "coach_id", "role", "since", "until", "added_by_id"],
            rows,
        )

    def _placements_in_modules(self, trajectories, modules: dict[str, int]) -> None:
        """A placement the design puts inside a module (VIA's one-week job tasting) belongs to
        it when it falls in the person's time in the module; whoever reached the tasting week
        of the module without one gets one there."""
        for kind, name in self.design.placement_modules:
            module = modules.get(name)
            if module is None:
                continue
            spans = {
                t.pk: span
                for t in trajectories
                if (span := self.module_spans[t.pk].get(module)) is not None
            }
            placements = Placement.objects.filter(enrolment_id__in=list(spans), kind=kind)
            inside, has = [], set()
            for placement in placements:
                first, last = spans[placement.enrolment_id]
                if first <= placement.starts_on <= (last or self.today):
                    inside.append(placement.pk)
                    has.add(placement.enrolment_id)
            Placement.objects.filter(pk__in=inside).update(module=module)
            hosts = list(
                self.programme.organisation.partners.filter(hosts_volunteers=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not hosts:
                continue
            added = []
            for t in trajectories:
                if t.pk not in spans or t.pk in has:
                    continue
                first, last = spans[t.pk]
                starts = first + datetime.timedelta(weeks=TASTING_WEEK)
                if starts > min(last or self.today, self.today):
                    continue
                ends = starts + datetime.timedelta(days=4)
                done = ends < self.today
                added.append(
                    Placement(
                        enrolment_id=t.pk,
                        kind=kind,
                        host_id=hosts[t.pk % len(hosts)],
                        module_id=module,
                        role=JOB_TASTING_ROLE,
                        hours_per_week=19,
                        starts_on=starts,
                        ends_on=ends,
                        ended_on=ends if done else None,
                        status=Placement.Status.ENDED if done else Placement.Status.ONGOING,
                        outcome=Placement.Outcome.OTHER if done else "",
                        notes=JOB_TASTING_NOTE,
                        created_by_id=t.coach,
                    )  # fmt: skip
                )
            Placement.objects.bulk_create(added, batch_size=500)

    def _module_evaluations(self, trajectories, modules: dict) -> None:
        """Where the programme evaluates per module (ACTIV UP!: start, middle and end), the
        mid-way evaluations held while the person was in such a module are of that module
        (decision 24: recorded as mid-way, the module named)."""
        evaluated = set(
            Module.objects.filter(pk__in=list(modules))
            .exclude(evaluated_at="")
            .values_list("pk", flat=True)
        )
        if not evaluated:
            return
        updates, seen = defaultdict(list), set()
        for evaluation, enrolment, held_on in Evaluation.objects.filter(
            enrolment_id__in=[t.pk for t in trajectories], kind=Evaluation.Kind.MIDWAY
        ).values_list("pk", "enrolment_id", "held_on"):
            if enrolment % MODULE_EVALUATED_EVERY:
                continue  # the others' reviews stay the enrolment's own
            # The latest module the person joined before the review: START once in it.
            inside = [
                (first, module)
                for module, (first, last) in self.module_spans.get(enrolment, {}).items()
                if module in evaluated and first <= held_on <= (last or self.today)
            ]
            if inside and (enrolment, max(inside)[1]) not in seen:
                module = max(inside)[1]
                seen.add((enrolment, module))
                updates[module].append(evaluation)
        for module, pks in updates.items():
            Evaluation.objects.filter(pk__in=pks).update(module=module)

    def _coaches(self, trajectories) -> list[int]:
        """The programme's coaches lead its groups; the organisation's if nobody has one."""
        coaches = sorted({t.coach for t in trajectories if t.coach})
        if coaches:
            return coaches
        return list(
            get_user_model()
            .objects.filter(
                staff__organisation=self.programme.organisation_id,
                staff__role=Staff.Role.COACH,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def _rooms(self, capacities: list[int]) -> list[Room]:
        """A room of its own for each group of the organisation: the programmes of one
        organisation share its sites and meet at the same hours."""
        sites = list(self.programme.sites.order_by("pk"))
        if not sites:
            return []
        count = len(capacities)
        organisation = self.programme.organisation_id
        first = self.rooms_given[organisation]
        self.rooms_given[organisation] += count
        wanted = []
        for n in range(first, first + count):
            number = n // len(sites) + 1
            wanted.append((sites[n % len(sites)].pk, f"Salle {number} / Zaal {number}"))
        existing = {
            (room.site_id, room.name): room
            for room in Room.objects.filter(site__in=sites, name__in={name for _s, name in wanted})
        }
        missing = [
            Room(site_id=site, name=name, capacity=max(14, capacity + 2))
            for (site, name), capacity in zip(wanted, capacities, strict=True)
            if (site, name) not in existing
        ]
        for room in Room.objects.bulk_create(missing):
            existing[(room.site_id, room.name)] = room
        return [existing[key] for key in wanted]

    # Sessions --------------------------------------------------------------------------

    def _sessions(self, groups, trajectories) -> "_Sessions":
        """Every date of each group's series, as the series service would give them
        (holidays and the organisation's closure days skipped); then each person's talks."""
        rng, today = self.rng, self.today
        first = min(t.start for t in trajectories)
        last = today + SERIES_AHEAD
        skip = services.days_off(
            organisation_id=self.programme.organisation_id, start=first, end=last
        )
        sessions = _Sessions()
        for group, track in zip(groups, self.group_track, strict=True):
            dates = recurrence.dates(
                frequency="weekly",
                interval=track.every_weeks,
                weekdays=track.weekdays,
                starts_on=group.starts_on,
                ends_on=group.ends_on or last,
                skip=skip,
            )
            sessions.first.append(sessions.dates_count)
            sessions.dates.append(dates)
            sessions.dates_count += len(dates)
            sessions.cancelled.append(
                {i for i, day in enumerate(dates) if day != today and rng.random() < CANCEL_SHARE}
            )
        self._talks(trajectories, sessions, skip)
        ids = bulk.next_ids(Session, sessions.dates_count + len(sessions.talks))
        sessions.first = [ids.start + first for first in sessions.first]
        sessions.talk_start = ids.start + sessions.dates_count
        bulk.insert(Session, SESSION_FIELDS, self._session_rows(groups, sessions))
        bulk.insert(
            Session.facilitators.through,
            ["session_id", "user_id"],
            self._facilitator_rows(sessions),
        )
        return sessions

    def _gap(self, t: _Trajectory, day: datetime.date) -> datetime.timedelta:
        """Days to the next talk, on the design's rhythm for this point of the trajectory."""
        since = (day - t.start).days
        for until, gap in self.design.talks:
            if until is None or since < until:
                return datetime.timedelta(days=self.rng.randint(*gap))
        return datetime.timedelta(days=self.rng.randint(*self.design.talks[-1][1]))

    def _talks(self, trajectories, sessions, skip) -> None:
        """Individual talks on the design's rhythm from the start to the end of each
        trajectory, and up to four weeks ahead for those still running. The first two
        running trajectories of each coach have theirs today, so every coach has some
        attendance to take on the day the demo is shown."""
        rng, today = self.rng, self.today
        on_today = today if today.weekday() < 5 else today + datetime.timedelta(7 - today.weekday())
        running = defaultdict(list)
        for t in trajectories:
            if t.status == Enrolment.Status.ACTIVE:
                running[t.coach].append(t)
        anchored = {t.pk for people in running.values() for t in people[:2]}
        busy = defaultdict(set)  # (coach, day) -> hours taken
        for t in trajectories:
            end = t.last_day if t.last_day is not None else today + TALKS_AHEAD
            days = []
            if t.pk in anchored:
                day = on_today
                while day >= t.start:
                    days.append(day)
                    day -= self._gap(t, day)
                days.reverse()
                day = on_today + self._gap(t, on_today)
            else:
                day = t.start + datetime.timedelta(days=rng.randint(1, 5))
            while day <= end:
                days.append(day)
                day += self._gap(t, day)
            held = set()
            for day in days:
                day = _workday(day, skip)
                if day < t.start or (t.last_day is not None and day > t.last_day) or day in held:
                    continue
                held.add(day)
                hours = self._talk_hours(day)
                free = [hour for hour in hours if hour not in busy[(t.coach, day)]]
                hour = rng.choice(free or hours)
                busy[(t.coach, day)].add(hour)
                place = rng.choice(["phone", "home", "outside"]) if rng.random() < 0.3 else "online"
                sessions.talks.append((t, day, hour, place))

    def _talk_hours(self, day: datetime.date) -> list[int]:
        """Hours out of the programme's group time that weekday: the person and the coach
        may be in a group then."""
        taken = self.group_hours.get(day.weekday(), set())
        hours = [hour for hour in TALK_HOURS if hour not in taken]
        return hours or [hour for hour in range(8, 18) if hour not in taken and hour != 12] or [17]

    def _session_rows(self, groups, sessions):
        programme = self.programme.pk
        rng, today = self.rng, self.today
        for group, series, track, first, dates, cancelled in zip(
            groups, self.series, self.group_track, sessions.first, sessions.dates,
            sessions.cancelled, strict=True,
        ):  # fmt: skip
            created = series.created_at
            kind = series.kind_id
            for i, day in enumerate(dates):
                cancelled_at, reason = None, ""
                if i in cancelled:
                    cancelled_at = self._at(min(day, today) - datetime.timedelta(days=1), 16)
                    reason = rng.choice(CANCEL_REASONS)
                yield (
                    first + i, programme, group.pk, series.pk, kind,
                    track.topics[i % len(track.topics)], series.start_time, series.end_time,
                    series.place, series.room_id, series.address,
                    "", None, None, series.bring, "", day, False, cancelled_at, reason, created,
                    cancelled_at or created,
                )  # fmt: skip
        talk = self.kinds["individual_coaching"]
        for pk, (_t, day, hour, place) in enumerate(sessions.talks, start=sessions.talk_start):
            created = self._noon(min(day, today) - datetime.timedelta(days=14))
            yield (
                pk, programme, None, None, talk, "Entretien individuel / Individueel gesprek",
                datetime.time(hour), datetime.time(hour + 1), place, None,
                "Bibliothèque communale" if place == "outside" else "",
                "https://visio.example.org/parcours" if place == "online" else "", None, None, "",
                "", day, False, None, "", created, created,
            )  # fmt: skip

    def _facilitator_rows(self, sessions):
        for coaches, first, dates in zip(
            self.group_coaches, sessions.first, sessions.dates, strict=True
        ):
            for coach in coaches:
                yield from ((first + i, coach) for i in range(len(dates)))
        for pk, (t, *_rest) in enumerate(sessions.talks, start=sessions.talk_start):
            if t.coach:
                yield (pk, t.coach)

    # Attendance ------------------------------------------------------------------------

    def _attendance(self, groups, sessions, trajectories) -> tuple[int, dict]:
        """Each person's rows in date order, the status drawn as they are written: the
        published shape, absences rising before a drop-out, a few people who stopped coming
        lately. Past sessions are recorded by their facilitator at noon; today's and later
        ones are still to take."""
        rng, today = self.rng, self.today
        drifting = self._drifting(trajectories)
        talks = defaultdict(list)
        for pk, (t, day, hour, _place) in enumerate(sessions.talks, start=sessions.talk_start):
            talks[t.pk].append((day, hour, pk, False, t.coach))
        history = defaultdict(list)  # participant -> (day, hour, status) recorded
        rows = []
        for t in trajectories:
            mine = list(talks.get(t.pk, ()))
            group_days = []
            for s in t.stints:
                dates, first = sessions.dates[s.group], sessions.first[s.group]
                cancelled = sessions.cancelled[s.group]
                coaches = self.group_coaches[s.group]
                coach = coaches[0] if coaches else None
                low = bisect.bisect_left(dates, s.start)
                high = len(dates) if s.last_day is None else bisect.bisect_right(dates, s.last_day)
                hour = self.group_track[s.group].hour
                for i in range(low, high):
                    mine.append((dates[i], hour, first + i, i in cancelled, coach))
                    if i not in cancelled and dates[i] < today:
                        group_days.append(dates[i])
            mine.sort()
            group_days.sort()
            drift_from = None
            if t.pk in drifting:
                drift_from = today - datetime.timedelta(days=DRIFT_DAYS)
                if len(group_days) >= DRIFT_SESSIONS:
                    drift_from = min(drift_from, group_days[-DRIFT_SESSIONS])
            fading = None
            if t.dropped_out and t.last_day is not None:
                fading = rng.randint(*DROP_OUT_DAYS)
            for day, hour, session, cancelled, coach in mine:
                if day >= today or cancelled:
                    rows.append((session, t.participant, "expected", "", None, None, 1))
                    continue
                if drift_from is not None and day >= drift_from:
                    status = "absent"
                elif fading and (t.last_day - day).days < fading:
                    closeness = 1 - (t.last_day - day).days / fading
                    status = (
                        rng.choice(["absent", "absent", "excused"])
                        if rng.random() < 0.8 * closeness
                        else _draw(rng)
                    )
                else:
                    status = _draw(rng)
                reason = rng.choice(EXCUSES) if status == "excused" else ""
                rows.append((session, t.participant, status, reason, coach, self._noon(day), 2))
                if t.participant in self.open_people:
                    history[t.participant].append((day, hour, status))
        rows.sort(key=lambda row: row[0])
        return bulk.insert(Attendance, ATTENDANCE_FIELDS, rows), history

    def _drifting(self, trajectories) -> set[int]:
        """About one in ten of each coach's people in a group for six weeks or more."""
        settled = defaultdict(list)
        since = self.today - datetime.timedelta(weeks=6)
        for t in trajectories:
            if t.status == Enrolment.Status.ACTIVE and any(
                s.start <= since and s.last_day is None for s in t.stints
            ):
                settled[t.coach].append(t.pk)
        drifting = set()
        for coach in sorted(settled, key=lambda c: (c is None, c or 0)):
            people = settled[coach]
            drifting.update(self.rng.sample(people, max(1, round(len(people) * DRIFT_SHARE))))
        return drifting

    def _figures(self, history) -> None:
        """The attendance rate, absences in a row and last attended day of the open
        enrolments, by services.attendance_figures (as refresh_attendance_figures does), from
        the rows just written. One prepared UPDATE run for all of them: the ORM's
        bulk_update spent longer building its CASE expressions than the database writing."""
        figures = []
        for pk, participant in self.open_enrolments:
            rows = sorted(history.get(participant, ()), reverse=True)
            if not rows:
                continue  # the defaults: no rate, no absences, never attended
            rate, in_a_row, last = services.attendance_figures(
                [(status, day) for day, _hour, status in rows]
            )
            figures.append((None if rate is None else round(rate, 1), in_a_row, last, pk))
        meta = Enrolment._meta
        quote = connection.ops.quote_name
        columns = [
            meta.get_field(name).column
            for name in ["attendance_rate", "consecutive_absences", "last_attended_on"]
        ]
        assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
        sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
        with connection.cursor() as cursor:
            cursor.executemany(sql, figures)

    # Helpers ---------------------------------------------------------------------------

    def _noon(self, day: datetime.date) -> datetime.datetime:
        moment = self._noons.get(day)
        if moment is None:
            moment = self._noons[day] = self._at(day, 12)
        return moment

    @staticmethod
    def _at(day: datetime.date, hour: int) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class _Sessions:
    """One programme's sessions: per group its dates (ids first + i) and the ones cancelled,
    then the talks (ids from talk_start), as (trajectory, day, hour, place)."""

    def __init__(self):
        self.first: list[int] = []
        self.dates: list[list[datetime.date]] = []
        self.cancelled: list[set[int]] = []
        self.talks: list[tuple] = []
        self.dates_count = 0
        self.talk_start = 0


def _bands(people: list[_Trajectory]) -> list[list[_Trajectory]]:
    """Contiguous level bands, adjacent levels together until a band has about a group's
    worth of people at its busiest."""
    by_rank = defaultdict(list)
    for t in people:
        by_rank[t.rank].append(t)
    bands, current = [], []
    for rank in sorted(by_rank):
        current += by_rank[rank]
        if _peak(current) >= BAND_PEAK:
            bands.append(current)
            current = []
    if current:
        if bands:
            bands[-1] += current
        else:
            bands.append(current)
    return bands


def _peak(people: list[_Trajectory]) -> int:
    """The most people in the programme on one day (from their start to their last day)."""
    events = []
    for t in people:
        events.append((t.start, 1))
        if t.last_day is not None:
            events.append((t.last_day + datetime.timedelta(days=1), -1))
    events.sort()  # on the same day, who left before who joins
    peak = present = 0
    for _day, step in events:
        present += step
        peak = max(peak, present)
    return peak


def _assign(band: list[_Trajectory], count: int) -> list[int]:
    """The group of each person, in order of start: the one with the fewest people that day."""
    members: list[list] = [[] for _ in range(count)]  # heaps of last days
    chosen = []
    for t in sorted(band, key=lambda t: (t.start, t.pk)):
        for heap in members:
            while heap and heap[0] < t.start:
                heapq.heappop(heap)
        slot = min(range(count), key=lambda i: (len(members[i]), i))
        heapq.heappush(members[slot], t.last_day or datetime.date.max)
        chosen.append(slot)
    return chosen


def _draw(rng: random.Random) -> str:
    return _STATUSES[bisect.bisect_right(_CUMULATIVE, rng.random() * _CUMULATIVE[-1])]


def _workday(day: datetime.date, skip: set[datetime.date]) -> datetime.date:
    """The day itself, or the working day before it (talks are not held on weekends or
    holidays)."""
    while day.weekday() >= 5 or day in skip:
        day -= datetime.timedelta(days=1)
    return day


def _label(rank: int) -> str:
    return Cefr.values[rank].replace("_", "-").upper()


def _last_day(members: list[_Stint], today: datetime.date) -> datetime.date | None:
    """A group whose people have all left ended on the last one's last day; the others run
    on (None)."""
    if any(s.last_day is None for s in members):
        return None
    last = max(s.last_day for s in members)
    return last if last < today else None


def _assign_capped(band: list[_Stint], track, cap: float) -> list[list[_Stint]]:
    """Groups for a band under a mother-tongue cap: each person, in order of start, joins the
    least full group where, on every day the track could meet while they are in it, the group
    stays within its size and no mother tongue goes over `cap` (read from CAP_FROM people on);
    a new group opens when none can take them. The days are the track's weekdays (a superset
    of its sessions), so the cap holds at every session."""
    if not band:
        return []
    first = min(s.start for s in band)
    last = max((s.last_day or s.start for s in band), default=first) + SERIES_AHEAD
    days = [
        first + datetime.timedelta(days=n)
        for n in range((last - first).days + 1)
        if (first + datetime.timedelta(days=n)).weekday() in track.weekdays
    ]
    size = track.group_size()
    groups: list[tuple[list, list[int], dict]] = []  # (members, people per day, tongue -> per day)
    for s in sorted(band, key=lambda s: (s.start, s.pk)):
        low = bisect.bisect_left(days, s.start)
        high = len(days) if s.last_day is None else bisect.bisect_right(days, s.last_day)
        span = range(low, high)
        tongue = s.t.tongue or f"?{s.pk}"

        at = low if low < len(days) else len(days) - 1
        order = sorted(range(len(groups)), key=lambda g: (groups[g][1][at], g))
        chosen = next((groups[g] for g in order if _fits(groups[g], span, tongue, size, cap)), None)
        if chosen is None:
            chosen = ([], [0] * len(days), {})
            groups.append(chosen)
        members, total, tongues = chosen
        members.append(s)
        counts = tongues.setdefault(tongue, [0] * len(days))
        for i in span:
            total[i] += 1
            counts[i] += 1
    return [members for members, _total, _tongues in groups]


def _fits(group, span: range, tongue: str, size: int, cap: float) -> bool:
    _members, total, tongues = group
    own = tongues.get(tongue)
    for i in span:
        n = total[i] + 1
        if n > size:
            return False
        if n < CAP_FROM:
            continue
        if ((own[i] if own else 0) + 1) > cap * n:
            return False
        if n == CAP_FROM and any(
            counts[i] > cap * n for other, counts in tongues.items() if other != tongue
        ):
            return False
    return True
