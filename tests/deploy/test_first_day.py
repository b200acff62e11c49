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

from tests.deploy.deployment import (
    ROOT,
    Browser,
    Deployment,
    MailSink,
    mailed_link,
    read_env_file,
)

pytestmark = pytest.mark.deploy

ADMIN_PASSWORD = "the first administrator's long passphrase"
ORGANISATION = "CPAS de Testville"
PEOPLE = {
    # e-mail: (role, who invites them, the password they choose)
    "ada@cpas-testville.be": ("administrator", "IT", "a ladder of seven green umbrellas"),
    "max@cpas-testville.be": ("manager", "IT", "quietly counting every harbour light"),
    "chloe@cpas-testville.be": ("coach", "the administrator", "tea kettles sing in december"),
}


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
        # The relay: a sink on the loopback that keeps each mail as a file.
        "EMAIL_URL": deployment.mail_sink.url,
    }
    text = (deployment.app / "deploy" / "parcours.env.example").read_text()
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
    d.mail_sink = MailSink(d.mail)
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
        # The app processes: `systemctl enable --now parcours parcours-worker`.
        d.start("parcours.service")
        d.start("parcours-worker.service")
        d.wait_until_up()
        yield d
    finally:
        d.stop_all()
        d.drop_databases()
        d.mail_sink.shutdown()
        d.mail_sink.server_close()


def test_the_parcours_command_reads_the_environment_file_as_systemd_does(deployment):
    script = "import json, os; print(json.dumps(dict(os.environ)))"
    seen = json.loads(deployment.parcours("shell", "--no-imports", "-c", script).stdout)
    expected = read_env_file(deployment.env_file)
    assert {name: seen.get(name) for name in expected} == expected
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
    workers = deployment.run(
        [".venv/bin/gunicornc", "-s", str(socket_path), "-c", "show workers", "-j"]
    ).stdout
    assert len(json.loads(workers)["workers"]) == 2, workers
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
    log = deployment.log("parcours.service")
    [line] = [line for line in log.splitlines() if "198.51.100.7" in line]
    assert '"GET /accounts/login/" 200' in line
    assert "Amina" not in log and "next=" not in log


def test_a_reload_drops_no_request(deployment):
    """`systemctl reload parcours` (HUP): new workers, old ones finish, nothing refused."""
    web = deployment.processes["parcours.service"]
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


def totp_now(secret_text: str) -> str:
    """The code an authenticator app shows for the key the set-up page displays."""
    from base64 import b32decode

    from django_otp.oath import totp

    key = b32decode(secret_text.replace(" ", ""))
    return f"{totp(key):06d}"


def set_up_second_factor(browser: Browser, page) -> None:
    assert page.path.startswith("/accounts/two-factor/setup/"), page.path
    secret = re.search(r'class="two-factor-secret">([A-Z2-7 ]+)<', page.text).group(1)
    done = browser.post(page.path, {"code": totp_now(secret), "next": ""})
    assert done.status == 200 and "/accounts/two-factor/" not in done.path, done.text[:2000]


def accept_invitation(deployment: Deployment, address: str) -> Browser:
    """Open the mailed link, choose a password (and set up the app where the role needs one)."""
    browser = Browser(deployment)
    page = browser.get(mailed_link(deployment.mail, address))
    assert page.status == 200 and "new_password1" in page.text, page.text[:2000]
    password = PEOPLE[address][2]
    page = browser.post(page.path, {"new_password1": password, "new_password2": password})
    assert page.status == 200, page.text[:2000]
    if PEOPLE[address][0] in ("administrator", "manager"):
        set_up_second_factor(browser, page)
    else:  # a coach lands on their day
        assert page.path == "/today/", page.path
    return browser


