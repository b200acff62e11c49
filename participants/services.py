"""Every write to participants and enrolments goes through these functions, whether it comes
from a page, the admin, a management command or (later) the API."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from participants import eligibility
from participants.choices import ReferralSource
from participants.models import (
    Consent,
    EligibilityAnswer,
    Enrolment,
    EnrolmentStatusChange,
    EntryCharacteristics,
    Goal,
    IntakeInterview,
    LanguageSkill,
    Participant,
    ParticipantEvent,
    Placement,
    Referral,
    Step,
    Todo,
)
from programme.dates import not_before, not_in_future
from programme.models import (
    EligibilityCriterion,
    Organisation,
    PartnerOrganisation,
    Programme,
    TemplateStep,
)

Status = Enrolment.Status


class StaleEdit(ValidationError):
    """Someone else saved the record after this form was opened."""


def claim_version(queryset, *, pk: int, version: int, message: str) -> None:
    """Raise the record's version only if nobody else did since the form was opened (call it
    inside the write's transaction); otherwise refuse with `message`, writing nothing."""
    if not queryset.filter(pk=pk, version=version).update(version=version + 1):
        raise StaleEdit(message, code="stale")


def _stored(instance) -> dict:
    """The record as the database holds it, before a change: a form may already have written
    its values onto the instance."""
    return audit.snapshot(type(instance)._base_manager.get(pk=instance.pk))


def participant_create(
    *, organisation: Organisation, data: Mapping, languages: Iterable[Mapping] = (), by
) -> Participant:
    with transaction.atomic():
        participant = Participant(organisation=organisation, **data)
        participant.full_clean()
        participant.save()
        _replace_languages(participant, languages)
        audit.record_change(instance=participant, before=None, by=by, participant=participant)
    return participant


def participant_update(
    *,
    participant: Participant,
    data: Mapping,
    version: int,
    languages: Iterable[Mapping] | None = None,
    by,
) -> Participant:
    with transaction.atomic():
        before = _stored(participant)
        claim_version(
            Participant.objects,
            pk=participant.pk,
            version=version,
            message=_(
                "Someone else changed this file while you were editing it. "
                "Your changes were not saved: reload the page to see theirs."
            ),
        )
        for field, value in data.items():
            setattr(participant, field, value)
        participant.version = version + 1
        participant.full_clean()
        participant.save()
        if languages is not None:
            _replace_languages(participant, languages)
        audit.record_change(instance=participant, before=before, by=by, participant=participant)
    return participant


def _replace_languages(participant: Participant, languages: Iterable[Mapping]) -> None:
    participant.languages.all().delete()
    LanguageSkill.objects.bulk_create(
        LanguageSkill(participant=participant, language=row["language"], use=row["use"])
        for row in languages
    )


def enrolment_refer(
    *,
    participant: Participant,
    programme: Programme,
    coach,
    referred_on: datetime.date,
    referral_source: str,
    referring_partner=None,
    referrer_name: str = "",
    referral_reason: str = "",
    by,
) -> Enrolment:
    if programme.organisation_id != participant.organisation_id:
        raise ValidationError(_("This programme belongs to another organisation."))
    not_in_future(
        referred_on,
        field="referred_on",
        message=_("The referral date cannot be in the future."),
    )
    if participant.enrolments.open().filter(programme=programme).exists():
        raise ValidationError(
            _("%(name)s already has an open enrolment in %(programme)s.")
            % {"name": participant.full_name, "programme": programme.name}
        )
    with transaction.atomic():
        enrolment = Enrolment(
            participant=participant,
            programme=programme,
            coach=coach,
            referred_on=referred_on,
            referral_source=referral_source,
            referring_partner=referring_partner,
            referrer_name=referrer_name,
            referral_reason=referral_reason,
        )
        enrolment.full_clean()
        enrolment.save()
        EnrolmentStatusChange.objects.create(
            enrolment=enrolment, to_status=Status.REFERRED, changed_by=by, reason=referral_reason
        )
        audit.record_change(instance=enrolment, before=None, by=by, participant=participant)
        if participant.coach_id is None and coach is not None:
            Participant.objects.filter(pk=participant.pk).update(coach=coach)
            participant.coach = coach
    return enrolment


