"""Factories for the trajectory records, in the style of tests/factories.py: straight to the
database, every field overridable."""

import datetime

from django.utils import timezone

from participants.models import Consent, Enrolment
from tests.factories import make_partner
from trajectory.models import ActionStep, Goal, Placement, Referral


def started(enrolment: Enrolment, days_ago: int = 60) -> Enrolment:
    """Put an enrolment in its trajectory: active, started some days ago."""
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.started_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=enrolment.status, started_on=enrolment.started_on
    )
    return enrolment


def make_goal(*, enrolment: Enrolment, **kwargs) -> Goal:
    kwargs.setdefault("text", "I want to speak Dutch at the doctor's")
    kwargs.setdefault("created_by", enrolment.coach)
    return Goal.objects.create(enrolment=enrolment, **kwargs)


def make_step(*, goal: Goal, **kwargs) -> ActionStep:
    kwargs.setdefault("text", "Practise the words for the body")
    kwargs.setdefault("who", ActionStep.Who.TOGETHER)
    if kwargs.get("status") == ActionStep.Status.DONE:
        kwargs.setdefault("done_on", timezone.localdate())
    return ActionStep.objects.create(goal=goal, **kwargs)


def make_host(*, organisation, **kwargs):
    kwargs.setdefault("receives_referrals", False)
    kwargs.setdefault("hosts_volunteers", True)
    return make_partner(organisation=organisation, **kwargs)


def make_consent(*, participant, **kwargs) -> Consent:
    if kwargs.get("partner") is not None:
        kwargs.setdefault("purpose", Consent.Purpose.SHARING)
    kwargs.setdefault("purpose", Consent.Purpose.PROCESSING)
    kwargs.setdefault("given_on", timezone.localdate() - datetime.timedelta(days=10))
    kwargs.setdefault("recorded_by", participant.coach)
    return Consent.objects.create(participant=participant, **kwargs)


def make_referral(*, enrolment: Enrolment, partner=None, **kwargs) -> Referral:
    if partner is None:
        partner = make_partner(organisation=enrolment.participant.organisation)
    kwargs.setdefault("kind", Referral.Kind.LEGAL)
    kwargs.setdefault("sent_on", timezone.localdate() - datetime.timedelta(days=5))
    kwargs.setdefault("reason", "Questions about family reunification")
    kwargs.setdefault("shares_personal_data", False)
    kwargs.setdefault("created_by", enrolment.coach)
    return Referral.objects.create(enrolment=enrolment, partner=partner, **kwargs)


def make_placement(*, enrolment: Enrolment, host=None, **kwargs) -> Placement:
    if host is None:
        host = make_host(organisation=enrolment.participant.organisation)
    kwargs.setdefault("kind", Placement.Kind.VOLUNTEERING)
    kwargs.setdefault("role", "Kitchen help")
    kwargs.setdefault("hours_per_week", 7)
    kwargs.setdefault("starts_on", timezone.localdate() - datetime.timedelta(days=14))
    kwargs.setdefault("status", Placement.Status.ONGOING)
    kwargs.setdefault("created_by", enrolment.coach)
    return Placement.objects.create(enrolment=enrolment, host=host, **kwargs)
