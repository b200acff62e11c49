"""Browser tests: Chromium driven by Playwright against pytest-django's live server.

We use Debian's Chromium (`apt-get install chromium`), never a browser downloaded by
`playwright install`, so the browser comes from the same place as every other system package.
Without it the browser tests are skipped with a loud warning on a developer's machine, and fail
on CI (CI=true), where a silently skipped suite would look like a passing one.

Screenshots land in test-artifacts/e2e/ at the repository root (gitignored), so CI can keep
them: each test saves the pages it walks through, and a failing test saves the page it failed on.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from programme.models import Organisation, Staff
from programme.services import staff_create

# Playwright's sync API keeps an asyncio event loop in this thread, and Django refuses ORM
# calls from a thread with a running loop. The tests build their data with the ORM between
# browser steps, one thing at a time, so the guard has nothing to protect here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parents[1] / "test-artifacts" / "e2e"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ON_CI = os.environ.get("CI", "").strip().lower() == "true"
NO_BROWSER = "BROWSER TESTS SKIPPED: no Chromium found (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Wide enough for the desktop layout; English whatever the machine's language, so the tests
# can find labels by their source text.
VIEWPORT = {"width": 1280, "height": 900}
LOCALE = "en-GB"


def pytest_collection_modifyitems(config, items):
    for item in items:
        # tests/conftest.py marks them `browser`.
        if HERE not in Path(str(item.path)).parents:
            continue
        if CHROMIUM is None and not ON_CI:
            item.add_marker(pytest.mark.skip(reason=NO_BROWSER))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # Counted from the reports, so tests deselected with -m "not browser" are not counted.
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if NO_BROWSER in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_sep("!", NO_BROWSER, red=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} browser test(s) did not run. Install Debian's Chromium to run "
            "them; on CI (CI=true) a missing Chromium fails the run instead.",
            red=True,
            bold=True,
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so the page fixture knows whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail(
            "No Chromium found (apt-get install chromium). CI=true, so the browser tests fail "
            "instead of being skipped.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, locale=LOCALE, viewport=VIEWPORT)
    # Fail fast: a missing label should fail in seconds, not after the 30 s default.
    context.set_default_timeout(5_000)
    yield context
    context.close()


@pytest.fixture
def page(context, request):
    # A failure screenshot from an earlier run must not pass for this run's.
    for old in ARTIFACTS.glob(f"{artifact_stem(request.node.name)}--*.png"):
        old.unlink()
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page.screenshot(path=artifact(request.node.name, "failure"), full_page=True)


@pytest.fixture
def screenshot(page, request):
    """screenshot("3-eligibility") saves the whole page as an artefact of this test."""

    def save(step: str) -> Path:
        path = artifact(request.node.name, step)
        page.screenshot(path=path, full_page=True)
        return path

    return save


def artifact(test_name: str, step: str) -> Path:
    """test-artifacts/e2e/<test>--<step>.png, the directory created on first use."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS / f"{artifact_stem(test_name)}--{step}.png"


def artifact_stem(test_name: str) -> str:
    # Parametrised names carry brackets and spaces; keep file names plain.
    return re.sub(r"[^\w.-]+", "-", test_name).strip("-")


# Both walks take place at one CPAS, with its coach Léa.
PASSWORD = "correct horse battery staple"


@pytest.fixture
def namur(transactional_db):
    return Organisation.objects.create(name="CPAS de Namur", city="Namur")


@pytest.fixture
def lea(namur):
    return staff_create(
        organisation=namur, role=Staff.Role.COACH, username="lea.dumont",
        password=PASSWORD, first_name="Léa", last_name="Dumont",
    ).user  # fmt: skip
