import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit import services as audit
from evaluations import progress
from evaluations.models import (
    CallAttempt,
    DomainScore,
    Evaluation,
    ExitReview,
    FollowUpCall,
    LanguageAssessment,
)
from participants.choices import ReferralSource
from participants.models import Enrolment, Participant
from participants.services import (
    claim_version,
    enrolment_mark_exited,
    enrolment_refer,
    todo_complete,
)
from programme import outcomes
from programme.dates import not_before, not_in_future
from programme.models import TodoTemplate
from trajectory.models import Goal
from trajectory.services import goal_create


def language_assessment_record(
    *, participant: Participant, data: Mapping, by
) -> LanguageAssessment:
    """Add a dated assessment to the participant's history (earlier ones are kept)."""
    with transaction.atomic():
        assessment = LanguageAssessment(participant=participant, assessed_by=by, **data)
        assessment.full_clean()
        assessment.save()
        audit.record_change(instance=assessment, before=None, by=by, participant=participant)
    return assessment


# Evaluations with domain scores ---------------------------------------------------------------

# An evaluation is recorded while the trajectory runs; the exit evaluation may also come just
# after the exit itself (the review meeting is often the same day), but never once the file
# is closed.
EVALUATION_STATUSES = {Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED}
EXIT_EVALUATION_STATUSES = EVALUATION_STATUSES | {Enrolment.Status.EXITED}
LOW_LEVELS = {1, 2}


@dataclass(frozen=True)
class ScoreRow:
    """One outcome domain as the coach filled it in: None means "not assessed"."""

    domain: str
    coach_score: int | None = None
    participant_score: int | None = None
    comment: str = ""

    @property
    def is_empty(self) -> bool:
        return self.coach_score is None and self.participant_score is None and not self.comment


def _check_open_for_evaluation(enrolment: Enrolment, kind: str) -> None:
    allowed = EXIT_EVALUATION_STATUSES if kind == Evaluation.Kind.EXIT else EVALUATION_STATUSES
    if enrolment.status not in allowed:
        if enrolment.status == Enrolment.Status.EXITED:
            message = _(
                "This person has left the programme: only the exit evaluation can still be "
                "recorded."
            )
        elif enrolment.is_open:
            message = _("Evaluations start once the person is admitted to the programme.")
        else:
            message = _("This enrolment is closed: its evaluations can no longer change.")
        raise ValidationError(message, code="closed")


def _check_held_on(enrolment: Enrolment, held_on: datetime.date | None) -> None:
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date of the evaluation.")})
    not_in_future(
        held_on, field="held_on", message=_("Record an evaluation once it has taken place.")
    )
    if enrolment.started_on and held_on < enrolment.started_on:
        raise ValidationError(
            {
                "held_on": _(
                    "The trajectory started on %(date)s: the evaluation cannot be earlier."
                )
                % {"date": date_format(enrolment.started_on, "SHORT_DATE_FORMAT")}
            }
        )


def _check_scores(programme, scores: Sequence[ScoreRow], *, coach: bool = True) -> None:
    """Every domain one of the programme's, once; scores on the 1–4 scale; at least one
    domain scored by the coach (when the coach is the one filling it in)."""
    domains = set(programme.outcome_domains)
    errors = []
    seen = set()
    for row in scores:
        name = outcomes.BY_CODE[row.domain].name if row.domain in outcomes.BY_CODE else row.domain
        if row.domain not in domains:
            errors.append(_("“%(domain)s” is not evaluated in this programme.") % {"domain": name})
        elif row.domain in seen:
            errors.append(_("“%(domain)s” is scored twice.") % {"domain": name})
        seen.add(row.domain)
        for score in (row.coach_score, row.participant_score):
            if score is not None and score not in outcomes.LEVELS:
                errors.append(
                    _("“%(domain)s”: scores go from 1 to 4 (%(score)s given).")
                    % {"domain": name, "score": score}
                )
    if coach and not errors and not any(row.coach_score is not None for row in scores):
        errors.append(_("Score at least one domain. Leave the others as “not assessed”."))
    if errors:
        raise ValidationError(errors, code="scores")


