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
from participants import eligibility, plans
from participants.choices import ReferralSource
from participants.models import (
    Consent,
    EligibilityAnswer,
    Enrolment,
    EnrolmentCoach,
    EnrolmentStatusChange,
    EntryCharacteristics,
    IntakeInterview,
    LanguageSkill,
    Participant,
    ParticipantEvent,
    Todo,
)
from programme.dates import not_before, not_in_future
from programme.models import (
    Cohort,
    EligibilityCriterion,
    Module,
    Organisation,
    PartnerOrganisation,
    Programme,
    Staff,
    TodoTemplate,
    Track,
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


def participant_sms_opt_out_set(*, participant: Participant, opt_out: bool, by=None) -> Participant:
    """The person stops (or starts again) the text messages about their sessions, from their
    phone; the coach sets the same field on the file. The consent stays as it was. The
    version moves on, so a coach's form opened before does not silently undo it."""
    with transaction.atomic():
        row = Participant.objects.select_for_update().get(pk=participant.pk)
        if row.sms_opt_out != opt_out:
            before = audit.snapshot(row)
            row.sms_opt_out = opt_out
            row.version += 1
            row.save(update_fields=["sms_opt_out", "version"])
            audit.record_change(
                instance=row, before=before, by=by, participant=row, note="from their phone"
            )
        participant.sms_opt_out, participant.version = row.sms_opt_out, row.version
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
    coach unless another is named. The trajectory's to-dos are planned from the new
    programme's template; the goals still being worked on follow through
    casefile.lifecycle.enrolment_transfer (trajectory.services.goals_carry_over)."""
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
        todos_plan(enrolment=enrolment)
        plans.plan_generate(enrolment=enrolment, by=by)
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
            plans.plan_generate(enrolment=enrolment, by=by)
        elif to_status == Status.EXITED:
            # What was planned for the trajectory no longer applies once the person has left,
            # except the exit evaluation, which is scored at or just after the exit.
            open_todos = enrolment.todos.open()
            open_todos.exclude(kind=TodoTemplate.Kind.EXIT).update(cancelled=True)
            open_todos.filter(kind=TodoTemplate.Kind.EXIT, due_on__gt=on).update(due_on=on)
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
    *,
    enrolment: Enrolment,
    answers: Iterable[CriterionAnswer],
    by,
    language_level: str | None = None,
) -> list[EligibilityAnswer]:
    """Record the eligibility check. Computed criteria are recomputed from the data here, so
    the stored `computed` value is the data's answer, not what a form claimed. The language
    level on the programme's scale is read by the caller from the latest assessment (a floor
    above: see participants.eligibility); None leaves a level criterion to the coach."""
    answers = list(answers)
    if enrolment.status not in {Status.REFERRED, Status.INTAKE, Status.WAITING_LIST}:
        raise ValidationError(_("Eligibility is checked during intake only."))
    participant = enrolment.participant
    expected = {c.pk for c in enrolment.programme.criteria.all()}
    if {a.criterion.pk for a in answers} != expected:
        raise ValidationError(_("Answer every criterion of this programme."))
    rows, errors = [], {}
    for answer in answers:
        computed = eligibility.evaluate(
            answer.criterion, participant, enrolment.referred_on, language_level=language_level
        )
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
    *,
    enrolment: Enrolment,
    decision: str,
    reason: str = "",
    on: datetime.date | None = None,
    by,
    track: Track | None = None,
    cohort: Cohort | None = None,
    start_now: bool = False,
) -> Enrolment:
    """The intake's decision. An admission puts the person on `track` (its length is the
    trajectory's planned length). In a programme with entry by cohort, an admitted person
    joins `cohort` (or the next one: Cohort.objects.next_for_admission) and waits on the
    waiting list until it starts (casefile.lifecycle.cohort_start), unless the cohort is
    already running or `start_now` says the person starts today (joining a group)."""
    errors = {}
    if track is not None and track.programme_id != enrolment.programme_id:
        errors["track"] = _("This track belongs to another programme.")
    if cohort is not None and cohort.programme_id != enrolment.programme_id:
        errors["cohort"] = _("This cohort belongs to another programme.")
    if errors:
        raise ValidationError(errors)
    admitted = decision == Decision.ADMITTED
    # Read the programme only when it decides something: a group's "admit and add" admits
    # several people in a row and starts them whatever the entry mode.
    by_cohort = (
        admitted and not start_now and enrolment.programme.entry_mode == Programme.EntryMode.COHORT
    )
    if not by_cohort:
        with transaction.atomic():
            if admitted and track is not None:
                _set_structure(enrolment, by=by, track=track)
            return enrolment_change_status(
                enrolment=enrolment,
                to_status=Decision.STATUS[decision],
                by=by,
                reason=reason,
                on=on,
            )
    on = on or timezone.localdate()
    programme = enrolment.programme
    if cohort is None:
        cohort = Cohort.objects.filter(programme=programme).next_for_admission(on)
    if cohort is None:
        raise ValidationError(
            _(
                "No cohort of %(programme)s takes people now: add the next cohort to the "
                "programme's settings, or put the person on the waiting list."
            )
            % {"programme": programme.name},
            code="no_cohort",
        )
    track = track or cohort.track
    note = _("Admitted to the cohort %(cohort)s, which starts on %(date)s.") % {
        "cohort": cohort.name,
        "date": f"{cohort.starts_on:%d/%m/%Y}",
    }
    reason = f"{reason.strip()} {note}".strip()
    with transaction.atomic():
        _set_structure(enrolment, by=by, track=track, cohort=cohort)
        if cohort.started_at is not None:
            # A running cohort still taking people: the person starts with it now.
            return enrolment_change_status(
                enrolment=enrolment, to_status=Status.ACTIVE, by=by, reason=reason, on=on
            )
        if enrolment.status == Status.WAITING_LIST:
            enrolment.refresh_from_db()
            return enrolment
        return enrolment_change_status(
            enrolment=enrolment, to_status=Status.WAITING_LIST, by=by, reason=reason
        )


def _set_structure(enrolment: Enrolment, *, by, track=None, cohort=None) -> None:
    """Put the enrolment on a track and in a cohort, inside the decision's transaction: a
    refused decision leaves neither."""
    before = _stored(enrolment)
    changes = {"track": track} if track is not None else {}
    if cohort is not None:
        changes["cohort"] = cohort
    Enrolment.objects.filter(pk=enrolment.pk).update(**changes)
    stored = Enrolment.objects.select_related("participant").get(pk=enrolment.pk)
    audit.record_change(instance=stored, before=before, by=by, participant=stored.participant)


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
    """The expected end of a trajectory: its start plus its track's length, else the
    programme's planned length (Enrolment.planned_length_months). The one place it is
    computed: the to-dos, the evaluations, the summary and the enrolment page read it."""
    if enrolment.started_on is None:
        return None
    return enrolment.started_on + relativedelta(months=enrolment.planned_length_months)


def template_dates(step: TodoTemplate, start: datetime.date, end: datetime.date):
    """The due dates one template step gives a trajectory from `start` to its planned `end`."""
    anchor = start if step.anchor == TodoTemplate.Anchor.START else end
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
    todo = Todo(enrolment=enrolment, kind=TodoTemplate.Kind.OTHER, label=label, due_on=due_on)
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
    *, enrolment: Enrolment, kind: str, on: datetime.date | None = None, by, module=None
) -> Todo | None:
    """Called by the app that did the work (an evaluation recorded, a language test taken):
    closes the earliest open to-do of that kind, if there is one. An evaluation of a module
    closes that module's earliest evaluation to-do instead (`module_evaluation_todos_plan`)."""
    todos = enrolment.todos.open()
    if module is not None:
        todos = todos.filter(module=module, kind__in=MODULE_EVALUATION_KINDS)
    else:
        todos = todos.filter(kind=kind, module__isnull=True)
    todo = todos.order_by("due_on", "pk").first()
    if todo is None:
        return None
    return todo_mark_done(todo=todo, on=on, by=by)


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


