"""A coach follows one person from the baseline evaluation to a follow-up call after the exit,
in a real browser.

The view tests cover each page on its own; this walks the path a coach clicks through, with
htmx in the loop: the goal is made from a low score in place, the step is ticked without
reloading the page, and the call is logged from the queue in a panel that opens in place.

The exit happened five weeks ago, so the first follow-up call (four weeks after it) is due
today without moving the clock: the coach records the baseline and the exit after the fact,
as happens when paperwork catches up with the work.
"""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import Page, expect

from evaluations.models import CallAttempt, DomainScore, Evaluation, ExitReview, FollowUpCall
from participants.models import Enrolment, Todo
from participants.services import enrolment_change_status
from programme.models import Programme, TodoTemplate
from tests.e2e.conftest import PASSWORD
from tests.factories import make_enrolment, make_interview, make_participant
from trajectory.models import ActionStep, Goal

pytestmark = pytest.mark.browser

Kind = TodoTemplate.Kind
Call = FollowUpCall.Status

TODAY = timezone.localdate()
STARTED = TODAY - datetime.timedelta(weeks=20)
BASELINE_ON = STARTED + datetime.timedelta(weeks=2)
EXITED = TODAY - datetime.timedelta(weeks=5)


@pytest.fixture
def cap_avenir(namur):
    # No template of its own: the default plans the to-dos. Six months, calls at 4, 13 and 26
    # weeks after exit, three attempts per call: the model's defaults, said here to be read.
    return Programme.objects.create(
        organisation=namur, name="Cap Avenir", code="cap-avenir",
        starts_on=datetime.date(2025, 1, 1), planned_length_months=6,
        follow_up_weeks="4, 13, 26", follow_up_max_attempts=3,
    )  # fmt: skip


@pytest.fixture
def selam(namur, lea, cap_avenir):
    """Selam Haile, admitted twenty weeks ago through the admission service, so the
    programme's template planned her to-dos."""
    participant = make_participant(
        organisation=namur, coach=lea, first_name="Selam", last_name="Haile",
        phone="0470 12 34 56",
    )  # fmt: skip
    enrolment = make_enrolment(
        participant=participant, programme=cap_avenir, coach=lea,
        status=Enrolment.Status.INTAKE, referred_on=STARTED - datetime.timedelta(weeks=3),
    )  # fmt: skip
    make_interview(enrolment=enrolment, held_on=STARTED - datetime.timedelta(weeks=2))
    return enrolment_change_status(
        enrolment=enrolment, to_status=Enrolment.Status.ACTIVE, on=STARTED, by=lea
    )


def sign_in(page: Page, username: str) -> None:
    # The live server's first request imports every view: on a busy machine that alone can
    # take longer than the 5 s the other steps get.
    page.goto("/accounts/login/", timeout=30_000)
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # Coaches land on their Today page; this walk starts from their caseload.
    expect(page).to_have_url(re.compile(r"/today/$"))
    page.get_by_role("link", name="My caseload").click()


def score(page: Page, domain: str, coach: str, own: str | None = None) -> None:
    """Pick the coach's level, and the participant's own, by their visible labels."""
    row = page.get_by_role("group", name=domain, exact=True)
    # The coach's choices carry the level's definition after the name: match the start.
    row.get_by_role("group", name="Coach's score").get_by_role(
        "radio", name=re.compile("^" + re.escape(coach))
    ).check()
    if own:
        row.get_by_role("group", name="The participant's own score").get_by_role(
            "radio", name=own, exact=True
        ).check()


def todo_row(page: Page, title: str):
    return page.locator("#todos tbody tr").filter(has_text=title)


