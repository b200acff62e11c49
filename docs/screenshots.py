"""Take the screenshots of docs/coach-guide-intake.md again, from the running app.

    .venv/bin/python docs/screenshots.py            # writes docs/img/*.png

It builds a throwaway demo database in a temporary directory (`migrate`, `load_demo_data`),
starts `runserver` on a free port against it, walks through the intake in Chromium as the
demo coaches and stops the server. Your own db.sqlite3 is never touched, and every run starts
from the same demo data, so the pictures only change when the pages do.

Needs Debian's Chromium (`apt-get install chromium`), never a browser from
`playwright install`. Install `chromium-l10n` as well: without it Chromium only knows US
English and shows date fields as month/day/year.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
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
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("No Chromium found: apt-get install chromium chromium-l10n")
    args.out.mkdir(parents=True, exist_ok=True)
    with demo_server() as base_url, sync_playwright() as playwright:
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
        shots.caseload_and_duplicate()
        shots.intake()
        browser.close()
    for path in sorted(args.out.glob("*.png")):
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


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

    def session(self, username: str) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url, locale="en-GB", viewport=VIEWPORT, device_scale_factor=1
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("User name").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="My caseload")).to_be_visible()
        return page

    def save(self, page: Page, name: str, *, full_page: bool = False) -> None:
        # Wait for htmx swaps, and take the pointer and the focus ring out of the picture.
        page.wait_for_load_state("networkidle")
        page.mouse.move(0, 0)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.screenshot(path=self.out / f"{name}.png", full_page=full_page, animations="disabled")

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
        criteria from the file: one new person from the file to a paused trajectory."""
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

        # Pause opens its form in place.
        page.get_by_role("button", name="Pause").click()
        page.get_by_label("Why").fill("Hospitalised for three weeks.")
        self.save(page, "09-pause")
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("button", name="Resume")).to_be_visible()
        page.get_by_role("button", name="Exit").click()
        page.get_by_label("Exit reason").select_option(label="Dropped out")
        page.get_by_label("Drop-out reason").select_option(label="Health")
        page.get_by_label("Destination").select_option(label="Another service")
        self.save(page, "10-exit")

        # The participant file: everything that happened, newest first.
        page.goto(page.locator(".breadcrumb a").first.get_attribute("href"))
        self.save(page, "11-participant-file", full_page=True)
        page.context.close()


if __name__ == "__main__":
    main()
