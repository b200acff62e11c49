"""Demo groups, weekly series, individual talks and recorded attendance for every trajectory
that started, built on the participants' demo data (run by demo.load).

Shaped like the programmes run: each programme keeps a few groups per language level band,
each meeting on the programme's rhythm from its first member's start until a few weeks ahead;
a person joins a group on the day their trajectory starts and leaves it on the day it ends,
and meets their coach every three to five weeks. At `--scale 250` that is close to three
million attendance records, so everything is written with demo.bulk, one programme at a
time, with the dates, holidays and expected people the services would have given.
"""

import bisect
import datetime
import heapq
import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from demo import bulk
from evaluations.models import Cefr, LanguageAssessment
from participants.models import Enrolment, EnrolmentStatusChange, PlannedModule
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
# Group rhythm per programme design: (weekdays, start hour, hours, every n weeks, kind code).
# A programme coded `amie-3` (the same design in another district) has the `amie` rhythm.
RHYTHMS = {
    "amie": ((1,), 9, 3, 1, "collective_coaching"),
    "interactief": ((2,), 13, 4, 1, "workshop"),
    "activ-up": ((3,), 9, 3, 2, "collective_coaching"),
    "mod-actions": ((0,), 9, 3, 1, "workshop"),
    "move-up": ((0, 1, 2), 9, 7, 1, "collective_coaching"),  # 21 hours a week
}
TOPICS = {
    "collective_coaching": "Vivre ensemble / Samen leven",
    "workshop": "Atelier de la semaine / Atelier van de week",
}
# The module a group belongs to, in order of preference.
GROUP_MODULES = [Module.Kind.GROUP, Module.Kind.COLLECTIVE, Module.Kind.WORKSHOP]
CAPACITY = 12
# A band gets one group per GROUP_SIZE people present at its busiest, so that joining the
# least full group never makes one larger than that: the capacity is never exceeded.
GROUP_SIZE = 11
# Adjacent levels share a band until it has about one full group at its busiest.
BAND_PEAK = 10
SERIES_AHEAD = datetime.timedelta(weeks=8)
TALKS_AHEAD = datetime.timedelta(weeks=4)
TALK_GAP_DAYS = (21, 35)
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
    group: int | None = None  # index in the programme's groups