def enrolment_change_status(
    *,
    enrolment: Enrolment,
    to_status: str,
    by,
    reason: str = "",
    on: datetime.date | None = None,
    **exit_details,
) -> Enrolment:
    """Move an enrolment to another status, keeping who, when and why. Leaving the programme
    is not a status change like the others: it is refused here and recorded with the exit
    review (evaluations.services.exit_record), which plans what comes after."""
    if to_status == Status.EXITED:
        raise ValidationError(
            _(
                "An exit is recorded with the exit review (reason, destination, what comes "
                "next): use “Record the exit” on the enrolment page."
            ),
            code="exit_review",
        )
    if exit_details:
        raise TypeError(f"exit details without an exit: {sorted(exit_details)}")
    return _change_status(enrolment=enrolment, to_status=to_status, by=by, reason=reason, on=on)


def enrolment_mark_exited(
    *,
    enrolment: Enrolment,
    on: datetime.date | None = None,
    exit_reason: str = "",
    drop_out_reason: str = "",
    exit_destination: str = "",
    by,
    reason: str = "",
) -> Enrolment:
    """The status half of an exit. Only the exit review calls it: every exit has a review
    and its follow-up calls."""
    return _change_status(
        enrolment=enrolment,
        to_status=Status.EXITED,
        by=by,
        reason=reason,
        on=on,
        exit_reason=exit_reason,
        drop_out_reason=drop_out_reason,
        exit_destination=exit_destination,
    )


def enrolment_transfer_in(
    *, previous: Enrolment, programme: Programme, on: datetime.date, coach=None, by
) -> Enrolment:
    """The enrolment that continues `previous` (which has just exited as "transferred") in
    another programme of the organisation: active from `on` without a new intake, the same
    coach unless another is named, and the goals still being worked on carried over with
    their steps. The trajectory's to-dos are planned from the new programme's template."""
    participant = previous.participant
    if previous.exit_reason != "transferred":
        raise ValidationError(_("Only a transferred enrolment continues in another programme."))
    if programme.organisation_id != participant.organisation_id:
        raise ValidationError({"programme": _("This programme belongs to another organisation.")})
    if programme.pk == previous.programme_id:
        raise ValidationError({"programme": _("Choose another programme than the current one.")})
    if participant.enrolments.open().filter(programme=programme).exists():
        raise ValidationError(
            {
                "programme": _("%(name)s already has an open enrolment in %(programme)s.")
                % {"name": participant.full_name, "programme": programme.name}
            }
        )
    reason = _("Transferred from %(programme)s.") % {"programme": previous.programme.name}
    with transaction.atomic():
        enrolment = Enrolment(
            participant=participant,
            programme=programme,
            coach=coach or previous.coach,
            referred_on=on,
            referral_source=ReferralSource.TRANSFER,
            referral_reason=reason,
            status=Status.ACTIVE,
            started_on=on,
        )
        enrolment.full_clean()
        enrolment.save()
        EnrolmentStatusChange.objects.bulk_create(
            [
                EnrolmentStatusChange(
                    enrolment=enrolment, to_status=Status.REFERRED, changed_by=by, reason=reason
                ),
                EnrolmentStatusChange(
                    enrolment=enrolment,
                    from_status=Status.REFERRED,
                    to_status=Status.ACTIVE,
                    changed_by=by,
                    reason=reason,
                ),
            ]
        )
        audit.record_change(instance=enrolment, before=None, by=by, participant=participant)
        previous.goals.filter(status=Goal.Status.OPEN).update(enrolment=enrolment)
        todos_plan(enrolment=enrolment)
    return enrolment


