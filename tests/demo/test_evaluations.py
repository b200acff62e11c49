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
from programme import outcomes

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)
Kind = Evaluation.Kind


def changes(reason: str, drop_out: str = "", people: int = 1500) -> dict[str, float]:
    """Mean change of the coach's score from baseline to exit, per domain, over many made-up
    trajectories of nine months with one exit reason."""
    rng = random.Random(11)
    started_on = TODAY - datetime.timedelta(days=400)
    exited_on = started_on + datetime.timedelta(days=270)
    domains = outcomes.default_domains()
    moved = defaultdict(list)
    for pk in range(people):
        row = (pk, None, started_on, exited_on, reason, drop_out, 6, domains, "fr")
        evaluations = evaluations_demo._trajectory(rng, TODAY, row)
        scores = {e.kind: {d: c for d, c, _own in levels} for e, levels in evaluations}
        for domain in domains:
            moved[domain].append(scores[Kind.EXIT][domain] - scores[Kind.BASELINE][domain])
    return {domain: mean(values) for domain, values in moved.items()}


def test_the_demo_has_the_evaluations_of_each_trajectory():
    counts = demo.load(today=TODAY)

    # The portal's demo adds a recent mid-way review for the phone's self-assessment.
    recorded = counts["evaluations"] + counts["evaluations for the phone"]
    assert recorded == Evaluation.objects.count() > 200
    portal_scores = DomainScore.objects.filter(
        evaluation__enrolment__participant__portal_accesses__isnull=False,
        evaluation__held_on=TODAY - datetime.timedelta(days=2),
    ).count()
    assert counts["domain scores"] + portal_scores == DomainScore.objects.count()
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


def test_completers_improve_more_than_drop_outs():
    completed = changes("completed")
    dropped = changes("dropped_out", "health")
    # Completers gain a level on most domains; drop-outs gain less.
    assert 0.5 < mean(completed.values()) < 1
    assert 0 < mean(dropped.values()) < mean(changes("transferred").values())
    assert mean(changes("transferred").values()) < mean(completed.values())
    # Health and well-being is where drop-outs do worst: on average they lose ground.
    assert dropped["wellbeing"] == min(dropped.values()) < 0


def test_people_rate_themselves_a_little_higher_than_their_coach():
    demo.load(today=TODAY)
    pairs = list(
        DomainScore.objects.filter(participant_score__isnull=False).values_list(
            "coach_score", "participant_score"
        )
    )
    assert mean(own for _coach, own in pairs) > mean(score for score, _own in pairs)
    assert {score for pair in pairs for score in pair} <= {1, 2, 3, 4}
    # Not everyone gives their own score.
    assert DomainScore.objects.filter(participant_score__isnull=True).exists()


def test_scores_move_once_rather_than_back_and_forth():
    rng = random.Random(5)
    started_on = TODAY - datetime.timedelta(days=700)
    row = (1, None, started_on, None, "", "", 6, outcomes.default_domains(), "nl")
    evaluations = evaluations_demo._trajectory(rng, TODAY, row)
    assert [e.kind for e, _levels in evaluations][0] == Kind.BASELINE
    assert len(evaluations) > 3
    for domain in outcomes.default_domains():
        series = [coach for _e, levels in evaluations for d, coach, _own in levels if d == domain]
        steps = [b - a for a, b in zip(series, series[1:], strict=False) if b != a]
        assert len(steps) <= 1


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