def _score_rows(evaluation: Evaluation, scores: Sequence[ScoreRow]) -> list[DomainScore]:
    """The rows to save: a domain left entirely blank is simply not assessed."""
    rows = [
        DomainScore(
            evaluation=evaluation,
            domain=row.domain,
            coach_score=row.coach_score,
            participant_score=row.participant_score,
            comment=row.comment.strip(),
        )
        for row in scores
        if not row.is_empty
    ]
    for row in rows:
        # The model field says a coach's score is required; here "not assessed" is a choice.
        exclude = ["evaluation"] + (["coach_score"] if row.coach_score is None else [])
        row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    return rows


def is_low(score: DomainScore) -> bool:
    """Scored 1 or 2 by the coach or by the participant: worth a goal of the action plan."""
    return any(value in LOW_LEVELS for value in (score.coach_score, score.participant_score))


def evaluation_record(
    *,
    enrolment: Enrolment,
    kind: str,
    held_on: datetime.date,
    scores: Sequence[ScoreRow],
    notes: str = "",
    by,
    module=None,
) -> Evaluation:
    """A baseline, mid-way or exit evaluation with its domain scores. Closes the matching
    to-do of the trajectory template, or, for an evaluation of a module (where the programme
    evaluates per module), that module's next evaluation to-do (start, half-way or end). A
    module's evaluation is a mid-way evaluation of the trajectory: the baseline and the exit
    evaluation stay the enrolment's own, one each."""
    if kind not in Evaluation.Kind.values:
        raise ValidationError({"kind": _("Choose baseline, mid-way or exit.")})
    _check_open_for_evaluation(enrolment, kind)
    _check_held_on(enrolment, held_on)
    _check_scores(enrolment.programme, scores)
    if module is not None:
        # The enrolment's baseline and exit are its own; a module's evaluations fall between
        # them, so the progress since the baseline reads them as mid-way evaluations.
        if kind != Evaluation.Kind.MIDWAY:
            raise ValidationError(
                {"kind": _("An evaluation of a module is recorded as a mid-way evaluation.")}
            )
        if module.programme_id != enrolment.programme_id:
            raise ValidationError({"module": _("This module belongs to another programme.")})
    with transaction.atomic():
        # Lock the enrolment so two coaches saving a baseline at once cannot both pass the check.
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        if kind != Evaluation.Kind.MIDWAY and enrolment.evaluations.filter(kind=kind).exists():
            message = {
                Evaluation.Kind.BASELINE: _(
                    "This enrolment already has a baseline evaluation. Correct that one, or "
                    "record a mid-way evaluation."
                ),
                Evaluation.Kind.EXIT: _(
                    "This enrolment already has an exit evaluation. Correct that one instead."
                ),
            }[kind]
            raise ValidationError({"kind": message}, code="unique")
        evaluation = Evaluation(
            enrolment=enrolment,
            kind=kind,
            held_on=held_on,
            notes=notes.strip(),
            evaluated_by=by,
            module=module,
        )
        evaluation.full_clean(validate_constraints=False)
        evaluation.save()
        rows = DomainScore.objects.bulk_create(_score_rows(evaluation, scores))
        progress.rebuild(enrolment_ids=[enrolment.pk])
        audit.record_change(
            instance=evaluation,
            before=None,
            by=by,
            participant=enrolment.participant,
            note=_scores_note({}, rows),
        )
        todo_complete(enrolment=enrolment, kind=kind, on=held_on, by=by, module=module)
    return evaluation


def _scores_note(before: dict, after: Sequence[DomainScore]) -> str:
    """The scores that changed, for the audit trail: "domain coach/participant", level numbers
    only (the comments are free text and stay out)."""
    parts = []
    for row in after:
        old = before.get(row.domain)
        new = (row.coach_score, row.participant_score)
        if old != new:
            parts.append(f"{row.domain} {new[0] or '-'}/{new[1] or '-'}")
    return ", ".join(parts)


