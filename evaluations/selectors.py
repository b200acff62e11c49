"""Reads with rules in them: which evaluation comes next, how a score moved, and progress since
the baseline. The pages, the trajectory summary and the dashboard all read progress here, so a
figure means the same wherever it is shown."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluations.models import (
    LOCAL_LEVELS,
    SCALE_LANGUAGE,
    Cefr,
    DomainScore,
    Evaluation,
    LanguageAssessment,
)
from evaluations.services import EVALUATION_STATUSES, EXIT_EVALUATION_STATUSES, LOW_LEVELS, is_low
from participants.models import Enrolment, Participant
from participants.services import planned_end
from programme import outcomes
from trajectory.models import Goal

Kind = Evaluation.Kind
Status = Enrolment.Status
# Baseline first and exit last, whatever the dates say; mid-ways in date order between them.
KIND_ORDER = {Kind.BASELINE: 0, Kind.MIDWAY: 1, Kind.EXIT: 2}
# The exit evaluation is due this long before the planned end.
EXIT_LEAD = datetime.timedelta(weeks=4)


# Language assessments -------------------------------------------------------------------------


def language_scales(participant: Participant) -> set[str]:
    """The local scales of the programmes the person is in, is being taken in by, or has just
    left: a placement test comes at intake, a final one at the exit."""
    return set(
        participant.enrolments.exclude(status__in=[Status.NOT_ADMITTED, Status.CLOSED])
        .exclude(programme__language_scale="")
        .order_by()
        .values_list("programme__language_scale", flat=True)
    )


def latest_scale_level(participant: Participant, scale: str) -> str | None:
    """The person's level on a local scale (e.g. NT2 "1.1") from their latest assessment of
    that scale's language: what an eligibility criterion "level at least X" reads
    (participants.eligibility). None when there is no scale, no such assessment, or the latest
    gives no level on the scale: then the coach judges. One query."""
    if scale not in SCALE_LANGUAGE:
        return None
    latest = (
        LanguageAssessment.objects.filter(participant=participant, language=SCALE_LANGUAGE[scale])
        .order_by("-assessed_on", "-pk")
        .values_list("local_level", flat=True)
        .first()
    )
    if latest and LOCAL_LEVELS.get(latest, ("",))[0] == scale:
        return latest
    return None


def short_level(level: str) -> str:
    """The level as it reads in a sentence: "pre-A1" rather than "Pre-A1 (literacy)"."""
    return _("pre-A1") if level == Cefr.PRE_A1 else Cefr(level).label


@dataclass(frozen=True)
class Change:
    """One skill from the first assessment to a later one, e.g. "oral A1 → A2 (+1)"."""

    skill: str
    before: str
    after: str

    @property
    def steps(self) -> int:
        return Cefr.rank(self.after) - Cefr.rank(self.before)

    def __str__(self) -> str:
        return _("%(skill)s %(before)s → %(after)s (%(steps)s)") % {
            "skill": LanguageAssessment._meta.get_field(self.skill).verbose_name,
            "before": short_level(self.before),
            "after": short_level(self.after),
            "steps": f"{self.steps:+d}" if self.steps else "0",
        }


def assessment_changes(first: LanguageAssessment, later: LanguageAssessment) -> list[Change]:
    return [
        Change(skill, getattr(first, skill), getattr(later, skill))
        for skill in LanguageAssessment.SKILLS
    ]


# Evaluations with domain scores ---------------------------------------------------------------


def next_kind(
    enrolment: Enrolment, kinds: set[str], today: datetime.date | None = None
) -> str | None:
    """The evaluation to record next: the baseline first, the exit once the planned end is
    near (or the person has left), mid-way ones in between; None once the exit is done."""
    if enrolment.status not in EXIT_EVALUATION_STATUSES or Kind.EXIT in kinds:
        return None
    if enrolment.status == Status.EXITED:
        return Kind.EXIT
    if Kind.BASELINE not in kinds:
        return Kind.BASELINE
    end = planned_end(enrolment)
    today = today or timezone.localdate()
    if end and today >= end - EXIT_LEAD:
        return Kind.EXIT
    return Kind.MIDWAY


@dataclass(frozen=True)
class ScoreChange:
    """One score from the baseline to a later evaluation, said in words and with an icon so
    the change does not rest on colour alone."""

    before: int | None
    after: int | None

    @property
    def steps(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def icon(self) -> str:
        if self.steps is None:
            return ""
        return "trending-up" if self.steps > 0 else "trending-down" if self.steps < 0 else "minus"

    @property
    def words(self) -> str:
        if self.steps is None:
            return ""
        if self.steps > 0:
            return ngettext("up %(steps)d level", "up %(steps)d levels", self.steps) % {
                "steps": self.steps
            }
        if self.steps < 0:
            return ngettext("down %(steps)d level", "down %(steps)d levels", -self.steps) % {
                "steps": -self.steps
            }
        return _("same level")

    @property
    def direction(self) -> str:
        if self.steps is None:
            return ""
        return "up" if self.steps > 0 else "down" if self.steps < 0 else "same"


def level_label(score: int | None) -> str:
    """A score as the pages show it: "2 · <the level's name>"."""
    if score is None:
        return ""
    return f"{score} · {outcomes.LEVEL_NAMES[score]}"


def domains_of(programme, *score_maps) -> list[outcomes.Domain]:
    """The programme's domains in its order, then any scored in `score_maps` and since
    dropped from the programme (a retired domain keeps its history)."""
    domains = programme.domains()
    known = {domain.code for domain in domains}
    for scores in score_maps:
        for code in scores:
            if code not in known and code in outcomes.BY_CODE:
                domains.append(outcomes.BY_CODE[code])
                known.add(code)
    return domains


def comparison(evaluation: Evaluation) -> list[dict]:
    """Per domain: this evaluation's scores beside the baseline's, the change, and the goal
    being worked on for that domain. Three queries whatever the number of domains."""
    enrolment = evaluation.enrolment
    scores = {score.domain: score for score in evaluation.scores.all()}
    baseline = {}
    if evaluation.kind != Kind.BASELINE:
        baseline = {
            score.domain: score
            for score in DomainScore.objects.filter(
                evaluation__enrolment=enrolment, evaluation__kind=Kind.BASELINE
            )
        }
    goals = {}
    for goal in enrolment.goals.filter(status=Goal.Status.OPEN).exclude(domain=""):
        goals.setdefault(goal.domain, goal)
    can_add_goals = enrolment.status in EVALUATION_STATUSES
    rows = []
    for domain in domains_of(enrolment.programme, scores, baseline):
        score = scores.get(domain.code)
        before = baseline.get(domain.code)
        coach = score.coach_score if score else None
        own = score.participant_score if score else None
        rows.append(
            {
                "domain": domain,
                "score": score,
                "coach": level_label(coach),
                "participant": level_label(own),
                "baseline_coach": level_label(before.coach_score) if before else "",
                "baseline_participant": level_label(before.participant_score) if before else "",
                "coach_change": ScoreChange(before.coach_score if before else None, coach),
                "participant_change": ScoreChange(
                    before.participant_score if before else None, own
                ),
                "goal": goals.get(domain.code),
                "low": bool(score and is_low(score)),
                "can_add_goal": can_add_goals and bool(score and is_low(score)),
            }
        )
    return rows


def goal_text(score: DomainScore) -> str:
    """A starting text the coach rewrites with the participant: the next level's definition."""
    lows = [v for v in (score.coach_score, score.participant_score) if v in LOW_LEVELS]
    domain = outcomes.BY_CODE[score.domain]
    return str(domain.definition(min(lows) + 1)) if lows else ""


