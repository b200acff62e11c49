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

from participants import eligibility
from participants.models import (
    EligibilityAnswer,
    Enrolment,
    EnrolmentStatusChange,
    Goal,
    IntakeInterview,
    LanguageSkill,
    Participant,
    Todo,
)
from programme.models import EligibilityCriterion, Organisation, Programme, TemplateStep

Status = Enrolment.Status


class StaleEdit(ValidationError):
    """Someone else saved the record after this form was opened."""


def participant_create(
    *, organisation: Organisation, data: Mapping, languages: Iterable[Mapping] = (), by
) -> Participant:
    with transaction.atomic():
        participant = Participant(organisation=organisation, **data)
        participant.full_clean()
        participant.save()
        _replace_languages(participant, languages)
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
        # Bump the version only if nobody else did since the form was opened.
        updated = Participant.objects.filter(pk=participant.pk, version=version).update(
            version=version + 1
        )
        if not updated:
            raise StaleEdit(
                _(
                    "Someone else changed this file while you were editing it. "
                    "Your changes were not saved: reload the page to see theirs."
                ),
                code="stale",
            )
        for field, value in data.items():
            setattr(participant, field, value)
        participant.version = version + 1
        participant.full_clean()
        participant.save()
        if languages is not None:
            _replace_languages(participant, languages)
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
    exit_reason: str = "",
    drop_out_reason: str = "",
    exit_destination: str = "",
) -> Enrolment:
    """Move an enrolment to another status, keeping who, when and why."""
    on = on or timezone.localdate()
    with transaction.atomic():
        # Lock the row so two coaches acting at once cannot both apply a change from the same
        # starting status.
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
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
            if on < enrolment.referred_on:
                raise ValidationError(
                    {"start_date": _("The start date cannot be before the referral date.")}
                )
            enrolment.started_on = on
        elif to_status == Status.NOT_ADMITTED:
            enrolment.decision_reason = reason
        elif to_status == Status.EXITED:
            if on < (enrolment.started_on or on):
                raise ValidationError(_("The exit date cannot be before the start date."))
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
        if starts_now:
            todos_plan(enrolment=enrolment)
        elif to_status == Status.EXITED:
            # What was planned for the trajectory no longer applies once the person has left.
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
    return rows


def intake_interview_record(*, enrolment: Enrolment, data: Mapping, by) -> IntakeInterview:
    if enrolment.status not in {Status.REFERRED, Status.INTAKE, Status.WAITING_LIST}:
        raise ValidationError(_("The intake interview is recorded during intake only."))
    with transaction.atomic():
        interview = IntakeInterview(enrolment=enrolment, conducted_by=by, **data)
        interview.full_clean()
        interview.save()
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


def _template_dates(step: TemplateStep, start: datetime.date, end: datetime.date):
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
        for due in _template_dates(step, enrolment.started_on, end)
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
    if not enrolment.is_open:
        raise ValidationError(_("This enrolment is closed: its action plan can no longer change."))
    with transaction.atomic():
        last = enrolment.goals.order_by("-position").values_list("position", flat=True).first()
        goal = Goal(
            enrolment=enrolment,
            text=text.strip(),
            text_own_language=text_own_language.strip(),
            own_language=own_language,
            domain=domain,
            created_by=by,
            position=(last or 0) + 1,
        )
        goal.full_clean()
        goal.save()
    return goal
