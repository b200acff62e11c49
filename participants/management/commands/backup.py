"""`manage.py backup <path>`: a consistent copy of the database while the application runs.

SQLite: the database's own online backup (sqlite3's `Connection.backup`), which copies a
single consistent state even while other processes write; the copy is a database file of its
own, restored by putting it in place of the original while the application is stopped.
PostgreSQL: `pg_dump --format=custom` (one consistent snapshot as well), restored with
`pg_restore --clean --if-exists --no-owner -d <database> <path>`. See docs/backup.md.
"""

import os
import shlex
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = "Copy the whole database to a file, safely while the application is running."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write (it must not exist yet).")
        parser.add_argument(
            "--print-command",
            action="store_true",
            help="PostgreSQL: print the pg_dump command instead of running it.",
        )

    def handle(self, *args, path: str, print_command: bool, **options):
        target = Path(path)
        if target.exists():
            raise CommandError(f"{target} already exists: choose a new file name.")
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        if connection.vendor == "sqlite":
            self._sqlite(target)
        elif connection.vendor == "postgresql":
            self._postgresql(target, print_command)
        else:
            raise CommandError(f"No backup method for {connection.vendor}.")

    def _sqlite(self, target: Path) -> None:
        connection.ensure_connection()
        partial = target.with_name(target.name + ".partial")
        try:
            with sqlite3.connect(partial) as copy:
                # In one step, inside one read transaction: the copy is the state of the last
                # commit when it began. In WAL mode the writers carry on meanwhile.
                connection.connection.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if result != "ok":
                raise CommandError(f"The copy failed its integrity check: {result}")
            partial.rename(target)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"Backed up to {target} ({target.stat().st_size} bytes).")

    def _postgresql(self, target: Path, print_command: bool) -> None:
        settings = connection.settings_dict
        command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}"]
        for option, key in [("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")]:
            if settings.get(key):
                command.append(f"{option}={settings[key]}")
        command.append(settings["NAME"])
        if print_command:
            # The password, if any, goes in PGPASSWORD or ~/.pgpass, never on the command line.
            self.stdout.write(shlex.join(command))
            return
        if shutil.which("pg_dump") is None:
            raise CommandError(
                "pg_dump is not installed (PostgreSQL client tools). Install it, or run: "
                + shlex.join(command)
            )
        env = {**os.environ}
        if settings.get("PASSWORD"):
            env["PGPASSWORD"] = settings["PASSWORD"]
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            target.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        self.stdout.write(f"Backed up to {target} ({target.stat().st_size} bytes).")