@pytest.fixture(scope="module")
def first_day(deployment):
    """What the people of a new centre do on their first day, each in their own browser."""
    d = deployment
    people: dict[str, Browser] = {}
    # IT signs in to the admin with the superuser, sets up its second factor, and creates the
    # organisation (docs/onboarding.md).
    it = Browser(d)
    set_up_second_factor(it, it.sign_in("admin", ADMIN_PASSWORD))
    created = it.submit(
        "/admin/programme/organisation/add/", {"name": ORGANISATION, "city": "Testville"}
    )
    assert created.status == 200 and created.path == "/admin/programme/organisation/", created.text[
        :3000
    ]
    # IT invites the administrator and the first manager from the server's command line.
    for address, (role, by, _password) in PEOPLE.items():
        if by == "IT":
            out = d.parcours(
                "invite_staff", address, "--organisation", ORGANISATION, "--role", role,
                "--first-name", address.split("@")[0].title(), "--last-name", "Testville",
            ).stdout  # fmt: skip
            assert f"Invited {address}" in out
    people["administrator"] = admin = accept_invitation(d, "ada@cpas-testville.be")
    # The administrator adds a programme and invites a coach, in the admin.
    page = admin.get("/admin/programme/programme/add/")
    organisation = re.search(
        rf'<option value="(\d+)"[^>]*>{re.escape(ORGANISATION)}</option>', page.text
    ).group(1)
    indicators = re.search(
        r'<select name="indicator_set"[^>]*>.*?<option value="(\d+)"', page.text, re.S
    ).group(1)
    created = admin.submit(
        "/admin/programme/programme/add/",
        {"name": "Vivre ensemble", "code": "vivre-ensemble", "organisation": organisation,
         "indicator_set": indicators, "starts_on": f"{time.strftime('%Y')}-01-01"},
    )  # fmt: skip
    assert created.path == "/admin/programme/programme/", created.text[:3000]
    address = "chloe@cpas-testville.be"
    invited = admin.submit(
        "/admin/programme/staff/add/",
        {"first_name": "Chloe", "last_name": "Testville", "email": address, "role": "coach"},
    )
    assert invited.path == "/admin/programme/staff/", invited.text[:3000]
    people["manager"] = accept_invitation(d, "max@cpas-testville.be")
    people["coach"] = accept_invitation(d, address)
    return people


def test_the_first_day_colleagues_join_by_invitation(first_day):
    """Issue 20: the administrator and the manager (invited by IT) and the coach (invited by
    the administrator) each chose a password from their mail; the first two set up their app."""
    assert set(first_day) == {"administrator", "manager", "coach"}
    # Signed in, each lands on their own start page.
    assert first_day["coach"].get("/").path == "/today/"
    assert first_day["manager"].get("/").path == "/reports/dashboard/"
    assert first_day["administrator"].get("/").path == "/programmes/"


def test_the_first_day_the_coach_creates_a_participant(first_day):
    coach = first_day["coach"]
    created = coach.submit(
        "/participants/new/",
        {"first_name": "Amina", "last_name": "Haddad", "gender": "woman",
         "birth_date": "1990-04-12"},
    )  # fmt: skip
    assert created.status == 200 and re.fullmatch(r"/participants/\d+/refer/", created.path), (
        created.text[:3000]
    )
    # The file is there, and opens for its coach (next: referring her to the programme).
    file = coach.get(created.path.removesuffix("refer/"))
    assert file.status == 200 and "Haddad" in file.text


def test_the_first_day_the_worker_renders_the_managers_snapshot(first_day):
    manager = first_day["manager"]
    page = manager.get("/reports/funder/")
    assert page.status == 200, page.text[:2000]
    fields = page.form("programme", action="/reports/funder/snapshots/")
    fields.pop("csrfmiddlewaretoken", None)
    snapshot = manager.post("/reports/funder/snapshots/", fields)
    assert re.fullmatch(r"/reports/funder/snapshots/\d+/", snapshot.path), snapshot.text[:2000]
    deadline = time.monotonic() + 120
    while 'hx-trigger="every 2s"' in snapshot.text:
        assert time.monotonic() < deadline, "the worker did not render the snapshot"
        time.sleep(1)
        snapshot = manager.get(snapshot.path)
    pdf = manager.get(snapshot.path.rstrip("/") + ".pdf")
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")


def test_healthz_is_green(deployment, first_day):
    """For the proxy and the monitoring: database, migrations, worker heartbeat, mail."""
    health = Browser(deployment).get("/healthz")
    body = json.loads(health.body)
    assert health.status == 200, body
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "migrations": True,
        "worker": True,
        "mail": True,
    }


def test_a_backup_restores_into_a_second_database_with_equal_counts(deployment, first_day):
    d = deployment
    # The nightly job, as parcours-backup.timer starts it.
    [result] = d.run_unit("parcours-backup.service")
    [backup] = d.backups.iterdir()
    assert f"{backup} (" in result.stdout
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert stat.S_IMODE(d.backups.stat().st_mode) == 0o700
    # docs/backup.md, Restore: as PostgreSQL's administrator, into a new database.
    admin = d.admin_env()
    # The backup on standard input: `sudo cat … | sudo -u postgres restore.sh … - …`.
    with backup.open("rb") as dump:
        d.run([str(d.app / "deploy" / "restore.sh"), "--owner", d.role, "-", d.restored],
              env=admin, stdin=dump, text=False)  # fmt: skip
    check = d.run(
        [str(d.app / "deploy" / "restore-check.sh"), "--owner", d.role,
         "--compare-with", d.database, d.restored], env=admin,
    ).stdout  # fmt: skip
    assert "holds as many rows as" in check
    counts = dict(line.split("\t") for line in check.splitlines() if "\t" in line)
    assert int(counts["participants_participant"]) == 1
    assert int(counts["reports_fundersnapshot"]) == 1
    assert int(counts["auth_user"]) == 4 and int(counts["audit_event"]) >= 1
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
