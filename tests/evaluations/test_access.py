"""evaluations.access and FollowUpCall.objects.for_coach: who sees an evaluation or a call, and
whose call it is to make, for each persona and an organisation next door."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from evaluations.access import (
    assessments_for,
    calls_for,
    calls_to_make,
    evaluations_for,
    get_call,
    get_evaluation,
)
from evaluations.models import FollowUpCall
from tests.evaluations.factories import make_assessment, make_call, make_evaluation, make_exited
from tests.factories import make_enrolment, make_participant, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation, other_organisation, coach, colleague, outsider, programme):
    """An exited enrolment per situation, each with an evaluation, a language test and a call:
    - own: the coach is the referent and coached the enrolment;
    - ran: the colleague's person, whose enrolment the coach coached;
    - referent: the coach's person, whose enrolment the colleague coached;
    - theirs: the colleague's person and enrolment;
    - abroad: the outsider's, in the other organisation."""

    def person(referent, enrolment_coach, org=organisation, prog=programme):
        participant = make_participant(organisation=org, coach=referent)
        enrolment = make_exited(enrolment=make_enrolment(
            participant=participant, programme=prog, coach=enrolment_coach))  # fmt: skip
        make_evaluation(enrolment=enrolment, kind="exit", evaluated_by=enrolment_coach)
        make_assessment(participant=participant)
        make_call(enrolment=enrolment)
        return participant

    return {
        "own": person(coach.user, coach.user),
        "ran": person(colleague.user, coach.user),
        "referent": person(coach.user, colleague.user),
        "theirs": person(colleague.user, colleague.user),
        "abroad": person(outsider.user, outsider.user, other_organisation,
                         make_programme(organisation=other_organisation)),
    }  # fmt: skip


def names(world, rows) -> set[str]:
    by_pk = {person.pk: name for name, person in world.items()}
    return {
        by_pk[row.participant_id if hasattr(row, "participant_id") else
              row.enrolment.participant_id]
        for row in rows
    }  # fmt: skip


def test_a_call_is_both_coaches(world, coach, colleague, outsider):
    def whose(user):
        return names(world, FollowUpCall.objects.for_coach(user).select_related("enrolment"))

    assert whose(coach.user) == {"own", "ran", "referent"}
    assert whose(colleague.user) == {"ran", "referent", "theirs"}
    assert whose(outsider.user) == {"abroad"}


EVERYONE = {"own", "ran", "referent", "theirs"}


@pytest.mark.parametrize(
    ("persona", "seen", "to_make"),
    [
        ("coach", {"own", "ran", "referent"}, {"own", "ran", "referent"}),
        ("colleague", {"ran", "referent", "theirs"}, {"ran", "referent", "theirs"}),
        ("manager", EVERYONE, EVERYONE),
        ("administrator", set(), set()),
        ("outsider", {"abroad"}, {"abroad"}),
        ("outsider_manager", {"abroad"}, {"abroad"}),
    ],
)
def test_who_sees_what(world, request, persona, seen, to_make):
    staff = request.getfixturevalue(persona)
    assert names(world, evaluations_for(staff).select_related("enrolment")) == seen
    assert names(world, assessments_for(staff)) == seen
    assert names(world, calls_for(staff).select_related("enrolment")) == seen
    assert names(world, calls_to_make(staff).select_related("enrolment")) == to_make


def test_a_call_seen_is_not_always_a_call_to_make(world, coach, colleague):
    # The colleague's own person, followed by the coach in another enrolment: in sight of the
    # coach, but not the coach's call.
    other = make_exited(enrolment=make_enrolment(participant=world["theirs"], coach=coach.user))
    first = FollowUpCall.objects.get(enrolment__participant=world["theirs"],
                                     enrolment__coach=colleague.user)  # fmt: skip
    make_call(enrolment=other)
    assert first in calls_for(coach)
    assert first not in calls_to_make(coach)


@pytest.mark.parametrize("persona", ["coach", "manager", "colleague", "outsider", "administrator"])
def test_get_helpers_404_out_of_reach(world, request, persona, coach):
    staff = request.getfixturevalue(persona)
    http = RequestFactory().get("/")
    http.staff = staff
    evaluation = world["own"].enrolments.get().evaluations.get()
    call = world["own"].enrolments.get().follow_up_calls.get()
    if persona in {"coach", "manager"}:
        assert get_evaluation(http, evaluation.pk) == evaluation
        assert get_call(http, call.pk) == call
    else:
        with pytest.raises(Http404):
            get_evaluation(http, evaluation.pk)
        with pytest.raises(Http404):
            get_call(http, call.pk)
