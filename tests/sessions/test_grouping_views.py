"""The grouping proposal page: propose, move, confirm; who may see it; bad input."""

from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, LanguageSkill
from programme.models import Programme
from sessions import services
from sessions.models import Group, GroupMembership
from tests.evaluations.factories import make_assessment
from tests.factories import make_enrolment, make_participant, make_programme
from tests.helpers import login_url
from tests.sessions.factories import add_member, make_group, messages_of, session_row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(programme) -> str:
    return reverse("sessions:grouping", args=[programme.pk])


def waiting(
    programme, coach, *, level="a1", tongue=None, status=Status.WAITING_LIST, assessed=True, **kw
):
    """Someone of the coach's caseload enrolled in the programme, in no group yet."""
    person = make_participant(organisation=programme.organisation, coach=coach.user, **kw)
    make_enrolment(participant=person, programme=programme, status=status)
    if assessed:
        make_assessment(participant=person, oral=level, reading=level, writing=level)
    if tongue:
        LanguageSkill.objects.create(participant=person, language=tongue, use="mother_tongue")
    return person


def form_data(proposal, action="move", moves=None) -> dict:
    """What the page's form posts back: the settings, and everyone's group (participant ->
    group number) with the `moves` applied."""
    assignment = {**proposal.assignment, **{p.pk: number for p, number in (moves or {}).items()}}
    return {
        "capacity": proposal.capacity,
        "max_share": proposal.max_share or "",
        "groups": len(proposal.groups),
        "action": action,
        **{f"member-{pk}": number for pk, number in assignment.items()},
    }


def placed(proposal) -> list[list[str]]:
    return [[p.candidate.name for p in group.placements] for group in proposal.groups]


@pytest.fixture
def people(programme, coach):
    """Four at A1, two of them Tigrinya speakers, three at B1, and one never assessed."""
    programme.max_mother_tongue_share = 40
    programme.save()
    return {
        "a1": [
            waiting(programme, coach, tongue="ti", first_name="Selam", last_name="Haile"),
            waiting(programme, coach, tongue="ti", first_name="Dawit", last_name="Abebe"),
            waiting(programme, coach, tongue="ar", first_name="Nour", last_name="Haddad"),
            waiting(programme, coach, status=Status.ACTIVE, first_name="Omid", last_name="Rahimi"),
        ],
        "b1": [
            waiting(
                programme, coach, level="b1", tongue="uk", first_name="Olena", last_name="Koval"
            ),
            waiting(
                programme, coach, level="b1", tongue="fa", first_name="Zahra", last_name="Karimi"
            ),
            waiting(programme, coach, level="b1", first_name="Ali", last_name="Jafari"),
        ],
        "new": waiting(programme, coach, assessed=False, first_name="Amina", last_name="Diallo"),
    }


def test_it_proposes_groups_for_the_people_waiting(people, programme, coach_client):
    response = coach_client.get(url(programme), {"capacity": 4})
    assert response.status_code == 200
    proposal = response.context["proposal"]
    # The two Tigrinya speakers would make 2 of 3 in the A1 band: Dawit moves up a band, and
    # the lowest of the next band who speaks neither, Omid (A1 too), comes down.
    assert placed(proposal) == [
        ["Selam Haile", "Nour Haddad", "Omid Rahimi"],
        ["Dawit Abebe", "Olena Koval", "Zahra Karimi", "Ali Jafari"],
    ]
    assert [group.band for group in proposal.groups] == ["A1", "A1–B1"]
    assert [c.name for c in proposal.to_assess] == ["Amina Diallo"]
    assert proposal.warnings == []
    html = response.content.decode()
    assert (
        "A1 oral, literacy not recorded; Tigrinya speakers 1 of 4 (limit 40%); "
        "placed 1 level band higher to spread mother tongues"
    ) in html
    assert (
        "A1 oral, literacy not recorded; mother tongue not recorded; "
        "placed 1 level band lower to spread mother tongues"
    ) in html
    assert f'name="member-{people["a1"][0].pk}"' in html
    assert "To assess first (1)" in html
    assert "Check before creating the groups:" not in html


def test_the_share_and_the_capacity_start_from_the_programme(people, programme, coach_client):
    response = coach_client.get(url(programme))
    form = response.context["form"]
    assert form.cleaned_data == {"capacity": 12, "max_share": 40, "groups": None}
    proposal = response.context["proposal"]
    assert len(proposal.groups) == 1
    line = proposal.groups[0].placements[0].line
    assert line == "A1 oral, literacy not recorded; Tigrinya speakers 2 of 7 (limit 40%)"