def rhythm(code: str) -> tuple:
    for key, value in RHYTHMS.items():
        if code == key or code.startswith(key + "-"):
            return value
    return RHYTHMS["amie"]


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
        self.kinds = kinds
        self.rng = rng
        self.today = today
        self.clock = clock
        self.rooms_given = rooms_given
        self.weekdays, hour, length, self.interval, self.kind = rhythm(programme.code)
        self.start_time = datetime.time(hour)
        self.end_time = datetime.time(hour + length)
        self.group_hours = range(hour, hour + length)
        self._noons: dict[datetime.date, datetime.datetime] = {}

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
        self.open_enrolments = list(
            Enrolment.objects.filter(programme=self.programme)
            .open()
            .order_by("pk")
            .values_list("pk", "participant_id")
        )
        self.open_people = {participant for _pk, participant in self.open_enrolments}
        return trajectories

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

    def _groups(self, trajectories) -> list[Group]:
        """Level bands, groups in each, and who is in which group when."""
        active = [t for t in trajectories if t.status == Enrolment.Status.ACTIVE]
        waiting = sorted(active, key=lambda t: (t.start, t.pk), reverse=True)
        left_out = {t.pk for t in waiting[: max(2, len(active) // UNPLACED)]} | self.overlapping
        placed = [t for t in trajectories if t.pk not in left_out]
        plans = []  # (members, level low, level high)
        for band in _bands(placed):
            count = -(-_peak(band) // GROUP_SIZE) or 1
            slots = [[] for _ in range(count)]
            for t, slot in zip(
                sorted(band, key=lambda t: (t.start, t.pk)), _assign(band, count), strict=True
            ):
                slots[slot].append(t)
            ranks = sorted({t.rank for t in band})
            plans += [(members, ranks[0], ranks[-1]) for members in slots if members]
        coaches = self._coaches(trajectories)
        rooms = self._rooms(len(plans))
        modules = {  # the first module of each kind
            kind: pk
            for kind, pk in Module.objects.filter(programme=self.programme)
            .order_by("-position")
            .values_list("kind", "pk")
        }
        module = next((modules[kind] for kind in GROUP_MODULES if kind in modules), None)
        groups, self.group_coach = [], []
        for index, (members, low, high) in enumerate(plans):
            band = _label(low) + (f"–{_label(high)}" if high != low else "")
            room = rooms[index] if rooms else None
            groups.append(
                Group(
                    programme=self.programme,
                    module_id=module,
                    name=f"{self.programme.name} — {band} ({index + 1})"[:100],
                    level_low=Cefr.values[low],
                    level_high=Cefr.values[high],
                    capacity=CAPACITY,
                    site_id=room.site_id if room else None,
                    starts_on=min(t.start for t in members),
                )
            )
            self.group_coach.append(coaches[index % len(coaches)] if coaches else None)
            for t in members:
                t.group = index
        bulk.insert_objects(groups)
        bulk.insert(
            Group.coaches.through,
            ["group_id", "user_id"],
            [(g.pk, c) for g, c in zip(groups, self.group_coach, strict=True) if c],
        )
        self.series = [
            Series(
                programme=self.programme,
                group_id=group.pk,
                kind_id=self.kinds[self.kind],
                topic=TOPICS.get(self.kind, ""),
                start_time=self.start_time,
                end_time=self.end_time,
                place="room" if rooms else "outside",
                room_id=rooms[index].pk if rooms else None,
                address="" if rooms else self.programme.organisation.city or "—",
                frequency=Series.Frequency.WEEKLY,
                interval=self.interval,
                weekdays=",".join(str(day) for day in self.weekdays),
                starts_on=group.starts_on,
                ends_on=self.today + SERIES_AHEAD,
                bring="Cahier, stylo / schrift en pen",
                created_at=self._noon(group.starts_on - datetime.timedelta(days=7)),
            )
            for index, group in enumerate(groups)
        ]
        bulk.insert_objects(self.series)
        bulk.insert(
            Series.facilitators.through,
            ["series_id", "user_id"],
            [(s.pk, c) for s, c in zip(self.series, self.group_coach, strict=True) if c],
        )
        bulk.insert(
            GroupMembership,
            ["group_id", "participant_id", "joined_on", "left_on"],
            [
                (groups[t.group].pk, t.participant, t.start, t.last_day)
                for t in trajectories
                if t.group is not None
            ],
        )
        if module is not None:
            self._module_plans(module, trajectories)
        return groups

    def _module_plans(self, module: int, trajectories) -> None:
        """Joining a group of a module puts the module in the person's plan
        (participants.plans.module_join): running while they are in the group, done when they
        left it at the end, stopped when they dropped out."""
        now = timezone.now()
        rows = []
        # Loaded again over the same people (a second run), a module already planned stays.
        planned = set(
            PlannedModule.objects.filter(module_id=module).values_list("enrolment_id", flat=True)
        )
        for t in trajectories:
            if t.group is None or t.pk in planned:
                continue
            running = t.last_day is None or t.status == "paused"
            status = "running" if running else ("stopped" if t.dropped_out else "done")
            reason = "left_programme" if status == "stopped" else ""
            ends_on = None if running else max(t.last_day, t.start)
            rows.append((t.pk, module, status, 1, t.start, ends_on, reason, "", now))
        bulk.insert(
            PlannedModule,
            ["enrolment_id", "module_id", "status", "position", "starts_on", "ends_on",
             "stop_reason", "note", "updated_at"],
            rows,
        )  # fmt: skip

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

    def _rooms(self, count: int) -> list[Room]:
        """A room of its own for each group of the organisation: the programmes of one
        organisation share its sites and meet at the same hours."""
        sites = list(self.programme.sites.order_by("pk"))
        if not sites:
            return []
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
            Room(site_id=site, name=name, capacity=14)
            for site, name in wanted
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
        for group in groups:
            dates = recurrence.dates(
                frequency="weekly",
                interval=self.interval,
                weekdays=self.weekdays,
                starts_on=group.starts_on,
                ends_on=last,
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

    def _talks(self, trajectories, sessions, skip) -> None:
        """An individual talk every three to five weeks from the start to the end of each
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
                    day -= datetime.timedelta(days=rng.randint(*TALK_GAP_DAYS))
                days.reverse()
                day = on_today + datetime.timedelta(days=rng.randint(*TALK_GAP_DAYS))
            else:
                day = t.start + datetime.timedelta(days=rng.randint(3, 10))
            while day <= end:
                days.append(day)
                day += datetime.timedelta(days=rng.randint(*TALK_GAP_DAYS))
            for day in days:
                day = _workday(day, skip)
                if day < t.start or (t.last_day is not None and day > t.last_day):
                    continue
                hours = self._talk_hours(day)
                free = [hour for hour in hours if hour not in busy[(t.coach, day)]]
                hour = rng.choice(free or hours)
                busy[(t.coach, day)].add(hour)
                place = rng.choice(["phone", "home", "outside"]) if rng.random() < 0.3 else "online"
                sessions.talks.append((t, day, hour, place))

    def _talk_hours(self, day: datetime.date) -> list[int]:
        """Hours out of the programme's group time on a group day: the person and the coach
        are in the group then."""
        if day.weekday() not in self.weekdays:
            return list(TALK_HOURS)
        return [hour for hour in range(8, 18) if hour not in self.group_hours and hour != 12]

    def _session_rows(self, groups, sessions):
        programme = self.programme.pk
        kind = self.kinds[self.kind]
        rng, today = self.rng, self.today
        for group, series, first, dates, cancelled in zip(
            groups, self.series, sessions.first, sessions.dates, sessions.cancelled, strict=True
        ):
            created = series.created_at
            for i, day in enumerate(dates):
                cancelled_at, reason = None, ""
                if i in cancelled:
                    cancelled_at = self._at(min(day, today) - datetime.timedelta(days=1), 16)
                    reason = rng.choice(CANCEL_REASONS)
                yield (
                    first + i, programme, group.pk, series.pk, kind, series.topic,
                    self.start_time, self.end_time, series.place, series.room_id, series.address,
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
        for coach, first, dates in zip(
            self.group_coach, sessions.first, sessions.dates, strict=True
        ):
            if coach:
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
            if t.group is not None:
                dates, first = sessions.dates[t.group], sessions.first[t.group]
                cancelled, coach = sessions.cancelled[t.group], self.group_coach[t.group]
                low = bisect.bisect_left(dates, t.start)
                high = len(dates) if t.last_day is None else bisect.bisect_right(dates, t.last_day)
                hour = self.start_time.hour
                for i in range(low, high):
                    mine.append((dates[i], hour, first + i, i in cancelled, coach))
                    if i not in cancelled and dates[i] < today:
                        group_days.append(dates[i])
            mine.sort()
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
            if t.status == Enrolment.Status.ACTIVE and t.group is not None and t.start <= since:
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
