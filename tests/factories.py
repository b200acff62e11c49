"""Tiny hand-written factories: each builds one valid record, with every field overridable.

They write straight to the database (no form, no service) so a test can put a record in any
state it needs; the behaviour under test then goes through the real view or service.
"""

import datetime
import itertools

from django.utils import timezone

from participants.models import (
    EligibilityAnswer,
    Enrolment,
    EnrolmentStatusChange,
    IntakeInterview,
    Participant,
    Todo,
)
from programme.models import (
    EligibilityCriterion,
    Module,
    Organisation,
    PartnerOrganisation,
    Programme,
    Staff,
)
from programme.services import staff_create

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_organisation(**kwargs) -> Organisation:
    n = next(_numbers)
    kwargs.setdefault("name", f"CPAS {n}")
    kwargs.setdefault("city", "Liège")
    return Organisation.objects.create(**kwargs)


def make_staff(
    *, organisation: Organisation | None = None, role: str = Staff.Role.COACH, **kwargs
) -> Staff:
    n = next(_numbers)
    kwargs.setdefault("username", f"{role}{n}")
    kwargs.setdefault("email", f"{role}{n}@example.org")
    kwargs.setdefault("first_name", "Claire")
    kwargs.setdefault("last_name", f"Dubois{n}")
    kwargs.setdefault("password", PASSWORD)
    return staff_create(organisation=organisation or make_organisation(), role=role, **kwargs)


def make_programme(**kwargs) -> Programme:
    n = next(_numbers)
    if "organisation" not in kwargs:
        kwargs["organisation"] = make_organisation()
    kwargs.setdefault("name", f"Programme {n}")
    kwargs.setdefault("code", f"programme-{n}")
    kwargs.setdefault("starts_on", datetime.date(2025, 1, 1))
    return Programme.objects.create(**kwargs)


def make_module(*, programme: Programme, **kwargs) -> Module:
    kwargs.setdefault("name", "Weekly group")
    kwargs.setdefault("kind", Module.Kind.GROUP)
    return Module.objects.create(programme=programme, **kwargs)


def make_criterion(*, programme: Programme, kind: str, **kwargs) -> EligibilityCriterion:
    if kind == EligibilityCriterion.Kind.MIN_AGE:
        kwargs.setdefault("min_age", 18)
    if kind == EligibilityCriterion.Kind.JUDGEMENT:
        kwargs.setdefault("label", "Motivated to take part")
    if kind == EligibilityCriterion.Kind.MIN_LANGUAGE_LEVEL:
        kwargs.setdefault("min_language_level", "1.1")
    return EligibilityCriterion.objects.create(programme=programme, kind=kind, **kwargs)


def make_partner(*, organisation: Organisation, **kwargs) -> PartnerOrganisation:
    n = next(_numbers)
    kwargs.setdefault("name", f"Partner {n}")
    kwargs.setdefault("receives_referrals", True)
    return PartnerOrganisation.objects.create(organisation=organisation, **kwargs)


def make_participant(**kwargs) -> Participant:
    n = next(_numbers)
    if "organisation" not in kwargs:
        coach = kwargs.get("coach")
        kwargs["organisation"] = coach.staff.organisation if coach else make_organisation()
    kwargs.setdefault("first_name", "Nour")
    kwargs.setdefault("last_name", f"Person{n}")
    kwargs.setdefault("birth_date", datetime.date(1990, 5, 17))
    kwargs.setdefault("gender", "woman")
    return Participant.objects.create(**kwargs)


def make_enrolment(
    *, participant: Participant, programme: Programme | None = None, **kwargs
) -> Enrolment:
    if programme is None:
        programme = make_programme(organisation=participant.organisation)
    kwargs.setdefault("coach", participant.coach)
    kwargs.setdefault("status", Enrolment.Status.REFERRED)
    kwargs.setdefault("referred_on", timezone.localdate() - datetime.timedelta(days=30))
    kwargs.setdefault("referral_source", "social_service")
    return Enrolment.objects.create(participant=participant, programme=programme, **kwargs)


def make_status_change(*, enrolment: Enrolment, **kwargs) -> EnrolmentStatusChange:
    kwargs.setdefault("to_status", enrolment.status)
    kwargs.setdefault("changed_by", enrolment.coach)
    return EnrolmentStatusChange.objects.create(enrolment=enrolment, **kwargs)


def make_interview(*, enrolment: Enrolment, **kwargs) -> IntakeInterview:
    kwargs.setdefault("held_on", timezone.localdate())
    kwargs.setdefault("conducted_by", enrolment.coach)
    return IntakeInterview.objects.create(enrolment=enrolment, **kwargs)


def make_answer(
    *, enrolment: Enrolment, criterion: EligibilityCriterion, **kwargs
) -> EligibilityAnswer:
    kwargs.setdefault("met", True)
    return EligibilityAnswer.objects.create(enrolment=enrolment, criterion=criterion, **kwargs)


def make_todo(enrolment: Enrolment, days: int, **kwargs) -> Todo:
    """A to-do due `days` from today (negative: overdue), a baseline evaluation unless told."""
    kwargs.setdefault("kind", "baseline")
    return Todo.objects.create(
        enrolment=enrolment, due_on=timezone.localdate() + datetime.timedelta(days=days), **kwargs
    )
