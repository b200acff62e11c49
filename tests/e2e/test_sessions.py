"""A coach starts a group, plans its weekly sessions and records who came, in a real browser.

The view tests cover each page on its own; this walks the path a coach clicks through, with
htmx in the loop: attendance is tapped row by row without reloading the page, and a colleague
who leads the same session and taps on an older page is told, not allowed to overwrite.
"""

import datetime
import re

import holidays
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.models import Enrolment
from programme.models import ClosureDay, Programme, Room, Site, Staff
from programme.services import staff_create
from sessions.models import Attendance, Group, Series, Session
from tests.e2e.conftest import LOCALE, PASSWORD, VIEWPORT, artifact
from tests.factories import make_enrolment, make_participant

pytestmark = pytest.mark.browser

Status = Attendance.Status
# Four people on Léa's caseload, each with an active trajectory in Cap Avenir.
PEOPLE = [("Selam", "Haile"), ("Rami", "Haddad"), ("Zahra", "Ahmadi"), ("Olena", "Kovalenko")]

# One CPAS with a site and a room, its coach Léa and her colleague Tom, who co-leads the
# group's sessions, and a programme with four people waiting for a group.


@pytest.fixture
def tom(namur):
    return staff_create(
        organisation=namur, role=Staff.Role.COACH, username="tom.lambert",
        password=PASSWORD, first_name="Tom", last_name="Lambert",
    ).user  # fmt: skip


@pytest.fixture
def room(namur):
    site = Site.objects.create(organisation=namur, name="Antenne Bomel", address="Rue Bomel 5")
    return Room.objects.create(site=site, name="Salle Meuse", capacity=12)