def evaluation_update(
    *,
    evaluation: Evaluation,
    held_on: datetime.date,
    scores: Sequence[ScoreRow],
    notes: str = "",
    version: int,
    by,
) -> Evaluation:
    """Correct an evaluation: its date, scores and notes (not its kind). A participant's own
    score that the correction leaves as it was keeps the moment they gave it."""
    enrolment = evaluation.enrolment
    _check_open_for_evaluation(enrolment, evaluation.kind)
    _check_held_on(enrolment, held_on)
    _check_scores(enrolment.programme, scores)
    with transaction.atomic():
        stored = audit.snapshot(Evaluation.objects.get(pk=evaluation.pk))
        claim_version(
            Evaluation.objects,
            pk=evaluation.pk,
            version=version,
            message=_(
                "Someone else changed this evaluation while you were editing it. "
                "Your changes were not saved: reload the page to see theirs."
            ),
        )
        evaluation.held_on = held_on
        evaluation.notes = notes.strip()
        evaluation.version = version + 1
        evaluation.full_clean(validate_constraints=False)
        evaluation.save(update_fields=["held_on", "notes", "version"])
        given = {score.domain: score for score in evaluation.scores.all()}
        rows = _score_rows(evaluation, scores)
        for row in rows:
            before = given.get(row.domain)
            if before and before.participant_score == row.participant_score:
                row.participant_scored_at = before.participant_scored_at
        evaluation.scores.all().delete()
        DomainScore.objects.bulk_create(rows)
        progress.rebuild(enrolment_ids=[enrolment.pk])
        old_scores = {s.domain: (s.coach_score, s.participant_score) for s in given.values()}
        audit.record_event(
            action=audit.Action.UPDATE,
            by=by,
            object_type="evaluations.evaluation",
            object_id=evaluation.pk,
            participant=enrolment.participant,
            changes=audit.diff(Evaluation, stored, audit.snapshot(evaluation)),
            note=_scores_note(old_scores, rows),
        )
    return evaluation


def participant_scores_record(
    *, evaluation: Evaluation, scores: Mapping[str, int | None]
) -> list[DomainScore]:
    """The participant's own scores, given by themselves (on their phone): only their column
    changes, and each score given keeps the moment it was given. `scores` maps a domain code
    to a level, or to None to take a score back."""
    enrolment = evaluation.enrolment
    _check_open_for_evaluation(enrolment, evaluation.kind)
    rows = [ScoreRow(domain=domain, participant_score=score) for domain, score in scores.items()]
    _check_scores(enrolment.programme, rows, coach=False)
    now = timezone.now()
    with transaction.atomic():
        existing = {score.domain: score for score in evaluation.scores.select_for_update()}
        changed = []
        for row in rows:
            score = existing.get(row.domain) or DomainScore(
                evaluation=evaluation, domain=row.domain
            )
            if score.pk and score.participant_score == row.participant_score:
                continue
            score.participant_score = row.participant_score
            score.participant_scored_at = now if row.participant_score is not None else None
            score.save()
            changed.append(score)
        if changed:
            # Given by the participant on their phone: no staff member acted.
            audit.record_event(
                action=audit.Action.UPDATE,
                object_type="evaluations.evaluation",
                object_id=evaluation.pk,
                participant=enrolment.participant,
                note=_scores_note({}, changed) + " (the participant's own scores)",
            )
    return changed


def goal_from_score_create(*, evaluation: Evaluation, domain: str, text: str, by) -> Goal:
    """Turn a domain scored low (1 or 2, by the coach or the participant) into a goal of the
    action plan, unless a goal for that domain is already being worked on."""
    enrolment = evaluation.enrolment
    score = evaluation.scores.filter(domain=domain).first()
    if score is None or not is_low(score):
        raise ValidationError(
            _("Only a domain scored 1 or 2 in this evaluation becomes a goal from here.")
        )
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        open_goal = enrolment.goals.filter(domain=domain, status=Goal.Status.OPEN).first()
        if open_goal:
            raise ValidationError(
                _("There is already a goal for “%(domain)s” being worked on: “%(goal)s”.")
                % {"domain": outcomes.BY_CODE[domain].name, "goal": open_goal.text}
            )
        if not text.strip():
            raise ValidationError({"text": _("Write the goal, in the participant's words.")})
        return goal_create(enrolment=enrolment, text=text, domain=domain, by=by)


