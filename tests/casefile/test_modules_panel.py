"""The "Modules" section of the enrolment page (casefile.modules): the plan with each module's
sessions and hours, and the actions on it, for the coach of the enrolment and the manager;
another coach and another organisation get a 404; bad input writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casefile.modules import TEMPLATE
from participants import plans
from participants.models import PlannedModule
from sessions import services
from tests.factories import make_module
from tests.sessions.factories import days_from_today, make_group

Status = PlannedModule.Status
TODAY = timezone.localdate


@pytest.fixture
def art(programme):
    return make_module(programme=programme, name="Art group", trial_sessions=2)


@pytest.fixture
def start_module(programme):
    return make_module(programme=programme, name="START")


def page(enrolment) -> str:
    return reverse("participants:enrolment", args=[enrolment.pk])


def choose_url(enrolment) -> str:
    return reverse("casefile:module-choose", args=[enrolment.pk])


def test_the_page_shows_the_plan_and_offers_the_other_modules(
    active, art, start_module, coach, coach_client
):
    plans.module_choose(enrolment=active, module=art, by=coach.user)
    response = coach_client.get(page(active))
    html = response.content.decode()
    assert '<article id="modules"' in html
    assert "Art group" in html
    [panel] = [p.context for p in response.context["panels"] if p.template == TEMPLATE]
    assert [line.module for line in panel["lines"]] == [art]
    assert panel["choosable"] == [start_module]
    assert html.find('id="action-plan"') < html.find('id="modules"') < html.find('id="todos"')


def test_an_intake_has_no_modules_section(enrolment, coach_client):
    html = coach_client.get(page(enrolment)).content.decode()
    assert '<article id="modules"' not in html


@pytest.mark.parametrize("client_name", ["coach_client", "manager_client"])
def test_the_coach_and_the_manager_choose_a_module(request, active, art, client_name):
    client = request.getfixturevalue(client_name)
    response = client.post(choose_url(active), {"module": art.pk, "action": "choose"})
    assert response.status_code == 302
    assert response.url.endswith("#modules")
    assert PlannedModule.objects.get().status == Status.PLANNED


@pytest.mark.parametrize(
    "client_name", ["colleague_client", "outsider_client", "outsider_manager_client"]
)
def test_another_coach_or_organisation_gets_a_404(request, active, art, coach, client_name):
    entry = plans.module_choose(enrolment=active, module=art, by=coach.user)
    client = request.getfixturevalue(client_name)
    assert client.post(choose_url(active), {"module": art.pk}).status_code == 404
    start = reverse("casefile:module-start", args=[entry.pk])
    assert client.post(start, {"on": TODAY().isoformat()}).status_code == 404
    entry.refresh_from_db()
    assert entry.status == Status.PLANNED


def test_anonymous_is_sent_to_sign_in(client, active, art):
    response = client.post(choose_url(active), {"module": art.pk})
    assert response.status_code == 302
    assert not PlannedModule.objects.exists()


def test_get_is_refused(coach_client, active):
    assert coach_client.get(choose_url(active)).status_code == 405


def test_try_then_choose_then_finish(active, art, coach_client):
    coach_client.post(
        choose_url(active),
        {"module": art.pk, "action": "try", "on": days_from_today(-7).isoformat()},
    )
    entry = PlannedModule.objects.get()
    assert (entry.status, entry.starts_on) == (Status.TRYING, days_from_today(-7))

    coach_client.post(
        reverse("casefile:module-start", args=[entry.pk]), {"on": TODAY().isoformat()}
    )
    entry.refresh_from_db()
    assert entry.status == Status.RUNNING

    coach_client.post(
        reverse("casefile:module-finish", args=[entry.pk]),
        {"on": TODAY().isoformat(), "note": "Exhibition at the library"},
    )
    entry.refresh_from_db()
    assert (entry.status, entry.ends_on, entry.note) == (
        Status.DONE,
        TODAY(),
        "Exhibition at the library",
    )


def test_stop_with_a_reason(active, art, coach, coach_client):
    entry = plans.module_choose(enrolment=active, module=art, by=coach.user)
    plans.module_start(entry=entry, on=days_from_today(-5), by=coach.user)
    response = coach_client.post(
        reverse("casefile:module-stop", args=[entry.pk]),
        {"on": TODAY().isoformat(), "reason": "health"},
        follow=True,
    )
    entry.refresh_from_db()
    assert (entry.status, entry.stop_reason) == (Status.STOPPED, "health")
    assert "Art group stopped." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"on": days_from_today(3).isoformat()}, "the date is in the future"),
        ({"on": "not a date"}, "Date: Enter a valid date."),
        ({}, "Date: This field is required."),
    ],
)
def test_a_bad_start_date_is_explained_and_nothing_written(
    active, art, coach, coach_client, data, message
):
    entry = plans.module_choose(enrolment=active, module=art, by=coach.user)
    response = coach_client.post(
        reverse("casefile:module-start", args=[entry.pk]), data, follow=True
    )
    assert message in response.content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.starts_on) == (Status.PLANNED, None)


def test_a_module_of_another_programme_is_not_a_choice(active, other_programme, coach_client):
    elsewhere = make_module(programme=other_programme, name="Elders")
    response = coach_client.post(choose_url(active), {"module": elsewhere.pk}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    assert not PlannedModule.objects.exists()


def test_a_stop_without_a_reason_writes_nothing(active, art, coach, coach_client):
    entry = plans.module_choose(enrolment=active, module=art, by=coach.user)
    coach_client.post(reverse("casefile:module-stop", args=[entry.pk]), {"reason": ""})
    entry.refresh_from_db()
    assert entry.status == Status.PLANNED


def test_with_htmx_the_section_comes_back_with_the_refusal(active, art, coach, coach_client):
    entry = plans.module_choose(enrolment=active, module=art, by=coach.user)
    response = coach_client.post(
        reverse("casefile:module-finish", args=[entry.pk]),
        {"on": TODAY().isoformat()},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert '<article id="modules"' in html
    assert "it cannot be finished" in html


def _page_queries(client, enrolment) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page(enrolment)).status_code == 200
    return len(queries)


def test_the_page_s_queries_do_not_grow_with_the_plan(
    active, programme, participant, coach, coach_client
):
    def add_modules(count):
        for n in range(count):
            module = make_module(
                programme=programme, name=f"Module {PlannedModule.objects.count()}-{n}"
            )
            group = make_group(programme=programme, module=module)
            services.group_add_members(
                group=group, participants=[participant], joined_on=days_from_today(-10)
            )

    add_modules(1)
    one = _page_queries(coach_client, active)
    add_modules(19)
    assert _page_queries(coach_client, active) == one
