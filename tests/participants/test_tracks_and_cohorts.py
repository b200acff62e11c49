"""An admission on a track (its length is the planned length) and into a cohort (the person
waits for it), through participants.services.intake_decide and the decision page."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import Enrolment
from programme.models import Cohort, EligibilityCriterion, Programme, Track
from tests.factories import make_answer, make_criterion, make_interview
from tests.helpers import row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def interviewed(enrolment, programme):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.INTAKE)
    make_interview(enrolment=enrolment)
    criterion = make_criterion(programme=programme, kind=EligibilityCriterion.Kind.JUDGEMENT)
    make_answer(enrolment=enrolment, criterion=criterion, met=True)
    return Enrolment.objects.get(pk=enrolment.pk)


@pytest.fixture
def tracks(programme):
    return (
        Track.objects.create(programme=programme, name="Intensive", length_months=3),
        Track.objects.create(programme=programme, name="Intercultural", length_months=9),
    )


@pytest.fixture
def by_cohort(programme):
    Programme.objects.filter(pk=programme.pk).update(entry_mode=Programme.EntryMode.COHORT)
    programme.refresh_from_db()
    return programme


def make_cohort(programme, *, starts_in: int = 20, **kwargs) -> Cohort:
    kwargs.setdefault("name", f"Cohort {Cohort.objects.count() + 1}")
    kwargs.setdefault("intake_opens_on", TODAY - 10 * DAY)
    kwargs.setdefault("intake_closes_on", TODAY + (starts_in - 1) * DAY)
    return Cohort.objects.create(
        programme=programme,
        starts_on=TODAY + starts_in * DAY,
        ends_on=TODAY + (starts_in + 180) * DAY,
        **kwargs,
    )


def decision_url(enrolment) -> str:
    return reverse("participants:intake-decision", args=[enrolment.pk])


# Tracks and the expected end ------------------------------------------------------------


def test_the_expected_end_follows_the_track(interviewed, tracks, coach):
    enrolment = services.intake_decide(
        enrolment=interviewed, decision="admitted", on=TODAY, by=coach.user, track=tracks[0]
    )
    assert enrolment.track == tracks[0]
    assert services.planned_end(enrolment) == TODAY + relativedelta(months=3)
    # The exit evaluation is planned at the track's end, not the programme's six months.
    exit_todo = enrolment.todos.get(kind="exit")
    assert exit_todo.due_on == services.planned_end(enrolment)


def test_without_a_track_the_programme_length_holds(interviewed, coach):
    enrolment = services.intake_decide(
        enrolment=interviewed, decision="admitted", on=TODAY, by=coach.user
    )
    assert enrolment.track is None
    assert services.planned_end(enrolment) == TODAY + relativedelta(months=6)


def test_a_track_of_another_programme_is_refused_and_nothing_written(
    interviewed, other_programme, coach
):
    foreign = Track.objects.create(programme=other_programme, name="Elsewhere", length_months=3)
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.intake_decide(
            enrolment=interviewed, decision="admitted", on=TODAY, by=coach.user, track=foreign
        )
    assert error.value.message_dict["track"] == ["This track belongs to another programme."]
    assert row_counts() == before
    enrolment = Enrolment.objects.get(pk=interviewed.pk)
    assert (enrolment.status, enrolment.track) == (Status.INTAKE, None)


def test_the_decision_page_offers_the_tracks(interviewed, tracks, coach_client):
    html = coach_client.get(decision_url(interviewed)).content.decode()
    assert "Intensive" in html and "Intercultural" in html
    response = coach_client.post(
        decision_url(interviewed), {"decision": "admitted", "track": tracks[1].pk}
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(pk=interviewed.pk).track == tracks[1]
    page = coach_client.get(interviewed.get_absolute_url()).content.decode()
    assert "Intercultural (9 months)" in page


def test_the_page_offers_no_track_when_the_programme_has_none(interviewed, coach_client):
    form = coach_client.get(decision_url(interviewed)).context["form"]
    assert "track" not in form.fields and "cohort" not in form.fields


def test_the_page_refuses_a_track_of_another_programme(
    interviewed, tracks, other_programme, coach_client
):
    foreign = Track.objects.create(programme=other_programme, name="Elsewhere", length_months=3)
    before = row_counts()
    response = coach_client.post(
        decision_url(interviewed), {"decision": "admitted", "track": foreign.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["track"]
    assert row_counts() == before


# Entry by cohort --------------------------------------------------------------------------


def test_an_admitted_person_waits_for_the_next_cohort(interviewed, by_cohort, coach):
    cohort = make_cohort(by_cohort)
    enrolment = services.intake_decide(
        enrolment=interviewed, decision="admitted", by=coach.user, reason="Motivated."
    )
    assert enrolment.status == Status.WAITING_LIST
    assert enrolment.cohort == cohort and enrolment.started_on is None
    change = enrolment.changes.get()
    assert change.reason.startswith("Motivated. Admitted to the cohort Cohort 1")
    # No trajectory to-dos before the start.
    assert not enrolment.todos.exists()


def test_the_cohorts_track_comes_with_it(interviewed, by_cohort, tracks, coach):
    cohort = make_cohort(by_cohort, track=tracks[0])
    enrolment = services.intake_decide(enrolment=interviewed, decision="admitted", by=coach.user)
    assert (enrolment.cohort, enrolment.track) == (cohort, tracks[0])


def test_with_no_cohort_to_join_nothing_is_written(interviewed, by_cohort, coach):
    make_cohort(by_cohort, starts_in=-30, intake_opens_on=TODAY - 60 * DAY,
                intake_closes_on=TODAY - 31 * DAY)  # fmt: skip
    before = row_counts()
    with pytest.raises(ValidationError) as error:
        services.intake_decide(enrolment=interviewed, decision="admitted", by=coach.user)
    assert "No cohort of Vivre ensemble takes people now" in error.value.messages[0]
    assert row_counts() == before
    assert Enrolment.objects.get(pk=interviewed.pk).status == Status.INTAKE


def test_a_cohort_of_another_programme_is_refused(interviewed, by_cohort, other_programme, coach):
    foreign = make_cohort(other_programme)
    with pytest.raises(ValidationError) as error:
        services.intake_decide(
            enrolment=interviewed, decision="admitted", by=coach.user, cohort=foreign
        )
    assert error.value.message_dict["cohort"] == ["This cohort belongs to another programme."]
    assert Enrolment.objects.get(pk=interviewed.pk).cohort is None


def test_admission_still_needs_the_intake(enrolment, by_cohort, coach):
    make_cohort(by_cohort)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.INTAKE)
    with pytest.raises(ValidationError):
        services.intake_decide(
            enrolment=Enrolment.objects.get(pk=enrolment.pk), decision="admitted", by=coach.user
        )
    # The cohort was not kept either: the decision is one transaction.
    assert Enrolment.objects.get(pk=enrolment.pk).cohort is None


def test_someone_on_the_waiting_list_is_given_a_cohort(interviewed, by_cohort, coach):
    services.intake_decide(enrolment=interviewed, decision="waiting_list", by=coach.user)
    cohort = make_cohort(by_cohort)
    enrolment = services.intake_decide(
        enrolment=Enrolment.objects.get(pk=interviewed.pk), decision="admitted", by=coach.user
    )
    assert (enrolment.status, enrolment.cohort) == (Status.WAITING_LIST, cohort)


def test_a_running_cohort_still_taking_people_starts_them_now(interviewed, by_cohort, coach):
    cohort = make_cohort(by_cohort, starts_in=-5, intake_opens_on=TODAY - 30 * DAY,
                         intake_closes_on=TODAY + 10 * DAY)  # fmt: skip
    Cohort.objects.filter(pk=cohort.pk).update(started_at=timezone.now())
    enrolment = services.intake_decide(enrolment=interviewed, decision="admitted", by=coach.user)
    assert (enrolment.status, enrolment.started_on, enrolment.cohort) == (
        Status.ACTIVE, TODAY, cohort
    )  # fmt: skip


def test_the_decision_page_shows_the_cohort_choice(interviewed, by_cohort, coach_client):
    cohort = make_cohort(by_cohort, name="Spring")
    form = coach_client.get(decision_url(interviewed)).context["form"]
    assert "start_date" not in form.fields
    assert list(form.fields["cohort"].queryset) == [cohort]
    response = coach_client.post(decision_url(interviewed), {"decision": "admitted"})
    assert response.status_code == 302
    page = coach_client.get(interviewed.get_absolute_url()).content.decode()
    assert "Admitted to the cohort Spring: starts with it on" in page


def test_continuous_entry_starts_on_admission(interviewed, programme, coach):
    assert programme.entry_mode == Programme.EntryMode.CONTINUOUS
    make_cohort(programme)  # a cohort changes nothing in a programme with continuous entry
    enrolment = services.intake_decide(
        enrolment=interviewed, decision="admitted", on=TODAY, by=coach.user
    )
    assert (enrolment.status, enrolment.started_on, enrolment.cohort) == (
        Status.ACTIVE, TODAY, None
    )  # fmt: skip
