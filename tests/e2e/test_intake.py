"""A coach takes a newcomer from a new file to an active trajectory, in a real browser.

The view tests cover each page on its own; this walks the whole path the way a coach clicks
through it, with the JavaScript, htmx and the browser's own form handling in the loop.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.models import Enrolment, EnrolmentStatusChange, Participant
from programme.models import (
    EligibilityCriterion,
    Organisation,
    PartnerOrganisation,
    Programme,
    Staff,
)
from programme.services import staff_create
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.browser

Status = Enrolment.Status

# The people of this story are built here, not taken from tests/conftest.py, so the test reads
# on its own: one CPAS, its coach Léa, a programme with one computed and one judged criterion,
# a partner that refers, and Jan, a coach elsewhere.


@pytest.fixture
def jan(transactional_db):
    other = Organisation.objects.create(name="OCMW Leuven", city="Leuven")
    return staff_create(
        organisation=other, role=Staff.Role.COACH, username="jan.peeters",
        password=PASSWORD, first_name="Jan", last_name="Peeters",
    ).user  # fmt: skip


@pytest.fixture
def cap_avenir(namur):
    programme = Programme.objects.create(
        organisation=namur, name="Cap Avenir", code="cap-avenir",
        starts_on=datetime.date(2025, 1, 1),
    )  # fmt: skip
    EligibilityCriterion.objects.create(
        programme=programme, kind=EligibilityCriterion.Kind.MIN_AGE, min_age=18, position=1
    )
    EligibilityCriterion.objects.create(
        programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT,
        label="Wants to take part in a weekly group", position=2,
    )  # fmt: skip
    return programme


@pytest.fixture
def bomel(namur):
    return PartnerOrganisation.objects.create(
        organisation=namur, name="Maison de quartier Bomel", receives_referrals=True
    )


def make_participant(organisation, coach, **kwargs) -> Participant:
    kwargs.setdefault("birth_date", datetime.date(1990, 4, 12))
    kwargs.setdefault("gender", "woman")
    return Participant.objects.create(organisation=organisation, coach=coach, **kwargs)


def sign_in(page: Page, username: str) -> None:
    # The live server's first page can take longer than the 5 s the other steps get on a busy
    # machine (as in test_trajectory.py).
    page.goto("/accounts/login/", timeout=30_000)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Coaches land on their Today page; this walk starts from their caseload.
    expect(page).to_have_url(re.compile(r"/today/$"))
    page.get_by_role("link", name="My caseload").click()


def test_coach_takes_a_newcomer_from_new_file_to_active(
    page: Page, screenshot, lea, cap_avenir, bomel
):
    sign_in(page, "lea.dumont")
    page.get_by_role("main").get_by_role("button", name="New participant").click()

    # Step 1 of 2: who the person is.
    expect(page.get_by_role("heading", name="New participant")).to_be_visible()
    page.get_by_label("First name").fill("Selam")
    page.get_by_label("Last name").fill("Haile")
    page.get_by_label("Date of birth").fill("1990-04-12")
    page.get_by_label("Gender").select_option(label="Woman")
    page.get_by_label("Phone").fill("+32 470 12 34 56")
    page.get_by_label("Nationality").select_option("ER")
    page.get_by_label("Country of birth").select_option("ER")
    page.get_by_label("Arrival in Belgium").fill("2022-09-01")
    page.get_by_label("Residence status").select_option(label="Recognised refugee")
    page.get_by_label("Receives the integration income").check()
    page.get_by_label("Language 1", exact=True).select_option(label="Tigrinya")
    page.get_by_label("How the person uses it 1", exact=True).select_option(label="Mother tongue")
    page.get_by_label("Needs an interpreter for").select_option(label="Tigrinya")
    page.get_by_label("Housing situation at entry").select_option(label="Stable housing")
    expect(page.get_by_label("Referent coach")).to_have_value(str(lea.pk))
    screenshot("1-participant-form")
    page.get_by_role("button", name="Create the file").click()

    # Step 2 of 2: the referral.
    participant = Participant.objects.get(last_name="Haile")
    expect(page).to_have_url(re.compile(rf"/participants/{participant.pk}/refer/$"))
    expect(page.get_by_role("status")).to_contain_text("The file of Selam Haile was created.")
    page.get_by_label("Programme").select_option(label="Cap Avenir")
    page.get_by_label("Referred by").select_option(label="Partner organisation")
    page.get_by_label("Referring partner").select_option(label="Maison de quartier Bomel")
    page.get_by_label("Who referred").fill("Marie, social worker")
    page.get_by_label("Reason for the referral").fill("Isolated since arrival; asks for a group.")
    screenshot("2-referral")
    page.get_by_role("button", name="Record the referral").click()

    enrolment = Enrolment.objects.get(participant=participant)
    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Referred")
    page.get_by_role("button", name="Start the intake").click()

    # Intake, eligibility: the age is read from the file, the group question is the coach's.
    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment.pk}/intake/eligibility/$"))
    age = page.get_by_role("group", name="18 years or older")
    expect(age).to_contain_text("From the file: met")
    expect(age.get_by_label("Met", exact=True)).to_be_checked()
    judgement = page.get_by_role("group", name="Wants to take part in a weekly group")
    expect(judgement).to_contain_text("Your judgement at the intake interview.")
    expect(judgement.get_by_label("Met", exact=True)).not_to_be_checked()
    judgement.get_by_label("Met", exact=True).check()
    screenshot("3-eligibility")
    page.get_by_role("button", name="Save and continue").click()

    # Intake interview.
    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment.pk}/intake/interview/$"))
    expect(page.get_by_role("status")).to_contain_text("Eligibility recorded.")
    expect(page.get_by_label("Date")).to_have_value(timezone.localdate().isoformat())
    page.get_by_label("Length (minutes)").fill("75")
    page.get_by_label("Interpreting").select_option(label="Social interpreter")
    page.get_by_label("In which language").select_option(label="Tigrinya")
    page.get_by_label("Notes").fill("Wants to improve her French; free on weekday mornings.")
    screenshot("4-interview")
    page.get_by_role("button", name="Save and continue").click()

    # Decision.
    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment.pk}/intake/decision/$"))
    page.get_by_label("Admitted: the trajectory starts").check()
    screenshot("5-decision")
    page.get_by_role("button", name="Record the decision").click()

    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Decision recorded: Active.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")
    for action in ("Pause", "Exit"):
        expect(page.get_by_role("button", name=action, exact=True)).to_be_visible()
    screenshot("6-enrolment-active")

    # The participant file tells the story, newest first.
    page.get_by_role("link", name="Selam Haile").first.click()
    expect(page).to_have_url(re.compile(rf"/participants/{participant.pk}/$"))
    timeline = page.get_by_role("region", name="Timeline").get_by_role("listitem")
    expect(timeline).to_have_count(4)
    titles = [item.get_by_role("link").inner_text() for item in timeline.all()]
    # Only the status changes' order is asserted: an interview has a date but no time, and the
    # timeline sorts it to the end of its day, above the admission recorded after it.
    statuses = [title for title in titles if title.startswith("Cap Avenir:")]
    assert statuses == ["Cap Avenir: Active", "Cap Avenir: Intake", "Cap Avenir: Referred"]
    assert "Intake interview — Cap Avenir" in titles
    screenshot("7-participant-file")

    enrolment.refresh_from_db()
    assert enrolment.status == Status.ACTIVE
    assert enrolment.started_on == timezone.localdate()
    assert enrolment.referring_partner == bomel
    changes = list(EnrolmentStatusChange.objects.filter(enrolment=enrolment))
    assert [c.to_status for c in changes] == [Status.REFERRED, Status.INTAKE, Status.ACTIVE]
    assert {c.changed_by for c in changes} == {lea}
    assert [(a.criterion.kind, a.computed, a.met) for a in enrolment.eligibility.all()] == [
        ("min_age", True, True),
        ("judgement", None, True),
    ]
    interview = enrolment.interviews.get()
    assert (interview.duration_minutes, interview.support, interview.support_language) == (
        75,
        "interpreter",
        "ti",
    )
    assert list(participant.languages.values_list("language", "use")) == [("ti", "mother_tongue")]


def test_outsider_gets_a_404_for_another_organisations_participant(
    page: Page, screenshot, namur, lea, jan
):
    participant = make_participant(namur, lea, first_name="Selam", last_name="Haile")

    sign_in(page, "jan.peeters")
    response = page.goto(f"/participants/{participant.pk}/")

    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Haile")
    screenshot("404")


def test_caseload_search_filters_as_you_type_without_reloading(page: Page, screenshot, namur, lea):
    for first, last in [("Selam", "Haile"), ("Rami", "Haddad"), ("Zahra", "Ahmadi")]:
        make_participant(namur, lea, first_name=first, last_name=last)

    sign_in(page, "lea.dumont")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(3)
    # A full page load would drop this; an htmx swap keeps it.
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Name or register number").press_sequentially("hadd", delay=50)

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("HADDAD Rami")
    expect(page.locator("#results")).to_contain_text("1 participant")
    expect(page).to_have_url(re.compile(r"/participants/\?q=hadd"))
    assert page.evaluate("window.stillTheSamePage") is True
    screenshot("filtered")
