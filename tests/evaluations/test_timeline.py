"""Evaluations and language assessments on the participant file's timeline
(evaluations/timeline.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import Evaluation
from evaluations.timeline import assessment_entries, evaluation_entries
from participants.models import Enrolment
from tests.evaluations.factories import make_assessment, make_evaluation
from tests.factories import make_enrolment, make_participant

pytestmark = pytest.mark.django_db
Kind = Evaluation.Kind
TODAY = timezone.localdate()


def test_each_evaluation_is_an_entry_with_its_change_since_the_baseline(enrolment, coach):
    baseline = make_evaluation(
        enrolment=enrolment, kind=Kind.BASELINE, held_on=datetime.date(2025, 1, 6),
        scores={"oral_language": 1, "autonomy": 2, "wellbeing": 3, "activation": (None, 2)},
    )  # fmt: skip
    midway = make_evaluation(
        enrolment=enrolment, kind=Kind.MIDWAY, held_on=datetime.date(2025, 4, 7),
        scores={"oral_language": 2, "autonomy": 2, "wellbeing": 2, "social_network": 3},
    )  # fmt: skip

    entries = {entry.url: entry for entry in evaluation_entries(enrolment.participant)}

    first = entries[reverse("evaluations:evaluation", args=[baseline.pk])]
    assert first.when == datetime.date(2025, 1, 6)
    assert first.kind == "evaluation-baseline"
    assert first.title == "Baseline evaluation — Vivre ensemble"
    assert first.detail == "3 domains scored"
    assert first.by == "Amina Benali"
    later = entries[reverse("evaluations:evaluation", args=[midway.pk])]
    assert later.title == "Mid-way evaluation — Vivre ensemble"
    assert later.detail == "4 domains scored · since the baseline: 1 up, 1 down, 1 the same"


def test_without_a_baseline_there_is_no_comparison(enrolment):
    make_evaluation(enrolment=enrolment, kind=Kind.EXIT, scores={"wellbeing": 4})
    [entry] = evaluation_entries(enrolment.participant)
    assert entry.title == "Exit evaluation — Vivre ensemble"
    assert entry.detail == "1 domain scored"


def test_each_enrolment_is_compared_with_its_own_baseline(enrolment, participant):
    make_evaluation(enrolment=enrolment, kind=Kind.BASELINE, scores={"wellbeing": 1})
    other = make_enrolment(participant=participant)
    make_evaluation(enrolment=other, kind=Kind.MIDWAY, scores={"wellbeing": 4})
    details = sorted(entry.detail for entry in evaluation_entries(participant))
    assert details == ["1 domain scored", "1 domain scored"]


def test_only_the_persons_own_evaluations(enrolment, coach):
    someone = make_enrolment(participant=make_participant(coach=coach.user))
    make_evaluation(enrolment=someone)
    assert evaluation_entries(enrolment.participant) == []


def test_they_take_their_place_on_the_file(enrolment, coach_client):
    Enrolment.objects.filter(pk=enrolment.pk).update(status="active", started_on=TODAY)
    evaluation = make_evaluation(enrolment=enrolment, kind=Kind.BASELINE, held_on=TODAY)
    response = coach_client.get(enrolment.participant.get_absolute_url())
    titles = [entry.title for entry in response.context["timeline"]]
    assert "Baseline evaluation — Vivre ensemble" in titles
    url = reverse("evaluations:evaluation", args=[evaluation.pk])
    assert f'<a href="{url}">Baseline evaluation — Vivre ensemble' in response.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_one_query_for_1_or_20_evaluations(enrolment, size, django_assert_num_queries):
    scores = {"oral_language": 2, "written_language": 3, "social_network": 1}
    make_evaluation(enrolment=enrolment, kind=Kind.BASELINE, scores=scores)
    for n in range(size - 1):
        make_evaluation(
            enrolment=enrolment, held_on=TODAY - datetime.timedelta(days=n), scores=scores
        )
    # 1. the evaluations with their programme, who evaluated and their coach's scores (one
    #    row per score)
    with django_assert_num_queries(1):
        entries = evaluation_entries(enrolment.participant)
    assert len(entries) == size
    assert all(entry.detail.startswith("3 domains scored") for entry in entries)


# Language assessments -----------------------------------------------------------------------------


def test_each_assessment_is_an_entry(participant, coach):
    make_assessment(
        participant=participant,
        assessed_on=datetime.date(2025, 3, 3),
        oral="a2",
        reading="a1",
        writing="a1",
        local_level="1.2",
    )

    [entry] = assessment_entries(participant)

    assert entry.when == datetime.date(2025, 3, 3)
    assert entry.kind == "language-assessment"
    assert entry.title == "Language assessment: A2 oral · A1 reading · A1 writing"
    assert entry.detail == "Local scale: 1.2"
    assert entry.by == "Amina Benali"
    assert entry.url == reverse("evaluations:language", args=[participant.pk])


def test_an_assessment_without_local_level_or_assessor(participant):
    make_assessment(participant=participant, assessed_by=None)
    [entry] = assessment_entries(participant)
    assert (entry.detail, entry.by) == ("", "")


def test_only_the_persons_own_assessments(participant, coach):
    make_assessment(participant=make_participant(coach=coach.user))
    assert assessment_entries(participant) == []


def test_assessments_take_their_place_on_the_file(participant, enrolment, coach_client):
    now = timezone.now()
    enrolment.changes.create(to_status="referred", changed_at=now - datetime.timedelta(days=10))
    make_assessment(
        participant=participant,
        assessed_on=timezone.localdate() - datetime.timedelta(days=5),
        oral="a1",
    )
    make_assessment(participant=participant, assessed_on=timezone.localdate(), oral="a2")

    response = coach_client.get(participant.get_absolute_url())

    titles = [entry.title for entry in response.context["timeline"]]
    assert titles == [
        "Language assessment: A2 oral · A1 reading · A1 writing",
        "Language assessment: A1 oral · A1 reading · A1 writing",
        "Vivre ensemble: Referred",
    ]
    url = reverse("evaluations:language", args=[participant.pk])
    assert f'<a href="{url}">Language assessment: A2 oral' in response.content.decode()


@pytest.mark.parametrize("size", [1, 20])
def test_the_file_runs_the_same_queries_for_1_or_20_assessments(
    participant, coach_client, size, django_assert_num_queries
):
    for n in range(size):
        make_assessment(
            participant=participant, assessed_on=timezone.localdate() - datetime.timedelta(days=n)
        )
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the participant with their referent coach, within the user's reach, once per language
    # 4. the audit event recording the view
    # 5. the enrolments with programme, coach and next open to-do, once per status change with
    #    who made it, per intake interview with who held it, per current co-coach with their
    #    user and per module of the plan not ended (the list of programmes, the status changes
    #    and interviews on the timeline, "Now"'s programmes, modules and next to-do)
    # 6. the consents with partner and recorder (the panel, and the timeline)
    # 7. the goals with their enrolment, once per step done (the timeline, "Now"'s open goals)
    # 8. the referrals  9. the placements with their host (the timeline, "Now"'s placements)
    # 10. the language assessments  11. the evaluations, once per domain the coach scored
    # 12. the enrolments with their exit review, once per follow-up call (the timeline's
    #     calls that ended, "Now"'s next call)
    # 13. the attendance rows with session, kind, group and room, past and to come (the
    #     timeline, "Now"'s next sessions)
    # 14. the text messages about sessions, with their session (the timeline)
    # 15. the current group memberships with their group ("Now")
    with django_assert_num_queries(15):
        response = coach_client.get(participant.get_absolute_url())
    assert len(response.context["timeline"]) == size
