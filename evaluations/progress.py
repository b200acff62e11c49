"""Progress per outcome domain, kept per enrolment for the reports (DomainProgress, decision
29), so that the dashboard's "progress per outcome domain" for an organisation's year reads some
thirty thousand kept rows rather than grouping a hundred and fifty thousand scores.

The rule is evaluations.selectors.progress_since_baseline's, for the coach's scores: the score
at the baseline against the latest since (the exit evaluation's first, then the most recent by
date, then the one recorded last), nothing held after the period's end. `pairs` says it as
one grouped query over any domain scores; the kept rows are that query over all of an
enrolment's scores, with the day of its last evaluation.

`rebuild` counts an enrolment's rows again (delete, then one INSERT … SELECT) wherever an
evaluation is recorded or corrected (evaluations.services), for everyone after the demo data
is loaded and when the table is created, and on demand (`manage.py rebuild_domain_progress`).
`per_pair` reads them back for a period: the kept rows of enrolments last evaluated by its
end, and for the others (evaluated again since) the pairs from their scores up to that day.
"""

import datetime

from django.db.models import (
    BigIntegerField,
    Case,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast

from evaluations.models import DomainProgress, DomainScore, Evaluation
from programme import outcomes
from programme.sql import Days, recount

EPOCH = datetime.date(2000, 1, 1)
# "Latest" is the largest of a number that orders the evaluations and ends with the score:
# ((exit, day) × EVALUATION_SPAN + evaluation id) × 10 + score: days since EPOCH below
# DAY_SPAN, ids below EVALUATION_SPAN, exact in 63 bits on both databases.
DAY_SPAN = 100_000
EVALUATION_SPAN = 1_000_000_000
COLUMNS = ("enrolment", "programme", "participant", "domain", "before", "latest",
           "evaluated_until")  # fmt: skip
PAIR_COLUMNS = ("domain", "person", "before", "latest")


def pairs(scores: QuerySet) -> QuerySet:
    """Per enrolment and domain of these domain scores (a DomainScore query, or a migration's
    historical one), with both a coach's baseline score and a later one: `enrolment`,
    `domain`, `person`, `before` (the baseline score) and `latest` (`latest % 10` is the
    score). One grouped query."""
    baseline = Q(evaluation__kind=Evaluation.Kind.BASELINE)
    day = Cast(Days("evaluation__held_on") - Days(Value(EPOCH)), BigIntegerField())
    exit_first = Case(
        When(evaluation__kind=Evaluation.Kind.EXIT, then=Value(DAY_SPAN)), default=Value(0)
    )
    order = (exit_first + day) * EVALUATION_SPAN + F("evaluation_id")
    return (
        scores.filter(coach_score__isnull=False, domain__in=list(outcomes.BY_CODE))
        .order_by()
        .values("domain", enrolment=F("evaluation__enrolment_id"))
        .annotate(
            person=Max("evaluation__enrolment__participant_id"),
            before=Max(Case(When(baseline, then="coach_score"))),
            latest=Max(Case(When(~baseline, then=order * 10 + F("coach_score")))),
        )
        .filter(before__isnull=False, latest__isnull=False)
    )


def counted(scores: QuerySet, evaluations: QuerySet) -> QuerySet:
    """The kept rows of these scores (all of each enrolment's), in COLUMNS' order; `evaluations`
    the Evaluation query the day of each enrolment's last evaluation is read from."""
    last = (
        evaluations.filter(enrolment=OuterRef("enrolment"))
        .order_by()
        .values("enrolment")
        .annotate(day=Max("held_on"))
        .values("day")
    )
    return (
        pairs(scores)
        .annotate(
            programme=Max("evaluation__enrolment__programme_id"), evaluated_until=Subquery(last)
        )
        .values_list(
            "enrolment", "programme", "person", "domain", "before", "latest", "evaluated_until"
        )
    )


def rebuild(*, enrolment_ids: list[int] | None = None) -> None:
    """Count again the kept rows of these enrolments (everyone's when None). Two statements,
    whatever their number."""
    if enrolment_ids is not None and not enrolment_ids:
        return
    kept, scores = DomainProgress.objects.all(), DomainScore.objects.all()
    if enrolment_ids is not None:
        kept = kept.filter(enrolment_id__in=enrolment_ids)
        scores = scores.filter(evaluation__enrolment_id__in=enrolment_ids)
    recount(kept, COLUMNS, counted(scores, Evaluation.objects.all()))


def per_pair(programmes, enrolments: QuerySet, until: datetime.date) -> QuerySet:
    """(domain, person, before, latest) of these enrolments (a query of their ids, in these
    programmes) as of the end of the day `until`: the kept rows where nothing was evaluated
    after it, the scores themselves for the rest. One query (a UNION ALL), to use as a
    subquery."""
    kept = DomainProgress.objects.filter(programme__in=programmes, enrolment__in=enrolments)
    evaluated_since = kept.filter(evaluated_until__gt=until).values("enrolment_id")
    scores = DomainScore.objects.filter(
        evaluation__enrolment__in=evaluated_since, evaluation__held_on__lte=until
    )
    return (
        kept.filter(evaluated_until__lte=until)
        .annotate(person=F("participant_id"))
        .values_list(*PAIR_COLUMNS)
        .union(pairs(scores).values_list(*PAIR_COLUMNS), all=True)
    )
