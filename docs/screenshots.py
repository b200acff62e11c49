"""Take the screenshots of the coach guides again, from the running app.

    .venv/bin/python docs/screenshots.py                   # writes docs/img/*.png
    .venv/bin/python docs/screenshots.py --only today      # only Today and the file's "Now"
    .venv/bin/python docs/screenshots.py --only sessions   # only docs/img/s*.png
    .venv/bin/python docs/screenshots.py --only portal     # only docs/img/p*.png
    .venv/bin/python docs/screenshots.py --only reports    # only docs/img/r0[2-9]*.png
    .venv/bin/python docs/screenshots.py --only trajectory # only docs/img/t*.png

It builds a throwaway demo database in a temporary directory (`migrate`, `load_demo_data`),
starts `runserver` on a free port against it, walks through the pages in Chromium as the
demo coaches and stops the server. Your own db.sqlite3 is never touched, and every run starts
from the same demo data, so the pictures only change when the pages do. Five walks:

- intake (docs/coach-guide-intake.md, docs/img/NN-*.png): a newcomer from a new file to a
  trajectory;
- sessions (docs/coach-guide-sessions.md, docs/img/sNN-*.png): groups, planning, attendance,
  the agenda and language assessments;
- portal (docs/portal-guide.md, docs/img/pNN-*.png): a coach hands out a phone code, and the
  participant's pages on a phone, in French, Arabic and Tigrinya;
- trajectory (docs/coach-guide-trajectory.md, docs/img/tNN-*.png): the action plan, consent,
  referrals and placements, the to-dos, evaluations, the exit, follow-up calls and the
  printable summary;
- reports (docs/manager-guide-reports.md, docs/img/rNN-*.png): the dashboard, the people
  behind a figure and the funder report;
- programmes (docs/programmes/*.md, docs/img/programmes/*.png): for each of the five designs,
  the enrolment page of a typical participant (as their coach) and the programme's dashboard
  (as its manager).

`--server URL` walks a server already running on a demo database instead (its DATABASE_URL in
the environment, as the server has it), without building one.

The demo data is built around today's date, so the dates in the pictures are those of the day
they were taken.

Needs Debian's Chromium (`apt-get install chromium`), never a browser from
`playwright install`. Install `chromium-l10n` as well: without it Chromium only knows US
English and shows date fields as month/day/year; and a font with the Ge'ez script
(`fonts-sil-abyssinica`, or `fonts-noto-core`), without which the Tigrinya pages show boxes.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager, nullcontext
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "parcours-demo"
VIEWPORT = {"width": 1280, "height": 860}
# The new person created for the guide: a name the demo data never uses, so the only
# duplicate warning in the pictures is the one provoked on purpose.
NEWCOMER = {"first_name": "Hiwet", "last_name": "Araya", "birth_date": "1994-03-18"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument(
        "--only",
        choices=["today", "intake", "sessions", "portal", "trajectory", "reports", "programmes"],
        help="take the pictures of one guide only",
    )
    parser.add_argument("--server", help="a running demo server's URL, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("No Chromium found: apt-get install chromium chromium-l10n")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.server:
        os.environ.setdefault("PARCOURS_DEMO_DB", os.environ.get("DATABASE_URL", ""))
    server = nullcontext(args.server.rstrip("/")) if args.server else demo_server()
    with server as base_url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--lang=en-GB",
            ],
            # Chromium takes the format of date fields from the process locale.
            env={**os.environ, "LANG": "en_GB.UTF-8", "LANGUAGE": "en_GB:en"},
        )
        shots = Shots(browser, base_url, args.out)
        if args.only in (None, "today"):
            shots.today()
        if args.only in (None, "intake"):
            shots.caseload_and_duplicate()
            shots.intake()
        if args.only in (None, "sessions"):
            shots.sessions()
        if args.only in (None, "portal"):
            shots.portal(portal_logins(base_url))
        if args.only in (None, "reports"):
            shots.reports()
        if args.only in (None, "trajectory"):
            shots.trajectory()
        if args.only in (None, "programmes"):
            shots.programmes(typical_enrolments())
        browser.close()
    for path in sorted(args.out.glob("*.png")):
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}  {path.stat().st_size // 1024} KB")


@contextmanager
def demo_server():
    """A runserver on a fresh demo database; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="parcours-screenshots-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "DJANGO_DEBUG": "true",
        }
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "--noinput", "-v0"], ["load_demo_data"]):
            subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True)
        os.environ["PARCOURS_DEMO_DB"] = env["DATABASE_URL"]
        port = free_port()
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_until_up(f"{base_url}/accounts/login/")
            yield base_url
        finally:
            server.terminate()
            server.wait(timeout=10)


def portal_logins(base_url: str) -> dict[str, tuple[str, str]]:
    """The demo people with a phone code, as `demo_logins` prints them: language -> (name,
    link). Asked of the running server's database, which the demo server left in the
    environment of this process."""
    out = subprocess.run(
        [sys.executable, "manage.py", "demo_logins", "--url", base_url],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": os.environ["PARCOURS_DEMO_DB"]},
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    found = re.findall(r"^\s+(\w+)\s+(.+?)\s+(http\S+/p/\w{12})$", out, flags=re.M)
    return {language: (name, link) for language, name, link in found}


# Picks, per programme, an active enrolment with the most modules in its plan (then the most
# sessions attended): someone well into the trajectory. Its coach and the programme's manager.
TYPICAL = """
import json
from django.db.models import Count
from participants.models import Enrolment
from programme.models import Staff
found = {}
for code in ("amie", "interactief", "activ-up", "mod-actions", "move-up"):
    e = (Enrolment.objects.filter(programme__code=code, status="active")
         .annotate(modules=Count("planned_modules", distinct=True),
                   attended=Count("participant__attendances", distinct=True))
         .order_by("-modules", "-attended", "pk").select_related("coach", "programme").first())
    manager = Staff.objects.filter(organisation=e.programme.organisation_id, role="manager")
    found[code] = [e.pk, e.coach.username, e.programme_id,
                   manager.values_list("user__username", flat=True).first()]
print(json.dumps(found))
"""


def typical_enrolments() -> dict[str, list]:
    """code -> [enrolment id, its coach, programme id, the programme's manager], asked of the
    running server's database."""
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", TYPICAL],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": os.environ["PARCOURS_DEMO_DB"]},
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