def _change_status(
    *,
    enrolment: Enrolment,
    to_status: str,
    by,
    reason: str = "",
    on: datetime.date | None = None,
    exit_reason: str = "",
    drop_out_reason: str = "",
    exit_destination: str = "",
) -> Enrolment:
    on = on or timezone.localdate()
    with transaction.atomic():
        # Lock the row so two coaches acting at once cannot both apply a change from the same
        # starting status.
        enrolment = (
            Enrolment.objects.select_for_update().select_related("participant").get(pk=enrolment.pk)
        )
        before = audit.snapshot(enrolment)
        from_status = enrolment.status
        if not enrolment.can_become(to_status):
            raise ValidationError(
                _("An enrolment that is “%(from)s” cannot become “%(to)s”.")
                % {"from": Status(from_status).label, "to": Status(to_status).label},
                code="transition",
            )
        _check_requirements(
            enrolment, to_status, reason, exit_reason, drop_out_reason, exit_destination
        )
        enrolment.status = to_status
        starts_now = to_status == Status.ACTIVE and enrolment.started_on is None
        if to_status == Status.WAITING_LIST:
            enrolment.waiting_since = timezone.now()
        elif to_status == Status.ACTIVE and enrolment.started_on is None:
            not_before(
                on,
                enrolment.referred_on,
                field="start_date",
                message=_("The start date cannot be before the referral date."),
            )
            enrolment.started_on = on
        elif to_status == Status.NOT_ADMITTED:
            enrolment.decision_reason = reason
        elif to_status == Status.EXITED:
            not_in_future(
                on,
                field="on",
                message=_("Record the exit once it has happened: the date is in the future."),
            )
            not_before(
                on,
                enrolment.started_on,
                field="on",
                message=_("The exit date cannot be before the start date."),
            )
            enrolment.exited_on = on
            enrolment.exit_reason = exit_reason
            enrolment.drop_out_reason = drop_out_reason if exit_reason == "dropped_out" else ""
            enrolment.exit_destination = exit_destination
        enrolment.save()
        EnrolmentStatusChange.objects.create(
            enrolment=enrolment,
            from_status=from_status,
            to_status=to_status,
            changed_by=by,
            reason=reason,
        )
        audit.record_change(
            instance=enrolment, before=before, by=by, participant=enrolment.participant
        )
        if starts_now:
            todos_plan(enrolment=enrolment)
        elif to_status == Status.EXITED:
            # What was planned for the trajectory no longer applies once the person has left,
            # except the exit evaluation, which is scored at or just after the exit.
            open_todos = enrolment.todos.open()
            open_todos.exclude(kind=TemplateStep.Kind.EXIT).update(cancelled=True)
            open_todos.filter(kind=TemplateStep.Kind.EXIT, due_on__gt=on).update(due_on=on)
        elif to_status == Status.CLOSED:
            enrolment.todos.open().update(cancelled=True)
    return enrolment


def _check_requirements(
    enrolment, to_status, reason, exit_reason, drop_out_reason, exit_destination
):
    errors = {}
    needs_reason = {Status.NOT_ADMITTED, Status.PAUSED, Status.CLOSED}
    if to_status in needs_reason and not reason.strip():
        errors["reason"] = _("Say why.")
    if to_status == Status.EXITED:
        if not exit_reason:
            errors["exit_reason"] = _("Choose why the person leaves.")
        if exit_reason == "dropped_out" and not drop_out_reason:
            errors["drop_out_reason"] = _("Choose why the person dropped out.")
        if not exit_destination:
            errors["exit_destination"] = _("Choose where the person goes next (or “unknown”).")
    if to_status in {Status.ACTIVE, Status.WAITING_LIST} and enrolment.status == Status.INTAKE:
        errors.update(_admission_errors(enrolment))
    if errors:
        raise ValidationError(errors)


def _admission_errors(enrolment: Enrolment) -> dict:
    errors = []
    if not enrolment.interviewed():
        errors.append(_("Record the intake interview first."))
    if not enrolment.eligibility_checked():
        errors.append(_("Check every eligibility criterion first."))
    elif not all(answer.met for answer in enrolment.eligibility.all()):
        errors.append(_("Not every eligibility criterion is met: the person cannot be admitted."))
    return {"__all__": errors} if errors else {}


def intake_start(*, enrolment: Enrolment, by) -> Enrolment:
    return enrolment_change_status(enrolment=enrolment, to_status=Status.INTAKE, by=by)


@dataclass
class CriterionAnswer:
    criterion: EligibilityCriterion
    met: bool
    override_reason: str = ""