# Exit and follow-up calls ---------------------------------------------------------------------

EXIT_FROM = {Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED}


def exit_record(
    *,
    enrolment: Enrolment,
    exited_on: datetime.date,
    exit_reason: str,
    drop_out_reason: str = "",
    exit_destination: str,
    strengths: str,
    limits: str = "",
    next_step: str,
    contact_person: str,
    contact_phone: str = "",
    helped_integration: str = "",
    by,
) -> ExitReview:
    """Close the trajectory with its review: the enrolment becomes "exited" (with reason and
    destination), the review is kept and the follow-up calls are planned from the exit date."""
    if enrolment.status not in EXIT_FROM:
        raise ValidationError(
            _("Only an active or paused enrolment can exit: this one is “%(status)s”.")
            % {"status": enrolment.get_status_display()},
            code="not_open",
        )
    review = ExitReview(
        enrolment=enrolment,
        strengths=strengths.strip(),
        limits=limits.strip(),
        next_step=next_step.strip(),
        contact_person=contact_person.strip(),
        contact_phone=contact_phone.strip(),
        helped_integration=helped_integration,
        reviewed_by=by,
    )
    _check_exit(enrolment, exited_on, review)
    with transaction.atomic():
        enrolment = enrolment_mark_exited(
            enrolment=enrolment,
            on=exited_on,
            exit_reason=exit_reason,
            drop_out_reason=drop_out_reason,
            exit_destination=exit_destination,
            by=by,
        )
        review.enrolment = enrolment
        review.save()
        audit.record_change(instance=review, before=None, by=by, participant=enrolment.participant)
        follow_up_calls_plan(enrolment=enrolment)
        # The review is the exit evaluation the trajectory's to-do list asked for.
        todo_complete(enrolment=enrolment, kind=TodoTemplate.Kind.EXIT, on=exited_on, by=by)
    return review


def _check_exit(enrolment: Enrolment, exited_on: datetime.date | None, review: ExitReview):
    errors = {}
    if exited_on is None:
        errors["exited_on"] = _("Give the exit date.")
    elif not_in_future(
        exited_on,
        field="exited_on",
        message=_("Record the exit once it has happened: the date is in the future."),
        errors=errors,
    ):
        not_before(
            exited_on,
            enrolment.started_on,
            field="exited_on",
            message=_("The trajectory started on %(date)s: the exit cannot be earlier.")
            % {"date": date_format(enrolment.started_on, "SHORT_DATE_FORMAT")}
            if enrolment.started_on
            else "",
            errors=errors,
        )
    required = {
        "strengths": _("Write what the person does well: their strengths."),
        "next_step": _("Write the next step you recommend."),
        "contact_person": _("Say who the person can still turn to."),
    }
    for field, message in required.items():
        if not getattr(review, field):
            errors[field] = message
    if not errors:
        try:
            review.full_clean(exclude=["enrolment"], validate_unique=False)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)


def follow_up_calls_plan(*, enrolment: Enrolment) -> list[FollowUpCall]:
    """One call for each interval the programme sets, counted in weeks from the exit date;
    none when the programme sets none."""
    if enrolment.exited_on is None:
        return []
    return FollowUpCall.objects.bulk_create(
        FollowUpCall(
            enrolment=enrolment,
            weeks_after_exit=weeks,
            due_on=enrolment.exited_on + datetime.timedelta(weeks=weeks),
        )
        for weeks in enrolment.programme.follow_up_offsets
    )


