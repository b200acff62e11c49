"""The action plan: goals in the participant's words, steps with who does them, revisions
that keep their history, and the ladder of autonomy."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment
from tests.helpers import login_url
from tests.trajectory.factories import make_goal, make_step, started
from trajectory import services
from trajectory.models import ActionStep, Goal
from trajectory.views import plan_panel

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def active(enrolment):
    return started(enrolment)


@pytest.fixture
def goal(active):
    return make_goal(enrolment=active)


def counts():
    return {"goals": Goal.objects.count(), "steps": ActionStep.objects.count()}


def close(enrolment, status=Enrolment.Status.EXITED):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status)
    enrolment.status = status


# --- services ----------------------------------------------------------------------------------


def test_goals_are_added_last_in_the_participants_words(active, coach):
    first = services.goal_create(enrolment=active, text="  I want to find a job  ", by=coach.user)
    second = services.goal_create(
        enrolment=active,
        text="I want to speak Dutch at the doctor's",
        text_own_language="أريد أن أتكلم الهولندية عند الطبيب",
        own_language="ar",
        domain="oral_language",
        by=coach.user,
    )
    assert first.text == "I want to find a job"
    assert second.position > first.position
    assert second.created_by == coach.user


def test_a_goal_in_their_language_says_which_language(active, coach):
    with pytest.raises(ValidationError) as refused:
        services.goal_create(
            enrolment=active, text="I want a job", text_own_language="ጽቡቕ ስራሕ", by=coach.user
        )
    assert "own_language" in refused.value.error_dict
    assert Goal.objects.count() == 0


def test_revising_keeps_the_old_goal_and_its_done_steps(goal, coach):
    done = make_step(goal=goal, status=ActionStep.Status.DONE, who=ActionStep.Who.COACH)
    open_step = make_step(goal=goal, text="Book the appointment", who=ActionStep.Who.PARTICIPANT)

    new = services.goal_revise(goal=goal, text="I want to go to the doctor's alone", by=coach.user)

    goal.refresh_from_db()
    assert goal.status == Goal.Status.REVISED
    assert goal.closed_on == TODAY
    assert new.revises == goal
    assert new.position == goal.position
    assert list(goal.steps.all()) == [done]
    assert list(new.steps.all()) == [open_step]


def test_revising_may_drop_the_steps_still_to_do(goal, coach):
    step = make_step(goal=goal)
    new = services.goal_revise(
        goal=goal, text="Another goal", carry_open_steps=False, by=coach.user
    )
    step.refresh_from_db()
    assert step.goal == goal
    assert step.status == ActionStep.Status.DROPPED
    assert not new.steps.exists()


def test_a_revised_goal_cannot_be_revised_or_changed_again(goal, coach):
    services.goal_revise(goal=goal, text="Second version", by=coach.user)
    goal.refresh_from_db()
    with pytest.raises(ValidationError):
        services.goal_revise(goal=goal, text="Third version", by=coach.user)
    with pytest.raises(ValidationError):
        services.goal_update(goal=goal, text="Changed", by=coach.user)
    with pytest.raises(ValidationError):
        services.step_add(goal=goal, text="A step", who=ActionStep.Who.COACH, by=coach.user)
    with pytest.raises(ValidationError):
        services.goal_reopen(goal=goal, by=coach.user)


def test_closing_a_goal_drops_its_open_steps(goal, coach):
    done = make_step(goal=goal, status=ActionStep.Status.DONE)
    todo = make_step(goal=goal, due_on=TODAY - datetime.timedelta(days=3))
    services.goal_close(goal=goal, status=Goal.Status.ACHIEVED, by=coach.user)
    done.refresh_from_db()
    todo.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    assert done.status == ActionStep.Status.DONE
    assert todo.status == ActionStep.Status.DROPPED
    assert not todo.is_overdue()


def test_a_goal_closes_only_as_achieved_or_dropped(goal, coach):
    with pytest.raises(ValidationError):
        services.goal_close(goal=goal, status=Goal.Status.REVISED, by=coach.user)


def test_an_achieved_goal_can_be_opened_again(goal, coach):
    services.goal_close(goal=goal, status=Goal.Status.DROPPED, by=coach.user)
    services.goal_reopen(goal=goal, by=coach.user)
    goal.refresh_from_db()
    assert goal.status == Goal.Status.OPEN
    assert goal.closed_on is None


def test_the_participant_may_tick_only_their_own_steps(goal):
    together = make_step(goal=goal, who=ActionStep.Who.TOGETHER)
    alone = make_step(goal=goal, who=ActionStep.Who.PARTICIPANT)
    with pytest.raises(ValidationError) as refused:
        services.step_mark_done(step=together, by_participant=True)
    assert "the coach ticks it off" in str(refused.value)
    services.step_mark_done(step=alone, by_participant=True)
    alone.refresh_from_db()
    together.refresh_from_db()
    assert alone.status == ActionStep.Status.DONE
    assert alone.done_by_participant
    assert together.status == ActionStep.Status.OPEN


def test_the_coach_ticks_any_step_and_can_take_it_back(goal, coach):
    step = make_step(goal=goal, who=ActionStep.Who.COACH)
    services.step_mark_done(step=step, by=coach.user)
    assert (step.status, step.done_on, step.done_by_participant) == ("done", TODAY, False)
    with pytest.raises(ValidationError):
        services.step_mark_done(step=step, by=coach.user)
    services.step_undo(step=step, by=coach.user)
    step.refresh_from_db()
    assert (step.status, step.done_on) == ("todo", None)


def test_a_step_cannot_be_done_in_the_future(goal, coach):
    step = make_step(goal=goal)
    with pytest.raises(ValidationError):
        services.step_mark_done(step=step, on=TODAY + datetime.timedelta(days=1), by=coach.user)


def test_a_dropped_step_is_kept(goal, coach):
    step = make_step(goal=goal)
    services.step_drop(step=step, by=coach.user)
    step.refresh_from_db()
    assert step.status == ActionStep.Status.DROPPED
    with pytest.raises(ValidationError):
        services.step_drop(step=step, by=coach.user)


def test_steps_are_added_and_changed(goal, coach):
    step = services.step_add(
        goal=goal, text="Call the GP", who=ActionStep.Who.PARTICIPANT, due_on=TODAY, by=coach.user
    )
    services.step_update(step=step, text="Call the GP with Amina", who="together", by=coach.user)
    step.refresh_from_db()
    assert (step.text, step.who, step.due_on) == ("Call the GP with Amina", "together", None)
    with pytest.raises(ValidationError):
        services.step_add(goal=goal, text="", who=ActionStep.Who.COACH, by=coach.user)


def test_a_step_past_its_date_is_overdue(goal):
    late = make_step(goal=goal, due_on=TODAY - datetime.timedelta(days=1))
    on_time = make_step(goal=goal, due_on=TODAY)
    done = make_step(goal=goal, due_on=TODAY - datetime.timedelta(days=9), status="done")
    assert late.is_overdue()
    assert not on_time.is_overdue()
    assert not done.is_overdue()


@pytest.mark.parametrize("status", ["exited", "closed", "not_admitted"])
def test_a_closed_enrolment_has_a_read_only_plan(goal, coach, status):
    step = make_step(goal=goal)
    close(goal.enrolment, status)
    goal.refresh_from_db()
    step.refresh_from_db()
    attempts = [
        lambda: services.goal_create(enrolment=goal.enrolment, text="New", by=coach.user),
        lambda: services.goal_update(goal=goal, text="Changed", by=coach.user),
        lambda: services.goal_revise(goal=goal, text="Changed", by=coach.user),
        lambda: services.goal_close(goal=goal, status="achieved", by=coach.user),
        lambda: services.step_add(goal=goal, text="New", who="coach", by=coach.user),
        lambda: services.step_update(step=step, text="Changed", who="coach", by=coach.user),
        lambda: services.step_mark_done(step=step, by=coach.user),
        lambda: services.step_drop(step=step, by=coach.user),
    ]
    before = counts()
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    assert counts() == before
    step.refresh_from_db()
    assert step.status == ActionStep.Status.OPEN


# --- the panel ---------------------------------------------------------------------------------


def enrolment_url(enrolment):
    return reverse("participants:enrolment", args=[enrolment.pk])


def test_the_panel_shows_goals_steps_history_and_ladder(goal, coach, coach_client):
    make_step(goal=goal, who=ActionStep.Who.PARTICIPANT, status="done", text="Took the bus alone")
    make_step(goal=goal, who=ActionStep.Who.TOGETHER, status="done")
    make_step(goal=goal, who=ActionStep.Who.COACH, due_on=TODAY - datetime.timedelta(days=2))
    new = services.goal_revise(goal=goal, text="I want to see the doctor alone", by=coach.user)

    response = coach_client.get(enrolment_url(goal.enrolment))

    html = response.content.decode()
    assert 'id="action-plan"' in html
    assert "I want to see the doctor alone" in html
    assert "1 earlier version" in html
    assert "<s>I want to speak Dutch at the doctor&#x27;s</s>" in html
    assert "Took the bus alone" in html
    assert "1 step is overdue." in html
    panel = next(p.context for p in response.context["panels"] if "ladder" in p.context)
    assert [g.pk for g in panel["goals"]] == [new.pk]
    assert [(r["who"], r["done"]) for r in panel["ladder"]] == [
        ("participant", 1),
        ("together", 1),
        ("coach", 0),
    ]


def test_the_panel_is_read_only_for_a_closed_enrolment(goal, coach_client):
    make_step(goal=goal)
    close(goal.enrolment)
    html = coach_client.get(enrolment_url(goal.enrolment)).content.decode()
    assert "the action plan is kept as it was" in html
    assert reverse("trajectory:goal-add", args=[goal.enrolment.pk]) not in html
    assert "Mark done" not in html


def test_no_plan_before_the_trajectory_starts(enrolment, coach_client):
    response = coach_client.get(enrolment_url(enrolment))
    assert 'id="action-plan"' not in response.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_the_panel_runs_two_queries_whatever_the_plan(
    active, coach, size, django_assert_num_queries
):
    for n in range(size):
        goal = make_goal(enrolment=active, text=f"Goal {n}")
        make_step(goal=goal, status="done")
        make_step(goal=goal, who="participant")
        services.goal_revise(goal=goal, text=f"Goal {n}, revised", by=coach.user)
    request = RequestFactory().get("/")
    request.user = coach.user
    # 1. the goals with their author  2. all their steps
    with django_assert_num_queries(2):
        panel = plan_panel(request, active)
    assert len(panel["goals"]) == size
    assert all(len(goal.history) == 1 for goal in panel["goals"])


# --- the views ---------------------------------------------------------------------------------


def test_a_coach_adds_a_goal(active, coach_client):
    url = reverse("trajectory:goal-add", args=[active.pk])
    assert coach_client.get(url).status_code == 200
    response = coach_client.post(
        url,
        {
            "text": "I want to open a bank account",
            "text_own_language": "",
            "own_language": "",
            "domain": "autonomy",
        },
    )
    assert response.status_code == 302
    assert response.url == enrolment_url(active) + "#action-plan"
    goal = active.goals.get()
    assert (goal.text, goal.domain) == ("I want to open a bank account", "autonomy")


def test_a_goal_without_text_writes_nothing(active, coach_client):
    url = reverse("trajectory:goal-add", args=[active.pk])
    before = counts()
    response = coach_client.post(
        url, {"text": " ", "text_own_language": "Quelque chose", "own_language": ""}
    )
    assert response.status_code == 200
    assert "Write the goal." in response.content.decode()
    assert "Say which language this is." in response.content.decode()
    assert counts() == before


def test_a_goal_is_edited_and_revised(goal, coach_client):
    make_step(goal=goal, text="Still to do")
    edit = reverse("trajectory:goal-edit", args=[goal.pk])
    coach_client.post(edit, {"text": "I want to speak Dutch with my GP", "domain": ""})
    goal.refresh_from_db()
    assert goal.text == "I want to speak Dutch with my GP"

    revise = reverse("trajectory:goal-revise", args=[goal.pk])
    page = coach_client.get(revise)
    assert page.context["form"].initial["text"] == "I want to speak Dutch with my GP"
    response = coach_client.post(
        revise, {"text": "I want to go to the GP alone", "carry_open_steps": "on"}
    )
    assert response.status_code == 302
    new = Goal.objects.get(revises=goal)
    assert [s.text for s in new.steps.all()] == ["Still to do"]


def test_one_tap_marks_a_step_done_with_htmx(goal, coach_client):
    step = make_step(goal=goal)
    url = reverse("trajectory:step-action", args=[step.pk, "done"])
    response = coach_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.templates[0].name == "trajectory/_plan_panel.html"
    assert 'id="action-plan"' in response.content.decode()
    step.refresh_from_db()
    assert step.status == ActionStep.Status.DONE


def test_one_tap_works_without_javascript(goal, coach_client):
    step = make_step(goal=goal)
    response = coach_client.post(reverse("trajectory:step-action", args=[step.pk, "done"]))
    assert response.status_code == 302
    assert response.url == enrolment_url(goal.enrolment) + "#action-plan"
    for action, status in [("undo", "todo"), ("drop", "dropped")]:
        coach_client.post(reverse("trajectory:step-action", args=[step.pk, action]))
        step.refresh_from_db()
        assert step.status == status


def test_a_refused_tap_says_why(goal, coach_client):
    step = make_step(goal=goal, status="dropped")
    url = reverse("trajectory:step-action", args=[step.pk, "done"])
    response = coach_client.post(url, headers={"HX-Request": "true"})
    assert "This step is already “Dropped”." in response.content.decode()
    response = coach_client.post(url, follow=True)
    assert "This step is already “Dropped”." in response.content.decode()


def test_an_unknown_action_is_a_404(goal, coach_client):
    step = make_step(goal=goal)
    assert (
        coach_client.post(reverse("trajectory:step-action", args=[step.pk, "x"])).status_code == 404
    )
    url = reverse("trajectory:goal-close", args=[goal.pk, "revised"])
    assert coach_client.post(url).status_code == 404


def test_a_goal_is_marked_achieved_and_opened_again(goal, coach_client):
    coach_client.post(reverse("trajectory:goal-close", args=[goal.pk, "achieved"]))
    goal.refresh_from_db()
    assert goal.status == Goal.Status.ACHIEVED
    coach_client.post(reverse("trajectory:goal-close", args=[goal.pk, "open"]))
    goal.refresh_from_db()
    assert goal.status == Goal.Status.OPEN


def test_steps_are_added_and_edited(goal, coach_client):
    url = reverse("trajectory:step-add", args=[goal.pk])
    response = coach_client.post(
        url, {"text": "Ask the pharmacist", "who": "participant", "due_on": "", "another": "1"}
    )
    assert response.url == url
    step = goal.steps.get()
    edit = reverse("trajectory:step-edit", args=[step.pk])
    coach_client.post(edit, {"text": "Ask the pharmacist", "who": "together", "due_on": ""})
    step.refresh_from_db()
    assert step.who == "together"


def test_a_step_without_who_writes_nothing(goal, coach_client):
    before = counts()
    response = coach_client.post(
        reverse("trajectory:step-add", args=[goal.pk]), {"text": "Something", "who": ""}
    )
    assert "Say who does this step." in response.content.decode()
    assert counts() == before


def test_forms_of_a_closed_plan_lead_back(goal, coach_client):
    close(goal.enrolment)
    for url in [
        reverse("trajectory:goal-add", args=[goal.enrolment.pk]),
        reverse("trajectory:goal-edit", args=[goal.pk]),
        reverse("trajectory:goal-revise", args=[goal.pk]),
        reverse("trajectory:step-add", args=[goal.pk]),
    ]:
        response = coach_client.post(url, {"text": "Sneaky", "who": "coach"})
        assert response.status_code == 302
    assert Goal.objects.count() == 1
    assert ActionStep.objects.count() == 0


def view_urls(goal, step):
    return [
        ("get", reverse("trajectory:goal-add", args=[goal.enrolment.pk])),
        ("get", reverse("trajectory:goal-edit", args=[goal.pk])),
        ("get", reverse("trajectory:goal-revise", args=[goal.pk])),
        ("post", reverse("trajectory:goal-close", args=[goal.pk, "achieved"])),
        ("get", reverse("trajectory:step-add", args=[goal.pk])),
        ("get", reverse("trajectory:step-edit", args=[step.pk])),
        ("post", reverse("trajectory:step-action", args=[step.pk, "done"])),
    ]


@pytest.mark.parametrize(
    "who",
    ["administrator_client", "outsider_client", "outsider_manager_client", "colleague_client"],
)
def test_people_out_of_reach_get_a_404(goal, who, request):
    client = request.getfixturevalue(who)
    step = make_step(goal=goal)
    for method, url in view_urls(goal, step):
        assert getattr(client, method)(url).status_code == 404, url
    step.refresh_from_db()
    assert step.status == ActionStep.Status.OPEN


def test_a_manager_works_on_any_plan_of_the_organisation(goal, manager_client):
    step = make_step(goal=goal)
    for method, url in view_urls(goal, step):
        assert getattr(manager_client, method)(url).status_code in (200, 302), url


def test_anonymous_users_are_sent_to_log_in(goal, client):
    step = make_step(goal=goal)
    for method, url in view_urls(goal, step):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response.url == login_url(url)


def test_taps_reject_get(goal, coach_client):
    step = make_step(goal=goal)
    assert (
        coach_client.get(reverse("trajectory:step-action", args=[step.pk, "done"])).status_code
        == 405
    )
    assert (
        coach_client.get(reverse("trajectory:goal-close", args=[goal.pk, "achieved"])).status_code
        == 405
    )
    assert (
        coach_client.put(reverse("trajectory:goal-add", args=[goal.enrolment.pk])).status_code
        == 405
    )


@pytest.mark.parametrize("size", [1, 20])
def test_a_tap_runs_the_same_queries_whatever_the_plan(
    active, coach, coach_client, size, django_assert_num_queries
):
    for n in range(size):
        goal = make_goal(enrolment=active, text=f"Goal {n}")
        make_step(goal=goal, status="done")
    step = make_step(goal=goal)
    url = reverse("trajectory:step-action", args=[step.pk, "done"])
    # 1. the session  2. the user with their staff record
    # 3. the step with goal, enrolment, participant and programme, within reach
    # 4. savepoint  5. the step saved  6. its audit event  7. release (one transaction)
    # 8. the goals  9. their steps (the panel again)
    with django_assert_num_queries(9):
        response = coach_client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