@pytest.fixture
def cap_avenir(namur, room):
    programme = Programme.objects.create(
        organisation=namur, name="Cap Avenir", code="cap-avenir",
        starts_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    programme.sites.add(room.site)
    return programme


@pytest.fixture
def people(namur, lea, cap_avenir):
    started = timezone.localdate() - datetime.timedelta(weeks=10)
    enrolments = []
    for first, last in PEOPLE:
        participant = make_participant(
            organisation=namur, coach=lea, first_name=first, last_name=last
        )
        enrolments.append(
            make_enrolment(
                participant=participant,
                programme=cap_avenir,
                coach=lea,
                status=Enrolment.Status.ACTIVE,
                started_on=started,
            )
        )
    return enrolments


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Coaches land on their Today page; this walk starts from their caseload.
    expect(page).to_have_url(re.compile(r"/today/$"))
    page.get_by_role("link", name="My caseload").click()


def weekly(first: datetime.date, count: int, skip: set[datetime.date]) -> list[datetime.date]:
    """What a weekly series of `count` sessions should give, worked out here on its own."""
    days, day = [], first
    while len(days) < count:
        if day not in skip:
            days.append(day)
        day += datetime.timedelta(weeks=1)
    return days


def row(page: Page, enrolment: Enrolment):
    return page.locator(f"#attendance-{enrolment.participant_id}")


def tap(page: Page, enrolment: Enrolment, status: str):
    # Each button is named for the person too ("Present — Selam Haile").
    row(page, enrolment).get_by_role("button", name=re.compile(f"^{status} — ")).click()


@pytest.fixture
def colleague_page(browser, live_server, request):
    """A second browser, signed in as nobody yet: Tom on his own laptop."""
    context = browser.new_context(base_url=live_server.url, locale=LOCALE, viewport=VIEWPORT)
    context.set_default_timeout(5_000)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page.screenshot(path=artifact(request.node.name, "failure-colleague"), full_page=True)
    context.close()


def test_coach_starts_a_group_plans_a_series_and_records_attendance(
    page: Page, colleague_page: Page, screenshot, request, namur, lea, tom, room, cap_avenir, people
):
    today = timezone.localdate()
    # A Wednesday three weeks back, so the first sessions are over and can be recorded.
    first_day = today - datetime.timedelta(days=today.weekday() + 21 - 2)
    # The CPAS is closed one Wednesday after the start: no session that day, and the series
    # still counts six sessions that take place.
    closed = first_day + datetime.timedelta(weeks=4)
    ClosureDay.objects.create(organisation=namur, date=closed, reason="Staff training")

    sign_in(page, "lea.dumont")
    page.get_by_role("link", name="Groups").click()
    # Links styled as buttons carry role="button".
    page.get_by_role("button", name="New group").click()

    # The group.
    expect(page.get_by_role("heading", name="New group")).to_be_visible()
    page.get_by_label("Programme").select_option(label="Cap Avenir")
    page.get_by_label("Name").fill("Cap Avenir — A1 mornings")
    page.get_by_label("Level from").select_option(label="A1")
    page.get_by_label("Level to").select_option(label="A2")
    page.get_by_label("Capacity").fill("8")
    screenshot("1-group-form")
    page.get_by_role("button", name="Create the group").click()

    group = Group.objects.get(name="Cap Avenir — A1 mornings")
    expect(page).to_have_url(re.compile(rf"/groups/{group.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Group created. Now add its members.")
    assert (group.programme, group.capacity, group.level_low, group.level_high) == (
        cap_avenir,
        8,
        "a1",
        "a2",
    )
    assert list(group.coaches.all()) == [lea]

    # Its members: everyone ticked, then added in one go, from the day the series starts so
    # they are expected at the sessions already past.
    for enrolment in people:
        participant = enrolment.participant
        page.get_by_label(f"{participant.last_name.upper()} {participant.first_name}").check()
    page.get_by_label("In the group from").fill(first_day.isoformat())
    screenshot("2-add-members")
    page.get_by_role("button", name="Add to the group").click()

    expect(page.get_by_role("status")).to_contain_text("4 people added to the group.")
    expect(page.get_by_role("heading", name="Members (4 of 8)")).to_be_visible()
    assert group.memberships.filter(left_on__isnull=True, joined_on=first_day).count() == 4

    # The series: every Wednesday from three weeks ago, six sessions, in the Salle Meuse,
    # led by Léa and Tom.
    page.get_by_role("main").get_by_role("button", name="Plan a series").click()
    expect(page.get_by_role("heading", name="Plan a series of sessions")).to_be_visible()
    expect(page.get_by_label("Group")).to_have_value(str(group.pk))
    page.get_by_label("Kind").select_option(label="Collective coaching")
    page.get_by_label("Topic").fill("French for daily life")
    page.get_by_label("Room").select_option(label="Antenne Bomel — Salle Meuse")
    page.get_by_label("Tom Lambert").check()
    expect(page.get_by_label("Léa Dumont")).to_be_checked()
    # "To" alone would also find "Topic".
    page.get_by_label(re.compile(r"^From\b")).fill("09:30")
    page.get_by_label(re.compile(r"^To\b")).fill("12:30")
    page.get_by_label("Wednesday").check()
    page.get_by_label("First day").fill(first_day.isoformat())
    page.get_by_label("Number of sessions").fill("6")
    screenshot("3-series-form")
    page.get_by_role("button", name="Plan the sessions").click()

    series = Series.objects.get(group=group)
    expect(page).to_have_url(re.compile(rf"/series/{series.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("6 sessions planned.")
    sessions = list(Session.objects.filter(group=group).order_by("date"))
    belgian = holidays.country_holidays("BE", years=range(first_day.year, first_day.year + 2))
    expected = weekly(first_day, 6, skip=set(belgian) | {closed})
    assert [s.date for s in sessions] == expected
    assert closed not in [s.date for s in sessions]
    assert not [s.date for s in sessions if s.date in belgian]
    assert {(s.room, s.start_time, s.end_time, s.topic) for s in sessions} == {
        (room, datetime.time(9, 30), datetime.time(12, 30), "French for daily life")
    }
    assert all(set(s.facilitators.all()) == {lea, tom} for s in sessions)
    assert all(s.attendances.count() == 4 for s in sessions)
    expect(page.locator("tbody tr")).to_have_count(6)
    screenshot("4-series")

    # The first session is over: open it and record who came, one tap per person.
    session = sessions[0]
    assert session.date < today
    page.get_by_role("link", name=session.date.strftime("%a %-d %b %Y")).click()
    expect(page).to_have_url(re.compile(rf"/sessions/{session.pk}/$"))
    present, late, excused, absent = people
    expect(page.locator(".attendance-row")).to_have_count(4)
    # A full page load would drop this; an htmx swap keeps it.
    page.evaluate("window.stillTheSamePage = true")

    # Tom opens the same session on his laptop before Léa has finished.
    sign_in(colleague_page, "tom.lambert")
    colleague_page.goto(f"/sessions/{session.pk}/")
    expect(row(colleague_page, absent)).to_contain_text("Not recorded yet")

    tap(page, present, "Present")
    expect(row(page, present)).to_contain_text("Present")
    expect(row(page, present).get_by_role("button", name="Present")).to_have_attribute(
        "aria-pressed", "true"
    )
    tap(page, late, "Late")
    expect(row(page, late).get_by_role("button", name="Late")).to_have_attribute(
        "aria-pressed", "true"
    )
    row(page, excused).get_by_label("Reason for an excused absence").fill("Medical appointment")
    tap(page, excused, "Excused absence")
    expect(row(page, excused)).to_contain_text("Excused absence — Medical appointment")
    tap(page, absent, "Unexcused absence")
    expect(row(page, absent).get_by_role("button", name="Unexcused absence")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate("window.stillTheSamePage") is True
    screenshot("5-attendance")

    statuses = dict(session.attendances.values_list("participant_id", "status"))
    assert statuses == {
        present.participant_id: Status.PRESENT,
        late.participant_id: Status.LATE,
        excused.participant_id: Status.EXCUSED,
        absent.participant_id: Status.ABSENT,
    }
    assert session.attendances.get(participant=excused.participant).reason == (
        "Medical appointment"
    )
    assert set(session.attendances.values_list("recorded_by", flat=True)) == {lea.pk}

    # The trajectories' figures follow: excused absences do not lower the rate, but count
    # as absences in a row.
    for enrolment in people:
        enrolment.refresh_from_db()
    assert (present.attendance_rate, present.consecutive_absences) == (100, 0)
    assert (late.attendance_rate, late.consecutive_absences) == (100, 0)
    assert (excused.attendance_rate, excused.consecutive_absences) == (None, 1)
    assert (absent.attendance_rate, absent.consecutive_absences) == (0, 1)
    assert present.last_attended_on == session.date
    assert absent.last_attended_on is None

    # Tom's page still shows Olena as not recorded; his tap is refused and he sees Léa's.
    colleague_page.evaluate("window.stillTheSamePage = true")
    tap(colleague_page, absent, "Present")
    refused = row(colleague_page, absent)
    expect(refused.get_by_role("alert")).to_contain_text(
        "Olena Kovalenko was just recorded as “Unexcused absence” by someone else (Léa Dumont,"
    )
    expect(refused.get_by_role("button", name="Unexcused absence")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(refused.get_by_role("button", name="Present")).to_have_attribute("aria-pressed", "false")
    assert colleague_page.evaluate("window.stillTheSamePage") is True
    colleague_page.screenshot(path=artifact(request.node.name, "6-colleague-refused"))

    kept = session.attendances.get(participant=absent.participant)
    assert (kept.status, kept.recorded_by) == (Status.ABSENT, lea)
    absent.refresh_from_db()
    assert (absent.attendance_rate, absent.consecutive_absences) == (0, 1)
