"""Demo evaluations: the shape the programmes report, the same every time."""

import datetime
import random
from collections import defaultdict
from statistics import mean

import pytest

from evaluations import demo as evaluations_demo
from evaluations.models import DomainScore, Evaluation
from participants import demo
from participants.models import Enrolment

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)
Kind = Evaluation.Kind


def change_by_domain(reason: str) -> dict[str, float]:
    """Mean change of the coach's score from baseline to exit, per domain, for one exit
    reason."""
    scores = defaultdict(dict)
    rows = DomainScore.objects.filter(
        evaluation__kind__in=[Kind.BASELINE, Kind.EXIT],
        evaluation__enrolment__exit_reason=reason,
        coach_score__isnull=False,
    ).values_list("evaluation__enrolment_id", "evaluation__kind", "domain", "coach_score")
    for enrolment, kind, domain, score in rows:
        scores[(enrolment, domain)][kind] = score
    changes = defaultdict(list)
    for (_enrolment, domain), pair in scores.items():
        if len(pair) == 2:
            changes[domain].append(pair[Kind.EXIT] - pair[Kind.BASELINE])
    return {domain: mean(values) for domain, values in changes.items()}


def test_the_demo_has_the_evaluations_of_each_trajectory():
    counts = demo.load(today=TODAY)

    assert counts["evaluations"] == Evaluation.objects.count() > 200
    assert counts["domain scores"] == DomainScore.objects.count()
    started = Enrolment.objects.filter(started_on__isnull=False)
    kinds = defaultdict(list)
    for enrolment_id, kind in Evaluation.objects.values_list("enrolment_id", "kind"):
        kinds[enrolment_id].append(kind)
    # Nobody is evaluated before their trajectory starts; one baseline and at most one exit.
    assert set(kinds) <= set(started.values_list("pk", flat=True))
    assert all(k.count(Kind.BASELINE) == 1 and k.count(Kind.EXIT) <= 1 for k in kinds.values())
    running = started.filter(exited_on__isnull=True).values_list("pk", flat=True)
    assert not any(Kind.EXIT in kinds[pk] for pk in running)
    left = started.filter(exited_on__isnull=False).exclude(drop_out_reason="lost_contact")
    assert all(Kind.EXIT in kinds[pk] for pk in left.values_list("pk", flat=True))
    assert Evaluation.objects.filter(kind=Kind.MIDWAY).count() > 0
    # Every evaluation falls within its trajectory and is scored by the coach somewhere.
    for evaluation in Evaluation.objects.select_related("enrolment"):
        assert evaluation.enrolment.started_on <= evaluation.held_on <= TODAY
    assert not Evaluation.objects.exclude(scores__coach_score__isnull=False).exists()


def test_completers_improve_more_than_drop_outs_and_people_rate_themselves_higher():
    demo.load(today=TODAY)

    completed = change_by_domain("completed")
    dropped = change_by_domain("dropped_out")
    # Completers gain most of a level on most domains; drop-outs gain less.
    assert mean(completed.values()) > 0.5
    assert mean(completed.values()) > mean(dropped.values())
    # Health and well-being is where drop-outs do worst.
    assert dropped["wellbeing"] == min(dropped.values())
    coach = DomainScore.objects.filter(participant_score__isnull=False)
    pairs = list(coach.values_list("coach_score", "participant_score"))
    assert mean(own for _coach, own in pairs) > mean(score for score, _own in pairs)
    assert {score for pair in pairs for score in pair} <= {1, 2, 3, 4}


def test_the_same_seed_gives_the_same_evaluations():
    demo.load(today=TODAY)

    def snapshot():
        order = ["evaluation__enrolment_id", "evaluation__held_on", "domain"]
        return list(
            DomainScore.objects.order_by(*order).values_list(
                "evaluation__enrolment_id", "evaluation__kind", "evaluation__held_on", "domain",
                "coach_score", "participant_score",
            )
        )  # fmt: skip

    first = snapshot()
    Evaluation.objects.all().delete()
    evaluations_demo.load_evaluations(random.Random(7), TODAY)
    again = snapshot()
    Evaluation.objects.all().delete()
    evaluations_demo.load_evaluations(random.Random(7), TODAY)
    assert snapshot() == again
    assert again != first  # another seed, other scores
