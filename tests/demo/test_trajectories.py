"""Demo trajectories: action plans, consents, referrals and placements."""

import datetime

import pytest
from django.db.models import F, Q

from demo import load as demo
from participants.models import Enrolment
from trajectory.models import ActionStep, Goal, Placement, Referral

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_started_enrolments_get_a_realistic_trajectory(monkeypatch):
    monkeypatch.setattr(demo, "STEPS", [])  # people and trajectories only
    counts = demo.load(today=TODAY)
    assert counts["goals"] > 0 and counts["placements"] > 0
    started = Enrolment.objects.filter(started_on__isnull=False)
    assert not started.filter(goals__isnull=True).exists()
    assert not Enrolment.objects.filter(started_on__isnull=True, goals__isnull=False).exists()
    assert Goal.objects.filter(status="revised", revised_by__isnull=False).exists()
    assert set(ActionStep.objects.filter(status="done").values_list("who", flat=True)) == {
        "coach",
        "together",
        "participant",
    }
    assert not ActionStep.objects.filter(done_on__gt=TODAY).exists()
    # Goals are dated back to when they were written.
    assert Goal.objects.filter(created_at__date__lt=TODAY - datetime.timedelta(days=60)).exists()
    assert Referral.objects.filter(status="waiting_list").exists()
    assert Referral.objects.filter(consent__isnull=False).exists()
    assert not Referral.objects.filter(
        Q(consent__isnull=False) & ~Q(consent__partner=F("partner"))
    ).exists()
    assert Placement.objects.filter(outcome="article_60").exists()
    assert not Placement.objects.filter(ended_on__gt=TODAY).exists()
