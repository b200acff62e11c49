"""Measure one database (DATABASE_URL, set by bench/run.py): SQL queries per request and
server time p50/p95 over repeated requests with Django's test client, in process; the funder
report against its bare SQL floor; the PDF. Prints one JSON document on stdout."""

import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Loopback without TLS: no redirect to https.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from ops.runtime import settle  # noqa: E402
from participants.models import Enrolment  # noqa: E402
from programme.services import api_token_create  # noqa: E402
from sessions.models import Attendance, Session  # noqa: E402

# The test client's host; static files as in DEBUG (no manifest needed in process).
settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)

REPEAT = int(os.environ.get("BENCH_REPEAT", "20"))

# As a web process settles after start-up (config/wsgi.py): what is loaded, frozen.
settle()


def timed(client: Client, url: str, repeat: int = REPEAT, **headers) -> dict:
    client.get(url, **headers)  # warm: caches, the key's last-use write
    times, queries, status = [], [], None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url, **headers)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
        status = response.status_code
    times.sort()
    return {
        "status": status,
        # The fewest: a signed-in session is written back once a minute
        # (programme.security.StaffSessionMiddleware), which adds queries to whichever request
        # comes then, more often the slower the machine; the page's own count is the same at
        # every request.
        "queries": min(queries),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)], 1),
        "bytes": len(response.content) if not hasattr(response, "streaming_content") else 0,
    }


@dataclass
class Setup:
    coach_client: Client
    manager_client: Client
    manager: object
    programme: object
    year_start: datetime.date
    year_end: datetime.date
    portal: Client | None
    pages: dict


def setup() -> Setup:
    """Signed-in clients and the URL of each page and API list (shared with bench/explain.py)."""
    User = get_user_model()
    coach = User.objects.get(username="coach")
    manager = User.objects.get(username="manager")
    coach_client, manager_client = _signed_in(coach), _signed_in(manager)
    _token, key = api_token_create(user=coach, name="bench")
    api = Client(headers={"authorization": f"Bearer {key}"})
    today = timezone.localdate()

    participant_id = (
        Enrolment.objects.filter(coach=coach, status="active")
        .order_by("pk")
        .values_list("participant_id", flat=True)
        .first()
    )
    # A group session of the coach's with the most people expected, recent.
    session_id = (
        Session.objects.filter(group__coaches=coach, date__lte=today)
        .order_by("-date")
        .values_list("pk", flat=True)
        .first()
    )
    programme = coach.staff.organisation.programmes.order_by("pk").first()
    year_start = datetime.date(today.year - 1, 1, 1)
    year_end = datetime.date(today.year - 1, 12, 31)
    period = f"programme={programme.pk}&start={year_start}&end={year_end}"

    pages = {
        "coach's agenda": (coach_client, "/agenda/"),
        "session attendance page": (coach_client, f"/sessions/{session_id}/"),
        "participant file": (coach_client, f"/participants/{participant_id}/"),
        "caseload search": (coach_client, "/participants/?q=an"),
        "caseload (manager, whole organisation)": (manager_client, "/participants/"),
        "manager dashboard": (manager_client, f"/reports/dashboard/?{period}"),
        # What a manager sees first: every programme of the organisation, this year so far.
        "manager dashboard (whole organisation, this year)": (
            manager_client,
            "/reports/dashboard/",
        ),
        "funder report HTML (one programme, a year)": (
            manager_client,
            f"/reports/funder/?{period}",
        ),
    }
    portal = _portal_client(participant_id)
    if portal is not None:
        pages["portal home"] = (portal, "/p/home/")
    for name in [
        "participants", "enrolments", "sessions", "attendance", "evaluations", "placements",
        "referrals", "follow-up-calls", "language-assessments", "groups",
    ]:  # fmt: skip
        pages[f"API /api/{name}/"] = (api, f"/api/{name}/")
    return Setup(
        coach_client, manager_client, manager, programme, year_start, year_end, portal, pages
    )


def main() -> None:
    load_before = _load_average()
    bench = setup()
    manager, programme, portal, coach_client = (
        bench.manager, bench.programme, bench.portal, bench.coach_client
    )  # fmt: skip
    year_start, year_end, pages = bench.year_start, bench.year_end, bench.pages
    results = {}
    for name, (client, url) in pages.items():
        repeat = min(5, REPEAT) if "funder" in name or "dashboard" in name else REPEAT
        results[name] = timed(client, url, repeat=repeat)
        print(f"  {name}: {results[name]}", file=sys.stderr)

    results["funder report PDF"] = _pdf(manager, programme, year_start, year_end)
    for size, result in _record_pdfs(manager).items():
        results[f"participant record PDF ({size})"] = result
    floor = _floor(programme, year_start, year_end)
    report = results["funder report HTML (one programme, a year)"]
    counts = {
        "participants": _count("participants_participant"),
        "enrolments": Enrolment.objects.count(),
        "attendance": Attendance.objects.count(),
        "sessions": Session.objects.count(),
    }
    print(
        json.dumps(
            {
                "vendor": connection.vendor,
                "counts": counts,
                "pages": results,
                "funder_floor_ms": floor,
                "funder_ratio": round(report["p50_ms"] / floor, 1) if floor else None,
                # The machine's load when the measuring began and ended: on a busy machine
                # every time is longer.
                "load_average": [load_before, _load_average()],
                "cookies": {
                    "coach": coach_client.cookies["sessionid"].value,
                    "manager": bench.manager_client.cookies["sessionid"].value,
                    "portal": portal.cookies["sessionid"].value if portal else "",
                },
            }
        )
    )


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def _signed_in(user) -> Client:
    """A staff client past the sign-in, second factor included (as after typing the code)."""
    client = Client()
    client.force_login(user)
    try:
        from programme import two_factor
    except ImportError:
        return client
    session = client.session
    session[two_factor.STATE] = two_factor.DONE
    session.save()
    return client


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 — a fixed table name
        return cursor.fetchone()[0]