# Progress since the baseline ------------------------------------------------------------------


@dataclass(frozen=True)
class DomainProgress:
    """One domain: the coach's and the participant's own score at the baseline against the
    latest each gave since."""

    domain: outcomes.Domain
    coach: ScoreChange
    participant: ScoreChange


@dataclass
class Progress:
    """One enrolment's progress since its baseline."""

    baseline: Evaluation | None = None
    latest: Evaluation | None = None  # the latest evaluation since, whatever it scored
    domains: list[DomainProgress] = field(default_factory=list)


def _recency(evaluation: Evaluation):
    return (evaluation.kind == Kind.EXIT, evaluation.held_on, evaluation.pk)


def _latest(scores: dict, evaluations: list[Evaluation], code: str, scorer: str) -> int | None:
    for evaluation in reversed(evaluations):
        score = scores[evaluation.pk].get(code)
        if score is not None and getattr(score, scorer) is not None:
            return getattr(score, scorer)
    return None


def progress_since_baseline(
    enrolments: Iterable[Enrolment], *, until: datetime.date | None = None
) -> dict[int, Progress]:
    """Per enrolment (by id): the scores at the baseline against the latest since. The one
    definition of "progress since the baseline", for the pages, the summary and the dashboard:

    - the baseline is the evaluation recorded as the baseline (there is at most one), not the
      first by date: a mid-way dated before it is still a mid-way;
    - "latest" is read per domain and per scorer (coach, participant): the exit evaluation's
      score once given, otherwise the most recent mid-way's by date (ties: the one recorded
      last). An evaluation that left a domain "not assessed" does not erase an earlier score;
    - domains: the programme's in its order, then any scored and since dropped from the
      programme — a retired domain keeps the progress made in it;
    - with `until`, evaluations held after that day are not read at all, so a figure for a
      period reads nothing dated after its end.

    The dashboard counts this rule in SQL for many enrolments at once (reports.dashboard,
    progress per outcome domain); tests/reports/test_dashboard_equivalence.py keeps the two
    equal. Enrolments without an evaluation get an empty Progress. The enrolments' programmes should
    be loaded (select_related); one query whatever their number."""
    enrolments = list(enrolments)
    rows = DomainScore.objects.filter(
        evaluation__enrolment__in=[enrolment.pk for enrolment in enrolments]
    ).select_related("evaluation")
    if until is not None:
        rows = rows.filter(evaluation__held_on__lte=until)
    evaluations = defaultdict(dict)  # enrolment id -> evaluation id -> evaluation
    scores = defaultdict(dict)  # evaluation id -> domain code -> score
    for row in rows.order_by():
        evaluation = row.evaluation
        evaluations[evaluation.enrolment_id].setdefault(evaluation.pk, evaluation)
        scores[evaluation.pk][row.domain] = row
    result = {}
    for enrolment in enrolments:
        found = evaluations.get(enrolment.pk, {}).values()
        baseline = next((e for e in found if e.kind == Kind.BASELINE), None)
        since = sorted((e for e in found if e.kind != Kind.BASELINE), key=_recency)
        before = scores[baseline.pk] if baseline else {}
        progress = Progress(baseline=baseline, latest=since[-1] if since else None)
        scored = [before, *(scores[e.pk] for e in since)]
        for domain in domains_of(enrolment.programme, *scored):
            if not any(domain.code in each for each in scored):
                continue
            start = before.get(domain.code)
            progress.domains.append(
                DomainProgress(
                    domain,
                    coach=ScoreChange(
                        start.coach_score if start else None,
                        _latest(scores, since, domain.code, "coach_score"),
                    ),
                    participant=ScoreChange(
                        start.participant_score if start else None,
                        _latest(scores, since, domain.code, "participant_score"),
                    ),
                )
            )
        result[enrolment.pk] = progress
    return result
