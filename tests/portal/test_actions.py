"""What the participant does on the phone: tick a step of their own, give their own scores,
put sessions in their calendar."""

import datetime
import re
import time

import pytest
import vobject
from django.utils import timezone

from evaluations.models import DomainScore
from portal import access as portal_session
from sessions.models import CalendarFeed
from tests.evaluations.factories import make_evaluation, make_goal
from tests.portal.factories import row_counts
from tests.sessions.factories import days_from_today, make_session
from trajectory.models import ActionStep


@pytest.fixture
def goal(active):
    return make_goal(enrolment=active, text="Aller seule à la commune")


def test_the_participant_ticks_off_a_step_of_their_own(portal, goal):
    step = ActionStep.objects.create(
        goal=goal, text="Prendre le bus", who=ActionStep.Who.PARTICIPANT
    )
    response = portal.post(f"/p/steps/{step.pk}/done/", follow=True)
    assert b"Well done! The step is ticked off." in response.content
    step.refresh_from_db()
    assert step.status == "done" and step.done_by_participant
    assert step.done_on == timezone.localdate()


@pytest.mark.parametrize("who", [ActionStep.Who.COACH, ActionStep.Who.TOGETHER])
def test_a_step_done_with_the_coach_cannot_be_ticked_by_the_participant(portal, goal, who):
    step = ActionStep.objects.create(goal=goal, text="Appeler", who=who)
    before = row_counts()
    assert portal.post(f"/p/steps/{step.pk}/done/").status_code == 404
    assert row_counts() == before


def test_a_step_already_done_says_so_plainly(portal, goal):
    step = ActionStep.objects.create(
        goal=goal, text="Bus", who=ActionStep.Who.PARTICIPANT, status="done",
        done_on=timezone.localdate() - datetime.timedelta(days=2),
    )  # fmt: skip
    response = portal.post(f"/p/steps/{step.pk}/done/", follow=True)
    assert b"This step cannot be ticked off here. Talk to your coach." in response.content
    step.refresh_from_db()
    assert not step.done_by_participant


def test_ticking_needs_a_post(portal, goal):
    step = ActionStep.objects.create(goal=goal, text="Bus", who=ActionStep.Who.PARTICIPANT)
    assert portal.get(f"/p/steps/{step.pk}/done/").status_code == 405


# Self-assessment ------------------------------------------------------------------------------


def test_the_self_assessment_shows_faces_per_domain_of_the_programme(portal, active):
    active.programme.outcome_domains = ["oral_language", "wellbeing"]
    active.programme.save()
    evaluation = make_evaluation(enrolment=active, held_on=timezone.localdate())
    html = portal.get(f"/p/evaluation/{evaluation.pk}/").content.decode()
    assert "Speaking and understanding the national language" in html
    assert "Health and well-being" in html
    assert "Social network" not in html
    assert html.count('type="radio"') == 8
    for level in ["Not yet", "With a lot of help", "With a little help", "On my own"]:
        assert level in html
    # The coach's score and comment stay on the staff pages.
    assert "coach_score" not in html


def test_own_scores_are_saved_beside_the_coachs(portal, active):
    evaluation = make_evaluation(enrolment=active, held_on=timezone.localdate())
    response = portal.post(
        f"/p/evaluation/{evaluation.pk}/", {"oral_language": "3", "wellbeing": "2"}
    )
    assert response.status_code == 302 and response.url == "/p/home/"
    scores = {s.domain: s for s in evaluation.scores.all()}
    assert scores["oral_language"].coach_score == 2  # the coach's, untouched
    assert scores["oral_language"].participant_score == 3
    assert scores["oral_language"].participant_scored_at is not None
    assert scores["wellbeing"].participant_score == 2 and scores["wellbeing"].coach_score is None


def test_an_empty_or_wrong_answer_writes_nothing(portal, active):
    evaluation = make_evaluation(enrolment=active, held_on=timezone.localdate())
    before = row_counts()
    response = portal.post(f"/p/evaluation/{evaluation.pk}/", {})
    assert b"Choose a face for at least one question." in response.content
    response = portal.post(f"/p/evaluation/{evaluation.pk}/", {"oral_language": "7"})
    assert b"Choose one of the faces." in response.content
    assert row_counts() == before
    assert DomainScore.objects.filter(participant_score__isnull=False).count() == 0


def test_an_old_evaluation_is_no_longer_open_to_self_assessment(portal, active):
    evaluation = make_evaluation(
        enrolment=active, held_on=timezone.localdate() - datetime.timedelta(days=40)
    )
    assert portal.get(f"/p/evaluation/{evaluation.pk}/").status_code == 404
    assert f"/p/evaluation/{evaluation.pk}/" not in portal.get("/p/home/").content.decode()


def test_self_assessment_refuses_other_methods(portal, active):
    evaluation = make_evaluation(enrolment=active, held_on=timezone.localdate())
    assert portal.put(f"/p/evaluation/{evaluation.pk}/").status_code == 405


# Calendar ---------------------------------------------------------------------------------


