"""Whose group and whose session: Group.objects.for_coach / coached_by and
Session.objects.for_coach / run_by, and the access helpers built on them, for each persona and
an organisation next door."""

import pytest

from sessions.access import groups_for, groups_to_act_on, sessions_for, sessions_to_act_on
from sessions.models import Group, Session
from tests.factories import make_participant, make_programme
from tests.sessions.factories import add_member, make_group, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation, other_organisation, coach, colleague, outsider, programme):
    mine = make_participant(organisation=organisation, coach=coach.user)
    theirs = make_participant(organisation=organisation, coach=colleague.user)
    abroad_programme = make_programme(organisation=other_organisation)
    groups = {
        "coached": make_group(programme=programme, coaches=[coach.user]),
        # The colleague's group, where one of the coach's people is a member.
        "with_mine": make_group(programme=programme, coaches=[colleague.user]),
        "theirs": make_group(programme=programme, coaches=[colleague.user]),
        "abroad": make_group(programme=abroad_programme, coaches=[outsider.user]),
    }
    add_member(group=groups["with_mine"], participant=mine)
    add_member(group=groups["theirs"], participant=theirs)
    sessions = {
        "led": make_session(programme=programme, facilitators=[coach.user]),
        "of_coached": make_session(programme=programme, group=groups["coached"]),
        # Nobody's: no facilitator, no group; one of the coach's people expected.
        "unowned": make_session(programme=programme, expected=[mine]),
        # The colleague leads it; one of the coach's people is expected.
        "expecting_mine": make_session(
            programme=programme, facilitators=[colleague.user], expected=[mine, theirs]
        ),
        "theirs": make_session(programme=programme, facilitators=[colleague.user],
                               expected=[theirs]),  # fmt: skip
        "abroad": make_session(programme=abroad_programme, facilitators=[outsider.user]),
    }  # fmt: skip
    return groups, sessions


def names(things: dict, rows) -> set[str]:
    by_pk = {thing.pk: name for name, thing in things.items()}
    return {by_pk[row.pk] for row in rows}


def test_the_querysets(world, coach, colleague):
    groups, sessions = world
    assert names(groups, Group.objects.coached_by(coach.user)) == {"coached"}
    assert names(groups, Group.objects.for_coach(coach.user)) == {"coached", "with_mine"}
    assert names(groups, Group.objects.for_coach(colleague.user)) == {"with_mine", "theirs"}
    assert names(sessions, Session.objects.for_coach(coach.user)) == {
        "led", "of_coached", "unowned", "expecting_mine"
    }  # fmt: skip
    assert names(sessions, Session.objects.run_by(coach.user)) == {
        "led", "of_coached", "unowned"
    }  # fmt: skip


ALL_GROUPS = {"coached", "with_mine", "theirs"}
ALL_SESSIONS = {"led", "of_coached", "unowned", "expecting_mine", "theirs"}


@pytest.mark.parametrize(
    ("persona", "groups_seen", "groups_run", "sessions_seen", "sessions_run"),
    [
        ("coach", {"coached", "with_mine"}, {"coached"},
         {"led", "of_coached", "unowned", "expecting_mine"}, {"led", "of_coached", "unowned"}),
        ("colleague", {"with_mine", "theirs"}, {"with_mine", "theirs"},
         {"expecting_mine", "theirs"}, {"expecting_mine", "theirs"}),
        ("manager", ALL_GROUPS, ALL_GROUPS, ALL_SESSIONS, ALL_SESSIONS),
        ("administrator", set(), set(), set(), set()),
        ("outsider", {"abroad"}, {"abroad"}, {"abroad"}, {"abroad"}),
        ("outsider_manager", {"abroad"}, {"abroad"}, {"abroad"}, {"abroad"}),
    ],
)  # fmt: skip
def test_the_access_helpers(
    world, request, persona, groups_seen, groups_run, sessions_seen, sessions_run
):
    groups, sessions = world
    staff = request.getfixturevalue(persona)
    assert names(groups, groups_for(staff)) == groups_seen
    assert names(groups, groups_to_act_on(staff)) == groups_run
    assert names(sessions, sessions_for(staff)) == sessions_seen
    assert names(sessions, sessions_to_act_on(staff)) == sessions_run