def test_coach_evaluates_plans_records_the_exit_and_logs_a_follow_up_call(
    page: Page, screenshot, lea, cap_avenir, selam
):
    enrolment = selam
    planned = list(enrolment.todos.values_list("kind", "due_on"))
    assert (Kind.BASELINE, BASELINE_ON) in planned
    assert (Kind.LANGUAGE_TEST, BASELINE_ON) in planned
    assert (Kind.INTAKE_FOLLOW_UP, STARTED + datetime.timedelta(weeks=4)) in planned
    assert (Kind.MIDWAY, STARTED + datetime.timedelta(weeks=13)) in planned
    assert (Kind.EXIT, STARTED + relativedelta(months=6)) in planned

    # 1. The enrolment page shows what the template planned; the baseline is overdue.
    sign_in(page, "lea.dumont")
    page.get_by_role("link", name="HAILE Selam").click()
    page.get_by_role("link", name="Cap Avenir").first.click()
    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment.pk}/$"))
    expect(page.get_by_role("heading", name="Planned")).to_be_visible()
    expect(page.locator("#todos tbody tr")).to_have_count(len(planned))
    baseline_todo = todo_row(page, "Baseline evaluation")
    expect(baseline_todo).to_contain_text("Overdue")
    expect(baseline_todo).to_contain_text(BASELINE_ON.strftime("%d/%m/%Y"))
    screenshot("1-planned")

    # 2. The baseline evaluation, from the to-do's own link, dated when it took place.
    baseline_todo.get_by_role("link", name="Record it").click()
    expect(page.get_by_role("heading", name="Record an evaluation")).to_be_visible()
    expect(page.get_by_label("Baseline", exact=True)).to_be_checked()
    page.get_by_label("Date").fill(BASELINE_ON.isoformat())
    score(
        page,
        "Speaking and understanding the national language",
        "2 · With a lot of help",
        "3 · With a little help",
    )
    score(page, "Social network", "1 · Not yet", "1 · Not yet")
    score(page, "Digital skills (smartphone, computer, e-mail, internet)", "3 · With a little help")
    page.get_by_label("Notes").fill("With an interpreter in Tigrinya.")
    screenshot("2-baseline-form")
    page.get_by_role("button", name="Record the evaluation").click()

    baseline = Evaluation.objects.get(enrolment=enrolment)
    expect(page).to_have_url(re.compile(rf"/evaluations/{baseline.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Baseline evaluation recorded.")
    assert (baseline.kind, baseline.held_on, baseline.evaluated_by) == (
        Evaluation.Kind.BASELINE,
        BASELINE_ON,
        lea,
    )
    scores = {
        s.domain: (s.coach_score, s.participant_score)
        for s in DomainScore.objects.filter(evaluation=baseline)
        if s.coach_score or s.participant_score
    }
    assert scores == {
        "oral_language": (2, 3),
        "social_network": (1, 1),
        "digital_skills": (3, None),
    }
    todo = enrolment.todos.get(kind=Kind.BASELINE)
    assert (todo.done_on, todo.done_by) == (BASELINE_ON, lea)

    # 3. Social network scored 1: made a goal in one step, in the row, without a new page.
    page.evaluate("window.stillTheSamePage = true")
    network = page.locator("#domain-social_network")
    expect(page.locator("#domain-digital_skills").get_by_role("button")).to_have_count(0)
    network.get_by_role("button", name="Make it a goal").click()
    text = network.get_by_label("Goal, in the participant's words")
    expect(text).to_have_value("Knows a few people, mostly from their own community.")
    assert page.evaluate("window.stillTheSamePage") is True
    text.fill("I want to know people in Namur to go out with.")
    network.get_by_role("button", name="Add to the action plan").click()
    expect(page.get_by_role("status")).to_contain_text("Goal added to the action plan.")
    expect(network.get_by_role("link", name="I want to know people in Namur")).to_be_visible()
    screenshot("3-goal-from-score")
    goal = Goal.objects.get(enrolment=enrolment)
    assert (goal.text, goal.domain, goal.status, goal.created_by) == (
        "I want to know people in Namur to go out with.",
        "social_network",
        Goal.Status.OPEN,
        lea,
    )

    # 4. Back on the enrolment page: the baseline is ticked, the goal gets a step the person
    # takes alone, and the step is ticked in place.
    page.get_by_role("link", name="Selam Haile — Cap Avenir").click()
    expect(todo_row(page, "Baseline evaluation")).to_contain_text(f"Done on {BASELINE_ON:%d/%m/%Y}")
    expect(todo_row(page, "Baseline evaluation").get_by_role("button")).to_have_count(0)
    plan = page.locator("#action-plan")
    plan.locator(f"#goal-{goal.pk}").get_by_role("link", name="Add a step").click()
    page.get_by_label("Step").fill("Go to the Saturday football at the Maison de quartier")
    page.get_by_label("The participant alone").check()
    page.get_by_label("Due").fill((TODAY + datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Save the step").click()
    expect(page.get_by_role("status")).to_contain_text("Step added.")
    step = ActionStep.objects.get(goal=goal)
    assert (step.who, step.status, step.due_on) == (
        ActionStep.Who.PARTICIPANT,
        ActionStep.Status.OPEN,
        TODAY + datetime.timedelta(days=10),
    )

    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name=f"Mark “{step.text}” done").click()
    expect(page.locator(f"#step-{step.pk}")).to_contain_text(f"done {TODAY:%d/%m/%Y}")
    expect(page.locator("#action-plan .ladder")).to_contain_text("1 step done")
    assert page.evaluate("window.stillTheSamePage") is True
    screenshot("4-action-plan")
    step.refresh_from_db()
    assert (step.status, step.done_on, step.done_by_participant) == (
        ActionStep.Status.DONE,
        TODAY,
        False,
    )

    # 5. The exit, five weeks ago, with its review, on the exit page.
    page.get_by_role("button", name="Exit", exact=True).click()
    expect(page.get_by_role("heading", name="Exit and review: Selam Haile")).to_be_visible()
    page.get_by_label("Exit date").fill(EXITED.isoformat())
    page.get_by_label("Why the person leaves").select_option(label="Completed")
    page.get_by_label("Where the person goes next").select_option(label="Volunteering")
    page.get_by_label("Strengths").fill("Punctual, helps others in the group.")
    page.get_by_label("Limits and obstacles").fill("Reading letters from services.")
    page.get_by_label("Recommended next step").fill("Dutch course at the CVO, then art. 60.")
    page.get_by_label("Who the person can still turn to").fill("Marc, social worker, Antenne Bomel")
    page.get_by_label("Contact's phone").fill("081 24 60 00")
    page.get_by_label("Did the programme help your integration?").select_option(label="Yes")
    screenshot("5-exit-form")
    page.get_by_role("button", name="Record the exit").click()

    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Exit recorded. 3 follow-up calls are planned."
    )
    calls_table = page.locator("#exit-review tbody tr")
    expect(calls_table).to_have_count(3)
    for row, interval in zip(calls_table.all(), ["4 weeks", "3 months", "6 months"], strict=True):
        expect(row).to_contain_text(f"{interval} after exit")
    screenshot("6-exited")

    enrolment.refresh_from_db()
    assert (
        enrolment.status,
        enrolment.exited_on,
        enrolment.exit_reason,
        enrolment.exit_destination,
    ) == (Enrolment.Status.EXITED, EXITED, "completed", "volunteering")
    review = ExitReview.objects.get(enrolment=enrolment)
    assert (
        review.strengths,
        review.contact_person,
        review.helped_integration,
        review.reviewed_by,
    ) == (
        "Punctual, helps others in the group.",
        "Marc, social worker, Antenne Bomel",
        "yes",
        lea,
    )
    calls = list(enrolment.follow_up_calls.order_by("due_on"))
    assert [(c.weeks_after_exit, c.due_on, c.status) for c in calls] == [
        (weeks, EXITED + datetime.timedelta(weeks=weeks), Call.PLANNED) for weeks in (4, 13, 26)
    ]
    # What was still planned no longer applies; the exit evaluation's to-do is ticked by the
    # exit review itself (issue 15), on the exit date.
    exit_todo = enrolment.todos.get(kind=Kind.EXIT)
    assert exit_todo.done_on == EXITED
    assert list(Todo.objects.filter(enrolment=enrolment).open()) == []
    assert enrolment.todos.get(kind=Kind.BASELINE).cancelled is False

    # 6. The call queue: the four-week call is due (overdue by a week). Nobody answers.
    first = calls[0]
    page.get_by_role("link", name="Follow-up calls").first.click()
    due = page.locator("section", has=page.get_by_role("heading", name="Today and overdue"))
    queue_row = due.locator("tbody tr").filter(has_text="HAILE Selam")
    expect(queue_row).to_have_count(1)
    expect(queue_row).to_contain_text("4 weeks after exit")
    expect(queue_row).to_contain_text("Overdue")
    page.evaluate("window.stillTheSamePage = true")
    queue_row.get_by_role("button", name=re.compile(r"^Log the call\b")).click()
    form = page.locator("#call-panel")
    form.get_by_label("No answer").check()
    form.get_by_label("Short note on this attempt").fill("Voicemail, left a message.")
    form.get_by_role("button", name="Log the call", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        "Attempt 1 of 3 logged. Try again another day."
    )
    # The attempts column: the seventh, after the action that comes first.
    expect(queue_row.locator("td").nth(6)).to_have_text("1 / 3")
    first.refresh_from_db()
    assert (first.status, first.version) == (Call.PLANNED, 2)
    assert list(first.attempts.values_list("outcome", "note", "attempted_by")) == [
        (CallAttempt.Outcome.NO_ANSWER, "Voicemail, left a message.", lea.pk)
    ]

    # Later that day she answers: volunteering, and she needs help with a letter.
    queue_row.get_by_role("button", name=re.compile(r"^Log the call\b")).click()
    form.get_by_label("Reached").check()
    form.get_by_label("Their situation today").select_option(label="Volunteering")
    form.get_by_label("Do they need help?").select_option(label="Yes")
    form.get_by_label("What help").fill("A letter from the housing office she does not understand.")
    form.get_by_label("Did the programme help their integration?").select_option(label="Partly")
    screenshot("7-call-form")
    form.get_by_role("button", name="Log the call", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/follow-up-calls/{first.pk}/$"))
    expect(page.get_by_role("status")).to_contain_text("Call logged: Selam Haile was reached.")
    expect(page.get_by_role("heading", name="What the person said")).to_be_visible()
    expect(page.get_by_role("button", name="Reopen support")).to_be_visible()
    expect(page.get_by_role("button", name="Refer to a partner")).to_be_visible()
    screenshot("8-call-reached")
    first.refresh_from_db()
    assert (
        first.status,
        first.situation,
        first.needs_help,
        first.help_notes,
        first.helped_integration,
        first.completed_on,
        first.completed_by,
    ) == (
        Call.REACHED,
        FollowUpCall.Situation.VOLUNTEERING,
        True,
        "A letter from the housing office she does not understand.",
        FollowUpCall.Helped.PARTLY,
        TODAY,
        lea,
    )
    assert list(first.attempts.values_list("outcome", flat=True)) == [
        CallAttempt.Outcome.NO_ANSWER,
        CallAttempt.Outcome.REACHED,
    ]
    assert list(
        enrolment.follow_up_calls.exclude(pk=first.pk).values_list("status", flat=True)
    ) == [Call.PLANNED, Call.PLANNED]

    # 7. The printable summary, and its PDF.
    page.get_by_role("link", name="Cap Avenir").click()
    page.get_by_role("button", name="Printable summary").click()
    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment.pk}/summary/$"))
    expect(page.get_by_role("main")).to_contain_text("I want to know people in Namur")
    # WeasyPrint takes its time on a first document: wait for it longer than for a page.
    with page.expect_response(re.compile(r"/summary\.pdf$"), timeout=60_000) as opened:
        page.get_by_role("button", name="Download the PDF").click(timeout=60_000)
    pdf = opened.value
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith('inline; filename="parcours-selam-haile-')
    # Chromium shows it in its PDF viewer, whose page is what the response hands back: the
    # document itself is fetched again, with the same session, to look at its bytes.
    expect(page).to_have_url(re.compile(rf"/enrolments/{enrolment.pk}/summary\.pdf$"))
    document = page.request.get(pdf.url, timeout=60_000)
    assert document.body().startswith(b"%PDF-")