def call_attempt_record(
    *,
    call: FollowUpCall,
    outcome: str,
    version: int,
    note: str = "",
    situation: str = "",
    needs_help: bool | None = None,
    help_notes: str = "",
    helped_integration: str = "",
    notes: str = "",
    by,
) -> CallAttempt:
    """Log one attempt to reach a former participant. Reached: their answers close the call.
    Not reached: the programme's last allowed attempt marks the call "unreachable".
    Answers given with a failed attempt are not kept: nobody answered them."""
    Outcome = CallAttempt.Outcome
    if call.status != FollowUpCall.Status.PLANNED:
        raise ValidationError(
            _("This call is already closed: %(status)s.")
            % {"status": call.get_status_display().lower()},
            code="closed",
        )
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Say how the call went.")})
    reached = outcome == Outcome.REACHED
    if reached:
        _check_answers(situation, needs_help, help_notes, helped_integration)
    with transaction.atomic():
        before = audit.snapshot(FollowUpCall.objects.get(pk=call.pk))
        claim_version(
            FollowUpCall.objects.pending(),
            pk=call.pk,
            version=version,
            message=_(
                "Someone else logged this call while you were on it. Nothing was saved: "
                "reload the page to see what they wrote."
            ),
        )
        attempt = CallAttempt(call=call, outcome=outcome, note=note.strip(), attempted_by=by)
        attempt.full_clean(exclude=["call"])
        attempt.save()
        call.version = version + 1
        if reached:
            call.status = FollowUpCall.Status.REACHED
            call.situation = situation
            call.needs_help = needs_help
            call.help_notes = help_notes.strip() if needs_help else ""
            call.helped_integration = helped_integration
            call.notes = notes.strip()
        elif call.attempts.count() >= call.enrolment.programme.follow_up_max_attempts:
            call.status = FollowUpCall.Status.UNREACHABLE
        if call.status != FollowUpCall.Status.PLANNED:
            call.completed_on = timezone.localdate()
            call.completed_by = by
        # needs_help stays unknown (None) until the person is reached; the model only asks for
        # it on a reached call, which its constraint checks here.
        call.full_clean(
            exclude=["enrolment"] if reached else ["enrolment", "needs_help"],
            validate_unique=False,
        )
        call.save()
        audit.record_change(
            instance=call,
            before=before,
            by=by,
            participant=call.enrolment.participant,
            note=f"attempt: {outcome}",
        )
    return attempt


def _check_answers(situation, needs_help, help_notes, helped_integration) -> None:
    errors = {}
    if situation not in FollowUpCall.Situation.values:
        errors["situation"] = _("Choose the person's situation today.")
    if needs_help is None:
        errors["needs_help"] = _("Say whether the person needs help.")
    elif needs_help and not help_notes.strip():
        errors["help_notes"] = _("Say what help the person needs.")
    if helped_integration not in FollowUpCall.Helped.values:
        errors["helped_integration"] = _(
            "Say whether the programme helped their integration: yes, partly or no."
        )
    if errors:
        raise ValidationError(errors)


def support_reopen(*, call: FollowUpCall, by) -> Enrolment:
    """Someone who asked for help at a follow-up call comes back: a new enrolment in the same
    programme, referred by the follow-up, with the coach they had."""
    if call.status != FollowUpCall.Status.REACHED or not call.needs_help:
        raise ValidationError(
            _("Support is reopened from a call where the person said they need help.")
        )
    previous = call.enrolment
    participant = previous.participant
    if participant.enrolments.open().filter(programme_id=previous.programme_id).exists():
        raise ValidationError(
            _("%(name)s is already back in %(programme)s: support was reopened before.")
            % {"name": participant.full_name, "programme": previous.programme.name},
            code="open",
        )
    reason = _("Asked for help at the follow-up call of %(date)s (%(interval)s after exit).") % {
        "date": date_format(call.completed_on, "SHORT_DATE_FORMAT"),
        "interval": call.interval,
    }
    with transaction.atomic():
        enrolment = enrolment_refer(
            participant=participant,
            programme=previous.programme,
            coach=previous.coach,
            referred_on=timezone.localdate(),
            referral_source=ReferralSource.FOLLOW_UP,
            referral_reason=f"{reason}\n{call.help_notes}".strip(),
            by=by,
        )
        # Back in the programme, the calls "after leaving" no longer apply; the next exit plans
        # its own.
        previous.follow_up_calls.pending().update(status=FollowUpCall.Status.CANCELLED)
    return enrolment
