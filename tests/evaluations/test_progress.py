"""evaluations.selectors.progress_since_baseline: the one definition of progress since the
baseline, read by the trajectory summary and the dashboard. A hand-built file: every figure
below is worked out by hand."""

import datetime

import pytest

from evaluations.selectors import progress_since_baseline
from participants.models import Enrolment
from tests.evaluations.factories import make_evaluation
from tests.factories import make_enrolment, make_participant, make_programme

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def enrolment(organisation, coach):
    programme = make_programme(
        organisation=organisation, outcome_domains=["oral_language", "social_network"]
    )
    person = make_participant(organisation=organisation, coach=coach.user)
    return make_enrolment(participant=person, programme=programme, status="active")


def read(enrolment, **kwargs):
    return progress_since_baseline([enrolment], **kwargs)[enrolment.pk]


def rows(progress) -> dict:
    return {
        row.domain.code: (row.coach.before, row.coach.after, row.participant.before,
                          row.participant.after)
        for row in progress.domains
    }  # fmt: skip


def test_the_baseline_is_the_one_recorded_as_such_not_the_first_by_date(enrolment):
    # A mid-way dated before the baseline (entered late, or a date typed wrong) stays a
    # mid-way: it is compared with the baseline, never taken for it.
    early = make_evaluation(enrolment=enrolment, held_on=D(2025, 1, 10),
                            scores={"oral_language": 1})  # fmt: skip
    baseline = make_evaluation(enrolment=enrolment, kind="baseline", held_on=D(2025, 2, 1),
                               scores={"oral_language": (2, 1)})  # fmt: skip

    progress = read(enrolment)

    assert progress.baseline == baseline
    assert progress.latest == early
    assert rows(progress) == {"oral_language": (2, 1, 1, None)}
    assert progress.domains[0].coach.words == "down 1 level"


def test_the_latest_is_the_exit_once_done_then_the_most_recent_per_domain(enrolment):
    make_evaluation(enrolment=enrolment, kind="baseline", held_on=D(2025, 2, 1),
                    scores={"oral_language": (1, 1), "social_network": (2, 2)})  # fmt: skip
    make_evaluation(enrolment=enrolment, held_on=D(2025, 5, 1),
                    scores={"oral_language": (2, 2), "social_network": (3, 2)})  # fmt: skip
    exit_ = make_evaluation(enrolment=enrolment, kind="exit", held_on=D(2025, 9, 1),
                            scores={"oral_language": (3, None)})  # fmt: skip
    # A mid-way after the exit evaluation does not replace it.
    make_evaluation(enrolment=enrolment, held_on=D(2025, 9, 20), scores={"oral_language": 1})

    progress = read(enrolment)

    assert progress.latest == exit_
    assert rows(progress) == {
        # The exit's coach score; the participant left it blank at the exit: the mid-way's.
        "oral_language": (1, 3, 1, 2),
        # Not scored at the exit: "not assessed" does not erase the mid-way's score.
        "social_network": (2, 3, 2, 2),
    }


def test_a_retired_domain_keeps_its_progress_after_the_programmes_own(enrolment):
    make_evaluation(enrolment=enrolment, kind="baseline", held_on=D(2025, 2, 1),
                    scores={"wellbeing": 1, "oral_language": 2})  # fmt: skip
    make_evaluation(enrolment=enrolment, held_on=D(2025, 6, 1),
                    scores={"wellbeing": 3, "oral_language": 2})  # fmt: skip
    # The programme no longer scores well-being (and never scored the social network here).

    progress = read(enrolment)

    assert [row.domain.code for row in progress.domains] == ["oral_language", "wellbeing"]
    assert rows(progress)["wellbeing"] == (1, 3, None, None)


def test_nothing_held_after_until_is_read(enrolment):
    make_evaluation(enrolment=enrolment, kind="baseline", held_on=D(2025, 2, 1),
                    scores={"oral_language": 1})  # fmt: skip
    june = make_evaluation(enrolment=enrolment, held_on=D(2025, 6, 1),
                           scores={"oral_language": 2})  # fmt: skip
    make_evaluation(enrolment=enrolment, kind="exit", held_on=D(2025, 7, 1),
                    scores={"oral_language": 4, "wellbeing": 2})  # fmt: skip

    progress = read(enrolment, until=D(2025, 6, 30))

    assert progress.latest == june
    assert rows(progress) == {"oral_language": (1, 2, None, None)}
    # The day itself counts.
    assert read(enrolment, until=D(2025, 7, 1)).latest.kind == "exit"
    # Before the baseline: nothing to compare yet.
    assert read(enrolment, until=D(2025, 1, 31)).domains == []


def test_without_a_baseline_the_latest_stands_alone(enrolment):
    make_evaluation(enrolment=enrolment, held_on=D(2025, 6, 1), scores={"oral_language": 2})

    progress = read(enrolment)

    assert progress.baseline is None
    assert rows(progress) == {"oral_language": (None, 2, None, None)}
    assert progress.domains[0].coach.steps is None


def test_an_enrolment_without_evaluations_gets_an_empty_progress(enrolment):
    progress = read(enrolment)
    assert (progress.baseline, progress.latest, progress.domains) == (None, None, [])


def test_one_query_for_one_or_many_enrolments(
    enrolment, organisation, coach, django_assert_num_queries
):
    others = [
        make_enrolment(participant=make_participant(organisation=organisation,
                                                    coach=coach.user),
                       programme=enrolment.programme)
        for _ in range(5)
    ]  # fmt: skip
    for each in [enrolment, *others]:
        make_evaluation(enrolment=each, kind="baseline", held_on=D(2025, 2, 1))
        make_evaluation(enrolment=each, held_on=D(2025, 6, 1))
    # The programmes loaded, as the callers load them.
    enrolments = list(
        Enrolment.objects.filter(pk__in=[e.pk for e in [enrolment, *others]]).select_related(
            "programme"
        )
    )
    # the scores with their evaluations
    with django_assert_num_queries(1):
        result = progress_since_baseline(enrolments)
    assert len(result) == 6
