import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, EnrolmentStatusChange
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(enrolment, to) -> str:
    return reverse("participants:enrolment-status", args=[enrolment.pk, to])


@pytest.fixture
def active(enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Status.ACTIVE, started_on=timezone.localdate() - datetime.timedelta(days=60)
    )
    return Enrolment.objects.get(pk=enrolment.pk)


def current(enrolment) -> Enrolment:
    return Enrolment.objects.get(pk=enrolment.pk)


def test_it_shows_the_pause_form(active, coach_client):
    response = coach_client.get(url(active, "paused"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "New status: Paused" in html
    assert "<html" in html
    assert list(response.context["form"].fields) == ["reason"]


def test_the_exit_form_asks_for_the_exit_details(active, coach_client):
    form = coach_client.get(url(active, "exited")).context["form"]
    assert list(form.fields) == [
        "reason",
        "on",
        "exit_reason",
        "drop_out_reason",
        "exit_destination",
    ]


def test_htmx_gets_only_the_form(active, coach_client):
    response = coach_client.get(url(active, "paused"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<article id="status-form">')
    assert "<html" not in html
    assert "New status: Paused" in html


def test_it_pauses_with_the_reason(active, coach, coach_client):
    response = coach_client.post(url(active, "paused"), {"reason": "Hospital stay"})
    assert response.status_code == 302
    assert response.url == active.get_absolute_url()
    change = EnrolmentStatusChange.objects.get(enrolment=active)
    assert (change.to_status, change.reason, change.changed_by) == (
        Status.PAUSED,
        "Hospital stay",
        coach.user,
    )
    assert current(active).status == Status.PAUSED
    assert "Status changed to “Paused”." in coach_client.get(response.url).content.decode()


def test_with_htmx_a_success_redirects_the_page(active, coach_client):
    response = coach_client.post(
        url(active, "paused"), {"reason": "Hospital stay"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == active.get_absolute_url()
    assert current(active).status == Status.PAUSED


def test_it_records_an_exit(active, coach_client):
    on = timezone.localdate() - datetime.timedelta(days=1)
    coach_client.post(
        url(active, "exited"),
        {
            "on": on.isoformat(),
            "exit_reason": "dropped_out",
            "drop_out_reason": "health",
            "exit_destination": "unknown",
        },
    )
    enrolment = current(active)
    assert (enrolment.status, enrolment.exited_on) == (Status.EXITED, on)
    assert (enrolment.exit_reason, enrolment.drop_out_reason, enrolment.exit_destination) == (
        "dropped_out",
        "health",
        "unknown",
    )


def test_an_exit_without_date_is_today(active, coach_client):
    coach_client.post(
        url(active, "exited"), {"exit_reason": "completed", "exit_destination": "job", "on": ""}
    )
    assert current(active).exited_on == timezone.localdate()


@pytest.mark.parametrize(
    ("to", "data", "field", "message"),
    [
        ("paused", {"reason": ""}, "reason", "Say why."),
        (
            "exited",
            {"exit_reason": "", "exit_destination": "job"},
            "exit_reason",
            "Choose why the person leaves.",
        ),
        (
            "exited",
            {"exit_reason": "completed", "exit_destination": ""},
            "exit_destination",
            "Choose where the person goes next (or “unknown”).",
        ),
        (
            "exited",
            {"exit_reason": "dropped_out", "exit_destination": "none"},
            "drop_out_reason",
            "Choose why the person dropped out.",
        ),
        (
            "exited",
            {"exit_reason": "completed", "exit_destination": "job", "on": "2999-01-01"},
            "on",
            "The date cannot be in the future.",
        ),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(active, coach_client, to, data, field, message):
    before = row_counts()
    response = coach_client.post(url(active, to), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert row_counts() == before
    assert current(active).status == Status.ACTIVE


def test_an_exit_before_the_start_is_refused(active, coach_client):
    before = row_counts()
    on = active.started_on - datetime.timedelta(days=1)
    response = coach_client.post(
        url(active, "exited"),
        {"on": on.isoformat(), "exit_reason": "completed", "exit_destination": "job"},
    )
    assert "The exit date cannot be before the start date." in response.content.decode()
    assert row_counts() == before


def test_with_htmx_errors_come_back_in_the_form(active, coach_client):
    response = coach_client.post(url(active, "paused"), {"reason": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<article id="status-form">')
    assert "Say why." in html


def test_a_refused_transition_is_explained(enrolment, coach_client):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.CLOSED)
    before = row_counts()
    response = coach_client.post(url(enrolment, "paused"), {"reason": "Holiday"})
    assert response.status_code == 200
    assert "An enrolment that is “Closed” cannot become “Paused”." in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize("to", ["referred", "intake", "bogus"])
def test_an_unknown_or_intake_status_goes_back_to_the_enrolment(active, coach_client, to):
    before = row_counts()
    response = coach_client.post(url(active, to), {"reason": "x"})
    assert response.status_code == 302
    assert response.url == active.get_absolute_url()
    assert row_counts() == before


def test_a_manager_may_change_it(active, manager_client):
    manager_client.post(url(active, "paused"), {"reason": "Sick leave"})
    assert current(active).status == Status.PAUSED


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(active, colleague_client):
    assert colleague_client.get(url(active, "paused")).status_code == 404
    assert colleague_client.post(url(active, "paused"), {"reason": "x"}).status_code == 404
    assert current(active).status == Status.ACTIVE


def test_another_organisation_gets_a_404(active, outsider_client, outsider_manager_client):
    for client in (outsider_client, outsider_manager_client):
        assert client.get(url(active, "paused")).status_code == 404
        assert client.post(url(active, "paused"), {"reason": "x"}).status_code == 404
        # Not even a redirect that would confirm the enrolment exists.
        assert client.post(url(active, "bogus")).status_code == 404
    assert current(active).status == Status.ACTIVE


def test_an_administrator_gets_a_404(active, administrator_client):
    assert administrator_client.post(url(active, "paused"), {"reason": "x"}).status_code == 404
    assert current(active).status == Status.ACTIVE


def test_it_requires_login(active, client):
    response = client.post(url(active, "paused"), {"reason": "x"})
    assert response.status_code == 302
    assert response.url == login_url(url(active, "paused"))
    assert current(active).status == Status.ACTIVE


def test_it_rejects_put(active, coach_client):
    assert coach_client.put(url(active, "paused")).status_code == 405
