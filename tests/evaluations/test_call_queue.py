"""The call queue: who to call today and who is overdue, then the coming week."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from evaluations.models import FollowUpCall
from tests.evaluations.factories import make_attempt, make_call, make_exited
from tests.factories import make_enrolment, make_participant, make_programme
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
URL = reverse("evaluations:call-queue")
TODAY = timezone.localdate


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def exited_person(coach_user, programme=None, **kwargs):
    person = make_participant(coach=coach_user, **kwargs)
    return make_exited(enrolment=make_enrolment(participant=person, programme=programme))


@pytest.fixture
def exited(enrolment):
    return make_exited(enrolment=enrolment, exited_on=days(-100))


def queue(response) -> tuple[list, list]:
    return list(response.context["due"]), list(response.context["coming"])


def test_due_and_overdue_first_oldest_first_then_the_coming_week(exited, coach_client):
    today = make_call(enrolment=exited, weeks_after_exit=13, due_on=days(0))
    late = make_call(enrolment=exited, weeks_after_exit=4, due_on=days(-40))
    soon = make_call(enrolment=exited, weeks_after_exit=26, due_on=days(5))
    make_call(enrolment=exited, weeks_after_exit=52, due_on=days(8))  # beyond the week

    response = coach_client.get(URL)

    assert response.status_code == 200
    assert queue(response) == ([late, today], [soon])


def test_each_row_says_who_how_and_which_call(exited, coach_client):
    exited.participant.phone = "+32 470 12 34 56"
    exited.participant.save()
    call = make_call(enrolment=exited, weeks_after_exit=13, due_on=days(-2))
    make_attempt(call=call)

    html = coach_client.get(URL).content.decode()

    assert "HAILE Selam" in html
    assert 'href="tel:+32470123456"' in html
    assert "Vivre ensemble" in html
    assert date_format(exited.exited_on, "SHORT_DATE_FORMAT") in html
    assert "3 months after exit" in html
    assert "1 / 3" in html  # attempts so far, of the programme's maximum
    assert "Overdue" in html
    assert f'hx-get="{reverse("evaluations:call", args=[call.pk])}"' in html


def test_closed_calls_are_not_in_the_queue(exited, coach_client):
    for weeks, status in [(4, "reached"), (13, "unreachable"), (26, "cancelled")]:
        make_call(
            enrolment=exited,
            weeks_after_exit=weeks,
            due_on=days(-1),
            status=status,
            situation="employed",
            needs_help=False,
        )

    response = coach_client.get(URL)

    assert queue(response) == ([], [])
    assert "Nobody to call today." in response.content.decode()


def test_a_coach_sees_only_their_own_caseload(exited, coach, colleague, coach_client):
    mine = make_call(enrolment=exited, due_on=days(-1))
    # The colleague's person, in the same organisation: not in the coach's queue.
    theirs = make_call(enrolment=exited_person(colleague.user), due_on=days(-1))
    # A person whose referent coach is the colleague, but whose exited enrolment the coach ran.
    shared = exited_person(colleague.user)
    shared.coach = coach.user
    shared.save()
    ran = make_call(enrolment=shared, due_on=days(-1))

    due, _coming = queue(coach_client.get(URL))

    assert set(due) == {mine, ran}
    assert theirs not in due


def test_the_referent_coach_sees_the_call_of_an_enrolment_run_by_someone_else(
    coach, colleague, colleague_client
):
    person = make_participant(coach=colleague.user)
    enrolment = make_exited(enrolment=make_enrolment(participant=person, coach=coach.user))
    call = make_call(enrolment=enrolment, due_on=days(0))

    assert queue(colleague_client.get(URL)) == ([call], [])


def test_the_manager_sees_the_whole_organisation_and_filters_by_coach(
    exited, colleague, manager_client, coach
):
    mine = make_call(enrolment=exited, due_on=days(-1))
    theirs = make_call(enrolment=exited_person(colleague.user), due_on=days(0))

    response = manager_client.get(URL)

    assert queue(response) == ([mine, theirs], [])
    assert "Coach" in response.content.decode()
    filtered = manager_client.get(URL, {"coach": colleague.user.pk})
    assert queue(filtered) == ([theirs], [])


def test_the_coach_filter_is_for_managers_only(exited, colleague, coach_client):
    mine = make_call(enrolment=exited, due_on=days(0))

    response = coach_client.get(URL, {"coach": colleague.user.pk})

    assert response.context["filter"] is None
    assert queue(response) == ([mine], [])


def test_htmx_gets_only_the_queue(exited, manager_client):
    make_call(enrolment=exited, due_on=days(0))

    response = manager_client.get(URL, {"coach": ""}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="queue"')
    assert "<html" not in html


def test_other_organisations_calls_never_show(exited, outsider, outsider_client, manager_client):
    other = make_programme(organisation=outsider.organisation)
    theirs = make_call(enrolment=exited_person(outsider.user, programme=other), due_on=days(0))
    mine = make_call(enrolment=exited, due_on=days(0))

    assert queue(outsider_client.get(URL)) == ([theirs], [])
    assert queue(manager_client.get(URL)) == ([mine], [])


def test_the_nav_links_to_the_queue(coach_client):
    html = coach_client.get(URL).content.decode()
    assert f'<a href="{URL}" aria-current="page">' in html


def test_it_rejects_other_methods(coach_client):
    assert coach_client.post(URL).status_code == 405


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(URL)
    assert (response.status_code, response.url) == (302, login_url(URL))


def test_administrators_get_404(administrator_client):
    assert administrator_client.get(URL).status_code == 404


@pytest.mark.parametrize("size", [1, 20])
def test_the_coachs_queue_runs_the_same_queries_for_1_or_20_calls(
    coach, coach_client, size, django_assert_num_queries
):
    for n in range(size):
        call = make_call(enrolment=exited_person(coach.user), due_on=days(n % 10 - 3))
        make_attempt(call=call)

    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the calls due within the week, within the user's reach, with person, programme,
    #    coach and attempt counts
    with django_assert_num_queries(3):
        response = coach_client.get(URL)

    due, coming = queue(response)
    assert len(due) + len(coming) == size


@pytest.mark.parametrize("size", [1, 20])
def test_the_managers_queue_runs_the_same_queries_for_1_or_20_calls(
    coach, manager_client, size, django_assert_num_queries
):
    for n in range(size):
        make_call(enrolment=exited_person(coach.user), due_on=days(n % 10 - 3))

    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the chosen coach (filter check)  4. the calls, as for a coach
    # 5. the coaches listed in the filter
    with django_assert_num_queries(5):
        response = manager_client.get(URL, {"coach": coach.user.pk})

    due, coming = queue(response)
    assert len(due) + len(coming) == size
    assert FollowUpCall.objects.count() == size
