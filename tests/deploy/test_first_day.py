"""The deployment test of issue 20: the project installed as docs/deployment.md says, into a
fresh directory and a fresh PostgreSQL database and role, run by the units of deploy/systemd,
driven over HTTP as the reverse proxy passes requests on, then backed up and restored as
docs/backup.md says. The docs quote the same commands and file names; change both together.

PostgreSQL only (the production database); `make test` runs it when DATABASE_URL points to a
PostgreSQL server, as in .ci/run. About two minutes, most of it `pip install .` and `migrate`.
"""

import json
import os
import re
import shutil
import signal
import stat
import threading
import time
from pathlib import Path

import pytest

from tests.deploy.deployment import ROOT, Browser, Deployment, read_env_file

pytestmark = pytest.mark.deploy

ADMIN_PASSWORD = "the first administrator's long passphrase"


def _on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def write_env_file(deployment: Deployment) -> None:
    """deploy/parcours.env.example with this install's values in place of the example's."""
    values = {
        "DJANGO_SECRET_KEY": deployment.secret_key,
        "DATABASE_URL": deployment.database_url,
        "PARCOURS_WEB_BIND": f"127.0.0.1:{deployment.port}",
        "PARCOURS_WEB_WORKERS": "2",
        "PARCOURS_BACKUP_DIR": str(deployment.backups),
    }
    text = (ROOT / "deploy" / "parcours.env.example").read_text()
    for name, value in values.items():
        text, found = re.subn(rf"(?m)^{name}=.*$", lambda _m, n=name, v=value: f"{n}={v}", text)
        assert found == 1, f"deploy/parcours.env.example has no {name}= line"
    # What the parcours command must leave alone: a command substitution stays text.
    text += f'PARCOURS_NOT_A_COMMAND="$(touch {deployment.base}/ran) `id`"\n'
    deployment.env_file.parent.mkdir(parents=True)
    deployment.env_file.write_text(text)
    deployment.env_file.chmod(0o640)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not _on_postgresql():
        pytest.skip("the deployment test runs on PostgreSQL (DATABASE_URL)")
    for tool in ("git", "psql", "pg_dump", "pg_restore", "createdb", "python3.11"):
        assert shutil.which(tool), f"{tool} is needed (docs/deployment.md, What you need)"
    d = Deployment(tmp_path_factory.mktemp("deploy"), os.environ["DATABASE_URL"])
    try:
        # docs/deployment.md, Install: the code, its virtual environment, the database.
        d.app.parent.mkdir(parents=True)
        d.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(d.app)], cwd=d.base,
              env=d.shell_env())  # fmt: skip
        d.run(["python3.11", "-m", "venv", ".venv"])
        d.run([".venv/bin/pip", "install", "--quiet", "."], env=d.shell_env())
        d.create_database()
        write_env_file(d)
        d.parcours("migrate", "--noinput")
        d.parcours("collectstatic", "--noinput")
        d.parcours("check", "--deploy", "--fail-level", "WARNING")
        d.parcours(
            "createsuperuser", "--noinput", "--username", "admin", "--email", "it@example.org",
            extra={"DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
        )  # fmt: skip
        # The app processes: `systemctl enable --now parcours-web parcours-worker`.
        d.start("parcours-web.service")
        d.start("parcours-worker.service")
        d.wait_until_up()
        yield d
    finally:
        d.stop_all()
        d.drop_databases()


def test_the_parcours_command_reads_the_environment_file_as_systemd_does(deployment):
    script = (
        "import json, os; print(json.dumps({k: v for k, v in os.environ.items()"
        " if k.startswith(('DJANGO_', 'PARCOURS_', 'DATABASE_URL'))}))"
    )
    seen = json.loads(deployment.parcours("shell", "--no-imports", "-c", script).stdout)
    for own in ("PARCOURS_ENV_FILE", "PARCOURS_DIR", "PARCOURS_USER", "DJANGO_SETTINGS_MODULE"):
        seen.pop(own)
    assert seen == read_env_file(deployment.env_file)
    assert seen["DJANGO_DEFAULT_FROM_EMAIL"] == "Parcours CPAS <parcours@cpas-example.be>"
    assert seen["PARCOURS_NOT_A_COMMAND"].startswith("$(touch ")
    assert not (deployment.base / "ran").exists()


def test_gunicorn_and_the_worker_run_from_their_units(deployment):
    browser = Browser(deployment)
    login = browser.get("/accounts/login/")
    assert login.status == 200
    assert "max-age=31536000" in login.headers["Strict-Transport-Security"]
    assert "script-src" in login.headers["Content-Security-Policy"]
    # Static files, hashed by collectstatic and served by the app with long cache headers.
    manifest = json.loads((deployment.app / "staticfiles" / "staticfiles.json").read_text())
    css = browser.get("/static/" + manifest["paths"]["vendor/pico.min.css"])
    assert css.status == 200 and b"pico" in css.body[:500].lower()
    assert "max-age=315360000" in css.headers["Cache-Control"]
    # gunicorn's control socket under /run/parcours, though the user has no home.
    socket_path = deployment.runtime / "gunicorn.ctl"
    assert stat.S_ISSOCK(socket_path.stat().st_mode)
    assert stat.S_IMODE(socket_path.stat().st_mode) == 0o600
    # The worker is up and stays up.
    time.sleep(1)
    assert deployment.processes["parcours-worker.service"].poll() is None, deployment.log(
        "parcours-worker.service"
    )


def test_no_secret_on_a_command_line(deployment):
    """Issue 20, point 5: `ps` shows no secret of the environment file."""
    secrets_ = [deployment.secret_key, deployment.password]
    pids = [p.pid for p in deployment.processes.values()]
    pids += [int(n) for p in pids for n in _children(p)]
    assert len(pids) >= 4  # gunicorn's arbiter and two workers, the task worker
    for pid in pids:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        assert not any(s in cmdline for s in secrets_), cmdline


def _children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return path.read_text().split() if path.exists() else []


def test_the_access_log_leaves_out_query_strings(deployment):
    Browser(deployment, address="198.51.100.7").get(
        "/accounts/login/?next=/participants/%3Fq%3DAmina"
    )
    time.sleep(0.5)
    log = deployment.log("parcours-web.service")
    [line] = [line for line in log.splitlines() if "198.51.100.7" in line]
    assert '"GET /accounts/login/" 200' in line
    assert "Amina" not in log and "next=" not in log


def test_a_reload_drops_no_request(deployment):
    """`systemctl reload parcours-web` (HUP): new workers, old ones finish, nothing refused."""
    web = deployment.processes["parcours-web.service"]
    before = set(_children(web.pid))
    statuses, errors, done = [], [], threading.Event()

    def keep_asking():
        browser = Browser(deployment)
        while not done.is_set():
            try:
                statuses.append(browser.get("/accounts/login/").status)
            except OSError as error:  # refused or reset: a dropped request
                errors.append(error)

    clients = [threading.Thread(target=keep_asking) for _ in range(3)]
    for client in clients:
        client.start()
    time.sleep(1)
    web.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = set(_children(web.pid))
        if len(now) == 2 and not now & before:
            break
        time.sleep(0.2)
    time.sleep(1)
    done.set()
    for client in clients:
        client.join(timeout=60)
    assert not set(_children(web.pid)) & before, "the old workers are still there"
    assert errors == []
    assert len(statuses) > 20 and set(statuses) == {200}


def test_a_backup_restores_into_a_second_database_with_equal_counts(deployment):
    d = deployment
    # The nightly job, as parcours-backup.timer starts it.
    [result] = d.run_unit("parcours-backup.service")
    [backup] = d.backups.iterdir()
    assert f"{backup} (" in result.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(d.backups.stat().st_mode) == 0o700
    # docs/backup.md, Restore: as PostgreSQL's administrator, into a new database.
    admin = d.admin_env()
    d.run([str(d.app / "deploy" / "restore.sh"), "--owner", d.role, str(backup), d.restored],
          env=admin)  # fmt: skip
    check = d.run(
        [str(d.app / "deploy" / "restore-check.sh"), "--owner", d.role,
         "--compare-with", d.database, d.restored], env=admin,
    ).stdout  # fmt: skip
    assert "holds as many rows as" in check
    counts = dict(line.split("\t") for line in check.splitlines() if "\t" in line)
    assert int(counts["auth_user"]) >= 1 and int(counts["audit_event"]) >= 1
    # The app runs on the restored copy: the administrator's password is there.
    restored_url = d.database_url.rsplit("/", 1)[0] + f"/{d.restored}"
    probe = (
        "from django.contrib.auth.models import User; print(User.objects.get(username='admin')"
        '.check_password("' + ADMIN_PASSWORD + '"))'
    )
    env = d.base_env() | read_env_file(d.env_file) | {"DATABASE_URL": restored_url}
    out = d.run(
        [".venv/bin/python", "manage.py", "shell", "--no-imports", "-c", probe], env=env
    ).stdout
    assert out.strip() == "True"