def test_add_one_session_to_the_phones_calendar(portal, participant, programme):
    session = make_session(
        programme=programme, date=days_from_today(3), topic="Budget", notes="Staff only",
        expected=[participant],
    )  # fmt: skip
    response = portal.get(f"/p/sessions/{session.pk}.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    event = vobject.readOne(response.content.decode()).vevent
    assert event.summary.value == "Workshop: Budget"
    assert event.dtstart.value.date() == session.date
    assert "Staff only" not in response.content.decode()
    assert "/sessions/" not in response.content.decode()  # no link to the staff page


def test_the_subscription_is_made_once_and_then_shown(portal, participant):
    assert b"Make my calendar link" in portal.get("/p/calendar/").content
    portal.post("/p/calendar/")
    portal.post("/p/calendar/")  # a second tap keeps the same address
    feed = CalendarFeed.objects.get(participant=participant, revoked_at__isnull=True)
    html = portal.get("/p/calendar/").content.decode()
    assert f"webcal://testserver/calendar/{feed.token}.ics" in html


def test_calendar_refuses_other_methods(portal):
    assert portal.put("/p/calendar/").status_code == 405
    assert portal.post("/p/sessions/1.ics").status_code == 405


def test_the_coach_sees_the_own_score_beside_theirs(portal, coach_client, active):
    evaluation = make_evaluation(
        enrolment=active, held_on=timezone.localdate(), scores={"oral_language": 2}
    )
    portal.post(f"/p/evaluation/{evaluation.pk}/", {"oral_language": "4"})
    html = coach_client.get(f"/evaluations/{evaluation.pk}/").content.decode()
    row = html[html.index('id="domain-oral_language"') :]
    row = row[: row.index("</tr>")]
    assert "2 · With a lot of help" in row and "4 · On my own" in row


# Undo ---------------------------------------------------------------------------------------


def test_i_did_it_can_be_undone_for_a_few_minutes(portal, goal):
    step = ActionStep.objects.create(goal=goal, text="Call the housing office", who="participant")
    portal.post(f"/p/steps/{step.pk}/done/")
    html = portal.get("/p/home/").content.decode()
    assert f'action="/p/steps/{step.pk}/undo/"' in html
    # Its name says which step it undoes.
    assert re.search(r"Undo<span class=\"visually-hidden\"> — .*Call the housing office", html)
    response = portal.post(f"/p/steps/{step.pk}/undo/", follow=True)
    assert b"Undone: the step is to do again." in response.content
    step.refresh_from_db()
    assert step.status == "todo" and step.done_on is None and not step.done_by_participant
    assert f'action="/p/steps/{step.pk}/done/"' in response.content.decode()


def test_after_the_window_the_tick_is_final(portal, goal, monkeypatch):
    step = ActionStep.objects.create(goal=goal, text="Bus", who="participant")
    portal.post(f"/p/steps/{step.pk}/done/")
    later = time.time() + portal_session.UNDO_SECONDS + 1
    monkeypatch.setattr(portal_session.time, "time", lambda: later)
    html = portal.get("/p/home/").content.decode()
    assert "/undo/" not in html
    response = portal.post(f"/p/steps/{step.pk}/undo/", follow=True)
    assert b"It is too late to undo this. Talk to your coach." in response.content
    step.refresh_from_db()
    assert step.status == "done"


def test_only_the_phone_that_ticked_may_undo_and_not_a_coachs_tick(participant, goal):
    from django.test import Client

    from tests.portal.factories import make_access, sign_in

    _access, code = make_access(participant=participant)
    phone, other_phone = Client(), Client()
    sign_in(phone, code)
    sign_in(other_phone, code)
    step = ActionStep.objects.create(goal=goal, text="Bus", who="participant")
    other_phone.post(f"/p/steps/{step.pk}/done/")
    assert b"too late" in phone.post(f"/p/steps/{step.pk}/undo/", follow=True).content
    step.refresh_from_db()
    assert step.status == "done"
    coach_step = ActionStep.objects.create(
        goal=goal, text="Lire", who="participant", status="done", done_on=timezone.localdate()
    )
    assert b"too late" in phone.post(f"/p/steps/{coach_step.pk}/undo/", follow=True).content
    coach_step.refresh_from_db()
    assert coach_step.status == "done"


def test_undo_needs_a_post_and_ones_own_step(portal, neighbour_portal, goal):
    step = ActionStep.objects.create(goal=goal, text="Bus", who="participant")
    portal.post(f"/p/steps/{step.pk}/done/")
    assert portal.get(f"/p/steps/{step.pk}/undo/").status_code == 405
    assert neighbour_portal.post(f"/p/steps/{step.pk}/undo/").status_code == 404
    step.refresh_from_db()
    assert step.status == "done"


def test_after_the_faces_the_home_card_says_they_are_sent(portal, active):
    evaluation = make_evaluation(enrolment=active, held_on=timezone.localdate())
    assert "Give my answers" in portal.get("/p/home/").content.decode()
    portal.post(f"/p/evaluation/{evaluation.pk}/", {"oral_language": "3"})
    html = portal.get("/p/home/").content.decode()
    assert "Your answers are sent" in html and "Give my answers" not in html
    assert "With a little help" in html and "icons.svg#smile" in html
    assert "Change my answers" in html
