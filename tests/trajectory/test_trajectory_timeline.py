"""Goals, steps, consents, referrals and placements on the participant file's timeline."""

import datetime

import pytest
from django.utils import timezone

from tests.trajectory.factories import (
    make_consent,
    make_goal,
    make_placement,
    make_referral,
    make_step,
    started,
)
from trajectory import services, timeline

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_trajectory_shows_on_the_timeline(participant, enrolment, coach):
    active = started(enrolment)
    goal = make_goal(enrolment=active, text="I want to cook for my neighbours")
    make_step(goal=goal, text="Buy a pan", who="participant", status="done")
    services.goal_revise(goal=goal, text="I want to cook with my neighbours", by=coach.user)
    make_consent(participant=participant, purpose="photos", withdrawn_on=TODAY)
    make_referral(
        enrolment=active,
        status="ended",
        started_on=TODAY - datetime.timedelta(days=3),
        ended_on=TODAY,
        outcome="Permit renewed",
    )
    make_placement(
        enrolment=active, role="Cook", ended_on=TODAY, status="ended", outcome="continued"
    )

    titles = {entry.title for entry in timeline.trajectory_entries(participant)}

    assert {
        "New goal: I want to cook for my neighbours",
        "Goal revised: I want to cook with my neighbours",
        "Step done: Buy a pan",
        "Consent given: Photos and video",
        "Consent withdrawn: Photos and video",
        "Placement ended: Cook at " + active.placements.get().host.name,
    } <= titles
    partner = active.referrals_out.get().partner.name
    assert f"{partner}: Started" in titles
    assert f"{partner}: Ended" in titles


@pytest.mark.parametrize("size", [1, 15])
def test_the_number_of_queries_does_not_grow(
    participant, enrolment, coach, size, django_assert_num_queries
):
    active = started(enrolment)
    for n in range(size):
        goal = make_goal(enrolment=active, text=f"Goal {n}")
        make_step(goal=goal, status="done")
        services.goal_close(goal=goal, status="achieved", by=coach.user)
        make_consent(participant=participant, purpose="photos", withdrawn_on=TODAY)
        make_referral(enrolment=active, shares_personal_data=True, consent_override_reason="x")
        make_placement(enrolment=active)
    # 1. goals, once per step done  2. consents  3. referrals  4. placements
    with django_assert_num_queries(4):
        entries = timeline.trajectory_entries(participant)
    assert len(entries) == 7 * size
