"""The coach's to-do list and the enrolment page's planned to-dos: each linked to where its work
is recorded, with a reminder of the follow-up calls due."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.models import FollowUpCall
from participants.models import Enrolment
from programme.models import TodoTemplate
from tests.factories import make_enrolment, make_participant, make_todo
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
Status = Enrolment.Status
Kind = TodoTemplate.Kind
TODAY = timezone.localdate()


def test_the_list_shows_overdue_and_coming_week_by_default(active, coach_client):
    late = make_todo(active, -3)
    soon = make_todo(active, 6, kind=Kind.LANGUAGE_TEST)
    make_todo(active, 20, kind=Kind.MIDWAY)
    make_todo(active, -10, kind=Kind.OTHER, label="Call the school", done_on=TODAY)

    response = coach_client.get(reverse("participants:todos"))

    assert list(response.context["page"].object_list) == [late, soon]
    html = response.content.decode()
    assert "Overdue" in html and "Language test" in html and "Call the school" not in html


def test_a_longer_period_shows_more(active, coach_client):
    make_todo(active, 20)
    response = coach_client.get(reverse("participants:todos"), {"when": "month"})
    assert len(response.context["page"].object_list) == 1
    response = coach_client.get(reverse("participants:todos"), {"when": "overdue"})
    assert len(response.context["page"].object_list) == 0


def test_a_coach_sees_their_own_by_default_and_a_manager_everyone(
    active, programme, colleague, coach_client, manager_client
):
    mine = make_todo(active, 1)
    theirs = make_enrolment(
        participant=make_participant(organisation=programme.organisation, coach=colleague.user),
        programme=programme,
        status=Status.ACTIVE,
    )
    other = make_todo(theirs, 1)

    assert list(coach_client.get(reverse("participants:todos")).context["page"]) == [mine]
    assert list(manager_client.get(reverse("participants:todos")).context["page"]) == [mine, other]
    filtered = manager_client.get(reverse("participants:todos"), {"coach": colleague.user_id})
    assert list(filtered.context["page"]) == [other]


def test_a_coach_cannot_list_a_colleagues_caseload(active, colleague, coach_client):
    theirs = make_enrolment(
        participant=make_participant(organisation=active.programme.organisation,
                                     coach=colleague.user),
        programme=active.programme,
    )  # fmt: skip
    make_todo(theirs, 1)
    response = coach_client.get(reverse("participants:todos"), {"coach": colleague.user_id})
    assert list(response.context["page"]) == []


def test_htmx_filtering_returns_the_results_only(active, coach_client):
    make_todo(active, 1)
    response = coach_client.get(reverse("participants:todos"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')


def test_the_list_needs_a_coach_or_manager(client, administrator_client, outsider_client, active):
    make_todo(active, 1)
    url = reverse("participants:todos")
    assert client.get(url).url == login_url(url)
    assert administrator_client.get(url).status_code == 404
    assert list(outsider_client.get(url).context["page"]) == []


def test_the_list_runs_a_fixed_number_of_queries(
    active, programme, coach_client, django_assert_num_queries
):
    make_todo(active, 1)

    def count():
        # session; user with their staff record and organisation (header); the coach filter
        # checks the signed-in coach exists; count for the paginator; the page of to-dos with
        # person, programme and coach; the filter's programmes and coaches (choices
        # rendered); the count of follow-up calls due
        with django_assert_num_queries(8):
            coach_client.get(reverse("participants:todos"))

    count()
    for _ in range(20):
        person = make_participant(organisation=programme.organisation, coach=active.coach)
        make_todo(make_enrolment(participant=person, programme=programme), 2)
    count()


def test_the_enrolment_page_shows_the_plan_with_overdue_flags(active, coach_client):
    make_todo(active, -2)
    make_todo(active, 30, kind=Kind.EXIT)
    html = coach_client.get(active.get_absolute_url()).content.decode()
    assert 'id="todos"' in html
    assert "1 overdue" in html and "Exit evaluation" in html


def test_the_plan_panel_costs_the_same_for_many_todos(
    active, coach_client, django_assert_max_num_queries
):
    make_todo(active, 1)
    with django_assert_max_num_queries(40) as one:
        coach_client.get(active.get_absolute_url())
    for days in range(20):
        make_todo(active, days)
    with django_assert_max_num_queries(len(one.captured_queries)):
        coach_client.get(active.get_absolute_url())


def test_a_programme_without_admissions_shows_no_plan(enrolment, coach_client):
    assert 'id="todos"' not in coach_client.get(enrolment.get_absolute_url()).content.decode()


def test_evaluation_and_language_todos_link_to_where_they_are_recorded(active, coach_client):
    make_todo(active, 1, kind=Kind.MIDWAY)
    make_todo(active, 2, kind=Kind.LANGUAGE_TEST)
    make_todo(active, 3, kind=Kind.OTHER, label="Visit the library")
    html = coach_client.get(reverse("participants:todos")).content.decode()
    new_evaluation = reverse("evaluations:evaluation-new", args=[active.pk])
    assert f'href="{new_evaluation}?kind=midway"' in html
    assert reverse("evaluations:language", args=[active.participant_id]) in html
    assert html.count("Record it") == 2


def test_the_list_reminds_of_follow_up_calls_due(active, coach_client, colleague_client):
    FollowUpCall.objects.create(enrolment=active, weeks_after_exit=4, due_on=TODAY)
    FollowUpCall.objects.create(
        enrolment=active, weeks_after_exit=13, due_on=TODAY + datetime.timedelta(days=60)
    )
    html = coach_client.get(reverse("participants:todos")).content.decode()
    assert "1 follow-up call due today or overdue" in html
    assert reverse("evaluations:call-queue") in html
    # A colleague without this person on their caseload is not reminded of it.
    html = colleague_client.get(reverse("participants:todos")).content.decode()
    assert "follow-up call" not in html


def test_only_open_todos_are_flagged_overdue(active, coach_client):
    make_todo(active, -5, done_on=TODAY - datetime.timedelta(days=6))
    make_todo(active, -4, kind=Kind.MIDWAY, cancelled=True)
    html = coach_client.get(active.get_absolute_url()).content.decode()
    assert "Done on" in html and "Cancelled" in html
    assert "badge-late" not in html
