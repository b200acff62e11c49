"""evaluations.selectors: the rules the evaluation pages read, tested without a page."""

import datetime

import pytest

from evaluations.models import Evaluation
from evaluations.selectors import (
    ScoreChange,
    assessment_changes,
    comparison,
    domains_of,
    goal_text,
    next_kind,
)
from participants.models import Enrolment
from programme import outcomes
from tests.evaluations.factories import make_assessment, make_evaluation, make_goal
from tests.factories import make_programme

pytestmark = pytest.mark.django_db
Kind = Evaluation.Kind
Status = Enrolment.Status
D = datetime.date


def enrolment_in(status) -> Enrolment:
    """An unsaved enrolment, six months planned from 6 January 2025: next_kind reads only its
    status, start and programme."""
    return Enrolment(
        status=status,
        started_on=D(2025, 1, 6),
        programme=make_programme(planned_length_months=6),
    )


@pytest.mark.parametrize(
    ("status", "kinds", "today", "expected"),
    [
        (Status.ACTIVE, set(), D(2025, 2, 1), Kind.BASELINE),
        (Status.PAUSED, set(), D(2025, 2, 1), Kind.BASELINE),
        (Status.ACTIVE, {Kind.BASELINE}, D(2025, 3, 1), Kind.MIDWAY),
        # The planned end is 6 July: the exit is due from four weeks before.
        (Status.ACTIVE, {Kind.BASELINE}, D(2025, 6, 7), Kind.MIDWAY),
        (Status.ACTIVE, {Kind.BASELINE}, D(2025, 6, 8), Kind.EXIT),
        # Left: the exit evaluation, baseline or not; once done, nothing more.
        (Status.EXITED, set(), D(2025, 3, 1), Kind.EXIT),
        (Status.EXITED, {Kind.EXIT}, D(2025, 3, 1), None),
        (Status.ACTIVE, {Kind.BASELINE, Kind.EXIT}, D(2025, 3, 1), None),
        # Not in the programme: nothing to evaluate.
        (Status.INTAKE, set(), D(2025, 3, 1), None),
        (Status.CLOSED, {Kind.BASELINE}, D(2025, 3, 1), None),
    ],
)
def test_next_kind(status, kinds, today, expected):
    assert next_kind(enrolment_in(status), kinds, today) == expected


@pytest.mark.parametrize(
    ("before", "after", "steps", "words", "icon", "direction"),
    [
        (1, 3, 2, "up 2 levels", "trending-up", "up"),
        (3, 2, -1, "down 1 level", "trending-down", "down"),
        (2, 2, 0, "same level", "minus", "same"),
        (None, 2, None, "", "", ""),
        (2, None, None, "", "", ""),
    ],
)
def test_score_change_says_the_change_in_words_and_with_an_icon(
    before, after, steps, words, icon, direction
):
    change = ScoreChange(before, after)
    assert (change.steps, change.words, change.icon, change.direction) == (
        steps,
        words,
        icon,
        direction,
    )


def test_domains_of_keeps_the_programmes_order_then_retired_ones():
    programme = make_programme(outcome_domains=["wellbeing", "oral_language"])
    codes = [
        d.code for d in domains_of(programme, {"autonomy": 1, "oral_language": 2}, {"gone": 3})
    ]
    # An unknown code (a domain removed from the catalogue) is left out.
    assert codes == ["wellbeing", "oral_language", "autonomy"]


def test_comparison_sets_each_domain_beside_the_baseline(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.ACTIVE, started_on=D(2025, 1, 6))
    enrolment.refresh_from_db()
    make_evaluation(enrolment=enrolment, kind=Kind.BASELINE, held_on=D(2025, 2, 1),
                    scores={"oral_language": (1, 2), "wellbeing": 3})  # fmt: skip
    goal = make_goal(enrolment=enrolment, domain="oral_language")
    later = make_evaluation(enrolment=enrolment, held_on=D(2025, 5, 1),
                            scores={"oral_language": (2, 2)})  # fmt: skip

    rows = {row["domain"].code: row for row in comparison(later)}

    oral = rows["oral_language"]
    assert oral["baseline_coach"] == f"1 · {outcomes.LEVEL_NAMES[1]}"
    assert oral["coach"] == f"2 · {outcomes.LEVEL_NAMES[2]}"
    assert oral["coach_change"] == ScoreChange(1, 2)
    assert oral["participant_change"].words == "same level"
    assert oral["goal"] == goal
    # A 2 is low: the coach is offered to turn it into a goal.
    assert oral["low"] and oral["can_add_goal"]
    # Scored at the baseline only: shown, no change to tell.
    assert rows["wellbeing"]["coach"] == ""
    assert rows["wellbeing"]["coach_change"].steps is None


def test_a_baseline_is_compared_with_nothing(enrolment):
    baseline = make_evaluation(enrolment=enrolment, kind=Kind.BASELINE,
                               scores={"oral_language": 3})  # fmt: skip
    [row] = [r for r in comparison(baseline) if r["score"]]
    assert row["baseline_coach"] == ""
    assert row["coach_change"].steps is None


def test_goal_text_is_the_next_level_above_the_lowest_low_score(enrolment):
    evaluation = make_evaluation(enrolment=enrolment, scores={"oral_language": (2, 1)})
    score = evaluation.scores.get()
    assert goal_text(score) == str(outcomes.BY_CODE["oral_language"].definition(2))
    score.coach_score, score.participant_score = 3, 4
    assert goal_text(score) == ""


def test_assessment_changes_per_skill(participant):
    first = make_assessment(participant=participant, oral="a1", reading="pre_a1", writing="a2")
    later = make_assessment(participant=participant, oral="a2", reading="pre_a1", writing="a1")
    changes = assessment_changes(first, later)
    assert [change.steps for change in changes] == [1, 0, -1]
    assert "pre-A1" in str(changes[1])
