"""Every write to the trajectory (the action plan, referrals to partners, placements) goes
through these functions, whether it comes from a page, the admin or the API."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from participants.models import Consent, Enrolment
from participants.services import claim_version
from programme.dates import not_before, not_in_future
from programme.models import PartnerOrganisation
from trajectory.models import ActionStep, Goal, Placement, Referral

Status = Enrolment.Status


def goals_carry_over(*, previous: Enrolment, to: Enrolment) -> int:
    """The goals still being worked on in `previous` continue in `to` (a transfer), with
    their steps. Returns how many moved."""
    return previous.goals.filter(status=Goal.Status.OPEN).update(enrolment=to)


def _plan_can_change(enrolment: Enrolment) -> None:
    if not enrolment.is_open:
        raise ValidationError(
            _("This enrolment is closed: its action plan can no longer change."), code="closed"
        )


def _goal_can_change(goal: Goal) -> None:
    _plan_can_change(goal.enrolment)
    if goal.status != Goal.Status.OPEN:
        raise ValidationError(
            _("This goal is “%(status)s”: it can no longer change.")
            % {"status": goal.get_status_display()},
            code="goal_closed",
        )


def goal_create(
    *,
    enrolment: Enrolment,
    text: str,
    text_own_language: str = "",
    own_language: str = "",
    domain: str = "",
    by,
) -> Goal:
    """A new goal of the action plan, last in the list."""
    _plan_can_change(enrolment)
    with transaction.atomic():
        last = enrolment.goals.order_by("-position").values_list("position", flat=True).first()
        goal = Goal(
            enrolment=enrolment,
            text=text.strip(),
            text_own_language=text_own_language.strip(),
            own_language=own_language if text_own_language.strip() else "",
            domain=domain,
            created_by=by,
            position=(last or 0) + 1,
        )
        goal.full_clean()
        goal.save()
        audit.record_change(instance=goal, before=None, by=by, participant=enrolment.participant)
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    text: str,
    text_own_language: str = "",
    own_language: str = "",
    domain: str = "",
    by,
) -> Goal:
    """Correct the wording of an open goal. To change what the goal is, revise it instead, so
    the first version stays in the history."""
    _goal_can_change(goal)
    before = audit.snapshot(goal)
    goal.text = text.strip()
    goal.text_own_language = text_own_language.strip()
    goal.own_language = own_language if goal.text_own_language else ""
    goal.domain = domain
    goal.full_clean()
    goal.save(update_fields=["text", "text_own_language", "own_language", "domain"])
    audit.record_change(instance=goal, before=before, by=by, participant=goal.enrolment.participant)
    return goal


def goal_revise(
    *,
    goal: Goal,
    text: str,
    text_own_language: str = "",
    own_language: str = "",
    domain: str = "",
    carry_open_steps: bool = True,
    by,
) -> Goal:
    """Replace an open goal by a new version. The old one is kept as "revised", with the steps
    done under it; the new one takes its place in the list and points back to it. Steps still
    to do move to the new goal unless the coach says otherwise (then they are dropped)."""
    _goal_can_change(goal)
    today = timezone.localdate()
    with transaction.atomic():
        # Two coaches revising the same goal at once would otherwise both succeed.
        locked = Goal.objects.select_for_update().get(pk=goal.pk)
        if locked.status != Goal.Status.OPEN:
            raise ValidationError(_("Someone else closed or revised this goal meanwhile."))
        new = Goal(
            enrolment=goal.enrolment,
            text=text.strip(),
            text_own_language=text_own_language.strip(),
            own_language=own_language if text_own_language.strip() else "",
            domain=domain,
            created_by=by,
            position=goal.position,
        )
        new.full_clean()
        before = audit.snapshot(goal)
        goal.status = Goal.Status.REVISED
        goal.closed_on = today
        goal.save(update_fields=["status", "closed_on"])
        new.revises = goal
        new.save()
        open_steps = goal.steps.filter(status=ActionStep.Status.OPEN)
        if carry_open_steps:
            open_steps.update(goal=new)
        else:
            open_steps.update(status=ActionStep.Status.DROPPED)
        person = goal.enrolment.participant
        audit.record_change(instance=goal, before=before, by=by, participant=person)
        audit.record_change(instance=new, before=None, by=by, participant=person)
    return new


def goal_close(*, goal: Goal, status: str, on: datetime.date | None = None, by) -> Goal:
    """Mark an open goal achieved or dropped. Its steps still to do are dropped with it, so
    they are no longer flagged as overdue."""
    if status not in {Goal.Status.ACHIEVED, Goal.Status.DROPPED}:
        raise ValidationError(_("A goal is closed as achieved or dropped."))
    _goal_can_change(goal)
    on = on or timezone.localdate()
    not_in_future(on, field="closed_on")
    with transaction.atomic():
        before = audit.snapshot(goal)
        goal.status = status
        goal.closed_on = on
        goal.save(update_fields=["status", "closed_on"])
        goal.steps.filter(status=ActionStep.Status.OPEN).update(status=ActionStep.Status.DROPPED)
        audit.record_change(
            instance=goal, before=before, by=by, participant=goal.enrolment.participant
        )
    return goal


@transaction.atomic
def goal_reopen(*, goal: Goal, by) -> Goal:
    """Undo an achieved or dropped mark given by mistake. A revised goal stays revised: its
    new version carries on."""
    _plan_can_change(goal.enrolment)
    if goal.status not in {Goal.Status.ACHIEVED, Goal.Status.DROPPED}:
        raise ValidationError(_("Only an achieved or dropped goal can be opened again."))
    before = audit.snapshot(goal)
    goal.status = Goal.Status.OPEN
    goal.closed_on = None
    goal.save(update_fields=["status", "closed_on"])
    audit.record_change(instance=goal, before=before, by=by, participant=goal.enrolment.participant)
    return goal


def step_add(
    *, goal: Goal, text: str, who: str, due_on: datetime.date | None = None, by
) -> ActionStep:
    _goal_can_change(goal)
    with transaction.atomic():
        last = goal.steps.order_by("-position").values_list("position", flat=True).first()
        step = ActionStep(
            goal=goal, text=text.strip(), who=who, due_on=due_on, position=(last or 0) + 1
        )
        step.full_clean()
        step.save()
        audit.record_change(
            instance=step, before=None, by=by, participant=goal.enrolment.participant
        )
    return step


@transaction.atomic
def step_update(
    *, step: ActionStep, text: str, who: str, due_on: datetime.date | None = None, by
) -> ActionStep:
    _goal_can_change(step.goal)
    before = audit.snapshot(step)
    step.text = text.strip()
    step.who = who
    step.due_on = due_on
    step.full_clean()
    step.save(update_fields=["text", "who", "due_on"])
    _step_changed(step, before, by)
    return step


@transaction.atomic
def step_mark_done(
    *, step: ActionStep, on: datetime.date | None = None, by=None, by_participant: bool = False
) -> ActionStep:
    """Tick a step off. The participant, on their phone, may tick only the steps that are
    theirs alone; the coach ticks any."""
    if by_participant and step.who != ActionStep.Who.PARTICIPANT:
        raise ValidationError(
            _("This step is done with the coach: the coach ticks it off."), code="not_theirs"
        )
    _goal_can_change(step.goal)
    if step.status != ActionStep.Status.OPEN:
        raise ValidationError(
            _("This step is already “%(status)s”.") % {"status": step.get_status_display()},
            code="not_todo",
        )
    on = on or timezone.localdate()
    not_in_future(on, field="done_on")
    before = audit.snapshot(step)
    step.status = ActionStep.Status.DONE
    step.done_on = on
    step.done_by_participant = by_participant
    step.save(update_fields=["status", "done_on", "done_by_participant"])
    _step_changed(step, before, by, note="ticked off on the phone" if by_participant else "")
    return step


@transaction.atomic
def step_undo(*, step: ActionStep, by, note: str = "") -> ActionStep:
    """Take back a tick (or a drop) given by mistake: the step is to do again."""
    _goal_can_change(step.goal)
    if step.status == ActionStep.Status.OPEN:
        return step
    before = audit.snapshot(step)
    step.status = ActionStep.Status.OPEN
    step.done_on = None
    step.done_by_participant = False
    step.save(update_fields=["status", "done_on", "done_by_participant"])
    _step_changed(step, before, by, note=note)
    return step


@transaction.atomic
def step_drop(*, step: ActionStep, by) -> ActionStep:
    """A step that no longer makes sense: kept, struck through, not counted."""
    _goal_can_change(step.goal)
    if step.status != ActionStep.Status.OPEN:
        raise ValidationError(_("Only a step still to do can be dropped."))
    before = audit.snapshot(step)
    step.status = ActionStep.Status.DROPPED
    step.save(update_fields=["status"])
    _step_changed(step, before, by)
    return step


def _step_changed(step: ActionStep, before: dict, by, note: str = "") -> None:
    audit.record_change(
        instance=step, before=before, by=by, participant=step.goal.enrolment.participant, note=note
    )


# Referrals to partners are made while the person is in the programme and after it: a
# follow-up call may find they need help. Not from a file that was closed or never opened.
REFERRAL_STATUSES = {
    Status.ACTIVE,
    Status.PAUSED,
    Status.EXITED,
    Status.INTAKE,
    Status.WAITING_LIST,
}


@transaction.atomic
def referral_create(
    *,
    enrolment: Enrolment,
    partner: PartnerOrganisation,
    kind: str,
    sent_on: datetime.date,
    reason: str,
    shares_personal_data: bool,
    consent_override_reason: str = "",
    by,
) -> Referral:
    """Refer the participant to a partner. Sharing personal data rests on the participant's
    consent for that very partner, valid on the day of sending, found here; without one the
    coach must say why they share anyway, and that override is kept with their name."""
    if enrolment.status not in REFERRAL_STATUSES:
        raise ValidationError(
            _("This enrolment is “%(status)s”: no referral can be made from it.")
            % {"status": enrolment.get_status_display()}
        )
    errors = {}
    if partner.organisation_id != enrolment.participant.organisation_id:
        errors["partner"] = _("This partner works with another organisation.")
    elif not partner.receives_referrals:
        errors["partner"] = _("This partner does not take referrals.")
    if not_in_future(sent_on, field="sent_on", errors=errors):
        not_before(
            sent_on,
            enrolment.referred_on,
            field="sent_on",
            message=_("The date cannot be before the person came into the programme."),
            errors=errors,
        )
    if not reason.strip():
        errors["reason"] = _("Say why the person is referred.")
    consent = None
    override = consent_override_reason.strip()
    if shares_personal_data and "partner" not in errors and "sent_on" not in errors:
        consent = (
            Consent.objects.valid_on(sent_on)
            .filter(
                participant_id=enrolment.participant_id,
                purpose=Consent.Purpose.SHARING,
                partner=partner,
            )
            .order_by("-given_on", "-pk")
            .first()
        )
        if consent is None and not override:
            errors["consent_override_reason"] = _(
                "%(name)s has not agreed to share data with %(partner)s. Record their consent "
                "first, or say why the data must be shared without it."
            ) % {"name": enrolment.participant.full_name, "partner": partner.name}
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        enrolment=enrolment,
        partner=partner,
        kind=kind,
        sent_on=sent_on,
        reason=reason.strip(),
        shares_personal_data=shares_personal_data,
        consent=consent,
        # With a valid consent there is nothing to override.
        consent_override_reason=override if shares_personal_data and consent is None else "",
        created_by=by,
    )
    referral.full_clean()
    referral.save()
    audit.record_change(instance=referral, before=None, by=by, participant=enrolment.participant)
    return referral


def referral_update_status(
    *, referral: Referral, status: str, on: datetime.date, outcome: str = "", by
) -> Referral:
    """Follow the partner's answer: waiting list, accepted, started, ended, or refused."""
    Ref = Referral.Status
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update()
            .select_related("partner", "enrolment__participant")
            .get(pk=referral.pk)
        )
        before = audit.snapshot(referral)
        if status not in referral.TRANSITIONS[Ref(referral.status)]:
            raise ValidationError(
                _("A referral that is “%(from)s” cannot become “%(to)s”.")
                % {
                    "from": referral.get_status_display(),
                    "to": Ref(status).label if status in Ref.values else status,
                },
                code="transition",
            )
        errors = {}
        in_order = not_in_future(on, field="on", errors=errors) and not_before(
            on,
            referral.sent_on,
            field="on",
            message=_("The date cannot be before the referral was sent."),
            errors=errors,
        )
        if in_order and status == Ref.ENDED:
            not_before(
                on,
                referral.started_on,
                field="on",
                message=_("The help cannot end before it started."),
                errors=errors,
            )
        if status in {Ref.ENDED, Ref.REFUSED} and not outcome.strip():
            errors["outcome"] = (
                _("Say how it ended.") if status == Ref.ENDED else _("Say why it was refused.")
            )
        if errors:
            raise ValidationError(errors)
        referral.status = status
        if status == Ref.STARTED:
            referral.started_on = on
        elif status in {Ref.ENDED, Ref.REFUSED}:
            referral.ended_on = on
        if outcome.strip():
            referral.outcome = outcome.strip()
        referral.full_clean()
        referral.save()
        audit.record_change(
            instance=referral, before=before, by=by, participant=referral.enrolment.participant
        )
    return referral


