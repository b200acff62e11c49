"""Recording and correcting an evaluation: the pages, their rules and who may use them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import DomainScore, Evaluation
from participants.models import Enrolment, Todo
from programme import outcomes
from tests.evaluations.factories import make_evaluation
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
Kind = Evaluation.Kind
TODAY = timezone.localdate()


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Status.ACTIVE, started_on=TODAY - datetime.timedelta(days=60)
    )
    return Enrolment.objects.get(pk=enrolment.pk)


def new_url(enrolment) -> str:
    return reverse("evaluations:evaluation-new", args=[enrolment.pk])


def edit_url(evaluation) -> str:
    return reverse("evaluations:evaluation-edit", args=[evaluation.pk])


def detail_url(evaluation) -> str:
    return reverse("evaluations:evaluation", args=[evaluation.pk])


def scores(**overrides) -> dict:
    data = {
        "kind": "baseline",
        "held_on": TODAY.isoformat(),
        "notes": "Avec une interprète en tigrinya.",
        "coach_oral_language": "2",
        "participant_oral_language": "3",
        "comment_oral_language": "Comprend les consignes simples.",
        "coach_wellbeing": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def nothing_written() -> dict:
    return {
        **row_counts(),
        "Evaluation": Evaluation.objects.count(),
        "DomainScore": DomainScore.objects.count(),
        "open to-dos": Todo.objects.open().count(),
    }


# The form ------------------------------------------------------------------------------------


def test_the_form_shows_each_domain_with_the_definition_of_each_level(active, coach_client):
    response = coach_client.get(new_url(active))

    assert response.status_code == 200
    form = response.context["form"]
    assert [row["domain"].code for row in form.domain_rows()] == [
        "oral_language", "written_language", "social_network", "social_skills", "activation",
        "digital_skills", "autonomy", "self_confidence", "wellbeing",
    ]  # fmt: skip
    assert form.fields["coach_oral_language"].choices == [
        ("", "Not assessed"),
        ("1", "1 · Not yet — Understands and says only a few words."),
        ("2", "2 · With a lot of help — Manages simple, familiar exchanges when the other "
              "person speaks slowly."),
        ("3", "3 · With a little help — Follows and takes part in everyday conversations, "
              "with some effort."),
        ("4", "4 · On my own — Handles everyday situations and appointments without help."),
    ]  # fmt: skip
    assert [label for _v, label in form.fields["participant_wellbeing"].choices] == [
        "Not given", "1 · Not yet", "2 · With a lot of help", "3 · With a little help",
        "4 · On my own",
    ]  # fmt: skip
    html = response.content.decode()
    assert "Rarely leaves home apart from appointments." in html
    assert 'type="radio" name="coach_wellbeing" value="4"' in html
    # Nothing recorded yet: the baseline is suggested, dated today.
    assert form["kind"].value() == "baseline"
    assert form["held_on"].value() == TODAY


def test_only_the_programmes_domains_in_its_order(active, programme, coach_client):
    programme.outcome_domains = ["wellbeing", "oral_language"]
    programme.save(update_fields=["outcome_domains"])
    form = coach_client.get(new_url(active)).context["form"]
    assert [row["domain"].code for row in form.domain_rows()] == ["wellbeing", "oral_language"]
    assert "coach_digital_skills" not in form.fields


def test_the_kind_in_the_link_is_chosen(active, coach_client):
    make_evaluation(enrolment=active, kind=Kind.BASELINE)
    assert coach_client.get(new_url(active)).context["form"]["kind"].value() == "midway"
    response = coach_client.get(new_url(active) + "?kind=exit")
    assert response.context["form"]["kind"].value() == "exit"
    assert "Already recorded: baseline." in response.content.decode()


# Recording -----------------------------------------------------------------------------------


def test_it_records_the_evaluation(active, coach, coach_client):
    todo = Todo.objects.create(enrolment=active, kind="baseline", due_on=TODAY)

    response = coach_client.post(new_url(active), scores())

    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(evaluation)
    assert (evaluation.enrolment, evaluation.kind, evaluation.held_on) == (
        active,
        "baseline",
        TODAY,
    )
    assert evaluation.evaluated_by == coach.user
    assert evaluation.notes == "Avec une interprète en tigrinya."
    recorded = {
        s.domain: (s.coach_score, s.participant_score, s.comment) for s in evaluation.scores.all()
    }
    assert recorded == {
        "oral_language": (2, 3, "Comprend les consignes simples."),
        "wellbeing": (1, None, ""),
    }
    todo.refresh_from_db()
    assert todo.done_on == TODAY
    html = coach_client.get(response.url).content.decode()
    assert "Baseline evaluation recorded." in html


def test_a_manager_may_record_one(active, manager, manager_client):
    assert manager_client.post(new_url(active), scores()).status_code == 302
    assert Evaluation.objects.get().evaluated_by == manager.user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"coach_oral_language": "", "coach_wellbeing": ""},
            None,
            "Score at least one domain. Leave the others as “not assessed”.",
        ),
        (
            {"coach_oral_language": "", "coach_wellbeing": None},
            None,
            "Score at least one domain. Leave the others as “not assessed”.",
        ),
        (
            {"coach_wellbeing": "5"},
            "coach_wellbeing",
            "Select a valid choice. 5 is not one of the available choices.",
        ),
        (
            {"participant_oral_language": "0"},
            "participant_oral_language",
            "Select a valid choice. 0 is not one of the available choices.",
        ),
        ({"held_on": ""}, "held_on", "This field is required."),
        (
            {"held_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "held_on",
            "Record an evaluation once it has taken place.",
        ),
        (
            {"held_on": (TODAY - datetime.timedelta(days=61)).isoformat()},
            "held_on",
            "The trajectory started on {start}: the evaluation cannot be earlier.",
        ),
        (
            {"kind": "final"},
            "kind",
            "Select a valid choice. final is not one of the available choices.",
        ),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(active, coach_client, overrides, field, message):
    Todo.objects.create(enrolment=active, kind="baseline", due_on=TODAY)
    before = nothing_written()
    message = message.format(start=active.started_on.strftime("%d/%m/%Y"))

    response = coach_client.post(new_url(active), scores(**overrides))

    assert response.status_code == 200
    form = response.context["form"]
    errors = form.non_field_errors() if field is None else form.errors[field]
    assert list(errors) == [message]
    html = response.content.decode()
    assert "Nothing was saved." in html
    assert message in html
    assert nothing_written() == before


def test_a_second_baseline_is_refused_with_a_clear_message(active, coach_client):
    make_evaluation(enrolment=active, kind=Kind.BASELINE)
    before = nothing_written()

    response = coach_client.post(new_url(active), scores())

    assert response.status_code == 200
    assert response.context["form"].errors["kind"] == [
        "This enrolment already has a baseline evaluation. Correct that one, or record a "
        "mid-way evaluation."
    ]
    assert nothing_written() == before
    # A mid-way one goes through.
    assert coach_client.post(new_url(active), scores(kind="midway")).status_code == 302


def test_a_closed_enrolment_is_refused(active, coach_client):
    Enrolment.objects.filter(pk=active.pk).update(status=Status.CLOSED)
    before = nothing_written()

    response = coach_client.post(new_url(active), scores(kind="exit"))

    assert response.status_code == 200
    assert list(response.context["form"].non_field_errors()) == [
        "This enrolment is closed: its evaluations can no longer change."
    ]
    assert nothing_written() == before


# Correcting ----------------------------------------------------------------------------------


def test_the_correction_form_starts_from_the_evaluation(active, coach_client):
    evaluation = make_evaluation(
        enrolment=active, kind=Kind.BASELINE, scores={"oral_language": (2, 3), "autonomy": 1},
        notes="Première rencontre.",
    )  # fmt: skip

    response = coach_client.get(edit_url(evaluation))

    assert response.status_code == 200
    form = response.context["form"]
    assert "kind" not in form.fields
    assert form["coach_oral_language"].value() == 2
    assert form["participant_oral_language"].value() == 3
    assert form["coach_autonomy"].value() == 1
    assert form["coach_wellbeing"].value() is None
    assert form["notes"].value() == "Première rencontre."
    assert form["version"].value() == 1
    assert 'name="coach_oral_language" value="2" id="id_coach_oral_language_2" checked' in (
        response.content.decode()
    )


def test_it_corrects_the_evaluation(active, colleague, coach_client):
    evaluation = make_evaluation(enrolment=active, kind=Kind.BASELINE, scores={"autonomy": 1})

    response = coach_client.post(
        edit_url(evaluation), scores(kind=None, version="1", coach_wellbeing="2")
    )

    assert response.status_code == 302
    assert response.url == detail_url(evaluation)
    evaluation.refresh_from_db()
    assert (evaluation.kind, evaluation.version) == (Kind.BASELINE, 2)
    assert {s.domain: s.coach_score for s in evaluation.scores.all()} == {
        "oral_language": 2,
        "wellbeing": 2,
    }
    assert "Evaluation corrected." in coach_client.get(response.url).content.decode()


def test_a_stale_correction_is_refused(active, coach_client):
    evaluation = make_evaluation(enrolment=active, kind=Kind.BASELINE, scores={"autonomy": 1})
    Evaluation.objects.filter(pk=evaluation.pk).update(version=2)
    before = nothing_written()

    response = coach_client.post(edit_url(evaluation), scores(kind=None, version="1"))

    assert response.status_code == 200
    assert list(response.context["form"].non_field_errors()) == [
        "Someone else changed this evaluation while you were editing it. Your changes were "
        "not saved: reload the page to see theirs."
    ]
    assert nothing_written() == before
    assert [(s.domain, s.coach_score) for s in evaluation.scores.all()] == [("autonomy", 1)]


def test_a_correction_without_any_score_writes_nothing(active, coach_client):
    evaluation = make_evaluation(enrolment=active, scores={"autonomy": 1})
    response = coach_client.post(
        edit_url(evaluation),
        scores(kind=None, version="1", coach_oral_language="", coach_wellbeing=""),
    )
    assert response.status_code == 200
    assert "Score at least one domain." in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.version == 1


# Queries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_the_form_runs_the_same_queries_whatever_was_recorded(
    active, coach_client, size, django_assert_num_queries
):
    make_evaluation(enrolment=active, kind=Kind.BASELINE)
    for n in range(size - 1):
        make_evaluation(enrolment=active, held_on=TODAY - datetime.timedelta(days=n))
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the enrolment, within the user's reach, with participant, programme and coach
    # 4. the kinds of evaluation already recorded  5. the programme's modules (to choose one)
    with django_assert_num_queries(5):
        response = coach_client.get(new_url(active))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 9])
def test_the_correction_form_runs_the_same_queries_for_1_or_9_domains(
    active, coach_client, size, django_assert_num_queries
):
    domains = outcomes.default_domains()
    evaluation = make_evaluation(enrolment=active, scores=dict.fromkeys(domains[:size], 2))
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the evaluation, within the user's reach, with its enrolment, participant, programme
    #    and who evaluated
    # 4. its scores
    with django_assert_num_queries(4):
        response = coach_client.get(edit_url(evaluation))
    assert response.status_code == 200


# Access --------------------------------------------------------------------------------------


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(active, colleague_client):
    evaluation = make_evaluation(enrolment=active)
    assert colleague_client.get(new_url(active)).status_code == 404
    assert colleague_client.post(new_url(active), scores()).status_code == 404
    assert colleague_client.get(edit_url(evaluation)).status_code == 404
    assert colleague_client.post(edit_url(evaluation), scores(version="1")).status_code == 404
    assert Evaluation.objects.count() == 1


@pytest.mark.parametrize(
    "persona", ["outsider_client", "outsider_manager_client", "administrator_client"]
)
def test_other_organisations_and_administrators_get_a_404(active, request, persona):
    client = request.getfixturevalue(persona)
    evaluation = make_evaluation(enrolment=active)
    assert client.get(new_url(active)).status_code == 404
    assert client.post(new_url(active), scores()).status_code == 404
    assert client.get(edit_url(evaluation)).status_code == 404
    assert client.post(edit_url(evaluation), scores(version="1")).status_code == 404
    assert Evaluation.objects.count() == 1


def test_a_manager_may_correct_one(active, manager_client):
    evaluation = make_evaluation(enrolment=active)
    assert manager_client.get(edit_url(evaluation)).status_code == 200


def test_an_unknown_enrolment_or_evaluation_is_a_404(coach_client):
    assert coach_client.get(reverse("evaluations:evaluation-new", args=[999999])).status_code == 404
    assert (
        coach_client.get(reverse("evaluations:evaluation-edit", args=[999999])).status_code == 404
    )


def test_it_requires_login(active, client):
    evaluation = make_evaluation(enrolment=active)
    for url in (new_url(active), edit_url(evaluation)):
        response = client.post(url, scores())
        assert response.status_code == 302
        assert response.url == login_url(url)
    assert Evaluation.objects.count() == 1


def test_it_rejects_put(active, coach_client):
    evaluation = make_evaluation(enrolment=active)
    assert coach_client.put(new_url(active)).status_code == 405
    assert coach_client.put(edit_url(evaluation)).status_code == 405