def test_only_people_waiting_to_be_placed_are_candidates(programme, coach, coach_client):
    kept = waiting(programme, coach, first_name="Kept", status=Status.ACTIVE)
    left = waiting(programme, coach, first_name="Left")
    placed_now = waiting(programme, coach, first_name="Placed")
    elsewhere = waiting(programme, coach, first_name="Elsewhere")
    waiting(programme, coach, first_name="Referred", status=Status.REFERRED)
    waiting(programme, coach, first_name="Paused", status=Status.PAUSED)
    group = make_group(programme=programme)
    add_member(group=group, participant=placed_now)
    add_member(group=group, participant=left, left_on=timezone.localdate())
    # A group of another programme does not count.
    add_member(
        group=make_group(programme=make_programme(organisation=programme.organisation)),
        participant=elsewhere,
    )
    response = coach_client.get(url(programme))
    names = {c.name.split()[0] for c in response.context["proposal"].candidates}
    assert names == {kept.first_name, left.first_name, elsewhere.first_name}


def test_a_move_comes_back_with_its_checks(people, programme, coach_client):
    proposal = coach_client.get(url(programme), {"capacity": 4}).context["proposal"]
    dawit = people["a1"][1]
    response = coach_client.post(url(programme), form_data(proposal, moves={dawit: 1}))
    assert response.status_code == 200
    moved = response.context["proposal"]
    assert placed(moved)[0] == ["Selam Haile", "Dawit Abebe", "Nour Haddad", "Omid Rahimi"]
    assert moved.groups[0].placements[1].line == (
        "A1 oral, literacy not recorded; Tigrinya speakers 2 of 4, over the 40% limit; "
        "moved here by you"
    )
    html = response.content.decode()
    assert "Check before creating the groups:" in html
    assert "Group 1: 2 of 4 people speak Tigrinya, over the 40% limit." in html
    assert Group.objects.count() == 0


def test_moving_beyond_the_places_is_a_warning_and_cannot_be_confirmed(
    people, programme, coach_client
):
    proposal = coach_client.get(url(programme), {"capacity": 4}).context["proposal"]
    dawit, ali = people["a1"][1], people["b1"][2]
    data = form_data(proposal, moves={dawit: 1, ali: 1})
    html = coach_client.post(url(programme), data).content.decode()
    assert "Group 1 has 5 people for 4 places." in html
    before = session_row_counts()
    response = coach_client.post(url(programme), {**data, "action": "confirm"})
    assert response.status_code == 200
    assert "Some groups have more people than places: move people out." in response.content.decode()
    assert session_row_counts() == before


