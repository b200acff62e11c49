"""Evaluations per module (Module.evaluated_at): joining the group of an evaluated module plans
the person's evaluation to-dos at its start, half-way and end; leaving moves the end; an
evaluation of the module closes that module's to-do and nothing else; the form offers the
programme's modules; the enrolment page groups evaluations by module."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casefile.todos import work_url
from evaluations.models import Evaluation
from evaluations.services import ScoreRow, evaluation_record
from participants.models import Enrolment, Todo
from participants.services import module_evaluation_dates
from programme.models import Module
from sessions import services as sessions
from tests.factories import make_module, make_programme, make_todo
from tests.sessions.factories import make_group

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
D = datetime.date
Kind = Evaluation.Kind
At = Module.EvaluatedAt


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.ACTIVE, started_on=TODAY - datetime.timedelta(days=60)
    )
    return Enrolment.objects.get(pk=enrolment.pk)


@pytest.fixture
def via(programme):
    """Interactief!'s VIA: 12 weeks of group work, evaluated at the start, during and at the end."""
    return make_module(
        programme=programme, name="VIA", kind=Module.Kind.PRE_ACTIVATION, length_weeks=12,
        evaluated_at=At.START_MIDDLE_END,
    )  # fmt: skip


def todos(enrolment):
    return [
        (t.kind, t.due_on, t.label)
        for t in Todo.objects.open().filter(enrolment=enrolment, module__isnull=False)
    ]


# When -----------------------------------------------------------------------------------------


def test_start_and_end_from_the_modules_length():
    module = Module(name="START", length_weeks=4, evaluated_at=At.START_END)
    assert [(k, d) for k, d, _label in module_evaluation_dates(module, D(2026, 1, 5), None)] == [
        ("baseline", D(2026, 1, 5)),
        ("exit", D(2026, 2, 2)),
    ]


def test_start_half_way_and_end_until_the_day_they_leave():
    module = Module(name="VIA", evaluated_at=At.START_MIDDLE_END)
    dates = module_evaluation_dates(module, D(2026, 1, 5), D(2026, 3, 30))
    assert [(k, d) for k, d, _label in dates] == [
        ("baseline", D(2026, 1, 5)),
        ("midway", D(2026, 2, 16)),
        ("exit", D(2026, 3, 30)),
    ]
    assert [label for _k, _d, label in dates] == [
        "Evaluation at the start of VIA",
        "Evaluation half-way through VIA",
        "Evaluation at the end of VIA",
    ]


def test_without_an_end_only_the_start_is_planned():
    module = Module(name="M.I.", evaluated_at=At.START_END)
    assert len(module_evaluation_dates(module, D(2026, 1, 5), None)) == 1


def test_a_module_not_evaluated_plans_nothing():
    assert (
        module_evaluation_dates(Module(name="Welcome", length_weeks=1), D(2026, 1, 5), None) == []
    )


# Joining and leaving ------------------------------------------------------------------------


def test_joining_the_modules_group_plans_the_evaluations(active, programme, via, participant):
    group = make_group(programme=programme, module=via)
    sessions.group_add_members(group=group, participants=[participant], joined_on=TODAY)
    end = TODAY + datetime.timedelta(weeks=12)
    assert [(k, d) for k, d, _l in todos(active)] == [
        ("baseline", TODAY),
        ("midway", TODAY + (end - TODAY) / 2),
        ("exit", end),
    ]


def test_rejoining_keeps_the_planned_evaluations(active, programme, via, participant):
    group = make_group(programme=programme, module=via)
    other = make_group(programme=programme, module=via, name="VIA bis")
    sessions.group_add_members(group=group, participants=[participant], joined_on=TODAY)
    sessions.group_add_members(group=other, participants=[participant], joined_on=TODAY)
    assert len(todos(active)) == 3


def test_a_group_without_an_evaluated_module_plans_nothing(active, programme, participant):
    plain = make_module(programme=programme, name="Groupe")
    for module in (None, plain):
        group = make_group(programme=programme, module=module)
        sessions.group_add_members(group=group, participants=[participant], joined_on=TODAY)
    assert todos(active) == []


