"""Many writers at once through a production server (issue 8, item 7).

gunicorn serves the project with production settings (DEBUG off) from several processes with
several threads each, on a database of its own; 24 clients record attendance and edit the same
people at the same time through the API (sessions.services.attendance_record,
participants.services.participant_update), each reading the version first and writing with it.
No "database is locked" or other server error may reach a client, and no update may be lost:
each record ends with exactly the changes that were answered as applied (a write refused
because someone else's came first, 409, is fine and counted)."""

import json
import random
import socket
import sys
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.integrity.conftest import popen, run, sqlite_url

CLIENTS = 24
WRITES_PER_CLIENT = 25
PEOPLE = 8
COACHES = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(database_url: str, kill_later) -> str:
    port = _free_port()
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = popen(
        [
            str(gunicorn),
            "config.wsgi:application",
            "--workers",
            "4",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ],  # fmt: skip
        database_url,
        env={
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "integrity-test-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            # TLS ends at the proxy in production; the clients say so as the proxy would.
            "DJANGO_BEHIND_PROXY": "true",
            # What the production check asks for (ops/checks.py); no mail leaves in this test.
            "PARCOURS_ALLOW_SQLITE": "true",
            "EMAIL_URL": "smtp://127.0.0.1:25",
            "PARCOURS_BASE_URL": "https://127.0.0.1",
        },
    )
    kill_later(process)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                return base
        except OSError:
            assert process.poll() is None, process.stderr.read()[-3000:]
            time.sleep(0.5)
    raise AssertionError("gunicorn did not start")


def call(base: str, key: str, method: str, path: str, body: dict | None = None):
    request = urllib.request.Request(  # noqa: S310
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Accept": "application/json",
            "X-Forwarded-Proto": "https",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


class Load:
    def __init__(self, base: str, world: dict):
        self.base, self.world = base, world
        self.answers = Counter()
        self.errors = []
        self.children_added = Counter()
        self.attendance_applied = defaultdict(list)  # id → [(version, status)]

    def client(self, number: int) -> None:
        rng = random.Random(number)
        coach = number % COACHES
        key = self.world["keys"][coach]
        mine = self.world["participants"][coach::COACHES]
        for _ in range(WRITES_PER_CLIENT):
            if rng.random() < 0.5:
                self.edit_participant(key, rng.choice(mine))
            else:
                self.record_attendance(key, rng.choice(self.world["attendance"]), rng)

    def _check(self, status, body, what):
        self.answers[(what, status)] += 1
        if status >= 500 or "locked" in str(body):
            self.errors.append((what, status, str(body)[:300]))

    def edit_participant(self, key, pk):
        status, person = call(self.base, key, "GET", f"/api/participants/{pk}/")
        self._check(status, person, "read person")
        if status != 200:
            return
        status, body = call(
            self.base, key, "PATCH", f"/api/participants/{pk}/",
            {"children": person["children"] + 1, "version": person["version"]},
        )  # fmt: skip
        self._check(status, body, "edit person")
        if status == 200:
            self.children_added[pk] += 1

    def record_attendance(self, key, pk, rng):
        status, row = call(self.base, key, "GET", f"/api/attendance/{pk}/")
        self._check(status, row, "read attendance")
        if status != 200:
            return
        mark = rng.choice(["present", "late", "absent"])
        status, body = call(
            self.base, key, "PATCH", f"/api/attendance/{pk}/",
            {"status": mark, "version": row["version"]},
        )  # fmt: skip
        self._check(status, body, "record attendance")
        if status == 200:
            self.attendance_applied[pk].append((body["version"], mark))


def hammer_and_check(database_url: str, kill_later) -> Counter:
    world = json.loads(
        run(["-m", "tests.integrity.scripts", "world", str(PEOPLE), str(COACHES)], database_url)
        .stdout.strip()
        .splitlines()[-1]
    )
    base = serve(database_url, kill_later)
    load = Load(base, world)
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(load.client, range(CLIENTS)))

    assert load.errors == []
    assert set(status for (_what, status) in load.answers) <= {200, 409}, load.answers
    applied = sum(
        n for (what, status), n in load.answers.items() if status == 200 and "edit" in what
    )
    assert applied > 0
    for index, pk in enumerate(world["participants"]):
        status, person = call(
            base, world["keys"][index % COACHES], "GET", f"/api/participants/{pk}/"
        )
        # Every edit answered "saved" is there, and nothing else.
        assert person["children"] == load.children_added[pk]
        assert person["version"] == 1 + load.children_added[pk]
    key = world["keys"][0]
    for pk in world["attendance"]:
        status, row = call(base, key, "GET", f"/api/attendance/{pk}/")
        applied = sorted(load.attendance_applied[pk])
        assert row["version"] == 1 + len(applied)
        # The versions answered are one each, in a row: no two writes applied on one version.
        assert [v for v, _mark in applied] == list(range(2, 2 + len(applied)))
        if applied:
            assert row["status"] == applied[-1][1]
    return load.answers


def test_many_writers_through_gunicorn_on_sqlite(sqlite_db, kill_later):
    answers = hammer_and_check(sqlite_url(sqlite_db), kill_later)
    print(dict(answers))  # shown with -s: how many were applied, how many refused as stale


def test_many_writers_through_gunicorn_on_postgresql(postgresql_db, kill_later):
    hammer_and_check(postgresql_db, kill_later)
