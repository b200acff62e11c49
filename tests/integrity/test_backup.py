"""`manage.py backup`: a consistent online copy, and a restore that gives back the very same
data, table by table and row by row (issue 8, item 7)."""

import json
import os
import random
import sqlite3
import subprocess
import sys

import pytest

from tests.integrity.conftest import copy_sqlite, popen, run, sqlite_url
from tests.integrity.test_kill import churn_until_killed


def sqlite_tables(path) -> dict[str, list]:
    with sqlite3.connect(path) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: db.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall() for name in names
        }


@pytest.fixture
def demo_sqlite(sqlite_db):
    """The demo data: every table of the application has rows."""
    run(["manage.py", "load_demo_data"], sqlite_url(sqlite_db))
    return sqlite_db


def test_a_restored_sqlite_backup_holds_exactly_the_same_data(demo_sqlite, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    out = run(["manage.py", "backup", str(backup)], sqlite_url(demo_sqlite)).stdout
    assert f"Backed up to {backup}" in out

    # Restoring is putting the copy in place of the database (the application stopped).
    restored = tmp_path / "restored.sqlite3"
    copy_sqlite(backup, restored)
    original, copy = sqlite_tables(demo_sqlite), sqlite_tables(restored)
    assert original.keys() == copy.keys()
    empty = [name for name, rows in original.items() if not rows]
    assert len(empty) < len(original) / 2  # the comparison is worth something
    for name in original:
        assert copy[name] == original[name], name
    # …and the application runs on it.
    check = run(["manage.py", "check", "--database", "default"], sqlite_url(restored))
    assert check.returncode == 0


def test_a_backup_taken_while_someone_writes_is_consistent(sqlite_db, tmp_path, kill_later):
    url = sqlite_url(sqlite_db)
    churn_until_killed(url, kill_later, random.Random(1))  # some data first
    writer = popen([sys.executable, "-m", "tests.integrity.scripts", "churn"], url)
    kill_later(writer)
    assert writer.stdout.readline().startswith("round")
    backups = []
    for n in range(3):
        backup = tmp_path / f"backup-{n}.sqlite3"
        run(["manage.py", "backup", str(backup)], url)
        backups.append(backup)
    writer.kill()
    for backup in backups:
        problems = json.loads(
            run(["-m", "tests.integrity.scripts", "check"], sqlite_url(backup)).stdout
        )
        assert problems == []


def test_it_refuses_to_overwrite_a_file(sqlite_db, tmp_path):
    existing = tmp_path / "there.sqlite3"
    existing.write_text("keep me")
    with pytest.raises(subprocess.CalledProcessError) as error:
        run(["manage.py", "backup", str(existing)], sqlite_url(sqlite_db))
    assert "already exists" in error.value.stderr
    assert existing.read_text() == "keep me"


def _pg_tables(url: str) -> dict[str, list]:
    import psycopg

    with psycopg.connect(url) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            name: conn.execute(f'SELECT * FROM "{name}" ORDER BY 1').fetchall() for name in names
        }


def test_a_restored_postgresql_backup_holds_exactly_the_same_data(postgresql_db, tmp_path):
    import psycopg

    run(["manage.py", "load_demo_data"], postgresql_db)
    backup = tmp_path / "backup.dump"
    printed = run(["manage.py", "backup", "--print-command", str(backup)], postgresql_db).stdout
    assert printed.startswith("pg_dump --format=custom")
    run(["manage.py", "backup", str(backup)], postgresql_db)

    base, name = postgresql_db.rsplit("/", 1)
    restored = f"{name}_restored"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        conn.execute(f'CREATE DATABASE "{restored}"')
    try:
        subprocess.run(
            ["pg_restore", "--no-owner", "--dbname", f"{base}/{restored}", str(backup)],
            check=True, capture_output=True, env=os.environ,
        )  # fmt: skip
        assert _pg_tables(f"{base}/{restored}") == _pg_tables(postgresql_db)
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