# Co-coaches ----------------------------------------------------------------------------------


def enrolment_add_coach(
    *, enrolment: Enrolment, coach, role: str, since: datetime.date, by
) -> EnrolmentCoach:
    """A second (or third) coach beside the enrolment's lead: from `since`, the person is in
    their caseload and the enrolment's to-dos, calls and sessions are theirs too."""
    if not enrolment.is_open:
        raise ValidationError(_("This enrolment is finished: no coach can be added."))
    if not Staff.objects.filter(
        user=coach,
        organisation_id=enrolment.participant.organisation_id,
        role=Staff.Role.COACH,
        user__is_active=True,
    ).exists():
        raise ValidationError({"coach": _("Choose a coach of the organisation.")})
    if coach.pk == enrolment.coach_id:
        raise ValidationError({"coach": _("This is already the enrolment's lead coach.")})
    if role not in EnrolmentCoach.Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    with transaction.atomic():
        # Two coaches adding the same colleague at once would otherwise both succeed.
        Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if EnrolmentCoach.objects.filter(
            enrolment=enrolment, coach=coach, until__isnull=True
        ).exists():
            raise ValidationError({"coach": _("This coach already works on this enrolment.")})
        row = EnrolmentCoach.objects.create(
            enrolment=enrolment, coach=coach, role=role, since=since, added_by=by
        )
        audit.record_event(
            action=audit.Action.CREATE,
            by=by,
            object_type="participants.enrolmentcoach",
            object_id=row.pk,
            participant=enrolment.participant,
            changes={"coach": [None, coach.pk], "role": [None, role], "since": [None, str(since)]},
        )
    return row


