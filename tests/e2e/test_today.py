"""A coach's day starts on Today, and every staff page works on a phone and a tablet.

- A coach signs in, lands on Today, and records the attendance of today's session from it.
- Every staff page a coach or a manager opens (the access matrix's list, so a new page is
  walked as soon as it has its row there) fits a 360 px phone and a 768 px tablet: the document
  is never wider than the screen.
- axe-core finds no WCAG 2.1 AA violation on Today, the participant file, the session page and
  the call queue.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.models import Enrolment
from programme import indicator_sets, two_factor
from sessions.models import Attendance, ensure_default_kinds
from tests.e2e.conftest import LOCALE, PASSWORD, artifact
from tests.e2e.test_portal import AXE, WCAG_AA
from tests.evaluations.factories import make_goal
from tests.factories import make_enrolment, make_participant, make_programme
from tests.security.matrix_world import World, build_world
from tests.security.test_access_matrix import HIDDEN, MATRIX, OK
from tests.sessions.factories import add_member, make_group, make_session

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
TABLET = {"width": 768, "height": 1024}
PEOPLE = [("Amal", "Haile"), ("Rami", "Haddad"), ("Zahra", "Ahmadi"), ("Olena", "Kovalenko")]


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def todays_session(namur, lea):
    """Léa's group meets today: four people of her caseload expected, nobody recorded yet."""
    ensure_default_kinds()
    programme = make_programme(organisation=namur, name="Cap Avenir", code="cap-avenir")
    group = make_group(programme=programme, coaches=[lea], name="Cap Avenir — A1 mornings")
    people = []
    for first, last in PEOPLE:
        person = make_participant(organisation=namur, coach=lea, first_name=first, last_name=last)
        make_enrolment(
            participant=person, programme=programme, coach=lea, status=Enrolment.Status.ACTIVE,
            started_on=timezone.localdate().replace(day=1),
        )  # fmt: skip
        add_member(group=group, participant=person)
        people.append(person)
    return make_session(
        programme=programme, group=group, date=timezone.localdate(), topic="At the market",
        facilitators=[lea], expected=people,
    )  # fmt: skip


