"""Whose person, whose enrolment, whose to-do: Participant.objects.in_caseload_of,
Enrolment.objects.coached_by and Todo.objects.for_coach, and the access helpers built on them,
for each persona and an organisation next door."""

import datetime

import pytest

from participants.access import enrolments_for, participants_for, todos_for
from participants.models import Enrolment, Participant, Todo
from tests.factories import make_enrolment, make_participant, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation, other_organisation, coach, colleague, outsider, programme):
    """Four people of the organisation and one next door:
    - own: the coach is the referent and coaches the enrolment;
    - followed: the colleague's person, whose enrolment the coach coaches;
    - referent_only: the coach's person, enrolled with the colleague as coach;
    - unassigned: the coach's person, enrolled with no coach named;
    - theirs: the colleague's person and enrolment;
    - abroad: the outsider's person, in the other organisation."""

    def person(referent, enrolment_coach, org=organisation, prog=programme):
        participant = make_participant(organisation=org, coach=referent)
        enrolment = make_enrolment(participant=participant, programme=prog,
                                   coach=enrolment_coach)  # fmt: skip
        Todo.objects.create(enrolment=enrolment, label="Call", due_on=datetime.date(2025, 3, 1))
        return participant

    return {
        "own": person(coach.user, coach.user),
        "followed": person(colleague.user, coach.user),
        "referent_only": person(coach.user, colleague.user),
        "unassigned": person(coach.user, None),
        "theirs": person(colleague.user, colleague.user),
        "abroad": person(outsider.user, outsider.user, other_organisation,
                         make_programme(organisation=other_organisation)),
    }  # fmt: skip


def names(world, queryset, via=lambda row: row) -> set[str]:
    by_pk = {person.pk: name for name, person in world.items()}
    return {by_pk[via(row).pk] for row in queryset}


def test_the_caseload_is_referent_or_enrolment_coach(world, coach, colleague, outsider):
    caseload = Participant.objects.in_caseload_of
    assert names(world, caseload(coach.user)) == {
        "own", "followed", "referent_only", "unassigned"
    }  # fmt: skip
    assert names(world, caseload(colleague.user)) == {"followed", "referent_only", "theirs"}
    assert names(world, caseload(outsider.user)) == {"abroad"}


def test_a_person_with_two_enrolments_is_in_the_caseload_once(world, coach):
    make_enrolment(participant=world["own"], coach=coach.user)
    assert Participant.objects.in_caseload_of(coach.user).filter(pk=world["own"].pk).count() == 1


def test_an_enrolment_is_its_coachs_or_when_it_names_none_the_referents(
    world, coach, colleague, outsider
):
    def whose(user):
        return names(world, Enrolment.objects.coached_by(user), lambda e: e.participant)

    assert whose(coach.user) == {"own", "followed", "unassigned"}
    assert whose(colleague.user) == {"referent_only", "theirs"}
    assert whose(outsider.user) == {"abroad"}


def test_a_todo_follows_its_enrolment(world, coach, colleague):
    def whose(user):
        return names(world, Todo.objects.for_coach(user), lambda t: t.enrolment.participant)

    assert whose(coach.user) == {"own", "followed", "unassigned"}
    assert whose(colleague.user) == {"referent_only", "theirs"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coach", {"own", "followed", "referent_only", "unassigned"}),
        ("colleague", {"followed", "referent_only", "theirs"}),
        ("manager", {"own", "followed", "referent_only", "unassigned", "theirs"}),
        ("administrator", set()),
        ("outsider", {"abroad"}),
        ("outsider_manager", {"abroad"}),
    ],
)
def test_the_access_helpers_read_the_caseload(world, request, persona, expected):
    staff = request.getfixturevalue(persona)
    assert names(world, participants_for(staff)) == expected
    assert names(world, enrolments_for(staff), lambda e: e.participant) == expected
    assert names(world, todos_for(staff), lambda t: t.enrolment.participant) == expected