class Shots:
    def __init__(self, browser, base_url: str, out: Path):
        self.browser = browser
        self.base_url = base_url
        self.out = out

    def session(self, username: str, viewport: dict = VIEWPORT) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, locale="en-GB", viewport=viewport, device_scale_factor=1
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        # Coaches land on Today, managers on the dashboard; the walks start from the list of
        # people, as they did before Today (today() goes back to Today).
        expect(page).to_have_url(re.compile(r"/(today|reports/dashboard)/$"))
        page.goto("/participants/")
        return page

    def save(self, page: Page, name: str, *, full_page: bool = False) -> None:
        # Wait for htmx swaps, and take the pointer and the focus ring out of the picture.
        page.wait_for_load_state("networkidle")
        page.mouse.move(0, 0)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.screenshot(path=self.out / f"{name}.png", full_page=full_page, animations="disabled")

    def pdf_page(self, pdf: bytes, name: str) -> None:
        """The first page of a PDF as a picture (pdftoppm, from poppler-utils)."""
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "file.pdf"
            source.write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                 str(source), str(self.out / name)],
                check=True,
            )  # fmt: skip

    def today(self) -> None:
        """Sophie Leroy's Today, on her desk and on a phone, and the "Now" of a file: a member
        of her MOVE UP! group."""
        page = self.session("coach")
        page.get_by_role("link", name="Today", exact=True).click()
        expect(page.get_by_role("heading", name=re.compile("^Today"))).to_be_visible()
        self.save(page, "00-today", full_page=True)
        page.get_by_role("link", name="Groups", exact=True).click()
        page.get_by_role("link", name=MOVE_UP_GROUP).first.click()
        self.open_first_member(page)
        expect(page.locator(".now")).to_be_visible()
        self.save(page, "12-file-now")
        page.context.close()

        phone = self.session("coach", viewport={"width": 360, "height": 740})
        phone.goto("/today/")
        phone.get_by_text("Menu", exact=True).click()
        self.save(phone, "00-today-phone")
        phone.context.close()

    def caseload_and_duplicate(self) -> None:
        """Sophie Leroy, coach at CPAS de Bruxelles: her caseload, and a second file started
        for someone already on it."""
        page = self.session("coach")
        self.save(page, "01-caseload")

        # Read an existing person's names and birth date from their edit form.
        page.locator("#results tbody tr a").first.click()
        page.get_by_role("button", name="Edit").click()
        first = page.get_by_label("First name").input_value()
        last = page.get_by_label("Last name").input_value()
        born = page.get_by_label("Date of birth").input_value()
        gender = page.get_by_label("Gender").input_value()

        page.goto("/participants/new/")
        page.get_by_label("First name").fill(first)
        page.get_by_label("Last name").fill(last.upper())
        page.get_by_label("Date of birth").fill(born)
        page.get_by_label("Gender").select_option(gender)
        page.get_by_role("button", name="Create the file").click()
        expect(page.get_by_text("This person may already be on file")).to_be_visible()
        self.save(page, "02-duplicate-warning")
        page.context.close()

    def intake(self) -> None:
        """Jef Maes, coach at OCMW Antwerpen, whose programme AMIE reads five of its nine
        criteria from the file: one new person from the file to a trajectory in a group, paused,
        resumed, then ended with the exit review."""
        page = self.session("jef.maes")
        page.get_by_role("main").get_by_role("button", name="New participant").click()
        page.get_by_label("First name").fill(NEWCOMER["first_name"])
        page.get_by_label("Last name").fill(NEWCOMER["last_name"])
        page.get_by_label("Date of birth").fill(NEWCOMER["birth_date"])
        page.get_by_label("Gender").select_option(label="Woman")
        page.get_by_label("Nationality").select_option("ER")
        page.get_by_label("Country of birth").select_option("ER")
        page.get_by_label("Arrival in Belgium").fill("2023-05-02")
        page.get_by_label("Residence status").select_option(label="Recognised refugee")
        page.get_by_label("Receives the integration income").check()
        page.get_by_label("Language 1", exact=True).select_option(label="Tigrinya")
        page.get_by_label("How the person uses it 1", exact=True).select_option(
            label="Mother tongue"
        )
        page.get_by_label("Language 2", exact=True).select_option(label="Dutch")
        page.get_by_label("How the person uses it 2", exact=True).select_option(
            label="Simple conversation"
        )
        page.get_by_label("Needs an interpreter for").select_option(label="Tigrinya")
        page.get_by_role("button", name="Create the file").click()

        # The referral.
        expect(page.get_by_role("heading", name="Refer to a programme")).to_be_visible()
        page.get_by_label("Programme").select_option(label="AMIE")
        page.get_by_label("Referred by").select_option(label="Partner organisation")
        page.get_by_label("Referring partner").select_option(label="Solentra")
        page.get_by_label("Who referred").fill("Lotte, psychologist at Solentra")
        page.get_by_label("Reason for the referral").fill(
            "Few contacts outside the family; would like to practise Dutch in a group."
        )
        self.save(page, "03-referral")
        page.get_by_role("button", name="Record the referral").click()
        page.get_by_role("button", name="Start the intake").click()

        # Eligibility: civic integration is not completed according to the file; the coach
        # knows better and says why.
        civic = page.get_by_role("group", name="Civic-integration course completed")
        civic.get_by_label("Met", exact=True).check()
        civic.locator("summary").click()
        civic.get_by_label("Why does your judgement differ from the data?").fill(
            "Finished the course last week; the certificate is on its way."
        )
        for criterion in page.locator("fieldset.criterion").all():
            met = criterion.get_by_label("Met", exact=True)
            if not met.is_checked():
                met.check()
        self.save(page, "04-eligibility", full_page=True)
        page.get_by_role("button", name="Save and continue").click()

        # The intake interview.
        expect(page.get_by_role("heading", name="Intake interview", level=2)).to_be_visible()
        page.get_by_label("Length (minutes)").fill("75")
        page.get_by_label("Interpreting").select_option(label="Social interpreter")
        page.get_by_label("In which language").select_option(label="Tigrinya")
        page.get_by_label("Notes").fill(
            "Expects to meet people and practise Dutch. Free on weekday mornings; "
            "her youngest goes to school from September."
        )
        self.save(page, "05-interview")
        page.get_by_role("button", name="Save and continue").click()

        # The decision: no place free today, so the waiting list.
        page.get_by_label("Waiting list").check()
        page.get_by_label("Reason or remark").fill("Group full until the next start.")
        self.save(page, "06-decision", full_page=True)
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_text("Waiting list: position")).to_be_visible()
        self.save(page, "07-waiting-list")

        # A place frees up: admit her.
        page.get_by_role("link", name="Admit or decide").click()
        page.get_by_label("Admitted: the trajectory starts").check()
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_role("button", name="Pause")).to_be_visible()
        self.save(page, "08-enrolment-active")
        enrolment_url = page.url
        self.join_a_group(page, f"{NEWCOMER['last_name'].upper()} {NEWCOMER['first_name']}")
        page.goto(enrolment_url)

        # Pause opens its form in place.
        page.get_by_role("button", name="Pause").click()
        page.get_by_label("Why").fill("Hospitalised for three weeks.")
        self.save(page, "09-pause")
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("button", name="Resume")).to_be_visible()
        # Back from hospital, expected again at her group's sessions; she stops soon after.
        page.get_by_role("button", name="Resume").click()
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("button", name="Pause")).to_be_visible()
        # The exit is the exit review, a page of its own: why she leaves, where she goes and
        # the review that closes the trajectory.
        page.get_by_role("button", name="Exit", exact=True).click()
        expect(page.get_by_role("heading", name=re.compile(r"^Exit and review"))).to_be_visible()
        page.get_by_label("Why the person leaves").select_option(label="Dropped out")
        page.get_by_label("Drop-out reason").select_option(label="Health")
        page.get_by_label("Where the person goes next").select_option(label="Another service")
        page.get_by_label("Strengths").fill(
            "Came to every intake appointment; clear about what she wants to learn."
        )
        page.get_by_label("Limits and obstacles").fill("A long recovery after the hospital stay.")
        page.get_by_label("Recommended next step").fill(
            "Back to her social worker at the antenna; a new referral once she has recovered."
        )
        page.get_by_label("Who the person can still turn to").fill("Jef Maes, coach")
        self.save(page, "10-exit", full_page=True)
        page.get_by_role("button", name="Record the exit").click()
        expect(page.get_by_role("status")).to_contain_text("Exit recorded.")
        # What the exit did: the calls planned, the group left, the sessions that no longer
        # expect her.
        self.save(page, "10-exit-recorded")

        # The participant file: everything that happened, newest first.
        page.goto(page.locator(".breadcrumb a").first.get_attribute("href"))
        self.save(page, "11-participant-file", full_page=True)
        page.context.close()

    @staticmethod
    def join_a_group(page: Page, name: str) -> None:
        """Put the newcomer in the first of the coach's groups with a free place, from today,
        so that her exit has a group to leave."""
        page.get_by_role("link", name="Groups", exact=True).click()
        for href in page.locator("main table a").evaluate_all("links => links.map(a => a.href)"):
            page.goto(href)
            candidate = page.get_by_label(name)
            if candidate.count():
                candidate.check()
                page.get_by_role("button", name="Add to the group").click()
                expect(page.get_by_role("status")).to_be_visible()
                return
        raise AssertionError(f"No group of this coach has a free place for {name}.")

    # The sessions guide -----------------------------------------------------------------

    def sessions(self) -> None:
        """Sophie Leroy coaches the MOVE UP! group of CPAS de Bruxelles (21 hours a week,
        Monday to Wednesday); her colleague Julie Mertens coaches five of its members."""
        self.groups()
        self.grouping()
        self.scheduling()
        self.attendance()
        self.overviews()
        self.language()

    def groups(self) -> None:
        page = self.session("coach")
        page.get_by_role("link", name="Groups", exact=True).click()
        self.save(page, "s01-groups")
        page.get_by_role("link", name=MOVE_UP_GROUP).click()
        self.save(page, "s02-group", full_page=True)
        page.context.close()

    def grouping(self) -> None:
        """Katrien De Vos, manager at OCMW Gent, regroups the people of Interactief!, which
        allows at most 40 % of one mother tongue per group. The demo places everyone in a
        group, so its group is ended first, as at the end of a cycle (not pictured)."""
        page = self.session("katrien.devos")
        page.get_by_role("link", name="Groups", exact=True).click()
        page.get_by_role("link", name=re.compile(r"^Interactief!")).first.click()
        leave = page.get_by_role("button", name="Leaves the group")
        while leave.count():
            leave.first.click()
            expect(page.get_by_role("status")).to_contain_text("left the group")
        page.get_by_role("link", name="Programmes", exact=True).click()
        page.get_by_role("link", name="Interactief!", exact=True).click()
        # No link leads to the proposal yet: its address is the programme's plus grouping/.
        page.goto(page.url.rstrip("/") + "/grouping/")
        page.get_by_label("Places per group").fill("4")
        page.get_by_role("button", name="Propose again").click()
        expect(page.get_by_role("heading", name=re.compile(r"^Group 2"))).to_be_visible()
        self.save(page, "s03-grouping", full_page=True)
        page.context.close()

    def scheduling(self) -> None:
        page = self.session("coach")
        # One session: an individual talk, first at a time the group already meets.
        page.get_by_role("link", name="Groups", exact=True).click()
        page.get_by_role("link", name=MOVE_UP_GROUP).click()
        group_url = page.url
        page.get_by_role("button", name="Schedule").click()
        next_day = next(
            day
            for day in (
                dmy(cell)
                for cell in page.locator("table")
                .first.locator("tbody tr td:first-child")
                .all_inner_texts()
            )
            if day > datetime.date.today()
        )
        page.goto(group_url)
        self.open_first_member(page)
        page.get_by_role("link", name="Plan an individual session").click()
        page.get_by_label(re.compile(r"^Date\b")).fill(next_day.isoformat())
        page.get_by_label(FROM).fill("10:00")
        page.get_by_label(TO).fill("11:00")
        page.get_by_label(re.compile(r"^Programme\b")).select_option(label="MOVE UP!")
        page.get_by_label(re.compile(r"^Kind\b")).select_option(label="Individual coaching")
        page.get_by_label("Topic").fill("Job search plan")
        page.get_by_label(re.compile(r"^Place\b")).select_option(label="Online")
        page.get_by_label("Online link").fill("https://visio.example.org/parcours")
        page.get_by_role("button", name="Plan the session").click()
        expect(page.get_by_text("Before saving, look at these clashes:")).to_be_visible()
        self.save(page, "s04-session-conflicts")
        page.get_by_label(FROM).fill("16:30")
        page.get_by_label(TO).fill("17:30")
        page.get_by_role("button", name="Plan the session").click()
        expect(page.get_by_role("status")).to_contain_text("Session planned.")

        # A series: a job search workshop every other Thursday, led with Julie.
        page.goto(group_url)
        page.get_by_role("main").get_by_role("button", name="Plan a series").click()
        page.get_by_label(re.compile(r"^Kind\b")).select_option(label="Workshop")
        page.get_by_label("Topic").fill("Job search workshop")
        page.get_by_label(re.compile(r"^Room\b")).select_option(
            label="Antenne Laeken — Salle 2 / Zaal 2"
        )
        page.get_by_label("Julie Mertens").check()
        page.get_by_label("What to bring").fill("CV on a USB stick")
        page.get_by_label(FROM).fill("09:30")
        page.get_by_label(TO).fill("12:00")
        page.get_by_label(re.compile(r"^Every\b")).fill("2")
        page.get_by_label("Thursday").check()
        thursday = datetime.date.today() + datetime.timedelta(
            days=(3 - datetime.date.today().weekday()) % 7 or 7
        )
        page.get_by_label(re.compile(r"^First day\b")).fill(thursday.isoformat())
        page.get_by_label("Number of sessions").fill("6")
        self.save(page, "s05-series-form", full_page=True)
        page.get_by_role("button", name="Plan the sessions").click()
        expect(page.get_by_role("status")).to_contain_text("6 sessions planned.")
        self.save(page, "s06-series", full_page=True)

        # Two more after the last one, then a later start from the fourth session on.
        page.get_by_label("Number of sessions to add").fill("2")
        page.get_by_role("button", name="Add them after the last one").click()
        expect(page.get_by_role("status")).to_contain_text("2 sessions added.")
        fourth = dmy(page.locator("tbody tr").nth(3).locator("td").first.inner_text(), short=True)
        page.get_by_label("Starting with the session of").fill(fourth.isoformat())
        page.get_by_label("Start time").fill("10:00")
        page.get_by_label("End time").fill("12:30")
        page.get_by_role("button", name="Change from this date").click()
        expect(page.get_by_role("status")).to_contain_text("The schedule changes from")
        self.save(page, "s07-series-changed")
        page.context.close()

    def attendance(self) -> None:
        """An information session for the group this afternoon; Sophie records it while
        Julie has the same page open."""
        page = self.session("coach")
        page.get_by_role("link", name="Groups", exact=True).click()
        page.get_by_role("link", name=MOVE_UP_GROUP).click()
        page.get_by_role("button", name="One session").click()
        page.get_by_label(FROM).fill("16:30")
        page.get_by_label(TO).fill("18:00")
        page.get_by_label(re.compile(r"^Programme\b")).select_option(label="MOVE UP!")
        page.get_by_label(re.compile(r"^Kind\b")).select_option(label="Information session")
        page.get_by_label("Topic").fill("Job fair: how it works")
        page.get_by_label(re.compile(r"^Room\b")).select_option(
            label="Antenne Laeken — Salle 1 / Zaal 1"
        )
        page.get_by_role("button", name="Plan the session").click()
        expect(page.get_by_role("status")).to_contain_text("Session planned.")
        session_url = page.url

        julie = self.session("julie.mertens")
        julie.goto(session_url)

        rows = page.locator(".attendance-row")
        # Each button is named for its person as well: "Late — Amal Haile".
        rows.nth(0).get_by_role("button", name=re.compile("^Late — ")).click()
        expect(rows.nth(0).get_by_role("button", name="Late")).to_have_attribute(
            "aria-pressed", "true"
        )
        rows.nth(1).get_by_label("Reason for an excused absence").fill("Doctor's appointment")
        rows.nth(1).get_by_role("button", name=re.compile("^Excused absence — ")).click()
        expect(rows.nth(1)).to_contain_text("Excused absence — Doctor's appointment")
        self.save(page, "s08-attendance")

        # Julie, on the page she opened before, taps the same person.
        julie.locator(".attendance-row").nth(1).get_by_role(
            "button", name=re.compile("^Present — ")
        ).click()
        expect(julie.get_by_role("alert")).to_contain_text("by someone else")
        self.save(julie, "s09-two-coaches")
        julie.context.close()

        page.get_by_role("button", name="Mark everyone not recorded yet as present").click()
        expect(page.get_by_role("status")).to_contain_text("marked present")
        self.save(page, "s10-session", full_page=True)
        page.context.close()

    def overviews(self) -> None:
        # Nobody of Sophie's caseload missed sessions lately; at CPAS de Charleroi someone did.
        page = self.session("isabelle.lambert")
        page.get_by_role("link", name="Groups", exact=True).click()
        page.get_by_role("button", name="Needs attention").click()
        page.get_by_label("Absences in a row, at least").fill("2")
        page.get_by_role("button", name="Show").click()
        self.save(page, "s11-needs-attention")
        page.context.close()

        page = self.session("coach")
        page.get_by_role("link", name="Groups", exact=True).click()
        page.get_by_role("button", name="Hours attended").click()
        # Last month: every week of it is over.
        page.get_by_role("link", name=re.compile(r"^← ")).click()
        self.save(page, "s12-hours")

        page.get_by_role("link", name="Agenda", exact=True).click()
        page.get_by_role("link", name="Month", exact=True).click()
        expect(page.locator(".agenda-month")).to_be_visible()
        self.save(page, "s13-agenda-month", full_page=True)

        page.get_by_role("link", name="Programmes", exact=True).click()
        page.get_by_role("link", name="MOVE UP!", exact=True).click()
        page.get_by_role("link", name="Antenne Laeken").click()
        self.save(page, "s14-rooms")

        page.get_by_role("link", name="Agenda", exact=True).click()
        page.get_by_role("button", name="Subscribe in a calendar app").click()
        page.get_by_role("button", name="Make an address").click()
        expect(page.get_by_label("Subscription address")).to_be_visible()
        self.save(page, "s15-calendar")
        page.context.close()

    def language(self) -> None:
        page = self.session("coach")
        page.get_by_role("link", name="Groups", exact=True).click()
        page.get_by_role("link", name=MOVE_UP_GROUP).click()
        self.open_first_member(page)
        page.get_by_role("link", name="See the history and progress").click()
        page.get_by_label(re.compile(r"^Oral\b")).select_option(label="A2")
        page.get_by_label(re.compile(r"^Reading\b")).select_option(label="A1")
        page.get_by_label(re.compile(r"^Writing\b")).select_option(label="A1")
        # MOVE UP! reports on the French-as-a-foreign-language scale as well.
        page.get_by_label("Level on the FLE scale").select_option(label="FLE A2")
        page.get_by_label("Notes").fill("Checked after three months in the group.")
        page.get_by_role("button", name="Record the assessment").click()
        expect(page.get_by_role("status")).to_contain_text("Language assessment recorded.")
        self.save(page, "s16-language", full_page=True)
        page.context.close()

    @staticmethod
    def open_first_member(page: Page) -> None:
        """Open the file of the first member on the coach's own caseload; the others are
        listed in the group but their files are their own coach's."""
        for href in page.locator("table a").evaluate_all("links => links.map(a => a.href)"):
            if page.goto(href).ok:
                return
        raise AssertionError("No member of the group is on this coach's caseload.")

    # The trajectory guide ---------------------------------------------------------------

    def trajectory(self) -> None:
        """Sophie Leroy's people in MOVE UP!: Rasha Khalil, admitted a fortnight ago, gets her
        baseline evaluation and a goal from it; Mohammad Ahmadi's exit evaluation is compared
        with his baseline; Hassan Farah leaves the programme; the calls after earlier exits are
        made."""
        page = self.session("coach")
        self.open_enrolment(page, "Khalil")
        self.save(page, "t01-enrolment", full_page=True)
        self.evaluation(page)
        self.action_plan(page)
        self.partners(page)
        page.get_by_role("link", name="To-dos", exact=True).click()
        self.save(page, "t09-todos")
        # Mohammad Ahmadi left in the spring: his exit evaluation against his baseline, and
        # the summary of his whole trajectory.
        self.open_enrolment(page, "Ahmadi", "Mohammad")
        page.locator("#evaluations thead a").last.click()
        self.save(page, "t10-comparison", full_page=True)
        page.get_by_role("link", name=re.compile(r"— MOVE UP!$")).click()
        page.get_by_role("button", name="Printable summary").click()
        self.save(page, "t16-summary", full_page=True)
        self.exit_and_calls(page)
        page.context.close()

    def open_enrolment(self, page: Page, last_name: str, first_name: str = "") -> None:
        page.goto(f"/participants/?q={last_name}")
        page.locator(
            "#results tbody tr a", has_text=f"{last_name.upper()} {first_name}"
        ).first.click()
        page.get_by_role("link", name="MOVE UP!", exact=True).first.click()
        expect(page.get_by_role("heading", name=re.compile(r"^MOVE UP!"))).to_be_visible()

    # Rasha Khalil's baseline: the coach's level and, where she gave one, her own.
    BASELINE = {
        "oral_language": (2, 3),
        "written_language": (1, 1),
        "social_network": (2, 2),
        "social_skills": (3, None),
        "activation": (2, 3),
        "digital_skills": (3, 2),
        "autonomy": (2, 2),
        "self_confidence": (3, 2),
        "wellbeing": (3, None),
    }

    def evaluation(self, page: Page) -> None:
        todo = page.locator("#todos tbody tr").filter(has_text="Baseline evaluation")
        todo.get_by_role("link", name="Record it").click()
        for code, (coach, own) in self.BASELINE.items():
            page.locator(f"input[name=coach_{code}][value='{coach}']").check()
            if own:
                page.locator(f"input[name=participant_{code}][value='{own}']").check()
        page.get_by_label("Notes").fill("With a social interpreter in Arabic.")
        # Ticking scrolled the page down: the picture is of its top, the first domains.
        page.evaluate("window.scrollTo(0, 0)")
        self.save(page, "t02-evaluation-form")
        page.get_by_role("button", name="Record the evaluation").click()
        expect(page.get_by_role("status")).to_contain_text("recorded")
        # Reading and writing scored 1: made a goal in place, in her words.
        row = page.locator("#domain-written_language")
        row.get_by_role("button", name="Make it a goal").click()
        row.get_by_label("Goal, in the participant's words").fill(
            "I want to read the letters from the CPAS myself."
        )
        self.save(page, "t03-goal-from-score", full_page=True)
        row.get_by_role("button", name="Add to the action plan").click()
        expect(page.get_by_role("status")).to_contain_text("Goal added")

    def action_plan(self, page: Page) -> None:
        page.get_by_role("link", name=re.compile(r"— MOVE UP!$")).click()
        goal = page.locator("#action-plan section.goal").filter(
            has_text="I want to read the letters from the CPAS myself."
        )
        goal.get_by_role("link", name="Add a step").click()
        page.get_by_label(re.compile(r"^Step\b")).fill("Read one letter a week with the coach")
        page.get_by_label("Together").check()
        due = datetime.date.today() + datetime.timedelta(weeks=2)
        page.get_by_label("Due").fill(due.isoformat())
        page.get_by_role("button", name="Save and add another").click()
        page.get_by_label(re.compile(r"^Step\b")).fill(
            "Sort the post at home: CPAS, bank, school, advertising"
        )
        page.get_by_label("The participant alone").check()
        self.save(page, "t04-step-form")
        page.get_by_role("button", name="Save the step").click()
        expect(page.get_by_role("status")).to_contain_text("Step added.")
        page.get_by_role("button", name=re.compile(r"^Mark “Sort the post")).click()
        expect(page.locator("#action-plan .ladder")).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.mouse.move(0, 0)
        page.locator("#action-plan").screenshot(path=self.out / "t05-action-plan.png")

    def partners(self, page: Page) -> None:
        enrolment_url = page.url.split("#")[0]
        page.get_by_role("button", name="Refer to a partner").click()
        page.get_by_label(re.compile(r"^Partner\s*\*?$")).select_option(
            label="Médiation de dettes CPAS"
        )
        page.get_by_label(re.compile(r"^For\s*\*?$")).select_option(label="Debt mediation")
        page.get_by_label(re.compile(r"^Reason\s*\*?$")).fill(
            "Energy bills unpaid since the summer; asked for help to make a payment plan."
        )
        self.save(page, "t06-referral-form", full_page=True)
        page.get_by_role("button", name="Record the referral").click()
        page.goto(enrolment_url)
        page.get_by_role("button", name="Add a placement").click()
        page.get_by_label("Kind").select_option(label="Job tasting (about a week)")
        page.get_by_label("Host").select_option(index=1)
        page.get_by_label(re.compile(r"^Role\s*\*?$")).fill("Workshop helper")
        page.get_by_label("Tasks").fill(
            "Sorting parts, cleaning bikes, mending punctures with the mechanic."
        )
        page.get_by_label("Hours per week").fill("20")
        page.get_by_label("Schedule").fill("Monday to Friday 9–13")
        monday = datetime.date.today() + datetime.timedelta(
            days=7 - datetime.date.today().weekday()
        )
        page.get_by_label("Start").fill(monday.isoformat())
        page.get_by_label("Planned end").fill((monday + datetime.timedelta(days=4)).isoformat())
        page.get_by_label(re.compile(r"^Supervisor\s*\*?$")).fill("Karim Benali")
        self.save(page, "t07-placement-form", full_page=True)
        page.get_by_role("button", name="Save the placement").click()
        page.goto(page.url.split("#")[0])
        page.locator(".breadcrumb a").first.click()
        page.get_by_role("link", name="Record or withdraw").click()
        self.save(page, "t08-consents", full_page=True)

    def exit_and_calls(self, page: Page) -> None:
        self.open_enrolment(page, "Farah")
        page.get_by_role("button", name="Exit", exact=True).click()
        page.get_by_label("Why the person leaves").select_option(label="Completed")
        page.get_by_label("Where the person goes next").select_option(
            label="Subsidised employment (art. 60 §7)"
        )
        page.get_by_label("Strengths").fill(
            "Punctual and reliable; helped newcomers in the group find their way."
        )
        page.get_by_label("Limits and obstacles").fill("Written French still slow.")
        page.get_by_label("Recommended next step").fill(
            "Art. 60 contract at the CPAS laundry from next month; evening French class."
        )
        page.get_by_label("Who the person can still turn to").fill(
            "Sophie Leroy, coach, Antenne Laeken"
        )
        page.get_by_label("Contact's phone").fill("02 563 20 00")
        page.get_by_label("Did the programme help your integration?").select_option(label="Yes")
        self.save(page, "t11-exit-form", full_page=True)
        page.get_by_role("button", name="Record the exit").click()
        expect(page.get_by_role("status")).to_contain_text("Exit recorded.")
        page.wait_for_load_state("networkidle")
        page.locator("#exit-review").screenshot(path=self.out / "t12-exit-panel.png")

        page.get_by_role("link", name="Follow-up calls", exact=True).first.click()
        self.save(page, "t13-call-queue", full_page=True)
        page.get_by_role("button", name=re.compile(r"^Log the call")).first.click()
        panel = page.locator("#call-panel")
        panel.get_by_label("Reached").check()
        panel.get_by_label("Their situation today").select_option(label="Looking for work")
        panel.get_by_label("Do they need help?").select_option(label="Yes")
        panel.get_by_label("What help").fill("Wants help to write a CV and find a training.")
        panel.get_by_label("Did the programme help their integration?").select_option(
            label="Partly"
        )
        self.save(page, "t14-call-form", full_page=True)
        panel.get_by_role("button", name="Log the call", exact=True).click()
        expect(page.get_by_role("heading", name="What the person said")).to_be_visible()
        self.save(page, "t15-call-reached", full_page=True)

    # The participant's phone ------------------------------------------------------------

    PHONE = {"width": 360, "height": 740}

    def phone(self, locale: str) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, locale=locale, viewport=self.PHONE, device_scale_factor=1,
            is_mobile=True, has_touch=True,
        )  # fmt: skip
        context.set_default_timeout(10_000)
        return context.new_page()

    def new_phone_code(self, name: str, shot: str = "") -> str:
        """The demo coach makes a new code for one of her people; returns it."""
        page = self.session("coach")
        page.goto(f"/participants/?q={name.split()[-1]}")
        page.locator("#results tbody tr a").first.click()
        page.get_by_role("link", name=re.compile("Hand out, print or revoke")).click()
        if shot:
            self.save(page, shot, full_page=True)
        page.get_by_role("button", name="Make the code and print the paper").click()
        expect(page.locator(".portal-qr svg")).to_be_visible()
        if shot:
            self.save(page, "p02-paper", full_page=True)
        code = page.locator(".portal-code strong").inner_text().replace(" ", "")
        page.context.close()
        return code

    def first_use(self, code: str, locale: str, shot: str, pin: str) -> Page:
        """Open a new code on a phone: the PIN chosen, "my own phone" tapped."""
        phone = self.phone(locale)
        phone.goto(f"/p/{code}")
        pins = phone.locator("input[type=password]")
        pins.nth(0).fill(pin)
        pins.nth(1).fill(pin)
        phone.locator("label.choice-card", has=phone.locator("input[value=on]")).click()
        self.save(phone, shot, full_page=True)
        phone.locator("button[type=submit]").click()
        expect(phone).to_have_url(re.compile("/p/home/$"))
        return phone

    def portal(self, logins: dict[str, tuple[str, str]]) -> None:
        """The demo coach hands out a new code to her French-speaking participant, who opens
        it on a phone; then the Arabic- and Tigrinya-speaking participants' pages, right to
        left and in Ge'ez script, each the first time and after."""
        name, _link = logins["fr"]
        code = self.new_phone_code(name, shot="p01-coach-page")
        phone = self.first_use(code, "fr-BE", "p03-choose-pin-fr", "3691")
        self.save(phone, "p04-home-fr", full_page=True)
        phone.goto("/p/sessions/")
        self.save(phone, "p09-sessions-fr", full_page=True)
        phone.context.close()

        name, link = logins["ar"]
        phone = self.phone("ar")
        phone.goto(link)
        self.save(phone, "p05-pin-ar", full_page=True)
        phone.locator("input[type=password]").fill("2580")
        phone.locator("button[type=submit]").click()
        expect(phone).to_have_url(re.compile("/p/home/$"))
        self.save(phone, "p06-home-ar", full_page=True)
        faces = phone.locator("a[href*='/p/evaluation/']")
        if faces.count():
            faces.first.click()
            phone.locator("label.face-3").first.click()
            self.save(phone, "p07-faces-ar")
        phone.goto("/p/language/")
        self.save(phone, "p08-languages-ar", full_page=True)
        phone.context.close()
        # A new code for her: the first use, then her sessions.
        phone = self.first_use(self.new_phone_code(name), "ar", "p10-first-use-ar", "3691")
        phone.goto("/p/sessions/")
        self.save(phone, "p11-sessions-ar", full_page=True)
        phone.context.close()

        name, _link = logins["ti"]
        code = self.new_phone_code(name)
        phone = self.first_use(code, "ti", "p12-first-use-ti", "3691")
        self.save(phone, "p13-home-ti", full_page=True)
        phone.goto("/p/sessions/")
        self.save(phone, "p14-sessions-ti", full_page=True)
        # Back another day with a PIN typed wrong: how many tries are left.
        phone.locator("a.brand").click()
        phone.locator("form[action$='/signout/'] button").click()
        phone.goto(f"/p/{code}")
        phone.locator("input[type=password]").fill("1470")
        phone.locator("button[type=submit]").click()
        phone.locator("input[type=password]").fill("2468")
        phone.locator("[data-show-pin]").click()
        self.save(phone, "p15-pin-ti", full_page=True)
        phone.context.close()

    # The manager's guide to the reports ----------------------------------------------------

    def reports(self) -> None:
        """Nathalie Dubois, manager at CPAS de Bruxelles: the dashboard of the last twelve
        months, the people behind one figure, the funder report of her first programme, its
        PDF (r01, the first page drawn with pdftoppm), the dashboard printed and as PDF."""
        today = datetime.date.today()
        period = f"start={today - datetime.timedelta(days=365):%Y-%m-%d}&end={today:%Y-%m-%d}"
        page = self.session("manager")
        page.goto(f"/reports/dashboard/?{period}")
        expect(page.locator("#completion")).to_be_visible()
        self.save(page, "r02-dashboard")
        for key, name in [("completion", "r03-completion"), ("follow_up", "r04-follow-up")]:
            page.mouse.move(0, 0)
            page.locator(f"#{key}").screenshot(path=self.out / f"{name}.png", animations="disabled")
        page.locator("#completion table a").first.click()
        expect(page.get_by_role("heading", name="Who is counted")).to_be_visible()
        self.save(page, "r05-people")
        page.goto(f"/reports/funder/?{period}")
        page.get_by_role("button", name="Show").click()  # the first programme, chosen already
        expect(page.locator(".funder-table")).to_be_visible()
        self.save(page, "r06-funder", full_page=True)
        page.get_by_label("Language of the report").select_option("fr")
        page.get_by_role("button", name=re.compile("Generate the report to send")).click()
        expect(page.get_by_text("The report is ready.")).to_be_visible()
        self.save(page, "r07-snapshot")
        href = page.get_by_role("button", name="PDF").get_attribute("href")
        pdf = page.request.get(href, timeout=120_000)  # a PDF takes seconds to render
        self.pdf_page(pdf.body(), "r01-funder-pdf-1")
        page.goto(f"/reports/dashboard/?{period}&funder=on")
        page.emulate_media(media="print")
        self.save(page, "r09-dashboard-print")
        page.emulate_media(media="screen")
        self.save(page, "r10-dashboard-funder")
        href = page.get_by_role("button", name="PDF").get_attribute("href")
        pdf = page.request.get(href, timeout=120_000)  # a PDF takes seconds to render
        self.pdf_page(pdf.body(), "r11-dashboard-pdf-1")
        # Where the facts the indicators need are entered: a person's file.
        page.goto("/participants/")
        page.locator("#results tbody tr a").first.click()
        page.get_by_role("link", name=re.compile("Dated events")).click()
        self.save(page, "r08-funder-facts", full_page=True)
        page.context.close()

    # The programme pages' pictures, with the sections that say nothing of the design left out
    # (the action plan on the enrolment page; on the dashboard all but completion, length,
    # planned and delivered hours and phases): the enrolment page's top, the whole dashboard.
    PROGRAMME_HEIGHT = {"enrolment": 1500, "dashboard": 3000}
    NOT_DESIGN = {
        "enrolment": ["#action-plan"],
        "dashboard": [f"#{key}" for key in (
            "funnel", "waiting", "caseloads", "attendance", "destinations", "evaluations",
            "language", "placements", "referrals", "follow_up",
        )],
    }  # fmt: skip

    def programmes(self, typical: dict[str, list]) -> None:
        """For each design (docs/programmes/): the enrolment page of a typical participant, as
        their coach, and the programme's dashboard of the last twelve months, as its manager."""
        today = datetime.date.today()
        period = f"start={today - datetime.timedelta(days=365):%Y-%m-%d}&end={today:%Y-%m-%d}"
        out = self.out / "programmes"
        out.mkdir(parents=True, exist_ok=True)
        for code, (enrolment, coach, programme, manager) in typical.items():
            page = self.session(coach)
            page.goto(f"/enrolments/{enrolment}/")
            expect(page.locator("#modules")).to_be_visible()
            self.save_top(page, out / f"{code}-enrolment.png", "enrolment")
            page.context.close()
            page = self.session(manager)
            page.goto(f"/reports/dashboard/?programme={programme}&{period}")
            expect(page.locator("#completion")).to_be_visible()
            self.save_top(page, out / f"{code}-dashboard.png", "dashboard")
            page.context.close()

    def save_top(self, page: Page, path: Path, kind: str) -> None:
        page.wait_for_load_state("networkidle")
        page.mouse.move(0, 0)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        for selector in self.NOT_DESIGN[kind]:
            page.locator(selector).evaluate("element => { element.style.display = 'none' }")
        height = page.evaluate("document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"],
                "height": min(height, self.PROGRAMME_HEIGHT[kind])}  # fmt: skip
        page.screenshot(path=path, full_page=True, clip=clip, animations="disabled")


# The demo's MOVE UP! group, named after its level.
MOVE_UP_GROUP = re.compile(r"^MOVE UP! — ")
# Time fields: "From *" and "To *", not "Topic".
FROM = re.compile(r"^From\s*\*?$")
TO = re.compile(r"^To\s*\*?$")


def dmy(text: str, *, short: bool = False) -> datetime.date:
    """The first date in a cell: 23/11/2026, or with short=True "Thu 26 Nov 2026"."""
    if short:
        found = re.search(r"(\d{1,2}) (\w{3}) (\d{4})", text)
        return datetime.datetime.strptime(" ".join(found.groups()), "%d %b %Y").date()
    day, month, year = re.search(r"(\d{2})/(\d{2})/(\d{4})", text).groups()
    return datetime.date(int(year), int(month), int(day))


if __name__ == "__main__":
    main()
