"""Demo groups, weekly series, individual sessions and recorded attendance, built on the
participants' demo data (registered as an extension in SessionsConfig.ready)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from evaluations.models import Cefr, LanguageAssessment
from participants.models import Enrolment
from programme.models import Programme, Room, Staff
from sessions import services
from sessions.models import (
    Attendance,
    GroupMembership,
    Session,
    SessionKind,
    ensure_default_kinds,
)

# Published shape: most people come, some are late, health keeps some away.
ATTENDANCE_WEIGHTS = [("present", 78), ("late", 6), ("excused", 9), ("absent", 7)]
EXCUSES = [
    "Rendez-vous médical",
    "Enfant malade",
    "Rendez-vous au CPAS",
    "Ziek",
    "Afspraak bij de dokter",
]
# Group rhythm per programme code: (weekday, start hour, hours, every n weeks, kind code).
RHYTHMS = {
    "amie": (1, 9, 3, 1, "collective_coaching"),
    "interactief": (2, 13, 4, 1, "workshop"),
    "activ-up": (3, 9, 3, 2, "collective_coaching"),
    "mod-actions": (0, 9, 3, 1, "workshop"),
    "move-up": (0, 9, 7, 1, "collective_coaching"),  # plus Tue–Thu below: 21 hours a week
}
TOPICS = {
    "collective_coaching": "Vivre ensemble / Samen leven",
    "workshop": "Atelier de la semaine / Atelier van de week",
}


def load(rng: random.Random, today: datetime.date) -> dict:
    ensure_default_kinds()
    kinds = {kind.code: kind for kind in SessionKind.objects.filter(programme__isnull=True)}
    counts = {"groups": 0, "sessions": 0, "attendance": 0}
    for programme in Programme.objects.select_related("organisation").order_by("pk"):
        built = _programme(programme, kinds, rng, today)
        for key in counts:
            counts[key] += built[key]
    return counts


def _programme(programme, kinds, rng, today):
    sites = list(programme.sites.all())
    rooms = Room.objects.bulk_create(
        Room(site=site, name=name, capacity=capacity)
        for site in sites
        for name, capacity in [("Salle 1 / Zaal 1", 14), ("Salle 2 / Zaal 2", 8)]
    )
    coaches = list(
        get_user_model()
        .objects.filter(staff__organisation=programme.organisation, staff__role=Staff.Role.COACH)
        .order_by("pk")
    )
    active = list(
        Enrolment.objects.filter(programme=programme, status__in=["active", "paused"])
        .select_related("participant")
        .order_by("pk")
    )
    weekday, hour, length, interval, kind_code = RHYTHMS.get(
        programme.code, (1, 9, 3, 1, "collective_coaching")
    )
    # Groups by level, from each person's latest assessment; the last few stay unplaced, so
    # the grouping proposal has people to place.
    level_of = dict(
        LanguageAssessment.objects.latest_per_participant()
        .filter(participant__in=[e.participant_id for e in active])
        .values_list("participant_id", "oral")
    )
    active.sort(key=lambda e: (Cefr.rank(level_of.get(e.participant_id, "a1")), e.pk))
    placed = active[: len(active) - max(2, len(active) // 7)]
    size = -(-len(placed) // -(-len(placed) // 10)) if placed else 10  # balanced, at most 10
    groups = []
    for index in range(0, len(placed), size):
        members = placed[index : index + size]
        levels = sorted({level_of.get(e.participant_id, "a1") for e in members}, key=Cefr.rank)
        band = _label(levels[0]) + (f"–{_label(levels[-1])}" if len(levels) > 1 else "")
        group = services.group_create(
            data={
                "programme": programme,
                "name": f"{programme.name} — {band} ({index // size + 1})",
                "level_low": levels[0],
                "level_high": levels[-1],
                "capacity": 12,
                "site": sites[0] if sites else None,
                "starts_on": today - datetime.timedelta(weeks=12),
            },
            coaches=[coaches[(index // size) % len(coaches)]],
        )
        GroupMembership.objects.bulk_create(
            GroupMembership(
                group=group, participant=e.participant, joined_on=max(e.started_on, group.starts_on)
            )
            for e in members
        )
        days = str(weekday) if programme.code != "move-up" else "0,1,2"
        series = services.series_create(
            data={
                "programme": programme,
                "group": group,
                "kind": kinds[kind_code],
                "topic": TOPICS.get(kind_code, ""),
                "start_time": datetime.time(hour),
                "end_time": datetime.time(hour + length),
                "place": "room",
                "room": rooms[(index // size) % len(rooms)],
                "frequency": "weekly",
                "interval": interval,
                "weekdays": days,
                "starts_on": group.starts_on,
                "ends_on": today + datetime.timedelta(weeks=8),
                "bring": "Cahier, stylo / schrift en pen",
            },
            facilitators=group.coaches.all(),
        )
        groups.append((group, series))
    _individual_sessions(programme, active, kinds, coaches, rng, today)
    recorded = _record_past(programme, rng, today)
    ids = [e.participant_id for e in active]
    services.refresh_attendance_figures(participant_ids=ids, programme_id=programme.pk)
    return {
        "groups": len(groups),
        "sessions": Session.objects.filter(programme=programme).count(),
        "attendance": recorded,
    }


def _individual_sessions(programme, active, kinds, coaches, rng, today):
    """A coaching talk every few weeks with each active person, some by phone or at home.
    Built in bulk: at national scale these are hundreds of thousands of rows."""
    planned = []
    for enrolment in active:
        for weeks_ago in (9, 5, 1, -2):
            day = today - datetime.timedelta(weeks=weeks_ago, days=rng.randint(0, 3))
            if day.weekday() >= 5:
                day -= datetime.timedelta(days=2)
            start = rng.choice([10, 11, 14, 15])
            place = rng.choice(["phone", "home", "outside"]) if rng.random() < 0.3 else "online"
            session = Session(
                programme=programme,
                kind=kinds["individual_coaching"],
                topic="Entretien individuel / Individueel gesprek",
                date=day,
                start_time=datetime.time(start),
                end_time=datetime.time(start + 1),
                place=place,
                online_link="https://visio.example.org/parcours" if place == "online" else "",
                address="Bibliothèque communale" if place == "outside" else "",
            )
            planned.append((session, enrolment.participant_id, (enrolment.coach or coaches[0]).pk))
    sessions = Session.objects.bulk_create(
        [session for session, _p, _c in planned], batch_size=2000
    )
    Session.facilitators.through.objects.bulk_create(
        [
            Session.facilitators.through(session_id=s.pk, user_id=coach)
            for s, (_s, _p, coach) in zip(sessions, planned, strict=True)
        ],
        batch_size=2000,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(session_id=s.pk, participant_id=person)
            for s, (_s, person, _c) in zip(sessions, planned, strict=True)
        ],
        batch_size=2000,
    )


def _record_past(programme, rng, today) -> int:
    """Record attendance of past sessions; a few people stay away for the last weeks, so the
    "needs attention" list has something to show."""
    rows = list(
        Attendance.objects.filter(session__programme=programme, session__date__lt=today)
        .select_related("session")
        .order_by("session__date", "pk")
    )
    people = sorted({row.participant_id for row in rows})
    drifting = set(rng.sample(people, max(1, len(people) // 10))) if people else set()
    statuses, weights = zip(*ATTENDANCE_WEIGHTS, strict=True)
    coach_at = {}
    for row in rows:
        recent = (today - row.session.date).days < 21
        if row.participant_id in drifting and recent:
            row.status = "absent"
        else:
            row.status = rng.choices(statuses, weights=weights)[0]
        row.reason = rng.choice(EXCUSES) if row.status == "excused" else ""
        row.recorded_at = coach_at.setdefault(row.session_id, _noon(row.session.date))
        row.version = 2
    Attendance.objects.bulk_update(
        rows, ["status", "reason", "recorded_at", "version"], batch_size=2000
    )
    return len(rows)


def _label(level: str) -> str:
    return level.replace("_", "-").upper()


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