def test_leaving_early_moves_the_end_and_drops_a_later_half_way(
    active, programme, via, participant
):
    group = make_group(programme=programme, module=via)
    joined = TODAY - datetime.timedelta(days=10)
    sessions.group_add_members(group=group, participants=[participant], joined_on=joined)
    sessions.group_remove_member(group=group, participant=participant, left_on=TODAY)
    assert [(k, d) for k, d, _l in todos(active)] == [("baseline", joined), ("exit", TODAY)]


# Recording ------------------------------------------------------------------------------------


def record(enrolment, module=None, kind=Kind.MIDWAY):
    return evaluation_record(
        enrolment=enrolment,
        kind=kind,
        held_on=TODAY,
        scores=[ScoreRow(domain="wellbeing", coach_score=2)],
        by=enrolment.coach,
        module=module,
    )


def test_an_evaluation_of_the_module_closes_its_to_do_only(active, programme, via, participant):
    own = make_todo(active, 0, kind="midway")
    group = make_group(programme=programme, module=via)
    sessions.group_add_members(group=group, participants=[participant], joined_on=TODAY)
    evaluation = record(active, module=via)
    assert evaluation.module == via
    start = Todo.objects.get(module=via, kind="baseline")
    assert start.done_on == TODAY
    own.refresh_from_db()
    assert own.done_on is None
    # The trajectory's own mid-way evaluation closes the trajectory's to-do, not the module's.
    record(active)
    own.refresh_from_db()
    assert own.done_on == TODAY
    assert Todo.objects.open().filter(module=via).count() == 2


def test_a_module_evaluation_is_a_mid_way_one(active, via):
    with pytest.raises(ValidationError, match="recorded as a mid-way evaluation"):
        record(active, module=via, kind=Kind.BASELINE)
    assert not Evaluation.objects.exists()


def test_a_module_of_another_programme_is_refused(active):
    elsewhere = make_module(programme=make_programme(), name="Ailleurs")
    with pytest.raises(ValidationError, match="another programme"):
        record(active, module=elsewhere)
    assert not Evaluation.objects.exists()


def test_the_to_do_leads_to_the_form_with_its_module(active, via):
    todo = Todo.objects.create(
        enrolment=active, module=via, kind="baseline", label="Start of VIA", due_on=TODAY
    )
    url = work_url(todo)
    assert url.endswith(f"?kind=midway&module={via.pk}")


# The pages ------------------------------------------------------------------------------------


def test_the_form_offers_the_programmes_modules(active, via, coach_client):
    url = reverse("evaluations:evaluation-new", args=[active.pk])
    form = coach_client.get(f"{url}?kind=midway&module={via.pk}").context["form"]
    assert list(form.fields["module"].queryset) == [via]
    assert form.initial["module"] == via.pk
    response = coach_client.post(
        url, {"kind": "midway", "held_on": TODAY.isoformat(), "module": via.pk,
              "coach_wellbeing": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Evaluation.objects.get().module == via


def test_the_form_refuses_another_programmes_module(active, coach_client):
    elsewhere = make_module(programme=make_programme(), name="Ailleurs")
    url = reverse("evaluations:evaluation-new", args=[active.pk])
    response = coach_client.post(
        url, {"kind": "midway", "held_on": TODAY.isoformat(), "module": elsewhere.pk}
    )
    assert response.status_code == 200
    assert "module" in response.context["form"].errors
    assert not Evaluation.objects.exists()


def test_the_enrolment_page_groups_evaluations_by_module(active, via, coach_client):
    record(active)
    record(active, module=via)
    page = coach_client.get(active.get_absolute_url())
    panel = next(p.context for p in page.context["panels"] if "by_module" in p.context)
    assert [(module, len(rows)) for module, rows in panel["by_module"]] == [(None, 1), (via, 1)]
    assert 'id="evaluations-by-module"' in page.content.decode()