def eligibility_record(
    *, enrolment: Enrolment, answers: Iterable[CriterionAnswer], by
) -> list[EligibilityAnswer]:
    """Record the eligibility check. Computed criteria are recomputed from the data here, so
    the stored `computed` value is the data's answer, not what a form claimed."""
    answers = list(answers)
    if enrolment.status not in {Status.REFERRED, Status.INTAKE, Status.WAITING_LIST}:
        raise ValidationError(_("Eligibility is checked during intake only."))
    participant = enrolment.participant
    expected = {c.pk for c in enrolment.programme.criteria.all()}
    if {a.criterion.pk for a in answers} != expected:
        raise ValidationError(_("Answer every criterion of this programme."))
    rows, errors = [], {}
    for answer in answers:
        computed = eligibility.evaluate(answer.criterion, participant, enrolment.referred_on)
        reason = answer.override_reason.strip()
        if computed is not None and computed != answer.met and not reason:
            errors[f"criterion_{answer.criterion.pk}"] = _(
                "You changed what the data says: write why."
            )
        rows.append(
            EligibilityAnswer(
                enrolment=enrolment,
                criterion=answer.criterion,
                computed=computed,
                met=answer.met,
                override_reason=reason if computed is not None and computed != answer.met else "",
                checked_by=by,
            )
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        enrolment.eligibility.all().delete()
        EligibilityAnswer.objects.bulk_create(rows)
        audit.record_event(
            action=audit.Action.UPDATE,
            by=by,
            object_type="participants.eligibilityanswer",
            object_id=enrolment.pk,
            participant=participant,
            changes={f"criterion_{row.criterion.pk}": [None, row.met] for row in rows},
        )
    return rows


def intake_interview_record(*, enrolment: Enrolment, data: Mapping, by) -> IntakeInterview:
    if enrolment.status not in {Status.REFERRED, Status.INTAKE, Status.WAITING_LIST}:
        raise ValidationError(_("The intake interview is recorded during intake only."))
    with transaction.atomic():
        interview = IntakeInterview(enrolment=enrolment, conducted_by=by, **data)
        interview.full_clean()
        interview.save()
        audit.record_change(
            instance=interview, before=None, by=by, participant=enrolment.participant
        )
        if enrolment.status == Status.REFERRED:
            enrolment_change_status(enrolment=enrolment, to_status=Status.INTAKE, by=by)
    return interview


class Decision:
    ADMITTED = "admitted"
    WAITING_LIST = "waiting_list"
    NOT_ADMITTED = "not_admitted"

    STATUS = {
        ADMITTED: Status.ACTIVE,
        WAITING_LIST: Status.WAITING_LIST,
        NOT_ADMITTED: Status.NOT_ADMITTED,
    }


def intake_decide(
    *, enrolment: Enrolment, decision: str, reason: str = "", on: datetime.date | None = None, by
) -> Enrolment:
    return enrolment_change_status(
        enrolment=enrolment, to_status=Decision.STATUS[decision], by=by, reason=reason, on=on
    )


def enrolment_set_attendance(
    *,
    enrolment_id: int,
    rate: float | None,
    consecutive_absences: int,
    last_attended_on: datetime.date | None,
) -> None:
    """Store the attendance figures the sessions app computed for one enrolment."""
    Enrolment.objects.filter(pk=enrolment_id).update(
        attendance_rate=None if rate is None else round(rate, 1),
        consecutive_absences=consecutive_absences,
        last_attended_on=last_attended_on,
    )


def planned_end(enrolment: Enrolment) -> datetime.date | None:
    if enrolment.started_on is None:
        return None
    return enrolment.started_on + relativedelta(months=enrolment.programme.planned_length_months)


def template_dates(step: TemplateStep, start: datetime.date, end: datetime.date):
    """The due dates one template step gives a trajectory from `start` to its planned `end`."""
    anchor = start if step.anchor == TemplateStep.Anchor.START else end
    due = anchor + datetime.timedelta(weeks=step.offset_weeks)
    yield due
    if step.repeat_every_weeks:
        due += datetime.timedelta(weeks=step.repeat_every_weeks)
        # A repeat that would fall in the last month is left to the exit evaluation.
        while due <= end - datetime.timedelta(weeks=4):
            yield due
            due += datetime.timedelta(weeks=step.repeat_every_weeks)


def todos_plan(*, enrolment: Enrolment) -> list[Todo]:
    """Turn the programme's trajectory template into dated to-dos from the start date."""
    if enrolment.todos.exists():
        return []
    end = planned_end(enrolment)
    todos = [
        Todo(enrolment=enrolment, kind=step.kind, label=step.label, due_on=due)
        for step in enrolment.programme.trajectory_template()
        for due in template_dates(step, enrolment.started_on, end)
    ]
    return Todo.objects.bulk_create(sorted(todos, key=lambda todo: todo.due_on))


def todo_add(*, enrolment: Enrolment, label: str, due_on: datetime.date, by) -> Todo:
    if not enrolment.is_open:
        raise ValidationError(_("This enrolment is closed."))
    todo = Todo(enrolment=enrolment, kind=TemplateStep.Kind.OTHER, label=label, due_on=due_on)
    todo.full_clean()
    todo.save()
    return todo


def todo_mark_done(*, todo: Todo, on: datetime.date | None = None, by) -> Todo:
    if todo.done_on or todo.cancelled:
        raise ValidationError(_("This to-do is already closed."))
    todo.done_on = on or timezone.localdate()
    todo.done_by = by
    todo.save(update_fields=["done_on", "done_by"])
    return todo


def todo_complete(
    *, enrolment: Enrolment, kind: str, on: datetime.date | None = None, by
) -> Todo | None:
    """Called by the app that did the work (an evaluation recorded, a language test taken):
    closes the earliest open to-do of that kind, if there is one."""
    todo = enrolment.todos.open().filter(kind=kind).order_by("due_on", "pk").first()
    if todo is None:
        return None
    return todo_mark_done(todo=todo, on=on, by=by)


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
        open_steps = goal.steps.filter(status=Step.Status.TODO)
        if carry_open_steps:
            open_steps.update(goal=new)
        else:
            open_steps.update(status=Step.Status.DROPPED)
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
        goal.steps.filter(status=Step.Status.TODO).update(status=Step.Status.DROPPED)
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


def step_add(*, goal: Goal, text: str, who: str, due_on: datetime.date | None = None, by) -> Step:
    _goal_can_change(goal)
    with transaction.atomic():
        last = goal.steps.order_by("-position").values_list("position", flat=True).first()
        step = Step(goal=goal, text=text.strip(), who=who, due_on=due_on, position=(last or 0) + 1)
        step.full_clean()
        step.save()
        audit.record_change(
            instance=step, before=None, by=by, participant=goal.enrolment.participant
        )
    return step


@transaction.atomic
def step_update(
    *, step: Step, text: str, who: str, due_on: datetime.date | None = None, by
) -> Step:
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
    *, step: Step, on: datetime.date | None = None, by=None, by_participant: bool = False
) -> Step:
    """Tick a step off. The participant, on their phone, may tick only the steps that are
    theirs alone; the coach ticks any."""
    if by_participant and step.who != Step.Who.PARTICIPANT:
        raise ValidationError(
            _("This step is done with the coach: the coach ticks it off."), code="not_theirs"
        )
    _goal_can_change(step.goal)
    if step.status != Step.Status.TODO:
        raise ValidationError(
            _("This step is already “%(status)s”.") % {"status": step.get_status_display()},
            code="not_todo",
        )
    on = on or timezone.localdate()
    not_in_future(on, field="done_on")
    before = audit.snapshot(step)
    step.status = Step.Status.DONE
    step.done_on = on
    step.done_by_participant = by_participant
    step.save(update_fields=["status", "done_on", "done_by_participant"])
    _step_changed(step, before, by, note="ticked off on the phone" if by_participant else "")
    return step


