"""Real database files and processes for the integrity tests: a database migrated once per test
run, copied for each test that needs one."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], database_url: str, **kwargs) -> subprocess.CompletedProcess:
    """A command of the project in its own process, on the given database."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True,
        timeout=kwargs.pop("timeout", 600), **kwargs,
    )  # fmt: skip


def popen(args: list[str], database_url: str, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.update(kwargs.pop("env", {}))
    return subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        **kwargs,
    )  # fmt: skip


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def copy_sqlite(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An empty database with every migration applied, made once per test run."""
    path = tmp_path_factory.mktemp("integrity") / "migrated.sqlite3"
    run(["manage.py", "migrate", "-v0"], sqlite_url(path))
    return path


@pytest.fixture
def sqlite_db(migrated_sqlite, tmp_path) -> Path:
    path = tmp_path / "parcours.sqlite3"
    copy_sqlite(migrated_sqlite, path)
    return path


def on_postgresql() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    return url.startswith(("postgres://", "postgresql://"))


@pytest.fixture
def postgresql_db():
    """A database of its own on the PostgreSQL server DATABASE_URL names (never the one the
    test suite or CI uses), migrated, dropped afterwards."""
    if not on_postgresql():
        pytest.skip("DATABASE_URL does not point to PostgreSQL")
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"{config['NAME']}_integrity_{os.getpid()}"
    admin = {
        "host": config["HOST"] or None, "port": config["PORT"] or None,
        "user": config["USER"] or None, "password": config["PASSWORD"] or None,
        "dbname": "postgres", "autocommit": True,
    }  # fmt: skip
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    url = f"{base}/{name}"
    run(["manage.py", "migrate", "-v0"], url)
    yield url
    with psycopg.connect(**admin) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def kill_later():
    """Processes started by a test, ended (by their own id) when it finishes."""
    started = []
    yield started.append
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