def enrolment_end_coach(*, co_coach: EnrolmentCoach, until: datetime.date, by) -> EnrolmentCoach:
    """A co-coach stops: from `until` on, the enrolment is no longer theirs."""
    if co_coach.until is not None:
        raise ValidationError(_("This coach has already stopped."))
    not_before(
        until,
        co_coach.since,
        field="until",
        message=_("A coach cannot stop before they started."),
    )
    with transaction.atomic():
        updated = EnrolmentCoach.objects.filter(pk=co_coach.pk, until__isnull=True).update(
            until=until
        )
        if not updated:
            raise ValidationError(_("This coach has already stopped."))
        co_coach.until = until
        audit.record_event(
            action=audit.Action.UPDATE,
            by=by,
            object_type="participants.enrolmentcoach",
            object_id=co_coach.pk,
            participant=co_coach.enrolment.participant,
            changes={"until": [None, str(until)]},
        )
    return co_coach


# Evaluations per module ----------------------------------------------------------------------

Kinds = TodoTemplate.Kind
MODULE_EVALUATION_KINDS = [Kinds.BASELINE, Kinds.MIDWAY, Kinds.EXIT]


def module_evaluation_dates(
    module: Module, starts_on: datetime.date, ends_on: datetime.date | None
) -> list[tuple[str, datetime.date, str]]:
    """When a person's time in a module is evaluated, as (to-do kind, date, label): at the
    start, half-way (if the module says so) and at the end. The end is the day they leave, or
    the module's length in weeks from their start; unknown, only the start is planned (the end
    is planned when they leave)."""
    if not module.evaluated_at:
        return []
    if ends_on is None and module.length_weeks:
        ends_on = starts_on + datetime.timedelta(weeks=module.length_weeks)
    name = {"module": module.name}
    dates = [(Kinds.BASELINE, starts_on, _("Evaluation at the start of %(module)s") % name)]
    if ends_on is not None and ends_on > starts_on:
        if module.evaluated_at == Module.EvaluatedAt.START_MIDDLE_END:
            middle = starts_on + (ends_on - starts_on) / 2
            dates.append((Kinds.MIDWAY, middle, _("Evaluation half-way through %(module)s") % name))
        dates.append((Kinds.EXIT, ends_on, _("Evaluation at the end of %(module)s") % name))
    return dates


def module_evaluation_todos_plan(
    *,
    enrolment: Enrolment,
    module: Module,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> list[Todo]:
    """The evaluation to-dos of a person's time in a module (`module_evaluation_dates`).
    Nothing when the module is not evaluated, or when the person already has open to-dos of
    it (someone who rejoins keeps the ones planned)."""
    if enrolment.todos.open().filter(module=module).exists():
        return []
    return Todo.objects.bulk_create(
        Todo(enrolment=enrolment, module=module, kind=kind, label=label, due_on=due_on)
        for kind, due_on, label in module_evaluation_dates(module, starts_on, ends_on)
    )


def module_evaluation_todos_leave(
    *, enrolment: Enrolment, module: Module, left_on: datetime.date
) -> None:
    """A person leaves a module: its end evaluation falls on the day they leave, and a
    half-way evaluation planned after that day is cancelled."""
    if not module.evaluated_at:
        return
    todos = enrolment.todos.open().filter(module=module)
    todos.filter(kind=Kinds.MIDWAY, due_on__gt=left_on).update(cancelled=True)
    ends = todos.filter(kind=Kinds.EXIT)
    if ends.exists():
        ends.update(due_on=left_on)
    else:
        label = _("Evaluation at the end of %(module)s") % {"module": module.name}
        Todo.objects.create(
            enrolment=enrolment, module=module, kind=Kinds.EXIT, label=label, due_on=left_on
        )