PLACEMENT_FIELDS = {
    "kind", "host", "role", "tasks", "hours_per_week", "schedule", "supervisor_name",
    "supervisor_phone", "supervisor_email", "starts_on", "ends_on", "notes", "module",
    "weekdays", "starts_at", "ends_at",
}  # fmt: skip


def _check_module(enrolment: Enrolment, module) -> None:
    if module is not None and module.programme_id != enrolment.programme_id:
        raise ValidationError({"module": _("This module belongs to another programme.")})


def _check_host(enrolment: Enrolment, host: PartnerOrganisation | None) -> None:
    if host is None:
        return
    if host.organisation_id != enrolment.participant.organisation_id:
        raise ValidationError({"host": _("This partner works with another organisation.")})
    if not host.hosts_volunteers:
        raise ValidationError({"host": _("This partner does not host volunteers.")})


@transaction.atomic
def placement_create(*, enrolment: Enrolment, data: Mapping, by) -> Placement:
    """A placement starting today or earlier is ongoing; a later one is planned."""
    if enrolment.status not in {Status.ACTIVE, Status.PAUSED}:
        raise ValidationError(_("Placements are arranged during the trajectory only."))
    unknown = set(data) - PLACEMENT_FIELDS
    if unknown:
        raise ValueError(f"Not placement fields: {sorted(unknown)}")
    _check_host(enrolment, data.get("host"))
    _check_module(enrolment, data.get("module"))
    placement = Placement(enrolment=enrolment, created_by=by, **data)
    placement.status = (
        Placement.Status.ONGOING
        if placement.starts_on and placement.starts_on <= timezone.localdate()
        else Placement.Status.PLANNED
    )
    placement.full_clean()
    placement.save()
    audit.record_change(instance=placement, before=None, by=by, participant=enrolment.participant)
    return placement


