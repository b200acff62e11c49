"""The rules of evaluations and language assessments, tested on the services every page and the
portal go through (evaluations/services.py)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluations.models import DomainScore, Evaluation, LanguageAssessment
from evaluations.services import (
    ScoreRow,
    evaluation_record,
    evaluation_update,
    goal_from_score_create,
    language_assessment_record,
    participant_scores_record,
)
from participants.models import Enrolment, Todo
from participants.services import StaleEdit
from tests.evaluations.factories import make_goal
from tests.factories import make_enrolment
from trajectory.models import Goal

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
Kind = Evaluation.Kind
TODAY = timezone.localdate()


@pytest.fixture
def active(enrolment):
    enrolment.status = Status.ACTIVE
    enrolment.started_on = TODAY - datetime.timedelta(days=120)
    enrolment.save(update_fields=["status", "started_on"])
    return enrolment


def record(enrolment, coach, **overrides):
    data = {
        "kind": Kind.BASELINE,
        "held_on": TODAY,
        "scores": [
            ScoreRow("oral_language", 2, 3, "Comprend les consignes simples."),
            ScoreRow("wellbeing", 1),
        ],
        "notes": "Avec interprète.",
    }
    data.update(overrides)
    return evaluation_record(enrolment=enrolment, by=coach.user, **data)


def messages_of(error: ValidationError) -> list[str]:
    return error.value.messages


# Recording -----------------------------------------------------------------------------------


def test_it_records_the_evaluation_and_its_scores(active, coach):
    evaluation = record(active, coach)

    assert (evaluation.kind, evaluation.held_on, evaluation.notes) == (
        Kind.BASELINE,
        TODAY,
        "Avec interprète.",
    )
    assert evaluation.evaluated_by == coach.user
    scores = {s.domain: s for s in evaluation.scores.all()}
    assert set(scores) == {"oral_language", "wellbeing"}
    assert (scores["oral_language"].coach_score, scores["oral_language"].participant_score) == (
        2,
        3,
    )
    assert scores["oral_language"].comment == "Comprend les consignes simples."
    # Given during the meeting, not by the participant on their phone.
    assert scores["oral_language"].participant_scored_at is None
    assert (scores["wellbeing"].coach_score, scores["wellbeing"].participant_score) == (1, None)


def test_a_domain_left_blank_is_not_assessed_but_a_participant_score_alone_is_kept(active, coach):
    evaluation = record(
        active,
        coach,
        scores=[
            ScoreRow("oral_language", 3),
            ScoreRow("social_network"),
            ScoreRow("autonomy", None, 2),
            ScoreRow("digital_skills", None, None, "Pas de téléphone cette semaine."),
        ],
    )
    scores = {s.domain: (s.coach_score, s.participant_score) for s in evaluation.scores.all()}
    assert scores == {
        "oral_language": (3, None),
        "autonomy": (None, 2),
        "digital_skills": (None, None),
    }


def test_it_closes_the_planned_to_do_of_its_kind(active, coach):
    baseline = Todo.objects.create(enrolment=active, kind="baseline", due_on=TODAY)
    first = Todo.objects.create(enrolment=active, kind="midway", due_on=TODAY)
    second = Todo.objects.create(
        enrolment=active, kind="midway", due_on=TODAY + datetime.timedelta(weeks=13)
    )
    held_on = TODAY - datetime.timedelta(days=2)

    record(active, coach, kind=Kind.MIDWAY, held_on=held_on)

    for todo in (baseline, first, second):
        todo.refresh_from_db()
    assert (first.done_on, first.done_by) == (held_on, coach.user)
    assert baseline.done_on is None
    assert second.done_on is None


def test_without_a_planned_to_do_it_records_all_the_same(active, coach):
    record(active, coach, kind=Kind.EXIT)
    assert Evaluation.objects.get().kind == Kind.EXIT


def test_one_baseline_per_enrolment(active, coach):
    record(active, coach)
    with pytest.raises(ValidationError) as error:
        record(active, coach)
    assert messages_of(error) == [
        "This enrolment already has a baseline evaluation. Correct that one, or record a "
        "mid-way evaluation."
    ]
    assert Evaluation.objects.count() == 1


def test_one_exit_evaluation_per_enrolment(active, coach):
    record(active, coach, kind=Kind.EXIT)
    with pytest.raises(ValidationError) as error:
        record(active, coach, kind=Kind.EXIT)
    assert messages_of(error) == [
        "This enrolment already has an exit evaluation. Correct that one instead."
    ]


def test_mid_way_evaluations_repeat(active, coach):
    record(active, coach, kind=Kind.MIDWAY, held_on=TODAY - datetime.timedelta(days=30))
    record(active, coach, kind=Kind.MIDWAY)
    assert Evaluation.objects.filter(kind=Kind.MIDWAY).count() == 2


def test_another_enrolment_has_its_own_baseline(active, coach, participant):
    record(active, coach)
    other = make_enrolment(
        participant=participant, status=Status.ACTIVE, started_on=TODAY - datetime.timedelta(days=9)
    )
    record(other, coach)
    assert Evaluation.objects.filter(kind=Kind.BASELINE).count() == 2


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ([], "Score at least one domain. Leave the others as “not assessed”."),
        (
            [ScoreRow("oral_language", None, 3), ScoreRow("wellbeing")],
            "Score at least one domain. Leave the others as “not assessed”.",
        ),
        (
            [ScoreRow("oral_language", 5)],
            "“Speaking and understanding the national language”: scores go from 1 to 4 (5 given).",
        ),
        (
            [ScoreRow("oral_language", 0)],
            "“Speaking and understanding the national language”: scores go from 1 to 4 (0 given).",
        ),
        (
            [ScoreRow("wellbeing", 2, 7)],
            "“Health and well-being”: scores go from 1 to 4 (7 given).",
        ),
        (
            [ScoreRow("digital_skills", 2)],
            "“Digital skills (smartphone, computer, e-mail, internet)” is not evaluated in "
            "this programme.",
        ),
        ([ScoreRow("astrology", 2)], "“astrology” is not evaluated in this programme."),
        (
            [ScoreRow("wellbeing", 2), ScoreRow("wellbeing", 3)],
            "“Health and well-being” is scored twice.",
        ),
    ],
)
def test_scores_are_checked(active, programme, coach, scores, message):
    programme.outcome_domains = ["oral_language", "wellbeing"]
    programme.save(update_fields=["outcome_domains"])
    with pytest.raises(ValidationError) as error:
        record(active, coach, scores=scores)
    assert messages_of(error) == [message]
    assert not Evaluation.objects.exists()
    assert not DomainScore.objects.exists()


@pytest.mark.parametrize(
    ("held_on", "message"),
    [
        (TODAY + datetime.timedelta(days=1), "Record an evaluation once it has taken place."),
        (
            TODAY - datetime.timedelta(days=121),
            "The trajectory started on {start}: the evaluation cannot be earlier.",
        ),
    ],
)
def test_the_date_is_checked(active, coach, held_on, message):
    with pytest.raises(ValidationError) as error:
        record(active, coach, held_on=held_on)
    start = active.started_on.strftime("%d/%m/%Y")
    assert error.value.message_dict == {"held_on": [message.format(start=start)]}
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize(
    ("status", "kind", "message"),
    [
        (
            Status.CLOSED,
            Kind.EXIT,
            "This enrolment is closed: its evaluations can no longer change.",
        ),
        (
            Status.NOT_ADMITTED,
            Kind.BASELINE,
            "This enrolment is closed: its evaluations can no longer change.",
        ),
        (
            Status.EXITED,
            Kind.MIDWAY,
            "This person has left the programme: only the exit evaluation can still be recorded.",
        ),
        (
            Status.INTAKE,
            Kind.BASELINE,
            "Evaluations start once the person is admitted to the programme.",
        ),
        (
            Status.WAITING_LIST,
            Kind.BASELINE,
            "Evaluations start once the person is admitted to the programme.",
        ),
    ],
)
def test_only_a_running_trajectory_is_evaluated(active, coach, status, kind, message):
    Enrolment.objects.filter(pk=active.pk).update(status=status)
    active.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        record(active, coach, kind=kind)
    assert messages_of(error) == [message]
    assert not Evaluation.objects.exists()


def test_a_paused_trajectory_is_evaluated(active, coach):
    Enrolment.objects.filter(pk=active.pk).update(status=Status.PAUSED)
    active.refresh_from_db()
    assert record(active, coach, kind=Kind.MIDWAY).pk


def test_the_exit_evaluation_may_come_before_or_just_after_the_exit(active, coach):
    assert record(active, coach, kind=Kind.EXIT).pk  # before the exit
    Evaluation.objects.all().delete()
    Enrolment.objects.filter(pk=active.pk).update(status=Status.EXITED, exited_on=TODAY)
    active.refresh_from_db()
    assert record(active, coach, kind=Kind.EXIT).pk


def test_an_unknown_kind_is_refused(active, coach):
    with pytest.raises(ValidationError) as error:
        record(active, coach, kind="final")
    assert error.value.message_dict == {"kind": ["Choose baseline, mid-way or exit."]}


# Correcting ----------------------------------------------------------------------------------


def test_a_correction_replaces_date_scores_and_notes(active, coach, colleague):
    evaluation = record(active, coach)

    evaluation_update(
        evaluation=evaluation,
        held_on=TODAY - datetime.timedelta(days=3),
        scores=[ScoreRow("oral_language", 3, 3), ScoreRow("autonomy", 2)],
        notes="Corrigé après relecture.",
        version=1,
        by=colleague.user,
    )

    evaluation.refresh_from_db()
    assert evaluation.version == 2
    assert evaluation.held_on == TODAY - datetime.timedelta(days=3)
    assert evaluation.notes == "Corrigé après relecture."
    assert evaluation.kind == Kind.BASELINE
    scores = {s.domain: (s.coach_score, s.participant_score) for s in evaluation.scores.all()}
    assert scores == {"oral_language": (3, 3), "autonomy": (2, None)}


def test_a_stale_correction_is_refused_and_changes_nothing(active, coach):
    evaluation = record(active, coach)
    evaluation_update(
        evaluation=evaluation, held_on=TODAY, scores=[ScoreRow("oral_language", 4)],
        version=1, by=coach.user,
    )  # fmt: skip

    with pytest.raises(StaleEdit) as error:
        evaluation_update(
            evaluation=Evaluation.objects.get(), held_on=TODAY, scores=[ScoreRow("wellbeing", 3)],
            notes="Trop tard", version=1, by=coach.user,
        )  # fmt: skip

    assert error.value.code == "stale"
    evaluation.refresh_from_db()
    assert (evaluation.version, evaluation.notes) == (2, "")
    assert [(s.domain, s.coach_score) for s in evaluation.scores.all()] == [("oral_language", 4)]


def test_a_correction_is_checked_like_a_record(active, coach):
    evaluation = record(active, coach)
    with pytest.raises(ValidationError):
        evaluation_update(
            evaluation=evaluation, held_on=TODAY, scores=[ScoreRow("wellbeing", None, 2)],
            version=1, by=coach.user,
        )  # fmt: skip
    evaluation.refresh_from_db()
    assert evaluation.version == 1
    assert evaluation.scores.count() == 2


def test_a_correction_keeps_when_the_participant_gave_their_own_score(active, coach):
    evaluation = record(active, coach)
    participant_scores_record(evaluation=evaluation, scores={"oral_language": 4, "wellbeing": 2})
    given_at = evaluation.scores.get(domain="oral_language").participant_scored_at
    assert given_at is not None

    evaluation_update(
        evaluation=evaluation,
        held_on=TODAY,
        scores=[ScoreRow("oral_language", 3, 4), ScoreRow("wellbeing", 1, 3)],
        version=1,
        by=coach.user,
    )

    scores = {s.domain: s for s in evaluation.scores.all()}
    assert scores["oral_language"].participant_scored_at == given_at
    # The coach overwrote the participant's own score: it is no longer theirs.
    assert scores["wellbeing"].participant_scored_at is None


def test_a_closed_enrolment_cannot_be_corrected(active, coach):
    evaluation = record(active, coach)
    Enrolment.objects.filter(pk=active.pk).update(status=Status.CLOSED)
    evaluation = Evaluation.objects.select_related("enrolment__programme").get()
    with pytest.raises(ValidationError):
        evaluation_update(
            evaluation=evaluation, held_on=TODAY, scores=[ScoreRow("wellbeing", 3)], version=1,
            by=coach.user,
        )  # fmt: skip
    assert Evaluation.objects.get().version == 1


# The participant's own scores ----------------------------------------------------------------


def test_the_participant_gives_their_own_scores(active, coach):
    evaluation = record(active, coach)
    before = timezone.now()

    changed = participant_scores_record(
        evaluation=evaluation, scores={"oral_language": 3, "wellbeing": 2, "autonomy": 4}
    )

    scores = {s.domain: s for s in evaluation.scores.all()}
    # Unchanged (3 was already given in the meeting) stays as it was.
    assert {s.domain for s in changed} == {"wellbeing", "autonomy"}
    assert scores["oral_language"].participant_scored_at is None
    assert scores["wellbeing"].participant_score == 2
    assert scores["wellbeing"].coach_score == 1
    assert scores["wellbeing"].participant_scored_at >= before
    # A domain the coach did not assess gets a row with the participant's score alone.
    assert (scores["autonomy"].coach_score, scores["autonomy"].participant_score) == (None, 4)


def test_the_participant_may_take_a_score_back(active, coach):
    evaluation = record(active, coach)
    participant_scores_record(evaluation=evaluation, scores={"oral_language": None})
    score = evaluation.scores.get(domain="oral_language")
    assert (score.participant_score, score.participant_scored_at, score.coach_score) == (
        None,
        None,
        2,
    )


def test_the_participants_scores_are_checked(active, programme, coach):
    programme.outcome_domains = ["oral_language", "wellbeing"]
    programme.save(update_fields=["outcome_domains"])
    evaluation = record(active, coach)
    for scores in ({"digital_skills": 2}, {"wellbeing": 5}):
        with pytest.raises(ValidationError):
            participant_scores_record(evaluation=evaluation, scores=scores)
    assert evaluation.scores.get(domain="wellbeing").participant_score is None


# A low score becomes a goal ------------------------------------------------------------------


def test_a_low_score_becomes_a_goal(active, coach):
    evaluation = record(active, coach)
    goal = goal_from_score_create(
        evaluation=evaluation, domain="wellbeing", text="Prendre rendez-vous chez le médecin.",
        by=coach.user,
    )  # fmt: skip
    assert (goal.enrolment, goal.domain, goal.status) == (active, "wellbeing", Goal.Status.OPEN)
    assert goal.text == "Prendre rendez-vous chez le médecin."
    assert goal.created_by == coach.user


def test_a_low_score_of_the_participant_alone_is_enough(active, coach):
    evaluation = record(active, coach, scores=[ScoreRow("oral_language", 3, 2)])
    assert goal_from_score_create(
        evaluation=evaluation, domain="oral_language", text="Parler au guichet.", by=coach.user
    )


def test_no_second_open_goal_for_the_same_domain(active, coach):
    make_goal(enrolment=active, domain="wellbeing", text="Dormir mieux.")
    evaluation = record(active, coach)
    with pytest.raises(ValidationError) as error:
        goal_from_score_create(
            evaluation=evaluation, domain="wellbeing", text="Voir un médecin.", by=coach.user
        )
    assert messages_of(error) == [
        "There is already a goal for “Health and well-being” being worked on: “Dormir mieux.”."
    ]
    assert Goal.objects.count() == 1


def test_a_goal_achieved_earlier_does_not_stand_in_the_way(active, coach):
    make_goal(enrolment=active, domain="wellbeing", status=Goal.Status.ACHIEVED)
    make_goal(enrolment=active, domain="oral_language")  # another domain
    evaluation = record(active, coach)
    goal_from_score_create(
        evaluation=evaluation, domain="wellbeing", text="Voir un médecin.", by=coach.user
    )
    assert Goal.objects.filter(domain="wellbeing").count() == 2


@pytest.mark.parametrize(
    ("domain", "text", "message"),
    [
        # Scored 3 by the coach and the participant: not low.
        (
            "social_network",
            "Voir des amis.",
            "Only a domain scored 1 or 2 in this evaluation becomes a goal from here.",
        ),
        (
            "autonomy",  # not assessed
            "Aller seule à la commune.",
            "Only a domain scored 1 or 2 in this evaluation becomes a goal from here.",
        ),
        ("wellbeing", "   ", "Write the goal, in the participant's words."),
    ],
)
def test_only_a_low_score_with_a_text_becomes_a_goal(active, coach, domain, text, message):
    evaluation = record(
        active, coach, scores=[ScoreRow("social_network", 3, 3), ScoreRow("wellbeing", 1)]
    )
    with pytest.raises(ValidationError) as error:
        goal_from_score_create(evaluation=evaluation, domain=domain, text=text, by=coach.user)
    assert messages_of(error) == [message]
    assert not Goal.objects.exists()


# Language assessments -----------------------------------------------------------------------------


def data(**overrides) -> dict:
    values = {
        "language": "nl",
        "assessed_on": timezone.localdate(),
        "oral": "a1",
        "reading": "pre_a1",
        "writing": "pre_a1",
        "local_level": "1.1",
    }
    values.update(overrides)
    return values


def test_it_adds_to_the_history(participant, coach):
    language_assessment_record(participant=participant, data=data(), by=coach.user)
    language_assessment_record(
        participant=participant, data=data(oral="a2", local_level="1.2"), by=coach.user
    )
    assert [a.oral for a in participant.language_assessments.all()] == ["a2", "a1"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"local_level": "fle_a1"}, "The FLE scale measures French, not the language tested."),
        (
            {"local_level": "3"},
            "Level 3 matches about B2, more than one step away from the oral level A1.",
        ),
        (
            {"assessed_on": timezone.localdate().replace(year=2999)},
            "Record an assessment once it has taken place.",
        ),
    ],
)
def test_the_service_refuses_what_the_form_refuses(participant, coach, overrides, message):
    """The rules live on the model, so a write from a command or the API meets them too."""
    with pytest.raises(ValidationError) as caught:
        language_assessment_record(participant=participant, data=data(**overrides), by=coach.user)
    assert message in " ".join(caught.value.messages)
    assert not LanguageAssessment.objects.exists()
