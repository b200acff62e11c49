"""Demo evaluations, exit reviews and follow-up calls: the shape the programmes report, the
same every time."""

import datetime
import random
from collections import defaultdict
from statistics import mean

import pytest
from django.utils import timezone

from demo import evaluations as evaluations_demo
from demo import load as demo
from evaluations.models import CallAttempt, DomainScore, Evaluation, ExitReview, FollowUpCall
from participants.models import Enrolment
from programme import outcomes
from tests.evaluations.factories import make_exited
from tests.factories import make_enrolment, make_participant, make_staff

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
        row = (pk, None, started_on, exited_on, reason, drop_out, 6, domains, "fr", "move-up")
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
    row = (1, None, started_on, None, "", "", 6, outcomes.default_domains(), "nl", "amie")
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


# Exit reviews and follow-up calls ------------------------------------------------------------


def test_the_demo_reviews_every_exit_and_plans_its_calls(coach, programme):
    today = timezone.localdate()
    for n in range(40):
        person = make_participant(coach=coach.user, phone="+32 470 00 00 00")
        make_exited(
            enrolment=make_enrolment(participant=person, programme=programme),
            exited_on=today - datetime.timedelta(days=10 + 9 * n),
        )
    make_enrolment(participant=make_participant(coach=coach.user), programme=programme)

    counts = evaluations_demo.load_exits(random.Random(3), today)

    assert counts == {"exit reviews": 40, "follow-up calls": 120}
    assert ExitReview.objects.count() == 40
    calls = FollowUpCall.objects.all()
    due = [c for c in calls if c.due_on <= today]
    reached = [c for c in due if c.status == FollowUpCall.Status.REACHED]
    assert 0.45 < len(reached) / len(due) < 0.9
    assert all(c.status == FollowUpCall.Status.PLANNED for c in calls if c.due_on > today)
    for c in calls.filter(status=FollowUpCall.Status.UNREACHABLE):
        assert c.attempts.count() == 3
    for c in calls.filter(status=FollowUpCall.Status.REACHED):
        assert c.attempts.last().outcome == "reached"
        assert c.situation and c.needs_help is not None and c.helped_integration
    for c in calls.filter(status=FollowUpCall.Status.PLANNED):
        assert c.attempts.count() < 3


def test_the_demo_leaves_calls_due_today_and_overdue_for_the_demo_coach(organisation, programme):
    demo_coach = make_staff(organisation=organisation, username="coach")
    today = timezone.localdate()
    for n in range(6):
        person = make_participant(coach=demo_coach.user)
        make_exited(
            enrolment=make_enrolment(participant=person, programme=programme),
            exited_on=today - datetime.timedelta(days=200 + 30 * n),
        )

    evaluations_demo.load_exits(random.Random(1), today)

    pending = FollowUpCall.objects.filter(status=FollowUpCall.Status.PLANNED, due_on__lte=today)
    assert pending.filter(due_on=today).count() >= 2
    assert pending.filter(due_on__lt=today).count() >= 3


def test_the_demo_is_deterministic(coach, programme):
    today = timezone.localdate()
    for n in range(10):
        make_exited(
            enrolment=make_enrolment(
                participant=make_participant(coach=coach.user), programme=programme
            ),
            exited_on=today - datetime.timedelta(days=20 * n + 5),
        )

    def run():
        evaluations_demo.load_exits(random.Random(7), today)
        rows = list(FollowUpCall.objects.order_by("pk").values_list("status", "situation"))
        CallAttempt.objects.all().delete()
        FollowUpCall.objects.all().delete()
        ExitReview.objects.all().delete()
        return rows

    assert run() == run()
