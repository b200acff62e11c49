import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, EnrolmentStatusChange
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(enrolment, to) -> str:
    return reverse("lifecycle:enrolment-status", args=[enrolment.pk, to])


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


def test_an_exit_through_the_status_change_is_refused_and_sent_to_the_exit_review(
    active, coach_client
):
    """The old way out (a bare status change, no review, no follow-up calls, any date) is
    closed: the page points to the exit review and changes nothing."""
    before = row_counts()
    on = timezone.localdate() - datetime.timedelta(days=1)
    response = coach_client.post(
        url(active, "exited"),
        {"on": on.isoformat(), "exit_reason": "completed", "exit_destination": "job"},
    )
    assert response.status_code == 302
    assert response.url == reverse("lifecycle:exit", args=[active.pk])
    assert row_counts() == before
    assert current(active).status == Status.ACTIVE
    assert (
        "An exit is recorded with the exit review"
        in coach_client.get(response.url).content.decode()
    )


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


@pytest.mark.parametrize(
    ("to", "data", "field", "message"),
    [
        ("paused", {"reason": ""}, "reason", "Say why."),
        ("closed", {"reason": " "}, "reason", "Say why."),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(active, coach_client, to, data, field, message):
    if to == "closed":
        Enrolment.objects.filter(pk=active.pk).update(status=Status.EXITED)
    status = current(active).status
    before = row_counts()
    response = coach_client.post(url(active, to), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert row_counts() == before
    assert current(active).status == status


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