@transaction.atomic
def step_undo(*, step: Step, by) -> Step:
    """Take back a tick (or a drop) given by mistake: the step is to do again."""
    _goal_can_change(step.goal)
    if step.status == Step.Status.TODO:
        return step
    before = audit.snapshot(step)
    step.status = Step.Status.TODO
    step.done_on = None
    step.done_by_participant = False
    step.save(update_fields=["status", "done_on", "done_by_participant"])
    _step_changed(step, before, by)
    return step


@transaction.atomic
def step_drop(*, step: Step, by) -> Step:
    """A step that no longer makes sense: kept, struck through, not counted."""
    _goal_can_change(step.goal)
    if step.status != Step.Status.TODO:
        raise ValidationError(_("Only a step still to do can be dropped."))
    before = audit.snapshot(step)
    step.status = Step.Status.DROPPED
    step.save(update_fields=["status"])
    _step_changed(step, before, by)
    return step


def _step_changed(step: Step, before: dict, by, note: str = "") -> None:
    audit.record_change(
        instance=step, before=before, by=by, participant=step.goal.enrolment.participant, note=note
    )


def consent_record(
    *,
    participant: Participant,
    purpose: str,
    given_on: datetime.date,
    partner: PartnerOrganisation | None = None,
    language: str = "",
    interpreter: bool = False,
    by,
) -> Consent:
    """What the participant agreed to, for one purpose and, to share data, one partner."""
    errors = {}
    if purpose == Consent.Purpose.SHARING:
        if partner is None:
            errors["partner"] = _("Choose the partner the data may be shared with.")
        elif partner.organisation_id != participant.organisation_id:
            errors["partner"] = _("This partner works with another organisation.")
    else:
        partner = None
    not_in_future(
        given_on,
        field="given_on",
        message=_("Record a consent once it has been given."),
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One valid consent per purpose and partner is enough; a second one would only make
        # a later withdrawal ambiguous.
        current = Consent.objects.select_for_update().filter(
            participant=participant, purpose=purpose, partner=partner, withdrawn_on__isnull=True
        )
        if current.exists():
            raise ValidationError(
                _("This consent is already on file. Withdraw it first to record it again.")
            )
        consent = Consent(
            participant=participant,
            purpose=purpose,
            partner=partner,
            given_on=given_on,
            language=language,
            interpreter=interpreter,
            recorded_by=by,
        )
        consent.full_clean()
        consent.save()
        audit.record_change(instance=consent, before=None, by=by, participant=participant)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, on: datetime.date | None = None, by) -> Consent:
    """The participant takes their consent back. The row stays: until that day it counted."""
    on = on or timezone.localdate()
    if consent.withdrawn_on is not None:
        raise ValidationError(_("This consent was already withdrawn."))
    not_in_future(on, field="on")
    not_before(
        on,
        consent.given_on,
        field="on",
        message=_("A consent cannot be withdrawn before it was given."),
    )
    before = audit.snapshot(consent)
    consent.withdrawn_on = on
    consent.save(update_fields=["withdrawn_on"])
    audit.record_change(instance=consent, before=before, by=by, participant=consent.participant)
    return consent


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
    "supervisor_phone", "supervisor_email", "starts_on", "ends_on", "notes",
}  # fmt: skip


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
    with transaction.atomic():
        before = _stored(placement)
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


