"""deploy/backup.sh, restore.sh and restore-check.sh, the one backup method of docs/backup.md
(issue 20, point 6): a backup is complete or absent, private to its owner, rotated, optionally
encrypted; a restore gives the app's role every object back; the check proves the data is there
and fails on a database that is not."""

import os
import shutil
import stat
import subprocess
import uuid
from pathlib import Path

import dj_database_url
import pytest

from tests.integrity.conftest import ROOT, on_postgresql, run

DEPLOY = ROOT / "deploy"


def script(name: str, *args, env: dict, check=True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(DEPLOY / name), *map(str, args)], env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def admin_env(url: str) -> dict:
    """The PG* variables of PostgreSQL's administrator, as restore.sh runs (sudo -u postgres)."""
    config = dj_database_url.parse(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    for var, key in [("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")]:
        if config[key]:
            env[var] = str(config[key])
    if config["PASSWORD"]:
        env["PGPASSWORD"] = config["PASSWORD"]
    return env


def backup_env(url: str, folder: Path, **extra) -> dict:
    """What parcours-backup.service gives the script: the environment file, nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    return {**env, "DATABASE_URL": url, "PARCOURS_BACKUP_DIR": str(folder), **extra}


@pytest.fixture(scope="module")
def owned_template():
    """A database migrated by a login role of its own, which owns it and everything in it, as in
    production (the app connects as the owner), with some data; made once for this module and
    copied for each test. Dropped, with the role, at the end."""
    if not on_postgresql():
        pytest.skip("DATABASE_URL does not point to PostgreSQL")
    import psycopg

    base, name = os.environ["DATABASE_URL"].rsplit("/", 1)
    suffix = uuid.uuid4().hex[:8]
    role, template = f"parcours_owner_{suffix}", f"{name}_backup_{suffix}"
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    host, port = config["HOST"] or "127.0.0.1", config["PORT"] or 5432
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'a pass word'")
        conn.execute(f'CREATE DATABASE "{template}" OWNER {role}')
    try:
        url = f"postgresql://{role}:a%20pass%20word@{host}:{port}/{template}"
        run(["manage.py", "migrate", "-v0"], url)
        run(["-m", "tests.integrity.scripts", "world", "6", "2"], url)
        yield {"base": base, "template": template, "role": role, "host": host, "port": port}
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            conn.execute(f"DROP ROLE IF EXISTS {role}")


@pytest.fixture
def owned_db(owned_template):
    """A copy of the template for one test; it and every database the test restores into are
    dropped afterwards."""
    import psycopg

    t = owned_template
    name = f"{t['template']}_{uuid.uuid4().hex[:6]}"
    admin = f"{t['base']}/postgres"
    created = [name]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{t["template"]}" OWNER {t["role"]}')
    try:
        yield {
            "url": f"postgresql://{t['role']}:a%20pass%20word@{t['host']}:{t['port']}/{name}",
            "name": name, "role": t["role"], "admin": f"{t['base']}/{name}",
            "restored": created.append,
        }  # fmt: skip
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            for database in created:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def restore_check(db: dict, restored: str, **kwargs) -> subprocess.CompletedProcess:
    """restore-check.sh of a copy of `db`, against `db` itself, as docs/backup.md runs it."""
    return script(
        "restore-check.sh", "--owner", db["role"], "--compare-with", db["name"], restored, **kwargs
    )


def dated(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_backup_restored_with_the_owner_role_passes_the_restore_check(owned_db, tmp_path):
    folder = tmp_path / "backups" / "parcours"  # not there yet: the script creates it
    out = script("backup.sh", env=backup_env(owned_db["url"], folder)).stdout
    [backup] = folder.iterdir()
    assert backup.name.startswith("parcours-") and backup.name.endswith(".dump")
    assert f"{backup} (" in out
    # Private to the service user: the folder 0700, the dump 0600.
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600

    restored = f"{owned_db['name']}_restored"
    owned_db["restored"](restored)
    admin = admin_env(owned_db["admin"])
    script("restore.sh", "--owner", owned_db["role"], backup, restored, env=admin)
    check = restore_check(owned_db, restored, env=admin).stdout
    assert "holds as many rows as" in check
    assert "participants_participant\t6" in check

    # Restoring over an existing database is refused: a restore never mixes two states.
    again = script(
        "restore.sh", "--owner", owned_db["role"], backup, restored, env=admin, check=False
    )
    assert again.returncode != 0 and "exists already" in again.stderr


def test_the_restore_check_fails_on_a_database_that_is_not_there_or_not_the_same(
    owned_db, tmp_path
):
    admin = admin_env(owned_db["admin"])
    missing = script("restore-check.sh", f"{owned_db['name']}_never_restored", env=admin,
                     check=False)  # fmt: skip
    assert missing.returncode != 0 and "FAILED" in missing.stderr

    import psycopg

    base = owned_db["admin"].rsplit("/", 1)[0]
    empty = f"{owned_db['name']}_empty"
    owned_db["restored"](empty)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{empty}" OWNER {owned_db["role"]}')
    result = restore_check(owned_db, empty, env=admin, check=False)
    assert result.returncode != 0 and "no table auth_user" in result.stderr

    # A restore that lost rows, or whose audit trigger is gone, fails the check.
    folder = tmp_path / "backups"
    script("backup.sh", env=backup_env(owned_db["url"], folder))
    [backup] = folder.iterdir()
    copy = f"{owned_db['name']}_copy"
    owned_db["restored"](copy)
    script("restore.sh", "--owner", owned_db["role"], backup, copy, env=admin)
    with psycopg.connect(f"{base}/{copy}", autocommit=True) as conn:
        conn.execute(
            "DELETE FROM activities_attendance"
            " WHERE id = (SELECT min(id) FROM activities_attendance)"
        )
    lost = restore_check(owned_db, copy, env=admin, check=False)
    assert lost.returncode != 0 and "activities_attendance" in lost.stderr
    with psycopg.connect(f"{base}/{copy}", autocommit=True) as conn:
        conn.execute("DROP TRIGGER audit_event_append_only ON audit_event")
    no_trigger = script(
        "restore-check.sh", "--owner", owned_db["role"], copy, env=admin, check=False
    )
    assert no_trigger.returncode != 0 and "append-only trigger" in no_trigger.stderr


def test_a_failed_backup_leaves_no_dated_file(owned_db, tmp_path):
    folder = tmp_path / "backups"
    broken = owned_db["url"].rsplit("/", 1)[0] + "/no_such_database"
    result = script("backup.sh", env=backup_env(broken, folder), check=False)
    assert result.returncode != 0
    assert "FAILED" in result.stderr
    assert dated(folder) == []  # not even the temporary file


def test_rotation_keeps_the_newest_of_each_recent_day_and_week(owned_db, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    # Old backups, newest first: two on 2026-11-30 (a Monday), then one a day back to 11-01.
    old = ["parcours-2026-11-30T031500Z.dump", "parcours-2026-11-30T010000Z.dump"]
    old += [f"parcours-2026-11-{day:02d}T031500Z.dump" for day in range(29, 0, -1)]
    for name in old:
        (folder / name).write_bytes(b"old")
    (folder / "notes.txt").write_text("not a backup: never touched")
    env = backup_env(
        owned_db["url"], folder, PARCOURS_BACKUP_KEEP_DAILY="3", PARCOURS_BACKUP_KEEP_WEEKLY="4"
    )
    script("backup.sh", env=env)
    kept = dated(folder)
    new = [name for name in kept if name.startswith("parcours-") and name not in old]
    assert len(new) == 1  # today's
    # Days: today, 11-30 (its newest), 11-29. Weeks (ISO): today's, 11-30's (a Monday, week
    # 49) and 11-29's (a Sunday, week 48) are those days; the fourth is 11-22 (Sunday, week 47).
    assert sorted(set(kept) - set(new)) == [
        "notes.txt",
        "parcours-2026-11-22T031500Z.dump",
        "parcours-2026-11-29T031500Z.dump",
        "parcours-2026-11-30T031500Z.dump",
    ]


@pytest.mark.skipif(shutil.which("age") is None, reason="age is not installed (apt install age)")
def test_an_encrypted_backup_restores_only_with_the_private_key(owned_db, tmp_path):
    key = tmp_path / "backup-key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    public = subprocess.run(
        ["age-keygen", "-y", str(key)], check=True, capture_output=True, text=True
    ).stdout.strip()
    folder = tmp_path / "backups"
    script(
        "backup.sh", env=backup_env(owned_db["url"], folder, PARCOURS_BACKUP_AGE_RECIPIENT=public)
    )
    [backup] = folder.iterdir()
    assert backup.name.endswith(".dump.age")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert b"participants_participant" not in backup.read_bytes()

    admin = admin_env(owned_db["admin"])
    restored = f"{owned_db['name']}_decrypted"
    owned_db["restored"](restored)
    without_key = script(
        "restore.sh", "--owner", owned_db["role"], backup, restored, env=admin, check=False
    )
    assert without_key.returncode != 0 and "PARCOURS_BACKUP_AGE_IDENTITY" in without_key.stderr
    script("restore.sh", "--owner", owned_db["role"], backup, restored,
           env=admin | {"PARCOURS_BACKUP_AGE_IDENTITY": str(key)})  # fmt: skip
    restore_check(owned_db, restored, env=admin)
