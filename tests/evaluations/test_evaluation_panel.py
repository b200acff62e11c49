"""The "Evaluations" section of the enrolment page."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluations.models import Evaluation
from evaluations.views import evaluations_panel
from participants.models import Enrolment
from tests.evaluations.factories import make_evaluation

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
Kind = Evaluation.Kind
TODAY = timezone.localdate()


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Status.ACTIVE, started_on=TODAY - datetime.timedelta(days=120)
    )
    return page_enrolment(enrolment)


def page_enrolment(enrolment) -> Enrolment:
    """The enrolment as the enrolment page reads it."""
    return Enrolment.objects.select_related("participant", "programme", "coach").get(
        pk=enrolment.pk
    )


def panel(enrolment) -> dict | None:
    return evaluations_panel(RequestFactory().get("/"), enrolment)


def test_nothing_is_shown_before_the_trajectory_starts(enrolment, coach_client):
    assert panel(page_enrolment(enrolment)) is None
    html = coach_client.get(enrolment.get_absolute_url()).content.decode()
    assert 'id="evaluations"' not in html


def test_without_evaluations_it_offers_the_baseline(active, coach_client):
    context = panel(active)
    assert context["evaluations"] == []
    assert context["next_kind"] == Kind.BASELINE
    html = coach_client.get(active.get_absolute_url()).content.decode()
    assert "No evaluation recorded yet." in html
    assert f'href="/enrolments/{active.pk}/evaluations/new/?kind=baseline"' in html
    assert "Record the baseline evaluation" in html


def test_it_lists_the_domains_across_evaluations(active, coach_client):
    exit_ = make_evaluation(
        enrolment=active, kind=Kind.EXIT, held_on=TODAY, scores={"oral_language": (3, 4)}
    )
    second = make_evaluation(
        enrolment=active, held_on=TODAY - datetime.timedelta(days=10),
        scores={"oral_language": 2, "wellbeing": (2, 3)},
    )  # fmt: skip
    first = make_evaluation(
        enrolment=active, held_on=TODAY - datetime.timedelta(days=40), scores={"wellbeing": 1}
    )
    # Recorded late, but the baseline comes first all the same.
    baseline = make_evaluation(
        enrolment=active, kind=Kind.BASELINE, held_on=TODAY - datetime.timedelta(days=2),
        scores={"oral_language": (1, 2), "wellbeing": 1},
    )  # fmt: skip

    context = panel(active)

    assert context["evaluations"] == [baseline, first, second, exit_]
    rows = {row["domain"].code: row["cells"] for row in context["rows"]}
    assert [(c["coach"], c["participant"]) for c in rows["oral_language"]] == [
        (1, 2),
        (None, None),
        (2, None),
        (3, 4),
    ]
    assert [c["coach"] for c in rows["wellbeing"]] == [1, 1, 2, None]
    assert [c["coach"] for c in rows["autonomy"]] == [None] * 4
    # The exit evaluation is done: nothing left to record.
    assert context["next_kind"] is None
    html = coach_client.get(active.get_absolute_url()).content.decode()
    assert 'id="evaluations"' in html
    for evaluation in (baseline, first, second, exit_):
        assert f'href="/evaluations/{evaluation.pk}/"' in html
    assert "evaluations/new/" not in html


def test_after_the_baseline_a_mid_way_one_is_suggested(active):
    make_evaluation(enrolment=active, kind=Kind.BASELINE)
    make_evaluation(enrolment=active, kind=Kind.MIDWAY)
    assert panel(active)["next_kind"] == Kind.MIDWAY


def test_near_the_planned_end_the_exit_evaluation_is_suggested(active):
    # Six months planned; started five months and a half ago.
    Enrolment.objects.filter(pk=active.pk).update(started_on=TODAY - datetime.timedelta(days=170))
    enrolment = page_enrolment(active)
    make_evaluation(enrolment=enrolment, kind=Kind.BASELINE)
    assert panel(enrolment)["next_kind"] == Kind.EXIT


def test_after_the_exit_only_the_exit_evaluation_is_suggested(active):
    Enrolment.objects.filter(pk=active.pk).update(status=Status.EXITED, exited_on=TODAY)
    assert panel(page_enrolment(active))["next_kind"] == Kind.EXIT


def test_a_closed_file_shows_its_evaluations_without_a_link(active, coach_client):
    make_evaluation(enrolment=active, kind=Kind.BASELINE)
    Enrolment.objects.filter(pk=active.pk).update(status=Status.CLOSED, exited_on=TODAY)
    context = panel(page_enrolment(active))
    assert len(context["evaluations"]) == 1
    assert context["next_kind"] is None
    assert "evaluations/new/" not in coach_client.get(active.get_absolute_url()).content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_the_panel_runs_two_queries_whatever_the_number_of_evaluations(
    active, size, django_assert_num_queries
):
    make_evaluation(enrolment=active, kind=Kind.BASELINE, scores={"oral_language": 1})
    for n in range(size - 1):
        make_evaluation(
            enrolment=active,
            held_on=TODAY - datetime.timedelta(days=n),
            scores={"oral_language": 2, "wellbeing": 3},
        )
    # 1. the enrolment's evaluations with who evaluated  2. their scores
    with django_assert_num_queries(2):
        context = panel(active)
    assert len(context["evaluations"]) == size


def test_the_enrolment_page_runs_the_same_queries_for_1_or_6_evaluations(active, coach_client):
    counts = []
    for size in (1, 6):
        Evaluation.objects.all().delete()
        make_evaluation(enrolment=active, kind=Kind.BASELINE)
        for n in range(size - 1):
            make_evaluation(enrolment=active, held_on=TODAY - datetime.timedelta(days=n))
        with CaptureQueriesContext(connection) as queries:
            response = coach_client.get(active.get_absolute_url())
        assert response.status_code == 200
        counts.append(len(queries))
    # The other sections of the page are not this test's business; ours adds the same two
    # queries whatever the number of evaluations.
    assert counts[0] == counts[1]
