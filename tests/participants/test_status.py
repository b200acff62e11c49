"""The enrolment's status machine. Every change but the exit goes through
enrolment_change_status; the exit's status half is enrolment_mark_exited, which only the exit
review calls (tests/casefile/ follow the whole exit)."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants import services
from participants.models import Enrolment, EnrolmentStatusChange
from programme.models import EligibilityCriterion
from tests.factories import (
    make_answer,
    make_criterion,
    make_enrolment,
    make_interview,
    make_participant,
)
from tests.helpers import row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status

ALLOWED = sorted((a, b) for a, targets in Enrolment.TRANSITIONS.items() for b in targets)
REFUSED = sorted(
    (a, b) for a, b in itertools.product(Status, Status) if b not in Enrolment.TRANSITIONS[a]
)
# Everything a transition may ask for, so that only the transition itself is under test.
COMPLETE = {
    "reason": "Discussed with the person.",
    "exit_reason": "completed",
    "exit_destination": "job",
}


def test_the_two_lists_cover_every_pair():
    assert len(ALLOWED) + len(REFUSED) == len(Status) ** 2
    assert (Status.REFERRED, Status.INTAKE) in ALLOWED
    assert (Status.ACTIVE, Status.ACTIVE) in REFUSED


@pytest.fixture
def admissible(enrolment):
    """An enrolment whose intake is complete: interview held, no criteria to check."""
    make_interview(enrolment=enrolment)
    return enrolment


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_an_allowed_transition_is_recorded(admissible, coach, from_status, to_status):
    Enrolment.objects.filter(pk=admissible.pk).update(status=from_status)

    result = change(admissible, to_status, coach.user, **COMPLETE)

    assert result.status == to_status
    admissible.refresh_from_db()
    assert admissible.status == to_status
    row = EnrolmentStatusChange.objects.get(enrolment=admissible)
    assert (row.from_status, row.to_status) == (from_status, to_status)
    assert row.changed_by == coach.user
    assert row.reason == "Discussed with the person."


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_a_refused_transition_says_why_and_writes_nothing(
    admissible, coach, from_status, to_status
):
    Enrolment.objects.filter(pk=admissible.pk).update(status=from_status)
    before = row_counts()

    with pytest.raises(ValidationError) as caught:
        change(admissible, to_status, coach.user, **COMPLETE)

    from_label, to_label = Status(from_status).label, Status(to_status).label
    assert caught.value.messages == [
        f"An enrolment that is “{from_label}” cannot become “{to_label}”."
    ]
    assert row_counts() == before
    admissible.refresh_from_db()
    assert admissible.status == from_status


EXIT_DETAILS = {"exit_reason", "drop_out_reason", "exit_destination"}


def change(enrolment, to_status, by, **kwargs):
    """The service that applies this change: the exit's own, or the generic one."""
    if to_status == Status.EXITED:
        return services.enrolment_mark_exited(enrolment=enrolment, by=by, **kwargs)
    kwargs = {k: v for k, v in kwargs.items() if k not in EXIT_DETAILS}
    return services.enrolment_change_status(
        enrolment=enrolment, to_status=to_status, by=by, **kwargs
    )


def test_the_generic_status_change_refuses_an_exit_and_points_to_the_review(active, coach):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.enrolment_change_status(
            enrolment=active, to_status=Status.EXITED, by=coach.user, reason="Found a job"
        )
    assert caught.value.code == "exit_review"
    assert "exit review" in caught.value.messages[0]
    assert row_counts() == before
    assert Enrolment.objects.get(pk=active.pk).status == Status.ACTIVE


def test_an_exit_cannot_be_dated_in_the_future(active, coach):
    errors = refused(
        active,
        Status.EXITED,
        coach.user,
        on=timezone.localdate() + datetime.timedelta(days=1),
        exit_reason="completed",
        exit_destination="job",
    )
    assert errors == {"on": ["Record the exit once it has happened: the date is in the future."]}


def refused(enrolment, to_status, by, **kwargs) -> dict:
    """The errors of a refused change, by field, after checking nothing was written."""
    before = row_counts()
    status = Enrolment.objects.get(pk=enrolment.pk).status
    with pytest.raises(ValidationError) as caught:
        change(enrolment, to_status, by, **kwargs)
    assert row_counts() == before
    assert Enrolment.objects.get(pk=enrolment.pk).status == status
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (Status.ACTIVE, Status.PAUSED),
        (Status.INTAKE, Status.NOT_ADMITTED),
        (Status.REFERRED, Status.CLOSED),
        (Status.EXITED, Status.CLOSED),
    ],
)
@pytest.mark.parametrize("reason", ["", "   "])
def test_pause_refusal_and_closure_need_a_reason(enrolment, coach, from_status, to_status, reason):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=from_status)
    assert refused(enrolment, to_status, coach.user, reason=reason) == {"reason": ["Say why."]}


def test_resuming_needs_no_reason(enrolment, coach):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.PAUSED)
    assert change(enrolment, Status.ACTIVE, coach.user).status == Status.ACTIVE


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Status.ACTIVE, started_on=timezone.localdate() - datetime.timedelta(days=90)
    )
    enrolment.refresh_from_db()
    return enrolment