def test_with_htmx_a_move_returns_only_the_proposal(people, programme, coach_client):
    proposal = coach_client.get(url(programme)).context["proposal"]
    response = coach_client.post(url(programme), form_data(proposal), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="proposal"')
    assert "<html" not in html


def test_confirming_creates_the_groups_and_adds_everyone_at_once(
    people, programme, coach, coach_client
):
    make_group(programme=programme, name="Earlier group")
    proposal = coach_client.get(url(programme), {"capacity": 4}).context["proposal"]
    selam, dawit, nour, omid = people["a1"]
    olena, zahra, ali = people["b1"]
    # Ali stays on the waiting list for now.
    data = form_data(proposal, "confirm", moves={ali: 0})
    with mock.patch.object(
        services, "group_add_members", wraps=services.group_add_members
    ) as add_members:
        response = coach_client.post(url(programme), data)
    first, second = Group.objects.exclude(name="Earlier group").order_by("pk")
    # One call per group, with all its members: never one person at a time.
    assert [len(call.kwargs["participants"]) for call in add_members.call_args_list] == [3, 3]
    assert response.status_code == 302
    assert response.url == reverse("sessions:group", args=[first.pk])
    assert messages_of(response) == ["2 groups created with 6 people."]
    assert (first.name, first.level_low, first.level_high, first.capacity) == (
        "Vivre ensemble A1 (2)",
        "a1",
        "a1",
        4,
    )
    assert (second.name, second.level_low, second.level_high) == (
        "Vivre ensemble A1–B1 (3)",
        "a1",
        "b1",
    )
    assert list(first.coaches.all()) == [coach.user] == list(second.coaches.all())
    memberships = GroupMembership.objects.filter(group__in=[first, second])
    assert {(m.group_id, m.participant_id) for m in memberships} == {
        *((first.pk, p.pk) for p in [selam, nour, omid]),
        *((second.pk, p.pk) for p in [dawit, olena, zahra]),
    }
    assert {m.joined_on for m in memberships} == {timezone.localdate()}
    # Placed people are no longer proposed; Ali and the person to assess still wait.
    proposal = coach_client.get(url(programme)).context["proposal"]
    assert [c.name for c in proposal.candidates] == ["Ali Jafari"]


def test_a_manager_creates_groups_without_coaches(people, programme, manager_client):
    proposal = manager_client.get(url(programme)).context["proposal"]
    response = manager_client.post(url(programme), form_data(proposal, "confirm"))
    group = Group.objects.get()
    assert response.url == group.get_absolute_url()
    assert list(group.coaches.all()) == []
    assert group.memberships.count() == 7


def test_with_htmx_confirming_redirects_the_page(people, programme, coach_client):
    proposal = coach_client.get(url(programme)).context["proposal"]
    response = coach_client.post(
        url(programme), form_data(proposal, "confirm"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == Group.objects.get().get_absolute_url()


def test_confirming_after_the_waiting_list_changed_is_refused(
    people, programme, coach, coach_client
):
    proposal = coach_client.get(url(programme)).context["proposal"]
    add_member(group=make_group(programme=programme), participant=people["b1"][0])
    before = session_row_counts()
    response = coach_client.post(url(programme), form_data(proposal, "confirm"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The people waiting changed since the page was loaded" in html
    assert session_row_counts() == before
    assert "Olena Koval" not in [c.name for c in response.context["proposal"].candidates]


def test_someone_out_of_reach_cannot_be_slipped_in(
    people, programme, colleague, coach_client, organisation
):
    stranger = waiting(programme, colleague, first_name="Not", last_name="Mine")
    proposal = coach_client.get(url(programme)).context["proposal"]
    data = {**form_data(proposal, "confirm"), f"member-{stranger.pk}": 1}
    before = session_row_counts()
    response = coach_client.post(url(programme), data)
    assert response.status_code == 200
    assert session_row_counts() == before
    assert stranger.pk not in response.context["proposal"].assignment


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"capacity": 0}, "A group needs at least one place."),
        ({"capacity": 12, "max_share": 150}, "percentage from 1 to 100"),
        ({"capacity": "twelve"}, "Enter a whole number."),
        ({"capacity": 1, "groups": 2}, "need at least 7 groups"),
    ],
)
def test_bad_settings_are_explained(people, programme, coach_client, query, message):
    response = coach_client.get(url(programme), query)
    assert response.status_code == 200
    assert response.context["proposal"] is None
    assert message in response.content.decode()


def test_bad_input_on_confirm_writes_nothing(people, programme, coach_client):
    proposal = coach_client.get(url(programme)).context["proposal"]
    before = session_row_counts()
    for bad in ({"capacity": 0}, {"max_share": 150}, {f"member-{people['a1'][0].pk}": "x"}):
        response = coach_client.post(url(programme), {**form_data(proposal, "confirm"), **bad})
        assert response.status_code == 200
        assert "No group was created." in response.content.decode()
    response = coach_client.post(
        url(programme), {**form_data(proposal, "confirm"), f"member-{people['a1'][0].pk}": 9}
    )
    assert "These moves do not match the proposal" in response.content.decode()
    assert session_row_counts() == before


def test_a_colleague_sees_only_their_own_caseload(people, programme, colleague, colleague_client):
    theirs = waiting(programme, colleague, first_name="Bilal", last_name="Yousef")
    proposal = colleague_client.get(url(programme)).context["proposal"]
    assert [c.id for c in proposal.candidates] == [theirs.pk]
    assert (
        "Only the people of your caseload are shown."
        in colleague_client.get(url(programme)).content.decode()
    )


def test_a_manager_sees_the_whole_organisation(people, programme, colleague, manager_client):
    waiting(programme, colleague, first_name="Bilal", last_name="Yousef")
    proposal = manager_client.get(url(programme)).context["proposal"]
    assert len(proposal.candidates) == 8


def test_another_organisation_gets_a_404(
    people, programme, outsider_client, outsider_manager_client
):
    assert outsider_client.get(url(programme)).status_code == 404
    assert outsider_manager_client.get(url(programme)).status_code == 404
    assert outsider_manager_client.post(url(programme), {"action": "confirm"}).status_code == 404
    assert Group.objects.count() == 0


def test_an_administrator_gets_a_404(programme, administrator_client):
    assert administrator_client.get(url(programme)).status_code == 404


def test_an_unknown_programme_is_a_404(coach_client):
    assert coach_client.get(reverse("sessions:grouping", args=[999_999])).status_code == 404


def test_it_requires_login(client, programme):
    response = client.get(url(programme))
    assert response.status_code == 302
    assert response.url == login_url(url(programme))


def test_it_rejects_other_methods(programme, coach_client):
    assert coach_client.put(url(programme)).status_code == 405
    assert coach_client.delete(url(programme)).status_code == 405


@pytest.mark.parametrize("size", [5, 50])
def test_the_proposal_page_runs_a_fixed_number_of_queries(
    programme, coach, coach_client, size, django_assert_num_queries
):
    languages = ["ti", "ar", "fa", "so", None]
    for n in range(size):
        waiting(programme, coach, level=["a1", "a2", "b1"][n % 3], tongue=languages[n % 5])
    Programme.objects.filter(pk=programme.pk).update(max_mother_tongue_share=40)
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the programme, within the user's organisation
    # 4. the people waiting, within the user's reach, with their latest assessment and mother
    #    tongue (subqueries of the same query)
    with django_assert_num_queries(4):
        response = coach_client.get(url(programme), {"capacity": 10})
    assert sum(group.size for group in response.context["proposal"].groups) == size