def test_a_coach_lands_on_today_and_records_todays_attendance_from_it(
    page: Page, screenshot, lea, todays_session
):
    sign_in(page, "lea.dumont")
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", name="Today", exact=False).first).to_be_visible()
    screenshot("1-today")

    # One tap from Today to the attendance list.
    page.get_by_role("button", name=re.compile("Record attendance: 4 people left")).click()
    expect(page).to_have_url(re.compile(rf"/sessions/{todays_session.pk}/#attendance$"))
    for first, last in PEOPLE:
        # Each button is named for its person, for a screen reader reading the list.
        button = page.get_by_role("button", name=f"Present — {first} {last}")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    screenshot("2-recorded")
    statuses = set(todays_session.attendances.values_list("status", flat=True))
    assert statuses == {Attendance.Status.PRESENT}

    page.get_by_role("link", name="Today").click()
    expect(page.get_by_text("Attendance recorded")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Record attendance"))).to_have_count(0)


def test_on_a_phone_the_menu_folds_behind_a_button_that_needs_no_script(
    browser, live_server, lea, todays_session
):
    context = browser.new_context(
        base_url=live_server.url, locale=LOCALE, viewport=PHONE, java_script_enabled=False
    )
    context.set_default_timeout(5_000)
    page = context.new_page()
    try:
        sign_in(page, "lea.dumont")
        agenda = page.locator("#site-menu").get_by_role("link", name="Agenda")
        expect(agenda).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
        expect(agenda).to_be_visible()
        page.screenshot(path=artifact("phone-menu", "open"), full_page=True)
        agenda.click()
        expect(page).to_have_url(re.compile(r"/agenda/$"))
    finally:
        context.close()


def test_the_attendance_page_shows_eight_people_on_a_tablet(
    browser, live_server, namur, lea, todays_session
):
    for n in range(6):
        person = make_participant(
            organisation=namur, coach=lea, first_name="Extra", last_name=f"P{n}"
        )
        Attendance.objects.create(session=todays_session, participant=person)
    page = signed_in_page(browser, live_server, lea, TABLET)
    try:
        page.goto(f"/sessions/{todays_session.pk}/")
        rows = page.locator(".attendance-row")
        expect(rows).to_have_count(10)
        # On screen without scrolling: the bottom of the eighth row within the first 1024 px.
        bottom = rows.nth(7).bounding_box()
        page.screenshot(path=artifact("attendance-tablet", "page"))
        assert bottom["y"] + bottom["height"] <= TABLET["height"], bottom
    finally:
        page.context.close()


def signed_in_page(browser, live_server, user, viewport, **options) -> Page:
    """A browser already past the sign-in and the second factor: the session cookie of a test
    client that signed in, handed to the browser."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[two_factor.STATE] = two_factor.DONE
    session.save()
    context = browser.new_context(
        base_url=live_server.url, locale=LOCALE, viewport=viewport, **options
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


# Every staff page, on a phone and a tablet --------------------------------------------------

# Not pages: files to download and the phone pages of participants (tests/e2e/test_portal.py
# walks those at phone size).
DOWNLOADS = re.compile(r"\.(pdf|csv|xlsx|json|ics)$|/template\.csv$")


def staff_pages(world: World, persona: str) -> list[str]:
    """Every page the access matrix lets this persona open with GET, with the world's records."""
    urls = []
    for name, entry in sorted(MATRIX.items()):
        if name.startswith(("api", "portal:")) and name not in (
            "portal:staff-access",
            "portal:staff-handout",
        ):
            continue
        if "GET" not in entry.methods or entry.expect[persona] not in (OK, HIDDEN) or entry.public:
            continue
        if name in ("logout", "home", "account:two-factor-setup", "account:verify"):
            continue
        url = reverse(name, kwargs=entry.kwargs(world) if entry.kwargs else None)
        if DOWNLOADS.search(url):
            continue
        if entry.query:
            url += "?" + "&".join(f"{k}={v}" for k, v in entry.query(world).items())
        urls.append(url)
    return urls


@pytest.fixture
def world(transactional_db):
    # The funder's indicator sets come from a data migration, which a flushed database lost.
    indicator_sets.ensure_loaded()
    return build_world()


@pytest.mark.parametrize("persona", ["coach", "manager"])
def test_every_staff_page_fits_a_phone_and_a_tablet(browser, live_server, world, persona):
    urls = staff_pages(world, persona)
    assert len(urls) > 40, urls  # the walk is not empty by mistake
    too_wide = []
    for viewport in (PHONE, TABLET):
        page = signed_in_page(browser, live_server, world.staff[persona].user, viewport)
        try:
            for url in urls:
                response = page.goto(url)
                assert response.status == 200, (url, response.status)
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > viewport["width"]:
                    too_wide.append((viewport["width"], url, width))
                    page.screenshot(
                        path=artifact(
                            f"too-wide-{persona}-{viewport['width']}",
                            url.strip("/").replace("/", "-"),
                        )
                    )
        finally:
            page.context.close()
    assert too_wide == [], too_wide


def no_axe_violations(page: Page) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    violations = [
        (v["id"], v["help"], [node["target"] for node in v["nodes"]][:3])
        for v in result["violations"]
    ]
    assert not violations, f"{page.url}: {violations}"


def test_axe_finds_no_violation_on_the_coachs_main_pages(browser, live_server, world):
    coach = world.staff["coach"].user
    for viewport in ({"width": 1280, "height": 900}, PHONE):
        page = signed_in_page(browser, live_server, coach, viewport, bypass_csp=True)
        try:
            for url in [
                reverse("casefile:today"),
                world.participant.get_absolute_url(),
                world.session.get_absolute_url(),
                reverse("evaluations:call-queue"),
            ]:
                page.goto(url)
                no_axe_violations(page)
        finally:
            page.context.close()


def test_long_unbroken_words_wrap_instead_of_widening_the_page(browser, live_server, namur, lea):
    word = "Zwischenstaatlicheverwaltungsvereinbarungsentwurf" * 4
    person = make_participant(
        organisation=namur, coach=lea, first_name="Amal", last_name=word[:100], phone="0470"
    )
    programme = make_programme(organisation=namur, name=word[:200], code="long")
    enrolment = make_enrolment(
        participant=person, programme=programme, coach=lea, status=Enrolment.Status.ACTIVE,
        started_on=timezone.localdate(),
    )  # fmt: skip
    make_goal(enrolment=enrolment, text=word)
    page = signed_in_page(browser, live_server, lea, PHONE)
    try:
        for url in [person.get_absolute_url(), enrolment.get_absolute_url(), "/participants/"]:
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
    finally:
        page.context.close()


def test_keyboard_focus_shows_as_a_3_px_outline(browser, live_server, lea, todays_session):
    page = signed_in_page(browser, live_server, lea, {"width": 1280, "height": 900})
    try:
        page.goto("/today/")
        for _ in range(3):  # the skip link, the brand, the first menu link
            page.keyboard.press("Tab")
        style = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; }"
        )
        assert style == ["A", "solid", "3px"]
    finally:
        page.context.close()


def test_a_coach_records_an_exit_and_sees_the_groups_free_place(
    page: Page, screenshot, namur, lea, todays_session
):
    group = todays_session.group
    group.capacity = len(PEOPLE)
    group.save(update_fields=["capacity"])
    amal = todays_session.attendances.get(participant__first_name="Amal").participant
    sign_in(page, "lea.dumont")
    page.goto(group.get_absolute_url())
    expect(page.get_by_text("The group is full.")).to_be_visible()

    # From Amal's file, "Now" leads to her programme, and its page to the exit review.
    page.goto(amal.get_absolute_url())
    page.locator(".now").get_by_role("link", name="Cap Avenir", exact=True).click()
    page.get_by_role("button", name="Exit", exact=True).click()
    page.get_by_label("Exit date").fill(timezone.localdate().isoformat())
    page.get_by_label("Why the person leaves").select_option(label="Completed")
    page.get_by_label("Where the person goes next").select_option(label="Volunteering")
    page.get_by_label("Strengths").fill("Punctual, helps others in the group.")
    page.get_by_label("Limits and obstacles").fill("Reading letters from services.")
    page.get_by_label("Recommended next step").fill("Dutch course at the CVO.")
    page.get_by_label("Who the person can still turn to").fill("Léa, Antenne Bomel")
    page.get_by_label("Contact's phone").fill("081 24 60 00")
    page.get_by_label("Did the programme help your integration?").select_option(label="Yes")
    page.get_by_role("button", name="Record the exit").click()
    expect(page.get_by_role("status")).to_contain_text("Exit recorded.")

    page.goto(group.get_absolute_url())
    expect(page.get_by_role("heading", name=f"Members (3 of {len(PEOPLE)})")).to_be_visible()
    expect(page.get_by_text("1 free place")).to_be_visible()
    screenshot("group-after-exit")
    # Her file no longer shows a group or an open programme.
    page.goto(amal.get_absolute_url())
    expect(page.locator(".now")).to_contain_text("In no group.")
    expect(page.locator(".now")).to_contain_text("No open programme.")