def _portal_client(participant_id):
    try:
        from django.contrib.auth.hashers import make_password

        from participants.models import Participant
        from portal.services import portal_access_issue
    except ImportError:
        return None
    participant = Participant.objects.get(pk=participant_id)
    access, code = portal_access_issue(participant=participant, by=participant.coach)
    access.pin_hash = make_password("2580")
    access.save(update_fields=["pin_hash"])
    client = Client()
    client.get(f"/p/{code}/")
    client.post("/p/pin/", {"pin": "2580"})
    return client


def _pdf(manager, programme, start, end) -> dict:
    from reports.figures import Period
    from reports.models import FunderSnapshot
    from reports.services import funder_snapshot_request

    snapshot = funder_snapshot_request(programme=programme, period=Period(start, end), by=manager)
    snapshot = FunderSnapshot.objects.get(pk=snapshot.pk)
    return _timed_pdf(_signed_in(manager), f"/reports/funder/snapshots/{snapshot.pk}.pdf")


def _record_pdfs(manager) -> dict:
    """Participant records as PDFs (the rights export) of the manager's organisation: the
    longest one, and one with two fifths of its attendance rows (the record's longest
    section), which made about twenty pages at scale 250 when each value sat under its label;
    since a row is a line (issue 18), it is a few pages, and the name stays for comparison."""
    from django.db.models import Count

    from participants.models import Participant

    people = (
        Participant.objects.filter(organisation=manager.staff.organisation)
        .annotate(rows=Count("attendances"))
        .order_by("-rows", "pk")
    )
    client = _signed_in(manager)
    longest = people.first()
    results = {"longest": _timed_pdf(client, f"/participants/{longest.pk}/record.pdf")}
    wanted = longest.rows * 2 // 5
    twenty = people.filter(rows__lte=wanted).first()
    results["about twenty pages"] = _timed_pdf(client, f"/participants/{twenty.pk}/record.pdf")
    return results


def _timed_pdf(client: Client, url: str) -> dict:
    result = timed(client, url, repeat=min(3, REPEAT))
    result["pages"] = _pages(client.get(url).content)
    return result


def _pages(pdf: bytes) -> int | None:
    """Pages as poppler's pdfinfo reads them (WeasyPrint packs its page objects in
    compressed streams, so counting them in the bytes doesn't work)."""
    try:
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(rb"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    return int(match.group(1)) if match else None


def _floor(programme, start, end) -> float:
    """The bare SQL for the report's figures, written as directly as we could, for both of its
    columns (the period, and since the programme's start): people taking part by gender and
    age band with their exits by reason and destination (one aggregate over enrolments and
    participants), and the people attending each kind of session of each module (one
    aggregate over the attendance kept per month). Both timed together, best of five: the
    floor the page's own time is compared with."""
    since = min(programme.starts_on, start)
    people = """
        SELECT p.gender,
               CASE WHEN p.birth_date > %s THEN 'under 25' ELSE '25 and over' END,
               e.exit_reason, e.exit_destination,
               COUNT(DISTINCT CASE WHEN e.exited_on IS NULL OR e.exited_on >= %s
                                   THEN e.participant_id END),
               COUNT(DISTINCT e.participant_id),
               COUNT(DISTINCT CASE WHEN e.exited_on BETWEEN %s AND %s THEN e.id END),
               COUNT(DISTINCT CASE WHEN e.exited_on BETWEEN %s AND %s THEN e.id END)
          FROM participants_enrolment e
          JOIN participants_participant p ON p.id = e.participant_id
         WHERE e.programme_id = %s AND e.started_on <= %s
           AND (e.exited_on IS NULL OR e.exited_on >= %s)
         GROUP BY 1, 2, 3, 4
    """
    # From the attendance kept per month (decision 28), as the report reads it: a year's
    # period is whole months, so no edge days.
    attended = """
        SELECT m.kind_id, m.module_id,
               COUNT(DISTINCT CASE WHEN m.month >= %s THEN m.participant_id END),
               COUNT(DISTINCT m.participant_id)
          FROM activities_attendancemonth m
         WHERE m.programme_id = %s AND m.month BETWEEN %s AND %s AND m.attended > 0
         GROUP BY 1, 2
    """
    young = datetime.date(end.year - 25, end.month, end.day)
    queries = [
        (people, [young, start, start, end, since, end, programme.pk, end, since]),
        (attended, [start, programme.pk, since.replace(day=1), end]),
    ]
    best = None
    for _ in range(5):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        best = elapsed if best is None else min(best, elapsed)
    return round(best, 1)


if __name__ == "__main__":
    main()
