"""Starting a cohort (casefile.lifecycle.cohort_start) and its page (casefile.views
.cohort_detail): everyone admitted to the cohort starts on its start date, together, and may
form the cohort's group."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from casefile import lifecycle
from participants.models import Enrolment
from programme.models import Cohort, Programme
from sessions.models import Group, GroupMembership
from tests.factories import make_enrolment, make_module, make_participant
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def cohort(programme):
    Programme.objects.filter(pk=programme.pk).update(entry_mode=Programme.EntryMode.COHORT)
    return Cohort.objects.create(
        programme=programme,
        name="Spring",
        intake_opens_on=TODAY - 60 * DAY,
        intake_closes_on=TODAY - 10 * DAY,
        starts_on=TODAY - 2 * DAY,
        ends_on=TODAY + 180 * DAY,
    )


def waiting_in(cohort, coach, n: int = 1) -> list[Enrolment]:
    """People admitted to the cohort, waiting for it (as intake_decide leaves them)."""
    return [
        make_enrolment(
            participant=make_participant(organisation=coach.organisation, coach=coach.user),
            programme=cohort.programme,
            coach=coach.user,
            status=Status.WAITING_LIST,
            waiting_since=timezone.now(),
            referred_on=TODAY - 50 * DAY,
            cohort=cohort,
        )
        for _ in range(n)
    ]


def url(cohort) -> str:
    return reverse("casefile:cohort", args=[cohort.pk])


def test_everyone_waiting_starts_together_on_the_start_date(cohort, coach, manager):
    people = waiting_in(cohort, coach, 3)
    elsewhere = make_enrolment(
        participant=make_participant(organisation=coach.organisation, coach=coach.user),
        programme=cohort.programme,
        status=Status.WAITING_LIST,
        waiting_since=timezone.now(),
    )
    outcome = lifecycle.cohort_start(cohort=cohort, by=manager.user)
    assert len(outcome.started) == 3 and outcome.group is None
    for enrolment in people:
        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.started_on) == (Status.ACTIVE, cohort.starts_on)
        assert enrolment.changes.get().reason == "Started with the cohort Spring."
        assert enrolment.todos.exists()  # the trajectory is planned from the start
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.WAITING_LIST  # not in the cohort: still waiting
    cohort.refresh_from_db()
    assert cohort.started_at is not None
    assert outcome.summary() == "3 people started with the cohort."


def test_the_cohort_forms_its_group(cohort, programme, coach, manager):
    people = waiting_in(cohort, coach, 14)
    module = make_module(programme=programme, name="Collective module")
    outcome = lifecycle.cohort_start(
        cohort=cohort, by=manager.user, group_name="Spring group", module=module,
        coaches=[coach.user],
    )  # fmt: skip
    group = outcome.group
    assert (group.cohort, group.module, group.starts_on) == (cohort, module, cohort.starts_on)
    assert group.capacity == 14  # the default twelve would not hold them
    assert set(group.memberships.values_list("participant_id", flat=True)) == {
        e.participant_id for e in people
    }
    assert set(group.memberships.values_list("joined_on", flat=True)) == {cohort.starts_on}
    assert list(group.coaches.all()) == [coach.user]


def test_a_cohort_starts_once(cohort, coach, manager):
    waiting_in(cohort, coach)
    lifecycle.cohort_start(cohort=cohort, by=manager.user)
    waiting_in(cohort, coach)
    with pytest.raises(ValidationError) as error:
        lifecycle.cohort_start(cohort=cohort, by=manager.user)
    assert error.value.messages == ["This cohort has already started."]


def test_a_cohort_does_not_start_before_its_date(cohort, coach, manager):
    people = waiting_in(cohort, coach)
    with pytest.raises(ValidationError) as error:
        lifecycle.cohort_start(cohort=cohort, by=manager.user, today=cohort.starts_on - DAY)
    assert "start it on that day or later" in error.value.messages[0]
    people[0].refresh_from_db()
    assert people[0].status == Status.WAITING_LIST
    assert Cohort.objects.get(pk=cohort.pk).started_at is None


def test_an_empty_cohort_is_not_started(cohort, manager):
    with pytest.raises(ValidationError) as error:
        lifecycle.cohort_start(cohort=cohort, by=manager.user)
    assert error.value.messages == ["Nobody is waiting for this cohort: admit people to it first."]


def test_a_module_of_another_programme_is_refused_and_nothing_written(
    cohort, coach, manager, other_programme
):
    people = waiting_in(cohort, coach)
    foreign = make_module(programme=other_programme)
    with pytest.raises(ValidationError):
        lifecycle.cohort_start(cohort=cohort, by=manager.user, group_name="G", module=foreign)
    people[0].refresh_from_db()
    assert people[0].status == Status.WAITING_LIST and not Group.objects.exists()


# The page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager_client", "coach_client"])
def test_a_manager_or_a_coach_starts_the_cohort(request, persona, cohort, coach):
    people = waiting_in(cohort, coach, 2)
    client = request.getfixturevalue(persona)
    page = client.get(url(cohort))
    assert page.status_code == 200
    assert "Start the cohort" in page.content.decode()
    response = client.post(url(cohort), {"group_name": "Spring group", "module": ""}, follow=True)
    assert "2 people started with the cohort. They form the group Spring group." in (
        response.content.decode()
    )
    assert GroupMembership.objects.filter(group__cohort=cohort).count() == 2
    assert all(e.status == Status.ACTIVE for e in Enrolment.objects.filter(cohort=cohort))
    assert people


def test_a_coach_who_starts_it_coaches_its_group(cohort, coach, coach_client):
    waiting_in(cohort, coach)
    coach_client.post(url(cohort), {"group_name": "Spring group"})
    assert list(Group.objects.get(cohort=cohort).coaches.all()) == [coach.user]


def test_a_refusal_is_shown_on_the_page(cohort, manager_client):
    response = manager_client.post(url(cohort), {"group_name": ""})
    assert response.status_code == 200
    assert "Nobody is waiting for this cohort" in response.content.decode()


def test_a_coach_sees_only_their_caseloads_names(cohort, coach, colleague, colleague_client):
    mine = waiting_in(cohort, coach)[0]
    theirs = waiting_in(cohort, colleague)[0]
    response = colleague_client.get(url(cohort))
    assert list(response.context["members"]) == [theirs]
    assert response.context["waiting"] == 2
    assert mine.participant.full_name not in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider_client", "outsider_manager_client",
                                     "administrator_client"])  # fmt: skip
def test_others_are_told_it_does_not_exist(request, persona, cohort, coach):
    waiting_in(cohort, coach)
    client = request.getfixturevalue(persona)
    assert client.get(url(cohort)).status_code == 404
    assert client.post(url(cohort), {"group_name": "Taken"}).status_code == 404
    assert Cohort.objects.get(pk=cohort.pk).started_at is None


def test_anonymous_is_sent_to_sign_in(client, cohort):
    response = client.get(url(cohort))
    assert response.status_code == 302 and response.url == login_url(url(cohort))


def test_it_refuses_other_methods(manager_client, cohort):
    assert manager_client.put(url(cohort)).status_code == 405


def test_the_enrolment_page_shows_the_cohort(cohort, coach, coach_client):
    enrolment = waiting_in(cohort, coach)[0]
    html = coach_client.get(enrolment.get_absolute_url()).content.decode()
    assert "Admitted to the cohort Spring: starts with it on" in html
    assert url(cohort) in html


@pytest.mark.parametrize("size", [1, 20])
def test_the_page_does_not_grow_with_the_cohort(
    cohort, coach, manager_client, size, django_assert_num_queries
):
    waiting_in(cohort, coach, size)
    # 1. session; 2. user with their staff record; 3. the cohort with its programme and
    # track; 4. the members with participant and coach; 5. how many wait; 6. the cohort's
    # groups; 7. the modules of the start form
    with django_assert_num_queries(7):
        response = manager_client.get(url(cohort))
    assert len(response.context["members"]) == size
