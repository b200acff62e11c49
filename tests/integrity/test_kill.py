"""A process killed in the middle of a write leaves the database consistent (issue 8, item 7).

A separate process runs multi-step services in a loop on a database file (tests/integrity/
scripts.py churn: referral, intake, admission with its to-dos, action plan, attendance, exit
review with its follow-up calls); it is killed with SIGKILL — no clean-up, no rollback of its
own — at a random moment, several times over. After each kill the file must pass SQLite's own
checks and every domain invariant must hold: each transaction is there whole or not at all."""

import json
import random
import signal
import sys
import time

import pytest

from tests.integrity.conftest import popen, run, sqlite_url

ROUNDS_BEFORE_KILL = 2


def churn_until_killed(url: str, kill_later, rng: random.Random) -> int:
    process = popen([sys.executable, "-m", "tests.integrity.scripts", "churn"], url)
    kill_later(process)
    rounds = 0
    deadline = time.monotonic() + 300
    while rounds < ROUNDS_BEFORE_KILL:
        line = process.stdout.readline()
        assert line, f"the churn process stopped: {process.stderr.read()[-2000:]}"
        rounds += line.startswith("round")
        assert time.monotonic() < deadline
    # Somewhere inside the next round: each round takes some tenths of a second.
    time.sleep(rng.uniform(0, 0.5))
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return rounds


def test_a_killed_writer_leaves_the_database_consistent(sqlite_db, kill_later):
    rng = random.Random()
    url = sqlite_url(sqlite_db)
    for _kill in range(3):
        churn_until_killed(url, kill_later, rng)
        problems = json.loads(run(["-m", "tests.integrity.scripts", "check"], url).stdout)
        assert problems == []
    # …and the work carries on where it stopped.
    churn_until_killed(url, kill_later, rng)
    assert json.loads(run(["-m", "tests.integrity.scripts", "check"], url).stdout) == []


@pytest.mark.parametrize("pragma", ["journal_mode", "synchronous", "busy_timeout"])
def test_the_sqlite_pragmas_are_in_effect(sqlite_db, pragma):
    """WAL, synchronous NORMAL (safe with WAL: a crash loses no committed transaction of
    another process, at worst the last ones of the machine on power loss) and a busy timeout,
    set on every connection Django opens (config/settings.py)."""
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup(); from django.db import connection;"
        f"c = connection.cursor(); c.execute('PRAGMA {pragma}'); print(c.fetchone()[0]);"
        "print(connection.settings_dict['OPTIONS'].get('transaction_mode'))"
    )
    value, mode = run(["-c", code], sqlite_url(sqlite_db)).stdout.split()
    expected = {"journal_mode": "wal", "synchronous": "1", "busy_timeout": "20000"}[pragma]
    assert value == expected
    assert mode == "IMMEDIATE"
