"""`manage.py load_demo_data`: every demo loader, in the order each one needs the rows of the
ones before it (people, then their trajectories, assessments, evaluations and exits, to-dos,
groups and sessions, the portal, the funder's facts). Deterministic for a given seed and date."""

import datetime
import logging
import random
import time
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from demo import evaluations, people, portal, reminders, reports, sessions, todos, trajectories
from evaluations import progress as domain_progress
from sessions import months as attendance_months

logger = logging.getLogger("parcours.demo")

# After the people and their trajectories, each step draws from the shared generator: the
# order is part of the data (the same seed gives the same rows only in this order).
STEPS = [
    evaluations.load,
    evaluations.load_evaluations,
    evaluations.load_exits,
    todos.load_todos,
    sessions.load,
    portal.load,
    reports.load,
    reminders.load,
]


def load(*, scale: int = 1, seed: int = 2026, today: datetime.date | None = None) -> dict:
    """Build every demo organisation. `scale` multiplies the number of participants
    (40 per organisation at scale 1)."""
    with _fast_sqlite():
        counts = _load(scale=scale, seed=seed, today=today)
    # Fresh statistics for the query planner after a bulk load: without them SQLite picks
    # indexes by rule of thumb (a follow-up call's status over its enrolment, say).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def already_loaded() -> bool:
    return get_user_model().objects.filter(username="coach").exists()


@contextmanager
def _fast_sqlite():
    """On SQLite, skip waiting for the disk during the load: a crash mid-load leaves a demo
    database to rebuild, nothing of value. Only for this connection and only while loading."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")  # 256 MB of pages while building indexes
        cursor.execute("PRAGMA temp_store=MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=NORMAL")


@transaction.atomic
def _load(*, scale: int, seed: int, today: datetime.date | None) -> dict:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    clock = _Phases()
    counts = people.load(rng, today, scale=scale)
    clock.done("organisations and participants")
    # A generator of its own, seeded from the main one: however many draws the trajectories
    # take, what the later steps draw stays the same.
    counts.update(trajectories.load(random.Random(rng.getrandbits(32)), today))
    clock.done("trajectories")
    for step in STEPS:
        counts.update(step(rng, today))
        clock.done(f"{step.__module__}.{step.__name__}")
    # Written in bulk above, past the services that keep them: the attendance kept per month
    # and the progress per outcome domain kept per enrolment for the reports, counted once
    # for everyone.
    attendance_months.rebuild()
    clock.done("attendance kept per month")
    domain_progress.rebuild()
    clock.done("progress per outcome domain")
    return counts


class _Phases:
    """How long each phase took, logged (parcours.demo at INFO) so a slow one shows."""

    def __init__(self):
        self.start = time.perf_counter()

    def done(self, phase: str) -> None:
        now = time.perf_counter()
        logger.info("demo data: %s in %.1f s", phase, now - self.start)
        self.start = now