def placement_update(
    *, placement: Placement, data: Mapping, version: int, status: str | None = None, by
) -> Placement:
    """Change a placement's details, or set it planned, ongoing or cancelled. Ending it goes
    through placement_end, which asks how it ended."""
    unknown = set(data) - PLACEMENT_FIELDS
    if unknown:
        raise ValueError(f"Not placement fields: {sorted(unknown)}")
    if status is not None and status not in {
        Placement.Status.PLANNED,
        Placement.Status.ONGOING,
        Placement.Status.CANCELLED,
    }:
        raise ValidationError({"status": _("To end a placement, say how it ended.")})
    if status is not None and placement.status == Placement.Status.ENDED:
        raise ValidationError({"status": _("This placement has ended.")})
    _check_host(placement.enrolment, data.get("host"))
    _check_module(placement.enrolment, data.get("module"))
    with transaction.atomic():
        before = audit.snapshot(Placement.objects.get(pk=placement.pk))  # as stored
        claim_version(
            Placement.objects,
            pk=placement.pk,
            version=version,
            message=_(
                "Someone else changed this placement while you were editing it. "
                "Your changes were not saved: reload the page to see theirs."
            ),
        )
        for field, value in data.items():
            setattr(placement, field, value)
        if status is not None:
            placement.status = status
        if placement.status == Placement.Status.ONGOING and placement.starts_on > (
            timezone.localdate()
        ):
            raise ValidationError({"status": _("A placement that starts later is planned.")})
        placement.version = version + 1
        placement.full_clean()
        placement.save()
        audit.record_change(
            instance=placement, before=before, by=by, participant=placement.enrolment.participant
        )
    return placement


def placement_end(
    *, placement: Placement, on: datetime.date, outcome: str, notes: str = "", by
) -> Placement:
    """The placement is over: when, and how it ended (it led to a job, to art. 60…)."""
    errors = {}
    if placement.is_finished:
        raise ValidationError(
            _("This placement is already “%(status)s”.")
            % {"status": placement.get_status_display()}
        )
    if not_in_future(on, field="ended_on", errors=errors):
        not_before(
            on,
            placement.starts_on,
            field="ended_on",
            message=_("A placement cannot end before it starts: cancel it if it never started."),
            errors=errors,
        )
    if outcome not in Placement.Outcome.values:
        errors["outcome"] = _("Say how the placement ended.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        placement = (
            Placement.objects.select_for_update()
            .select_related("enrolment__participant")
            .get(pk=placement.pk)
        )
        before = audit.snapshot(placement)
        placement.status = Placement.Status.ENDED
        placement.ended_on = on
        placement.outcome = outcome
        if notes.strip():
            placement.notes = "\n\n".join(filter(None, [placement.notes, notes.strip()]))
        placement.version += 1
        placement.full_clean()
        placement.save()
        audit.record_change(
            instance=placement, before=before, by=by, participant=placement.enrolment.participant
        )
    return placement
