"""The write services: each validates, writes in one transaction, and on refusal writes
nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from participants import services
from participants.models import EligibilityAnswer, Enrolment, EnrolmentStatusChange, Participant
from participants.services import CriterionAnswer, Decision, StaleEdit
from programme.models import EligibilityCriterion
from tests.factories import (
    make_criterion,
    make_enrolment,
    make_interview,
    make_participant,
    make_programme,
)
from tests.helpers import row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
Kind = EligibilityCriterion.Kind


def errors_of(caught) -> dict:
    error = caught.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


# participant_create / participant_update ---------------------------------------------------

PERSON = {
    "first_name": "Yonas",
    "last_name": "Tekle",
    "birth_date": datetime.date(1992, 3, 4),
    "gender": "man",
    "national_number": "",
}


def test_participant_create_writes_the_person_and_languages(organisation, coach):
    participant = services.participant_create(
        organisation=organisation,
        data=PERSON,
        languages=[
            {"language": "ti", "use": "mother_tongue"},
            {"language": "fr", "use": "conversation"},
        ],
        by=coach.user,
    )

    participant = Participant.objects.get(pk=participant.pk)
    assert participant.organisation == organisation
    assert participant.full_name == "Yonas Tekle"
    assert participant.version == 1
    assert sorted(participant.languages.values_list("language", "use")) == [
        ("fr", "conversation"),
        ("ti", "mother_tongue"),
    ]


def test_participant_create_refuses_invalid_data_and_writes_nothing(organisation, coach):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.participant_create(
            organisation=organisation,
            data={**PERSON, "national_number": "85073003329"},
            languages=[{"language": "ti", "use": "mother_tongue"}],
            by=coach.user,
        )
    assert errors_of(caught) == {
        "national_number": ["This is not a valid national register number: check the 11 digits."]
    }
    assert row_counts() == before


def test_participant_update_saves_and_raises_the_version(participant, coach):
    participant.languages.create(language="ar", use="mother_tongue")

    services.participant_update(
        participant=participant,
        data={"phone": "+32 470 12 34 56", "integration_income": True},
        version=1,
        languages=[{"language": "ti", "use": "mother_tongue"}],
        by=coach.user,
    )

    participant.refresh_from_db()
    assert participant.phone == "+32 470 12 34 56"
    assert participant.integration_income is True
    assert participant.version == 2
    assert list(participant.languages.values_list("language", flat=True)) == ["ti"]


def test_participant_update_without_languages_keeps_them(participant, coach):
    participant.languages.create(language="ar", use="mother_tongue")
    services.participant_update(
        participant=participant, data={"children": 2}, version=1, by=coach.user
    )
    assert list(participant.languages.values_list("language", flat=True)) == ["ar"]


def test_participant_update_refuses_a_stale_version_and_writes_nothing(
    participant, coach, colleague
):
    participant.languages.create(language="ar", use="mother_tongue")
    # Someone else saved after this form was opened at version 1.
    services.participant_update(
        participant=participant, data={"children": 1}, version=1, by=colleague.user
    )
    stale = Participant.objects.get(pk=participant.pk)
    before = row_counts()

    with pytest.raises(StaleEdit) as caught:
        services.participant_update(
            participant=stale,
            data={"first_name": "Overwritten", "children": 5},
            version=1,
            languages=[],
            by=coach.user,
        )

    assert caught.value.messages == [
        "Someone else changed this file while you were editing it. "
        "Your changes were not saved: reload the page to see theirs."
    ]
    assert row_counts() == before
    participant.refresh_from_db()
    assert (participant.first_name, participant.children, participant.version) == ("Selam", 1, 2)
    assert list(participant.languages.values_list("language", flat=True)) == ["ar"]


def test_participant_update_with_invalid_data_keeps_the_version(participant, coach):
    with pytest.raises(ValidationError):
        services.participant_update(
            participant=participant, data={"gender": "unknown"}, version=1, by=coach.user
        )
    participant.refresh_from_db()
    assert (participant.gender, participant.version) == ("woman", 1)


# enrolment_refer ---------------------------------------------------------------------------


def refer(participant, programme, by, **kwargs):
    kwargs.setdefault("coach", by)
    kwargs.setdefault("referred_on", timezone.localdate())
    kwargs.setdefault("referral_source", "social_service")
    return services.enrolment_refer(participant=participant, programme=programme, by=by, **kwargs)


def test_enrolment_refer_opens_the_enrolment_and_its_history(participant, programme, coach):
    enrolment = refer(participant, programme, coach.user, referral_reason="Isolated since arrival")

    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert (enrolment.status, enrolment.coach) == (Status.REFERRED, coach.user)
    change = enrolment.changes.get()
    assert (change.from_status, change.to_status) == ("", Status.REFERRED)
    assert change.changed_by == coach.user
    assert change.reason == "Isolated since arrival"


def test_enrolment_refer_gives_a_person_without_coach_the_enrolment_coach(
    organisation, programme, colleague, manager
):
    participant = make_participant(organisation=organisation)
    refer(participant, programme, manager.user, coach=colleague.user)
    participant.refresh_from_db()
    assert participant.coach == colleague.user


def test_enrolment_refer_keeps_the_referent_coach(participant, programme, coach, colleague):
    refer(participant, programme, colleague.user, coach=colleague.user)
    participant.refresh_from_db()
    assert participant.coach == coach.user


def test_enrolment_refer_refuses_another_organisations_programme(
    participant, other_programme, coach
):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        refer(participant, other_programme, coach.user)
    assert caught.value.messages == ["This programme belongs to another organisation."]
    assert row_counts() == before


def test_enrolment_refer_refuses_a_second_open_enrolment(participant, programme, coach):
    refer(participant, programme, coach.user)
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        refer(participant, programme, coach.user)
    assert caught.value.messages == ["Selam Haile already has an open enrolment in Vivre ensemble."]
    assert row_counts() == before


def test_enrolment_refer_accepts_a_new_referral_after_closure(participant, programme, coach):
    first = refer(participant, programme, coach.user)
    services.enrolment_change_status(
        enrolment=first, to_status=Status.CLOSED, by=coach.user, reason="Moved"
    )

    second = refer(participant, programme, coach.user)

    assert second.pk != first.pk
    assert list(participant.enrolments.open()) == [second]


def test_enrolment_refer_accepts_another_programme(participant, programme, organisation, coach):
    refer(participant, programme, coach.user)
    refer(participant, make_programme(organisation=organisation), coach.user)
    assert participant.enrolments.open().count() == 2


# eligibility_record ------------------------------------------------------------------------


@pytest.fixture
def criteria(programme):
    return {
        "age": make_criterion(programme=programme, kind=Kind.MIN_AGE, min_age=18, position=1),
        "income": make_criterion(programme=programme, kind=Kind.INTEGRATION_INCOME, position=2),
        "motivation": make_criterion(programme=programme, kind=Kind.JUDGEMENT, position=3),
    }


def answers(criteria, **overrides):
    """Every criterion answered: met unless overridden with False or (False, "reason")."""
    result = []
    for key, criterion in criteria.items():
        value = overrides.get(key, True)
        met, reason = value if isinstance(value, tuple) else (value, "")
        result.append(CriterionAnswer(criterion=criterion, met=met, override_reason=reason))
    return result


def stored(enrolment) -> dict:
    return {
        a.criterion.kind: (a.computed, a.met, a.override_reason)
        for a in EligibilityAnswer.objects.filter(enrolment=enrolment).select_related("criterion")
    }


def test_eligibility_record_recomputes_the_data_criteria(enrolment, criteria, coach):
    # The person (born 1985) is of age and receives no integration income.
    services.eligibility_record(
        enrolment=enrolment, answers=answers(criteria, income=False), by=coach.user
    )
    assert stored(enrolment) == {
        Kind.MIN_AGE: (True, True, ""),
        Kind.INTEGRATION_INCOME: (False, False, ""),
        Kind.JUDGEMENT: (None, True, ""),
    }
    assert all(a.checked_by == coach.user for a in EligibilityAnswer.objects.all())


def test_eligibility_record_reads_the_data_as_it_is_now(enrolment, criteria, coach, participant):
    services.eligibility_record(
        enrolment=enrolment, answers=answers(criteria, income=False), by=coach.user
    )
    Participant.objects.filter(pk=participant.pk).update(integration_income=True)
    enrolment = Enrolment.objects.get(pk=enrolment.pk)

    services.eligibility_record(enrolment=enrolment, answers=answers(criteria), by=coach.user)

    assert stored(enrolment)[Kind.INTEGRATION_INCOME] == (True, True, "")
    assert EligibilityAnswer.objects.filter(enrolment=enrolment).count() == 3


def test_eligibility_record_refuses_an_override_without_reason(enrolment, criteria, coach):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.eligibility_record(
            enrolment=enrolment, answers=answers(criteria, income=(True, "  ")), by=coach.user
        )
    assert errors_of(caught) == {
        f"criterion_{criteria['income'].pk}": ["You changed what the data says: write why."]
    }
    assert row_counts() == before


def test_eligibility_record_keeps_an_override_and_its_reason(enrolment, criteria, coach):
    services.eligibility_record(
        enrolment=enrolment,
        answers=answers(criteria, income=(True, "Application accepted, first payment next month")),
        by=coach.user,
    )
    answer = EligibilityAnswer.objects.get(enrolment=enrolment, criterion=criteria["income"])
    assert (answer.computed, answer.met) == (False, True)
    assert answer.overridden
    assert answer.override_reason == "Application accepted, first payment next month"


def test_eligibility_record_drops_a_reason_when_nothing_was_overridden(enrolment, criteria, coach):
    services.eligibility_record(
        enrolment=enrolment,
        answers=answers(criteria, age=(True, "Checked the ID card"), income=False),
        by=coach.user,
    )
    assert stored(enrolment)[Kind.MIN_AGE] == (True, True, "")


def test_eligibility_record_needs_every_criterion(enrolment, criteria, coach):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.eligibility_record(
            enrolment=enrolment, answers=answers(criteria)[:2], by=coach.user
        )
    assert caught.value.messages == ["Answer every criterion of this programme."]
    assert row_counts() == before


def test_eligibility_record_refuses_another_programmes_criterion(
    enrolment, criteria, coach, organisation
):
    foreign = make_criterion(
        programme=make_programme(organisation=organisation), kind=Kind.JUDGEMENT
    )
    with pytest.raises(ValidationError) as caught:
        services.eligibility_record(
            enrolment=enrolment,
            answers=[*answers(criteria), CriterionAnswer(criterion=foreign, met=True)],
            by=coach.user,
        )
    assert caught.value.messages == ["Answer every criterion of this programme."]
    assert not EligibilityAnswer.objects.exists()


def test_eligibility_record_only_during_intake(enrolment, criteria, coach):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.ACTIVE)
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.eligibility_record(enrolment=enrolment, answers=answers(criteria), by=coach.user)
    assert caught.value.messages == ["Eligibility is checked during intake only."]
    assert not EligibilityAnswer.objects.exists()


# intake_interview_record -------------------------------------------------------------------

INTERVIEW = {
    "held_on": timezone.localdate(),
    "duration_minutes": 75,
    "support": "interpreter",
    "support_language": "ti",
    "notes": "Wants to practise French.",
}


def test_intake_interview_record_moves_a_referral_into_intake(enrolment, coach):
    interview = services.intake_interview_record(enrolment=enrolment, data=INTERVIEW, by=coach.user)

    assert interview.conducted_by == coach.user
    assert (interview.duration_minutes, interview.support_language) == (75, "ti")
    enrolment.refresh_from_db()
    assert enrolment.status == Status.INTAKE
    change = enrolment.changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.REFERRED,
        Status.INTAKE,
        coach.user,
    )


@pytest.mark.parametrize("status", [Status.INTAKE, Status.WAITING_LIST])
def test_intake_interview_record_keeps_a_later_intake_status(enrolment, coach, status):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=status)
    enrolment.refresh_from_db()
    services.intake_interview_record(enrolment=enrolment, data=INTERVIEW, by=coach.user)
    enrolment.refresh_from_db()
    assert enrolment.status == status
    assert not enrolment.changes.exists()
    assert enrolment.interviews.count() == 1


def test_intake_interview_record_refuses_after_the_intake(enrolment, coach):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.ACTIVE)
    enrolment.refresh_from_db()
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.intake_interview_record(enrolment=enrolment, data=INTERVIEW, by=coach.user)
    assert caught.value.messages == ["The intake interview is recorded during intake only."]
    assert row_counts() == before


def test_intake_interview_record_refuses_an_interpreter_without_language(enrolment, coach):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.intake_interview_record(
            enrolment=enrolment, data={**INTERVIEW, "support_language": ""}, by=coach.user
        )
    assert errors_of(caught) == {
        "support_language": ["Say in which language the interpreter or mediator helped."]
    }
    assert row_counts() == before
    enrolment.refresh_from_db()
    assert enrolment.status == Status.REFERRED


# intake_decide -----------------------------------------------------------------------------


@pytest.fixture
def interviewed(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.INTAKE)
    enrolment.refresh_from_db()
    make_interview(enrolment=enrolment)
    return enrolment


def test_intake_decide_admits_from_the_given_date(interviewed, coach):
    start = timezone.localdate() + datetime.timedelta(days=7)
    services.intake_decide(
        enrolment=interviewed, decision=Decision.ADMITTED, on=start, by=coach.user
    )
    interviewed.refresh_from_db()
    assert (interviewed.status, interviewed.started_on) == (Status.ACTIVE, start)
    assert interviewed.changes.get().to_status == Status.ACTIVE


def test_intake_decide_puts_on_the_waiting_list(interviewed, coach):
    services.intake_decide(enrolment=interviewed, decision=Decision.WAITING_LIST, by=coach.user)
    interviewed.refresh_from_db()
    assert interviewed.status == Status.WAITING_LIST
    assert interviewed.waiting_since is not None
    assert interviewed.started_on is None


def test_intake_decide_refuses_admission_with_a_reason(interviewed, coach):
    services.intake_decide(
        enrolment=interviewed,
        decision=Decision.NOT_ADMITTED,
        reason="Already in a full-time course",
        by=coach.user,
    )
    interviewed.refresh_from_db()
    assert (interviewed.status, interviewed.decision_reason) == (
        Status.NOT_ADMITTED,
        "Already in a full-time course",
    )
    assert interviewed.changes.get().reason == "Already in a full-time course"


def test_intake_decide_needs_a_reason_to_refuse(interviewed, coach):
    before = row_counts()
    with pytest.raises(ValidationError) as caught:
        services.intake_decide(enrolment=interviewed, decision=Decision.NOT_ADMITTED, by=coach.user)
    assert errors_of(caught) == {"reason": ["Say why."]}
    assert row_counts() == before


def test_intake_decide_needs_the_intake_to_have_started(enrolment, coach):
    with pytest.raises(ValidationError) as caught:
        services.intake_decide(enrolment=enrolment, decision=Decision.ADMITTED, by=coach.user)
    assert caught.value.messages == ["An enrolment that is “Referred” cannot become “Active”."]
    assert not EnrolmentStatusChange.objects.exists()


def test_intake_start_moves_a_referral_into_intake(enrolment, coach):
    services.intake_start(enrolment=enrolment, by=coach.user)
    enrolment.refresh_from_db()
    assert enrolment.status == Status.INTAKE
    assert enrolment.changes.get().changed_by == coach.user


def test_a_new_referral_is_not_blocked_by_an_unrelated_enrolment(participant, coach):
    # Two participants in the same programme do not collide.
    other = make_participant(organisation=participant.organisation, coach=coach.user)
    first = make_enrolment(participant=participant)
    assert refer(other, first.programme, coach.user).status == Status.REFERRED