def test_an_exit_needs_a_reason_and_a_destination(active, coach):
    assert refused(active, Status.EXITED, coach.user) == {
        "exit_reason": ["Choose why the person leaves."],
        "exit_destination": ["Choose where the person goes next (or “unknown”)."],
    }


def test_a_drop_out_needs_its_reason(active, coach):
    errors = refused(
        active, Status.EXITED, coach.user, exit_reason="dropped_out", exit_destination="unknown"
    )
    assert errors == {"drop_out_reason": ["Choose why the person dropped out."]}


def test_an_exit_keeps_its_date_reasons_and_destination(active, coach):
    on = timezone.localdate() - datetime.timedelta(days=2)

    change(
        active,
        Status.EXITED,
        coach.user,
        on=on,
        exit_reason="dropped_out",
        drop_out_reason="health",
        exit_destination="unknown",
    )

    active.refresh_from_db()
    assert active.exited_on == on
    assert (active.exit_reason, active.drop_out_reason, active.exit_destination) == (
        "dropped_out",
        "health",
        "unknown",
    )


def test_a_drop_out_reason_is_dropped_when_the_person_did_not_drop_out(active, coach):
    change(
        active,
        Status.EXITED,
        coach.user,
        exit_reason="completed",
        drop_out_reason="health",
        exit_destination="job",
    )
    active.refresh_from_db()
    assert active.drop_out_reason == ""


def test_an_exit_cannot_be_dated_before_the_start(active, coach):
    errors = refused(
        active,
        Status.EXITED,
        coach.user,
        on=active.started_on - datetime.timedelta(days=1),
        exit_reason="completed",
        exit_destination="job",
    )
    assert errors == {"on": ["The exit date cannot be before the start date."]}


@pytest.fixture
def in_intake(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.INTAKE)
    enrolment.refresh_from_db()
    return enrolment


@pytest.mark.parametrize("to_status", [Status.ACTIVE, Status.WAITING_LIST])
def test_admission_needs_the_intake_interview(in_intake, coach, to_status):
    assert refused(in_intake, to_status, coach.user) == {
        "__all__": ["Record the intake interview first."]
    }


@pytest.mark.parametrize("to_status", [Status.ACTIVE, Status.WAITING_LIST])
def test_admission_needs_every_criterion_checked(in_intake, programme, coach, to_status):
    make_interview(enrolment=in_intake)
    age = make_criterion(programme=programme, kind=EligibilityCriterion.Kind.MIN_AGE)
    make_criterion(programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT)
    make_answer(enrolment=in_intake, criterion=age, met=True, computed=True)

    assert refused(in_intake, to_status, coach.user) == {
        "__all__": ["Check every eligibility criterion first."]
    }


@pytest.mark.parametrize("to_status", [Status.ACTIVE, Status.WAITING_LIST])
def test_admission_needs_every_criterion_met(in_intake, programme, coach, to_status):
    make_interview(enrolment=in_intake)
    age = make_criterion(programme=programme, kind=EligibilityCriterion.Kind.MIN_AGE)
    judgement = make_criterion(programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT)
    make_answer(enrolment=in_intake, criterion=age, met=True, computed=True)
    make_answer(enrolment=in_intake, criterion=judgement, met=False)

    assert refused(in_intake, to_status, coach.user) == {
        "__all__": ["Not every eligibility criterion is met: the person cannot be admitted."]
    }


def test_admission_with_every_criterion_met_starts_the_trajectory(in_intake, programme, coach):
    make_interview(enrolment=in_intake)
    judgement = make_criterion(programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT)
    make_answer(enrolment=in_intake, criterion=judgement, met=True)
    start = timezone.localdate() - datetime.timedelta(days=1)

    change(in_intake, Status.ACTIVE, coach.user, on=start)

    in_intake.refresh_from_db()
    assert in_intake.status == Status.ACTIVE
    assert in_intake.started_on == start


def test_admission_from_the_waiting_list_needs_no_new_check(enrolment, programme, coach):
    make_criterion(programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.WAITING_LIST)

    assert change(enrolment, Status.ACTIVE, coach.user).status == Status.ACTIVE


def test_resuming_keeps_the_first_start_date(active, coach):
    first_start = active.started_on
    change(active, Status.PAUSED, coach.user, reason="Hospital stay")
    change(active, Status.ACTIVE, coach.user)
    active.refresh_from_db()
    assert active.started_on == first_start


def test_the_waiting_list_keeps_the_order_of_arrival(admissible, programme, coach):
    other = make_participant(organisation=programme.organisation, coach=coach.user)
    second = make_enrolment(participant=other, programme=programme, status=Status.INTAKE)
    make_interview(enrolment=second)
    Enrolment.objects.filter(pk=admissible.pk).update(status=Status.INTAKE)

    change(admissible, Status.WAITING_LIST, coach.user)
    change(second, Status.WAITING_LIST, coach.user)

    admissible.refresh_from_db()
    second.refresh_from_db()
    assert admissible.waiting_since is not None
    assert (admissible.waiting_position(), second.waiting_position()) == (1, 2)


def test_not_admitted_keeps_the_reason_on_the_enrolment(in_intake, coach):
    change(in_intake, Status.NOT_ADMITTED, coach.user, reason="Lives outside the commune")
    in_intake.refresh_from_db()
    assert in_intake.decision_reason == "Lives outside the commune"
