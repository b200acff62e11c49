import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evaluations.models import DomainScore, Evaluation, LanguageAssessment
from participants.models import Enrolment, Goal, Participant
from participants.services import StaleEdit, goal_create, todo_complete
from programme import outcomes


def language_assessment_record(
    *, participant: Participant, data: Mapping, by
) -> LanguageAssessment:
    """Add a dated assessment to the participant's history (earlier ones are kept)."""
    with transaction.atomic():
        assessment = LanguageAssessment(participant=participant, assessed_by=by, **data)
        assessment.full_clean()
        assessment.save()
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
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Record an evaluation once it has taken place.")})
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
        row.full_clean(exclude=["evaluation"], validate_unique=False, validate_constraints=False)
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
) -> Evaluation:
    """A baseline, mid-way or exit evaluation with its domain scores. Closes the matching
    to-do of the trajectory template."""
    if kind not in Evaluation.Kind.values:
        raise ValidationError({"kind": _("Choose baseline, mid-way or exit.")})
    _check_open_for_evaluation(enrolment, kind)
    _check_held_on(enrolment, held_on)
    _check_scores(enrolment.programme, scores)
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
            enrolment=enrolment, kind=kind, held_on=held_on, notes=notes.strip(), evaluated_by=by
        )
        evaluation.full_clean(validate_constraints=False)
        evaluation.save()
        DomainScore.objects.bulk_create(_score_rows(evaluation, scores))
        todo_complete(enrolment=enrolment, kind=kind, on=held_on, by=by)
    return evaluation


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
        updated = Evaluation.objects.filter(pk=evaluation.pk, version=version).update(
            version=version + 1
        )
        if not updated:
            raise StaleEdit(
                _(
                    "Someone else changed this evaluation while you were editing it. "
                    "Your changes were not saved: reload the page to see theirs."
                ),
                code="stale",
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
