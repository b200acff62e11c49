"""A Parcours install made as docs/deployment.md says, in a temporary directory and a fresh
PostgreSQL database and role, with the processes started from the systemd units of deploy/
(their ExecStart, WorkingDirectory and EnvironmentFile, the paths moved into the temporary
directory); and a small browser to drive it over HTTP as the reverse proxy would pass it on."""

import email
import html
import http.client
import os
import re
import secrets
import shlex
import signal
import socket
import socketserver
import subprocess
import threading
import time
import urllib.parse
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import dj_database_url

ROOT = Path(__file__).resolve().parents[2]
HOST = "parcours.cpas-example.be"
SRV = "/srv/parcours"
ENV_FILE = "/etc/parcours/parcours.env"


def read_env_file(path: Path) -> dict[str, str]:
    """An EnvironmentFile as systemd reads the lines the example uses: NAME=value, blank lines
    and # or ; comments skipped, a value in single or double quotes taken without them."""
    values = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        name, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
            if raw.strip().split("=", 1)[1].strip().startswith('"'):
                value = value.replace('\\"', '"').replace("\\\\", "\\")
        values[name.strip()] = value
    return values


def read_unit(path: Path) -> dict[str, list[str]]:
    """The [Service] settings of a systemd unit, each name with its values in order."""
    settings: dict[str, list[str]] = {}
    section = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Deployment:
    def __init__(self, base: Path, server_url: str):
        self.base = base
        self.app = base / "srv" / "parcours"
        self.env_file = base / "etc" / "parcours" / "parcours.env"
        self.runtime = base / "run" / "parcours"
        self.backups = base / "var" / "backups" / "parcours"
        self.logs = base / "log"
        self.mail = base / "mail"
        config = dj_database_url.parse(server_url)
        self.pg = {
            "host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432,
            "user": config["USER"] or "postgres", "password": config["PASSWORD"] or "",
        }  # fmt: skip
        suffix = secrets.token_hex(4)
        self.role = f"parcours_deploy_{suffix}"
        self.database = f"parcours_deploy_{suffix}"
        self.restored = f"{self.database}_restored"
        self.password = secrets.token_urlsafe(16)
        self.secret_key = secrets.token_urlsafe(50)
        self.port = free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.databases: list[str] = []

    # PostgreSQL, as its administrator (`sudo -u postgres …` in the docs).
    def admin_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
        env.update(PGHOST=str(self.pg["host"]), PGPORT=str(self.pg["port"]), PGUSER=self.pg["user"])
        if self.pg["password"]:
            env["PGPASSWORD"] = self.pg["password"]
        return env

    def psql(self, sql: str, database: str = "postgres") -> str:
        return subprocess.run(
            ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", database, "-c", sql],
            env=self.admin_env(), check=True, capture_output=True, text=True, timeout=120,
        ).stdout.strip()  # fmt: skip

    def create_database(self) -> None:
        self.psql(f"CREATE ROLE {self.role} LOGIN PASSWORD '{self.password}'")
        self.databases.append(self.database)
        self.psql(f"CREATE DATABASE {self.database} OWNER {self.role}")

    def drop_databases(self) -> None:
        for database in [*self.databases, self.restored]:
            self.psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.psql(f"DROP ROLE IF EXISTS {self.role}")

    @property
    def database_url(self) -> str:
        password = urllib.parse.quote(self.password, safe="")
        return (
            f"postgres://{self.role}:{password}@{self.pg['host']}:{self.pg['port']}/{self.database}"
        )

    # Files and commands.
    def run(self, args: list[str], *, env: dict | None = None, timeout=600, **kwargs):
        result = subprocess.run(
            args, cwd=kwargs.pop("cwd", self.app), env=env or self.base_env(), capture_output=True,
            text=kwargs.pop("text", True), timeout=timeout, **kwargs,
        )  # fmt: skip
        assert result.returncode == 0, f"{shlex.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result

    def base_env(self) -> dict:
        """What systemd gives a service before its EnvironmentFile: no DJANGO_ or PARCOURS_
        variable of the test run, and a HOME that does not exist (a user without a home)."""
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": "/nonexistent",
        }

    def shell_env(self) -> dict:
        """The installing person's shell (its pip configuration included), without the
        settings of this test run."""
        prefixes = ("DJANGO_", "PARCOURS_", "DATABASE_URL", "PG")
        return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}

    def parcours(self, *args: str, extra: dict | None = None, **kwargs):
        """The `parcours` command of the install, as IT runs it (here as the current user)."""
        env = self.base_env() | {
            "PARCOURS_ENV_FILE": str(self.env_file),
            "PARCOURS_DIR": str(self.app),
            "PARCOURS_USER": subprocess.run(
                ["id", "-un"], capture_output=True, text=True, check=True
            ).stdout.strip(),
            **(extra or {}),
        }
        return self.run([str(self.app / "deploy" / "parcours"), *args], env=env, **kwargs)

    def unit_command(self, name: str) -> tuple[list[list[str]], dict, Path]:
        """A unit's ExecStart lines, environment and working directory, moved to this install."""
        unit = read_unit(self.app / "deploy" / "systemd" / name)
        assert unit["EnvironmentFile"] == [ENV_FILE], name
        assert unit["User"] == ["parcours"], name
        commands = [shlex.split(line.replace(SRV, str(self.app))) for line in unit["ExecStart"]]
        env = self.base_env() | read_env_file(self.env_file)
        if "RuntimeDirectory" in unit:
            env["RUNTIME_DIRECTORY"] = str(self.runtime)
        workdir = Path(unit["WorkingDirectory"][0].replace(SRV, str(self.app)))
        return commands, env, workdir

    def start(self, name: str) -> subprocess.Popen:
        [command], env, workdir = self.unit_command(name)
        self.logs.mkdir(exist_ok=True)
        log = (self.logs / f"{name}.log").open("w")
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text()

    def run_unit(self, name: str) -> list[subprocess.CompletedProcess]:
        """A oneshot unit (a timer's job): each ExecStart in turn, as systemd runs them."""
        commands, env, workdir = self.unit_command(name)
        return [self.run(command, env=env, cwd=workdir) for command in commands]

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            web = self.processes["parcours.service"]
            assert web.poll() is None, self.log("parcours.service")
            try:
                if Browser(self).get("/accounts/login/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise AssertionError("gunicorn did not answer:\n" + self.log("parcours.service"))


class Response:
    def __init__(self, status: int, headers, body: bytes, path: str):
        self.status, self.headers, self.body, self.path = status, headers, body, path

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def form(self, containing: str, action: str | None = None) -> dict[str, list[str]]:
        """The fields of the first form on the page that has a field named `containing` (and
        posts to `action`, if given)."""
        parser = _Forms()
        parser.feed(self.text)
        for form in parser.forms:
            if containing in form["fields"] and action in (None, form["action"]):
                return dict(form["fields"])
        raise AssertionError(f"no form with {containing} on {self.path}:\n{self.text[:3000]}")

    def form_value(self, name: str) -> str:
        match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', self.text)
        assert match, f"no field {name} on {self.path}"
        return match.group(1)


class _Forms(HTMLParser):
    """The forms of a page, each field with the value a browser would send untouched."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "image", "file", "reset"):
                fields[name] = [a.get("value", "")]
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
            fields[name] = []
            self._first_option = None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                fields[self._select[0]].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            name, multiple = self._select
            fields = self.forms[-1]["fields"]
            if not fields[name] and not multiple and self._first_option is not None:
                fields[name] = [self._first_option]
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.forms[-1]["fields"][self._textarea][0] += data


class _AlwaysSecure(DefaultCookiePolicy):
    # The proxy speaks HTTPS to the browser; behind it the app gets plain HTTP. Secure cookies
    # must go back to it all the same.
    def return_ok_secure(self, cookie, request):
        return True


class _Request:
    """The minimum http.cookiejar needs to read and write cookies for a request."""

    def __init__(self, path: str, headers: dict):
        self.url = f"https://{HOST}{path}"
        self.headers = headers
        self.unverifiable = False
        self.origin_req_host = HOST
        self.type = "https"

    def get_full_url(self):
        return self.url

    def get_host(self):
        return HOST

    def get_type(self):
        return "https"

    def is_unverifiable(self):
        return False

    def get_origin_req_host(self):
        return HOST

    def has_header(self, name):
        return name in self.headers

    def get_header(self, name, default=None):
        return self.headers.get(name, default)

    def header_items(self):
        return list(self.headers.items())

    def add_unredirected_header(self, name, value):
        self.headers[name] = value


class _Info:
    """What http.cookiejar reads of a response: its headers."""

    def __init__(self, headers):
        self._headers = headers

    def info(self):
        return self._headers


class Browser:
    """A browser behind the reverse proxy: every request carries what Caddy adds (Host,
    X-Forwarded-Proto: https, X-Forwarded-For), cookies are kept, redirects followed."""

    def __init__(self, deployment: Deployment, address: str = "192.0.2.10"):
        self.deployment = deployment
        self.address = address
        self.cookies = CookieJar(policy=_AlwaysSecure())

    def request(self, method: str, path: str, data: dict | None = None, follow=True) -> Response:
        for _ in range(10):
            headers = {
                "Host": HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": self.address,
                "User-Agent": "parcours-deploy-test", "Accept-Language": "en",
            }  # fmt: skip
            body = None
            if data is not None:
                body = urllib.parse.urlencode(data, doseq=True).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                headers["Origin"] = f"https://{HOST}"
                headers["Referer"] = f"https://{HOST}{path}"
            request = _Request(path, headers)
            self.cookies.add_cookie_header(request)
            connection = http.client.HTTPConnection("127.0.0.1", self.deployment.port, timeout=60)
            try:
                connection.request(method, path, body=body, headers=request.headers)
                raw = connection.getresponse()
                response = Response(raw.status, raw.headers, raw.read(), path)
            finally:
                connection.close()
            self.cookies.extract_cookies(_Info(response.headers), request)
            location = response.headers.get("Location")
            if not (follow and response.status in (301, 302, 303) and location):
                return response
            parts = urllib.parse.urlsplit(urllib.parse.urljoin(path, location))
            assert parts.netloc in ("", HOST), f"redirected away: {location}"
            path = urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))
            method, data = "GET", None
        raise AssertionError(f"too many redirects from {path}")

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **data}, **kwargs)

    def submit(self, path: str, changes: dict, containing: str | None = None) -> Response:
        """Open a page, fill its form as a person would (the rest left as the page gives it),
        and send it."""
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        fields = page.form(containing or next(iter(changes)))
        fields.pop("csrfmiddlewaretoken", None)
        for name, value in changes.items():
            fields[name] = value if isinstance(value, list) else [value]
        return self.post(page.path, fields)

    def sign_in(self, username: str, password: str) -> Response:
        self.get("/accounts/login/")
        return self.post("/accounts/login/", {"username": username, "password": password})


class _SmtpSession(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: every message is accepted and written to a file."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self):
        self.reply("220 parcours-deploy-test ESMTP")
        while line := self.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
            if verb == "EHLO":
                self.reply("250-parcours-deploy-test")
                self.reply("250 8BITMIME")
            elif verb == "DATA":
                self.reply("354 go ahead")
                body = []
                while (data := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
                    body.append(data[1:] if data.startswith(b"..") else data)
                self.server.deliver(b"".join(body))
                self.reply("250 kept")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


class MailSink(socketserver.ThreadingTCPServer):
    """The centre's mail relay, on the loopback: the mail Parcours sends ends up as files."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, folder: Path):
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._count = 0
        self._lock = threading.Lock()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.server_address[1]}"

    def deliver(self, message: bytes) -> None:
        with self._lock:
            self._count += 1
            (self.folder / f"{self._count:04d}.eml").write_bytes(message)


def mailed_link(
    mail_dir: Path, to: str, pattern: str = r"/accounts/invite/[^/\s]+/[^/\s]+/"
) -> str:
    """The path of the link in the last mail to `to` that the relay received."""
    found = None
    for path in sorted(mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        if to not in (message["To"] or ""):
            continue
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                charset = part.get_content_charset() or "utf-8"
                body = part.get_payload(decode=True).decode(charset, "replace")
                match = re.search(pattern, html.unescape(body))
                if match:
                    found = match.group(0)
    assert found, f"no mail to {to} with a link in {mail_dir}"
    return found