# ---------------------------------------------------------------------------------------------
# Facts for the funder: dated events and the characteristics at entry. Counted by the reports
# app, only in aggregates.


def participant_event_record(
    *, participant: Participant, kind: str, happened_on: datetime.date, note: str = "", by
) -> ParticipantEvent:
    """A dated fact a funder counts (help with family reunification, a recognition
    application…). The same fact on the same day is on file once: the funder counts people,
    and a second row would only make a later correction ambiguous."""
    event = ParticipantEvent(
        participant=participant, kind=kind, happened_on=happened_on, note=note.strip(),
        recorded_by=by,
    )  # fmt: skip
    event.full_clean()
    if participant.birth_date and happened_on < participant.birth_date:
        raise ValidationError({"happened_on": _("This date is before the person was born.")})
    with transaction.atomic():
        # A double click must not record the fact twice: one writer per person at a time.
        Participant.objects.select_for_update().get(pk=participant.pk)
        if ParticipantEvent.objects.filter(
            participant=participant, kind=kind, happened_on=happened_on
        ).exists():
            raise ValidationError(_("This event is already on file for that day."))
        event.save()
        audit.record_change(instance=event, before=None, by=by, participant=participant)
    return event


def participant_event_delete(*, event: ParticipantEvent, by) -> None:
    """Take back an event recorded by mistake. Reports already stored as snapshots keep their
    figures and show the difference."""
    with transaction.atomic():
        audit.record_delete(instance=event, by=by, participant=event.participant)
        event.delete()


def entry_characteristics_update(
    *,
    participant: Participant,
    foreign_background: bool | None,
    rural_area: bool | None,
    special_categories_consent_on: datetime.date | None,
    disability: bool | None,
    minority: bool | None,
    by,
) -> EntryCharacteristics:
    """What the funder asks about the person at entry. None is "not asked". Disability and
    minority are special categories of data (GDPR art. 9): kept only with the date of the
    person's explicit consent."""
    errors = {}
    not_in_future(
        special_categories_consent_on,
        field="special_categories_consent_on",
        message=_("Record a consent once it has been given."),
        errors=errors,
    )
    if special_categories_consent_on is None:
        for field, value in (("disability", disability), ("minority", minority)):
            if value is not None:
                errors[field] = _(
                    "Only with the person's explicit consent: give the date they agreed, or "
                    "leave it as “not asked”."
                )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        characteristics, created = EntryCharacteristics.objects.select_for_update().get_or_create(
            participant=participant
        )
        before = None if created else audit.snapshot(characteristics)
        characteristics.foreign_background = foreign_background
        characteristics.rural_area = rural_area
        characteristics.special_categories_consent_on = special_categories_consent_on
        characteristics.disability = disability
        characteristics.minority = minority
        characteristics.updated_by = by
        characteristics.full_clean()
        characteristics.save()
        audit.record_change(instance=characteristics, before=before, by=by, participant=participant)
    return characteristics
