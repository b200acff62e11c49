"""Placements with a host partner: volunteering, job tasting, initiation internship."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment
from participants.services import StaleEdit
from tests.factories import make_partner
from tests.helpers import login_url
from tests.trajectory.factories import make_host, make_placement, started
from trajectory import services
from trajectory.models import Placement
from trajectory.views import placements_panel

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def active(enrolment):
    return started(enrolment)


@pytest.fixture
def host(organisation):
    return make_host(organisation=organisation, name="Food bank")


def data(host, **kwargs):
    values = {
        "kind": Placement.Kind.VOLUNTEERING,
        "host": host,
        "role": "Sorting food parcels",
        "hours_per_week": 8,
        "starts_on": TODAY,
        "ends_on": TODAY + datetime.timedelta(weeks=12),
        "schedule": "Tuesday and Thursday 9–13",
        "supervisor_name": "Marie",
    }
    values.update(kwargs)
    return values


# --- services ----------------------------------------------------------------------------------


def test_a_placement_starting_today_is_ongoing_a_later_one_planned(active, host, coach):
    now = services.placement_create(enrolment=active, data=data(host), by=coach.user)
    later = services.placement_create(
        enrolment=active, data=data(host, starts_on=TODAY + 7 * DAY), by=coach.user
    )
    assert (now.status, later.status) == ("ongoing", "planned")
    assert now.created_by == coach.user


def test_only_the_organisations_hosts(active, coach, other_organisation, organisation):
    for partner in (
        make_host(organisation=other_organisation),
        make_partner(organisation=organisation, hosts_volunteers=False),
    ):
        with pytest.raises(ValidationError) as refused:
            services.placement_create(enrolment=active, data=data(partner), by=coach.user)
        assert "host" in refused.value.error_dict
    assert not Placement.objects.exists()


def test_placements_are_arranged_during_the_trajectory(enrolment, host, coach):
    for status in ("intake", "exited", "closed"):
        enrolment.status = status
        with pytest.raises(ValidationError):
            services.placement_create(enrolment=enrolment, data=data(host), by=coach.user)


def test_the_planned_end_is_after_the_start(active, host, coach):
    with pytest.raises(ValidationError):
        services.placement_create(
            enrolment=active, data=data(host, ends_on=TODAY - DAY), by=coach.user
        )


def test_an_update_from_an_old_form_is_refused(active, host, coach):
    placement = make_placement(enrolment=active, host=host)
    services.placement_update(
        placement=placement, data={"role": "Cashier"}, version=1, by=coach.user
    )
    stale = Placement.objects.get(pk=placement.pk)
    with pytest.raises(StaleEdit):
        services.placement_update(
            placement=stale, data={"role": "Driver"}, version=1, by=coach.user
        )
    placement.refresh_from_db()
    assert (placement.role, placement.version) == ("Cashier", 2)


def test_an_update_may_cancel_but_not_end(active, host, coach):
    placement = make_placement(enrolment=active, host=host)
    with pytest.raises(ValidationError):
        services.placement_update(
            placement=placement, data={}, version=1, status="ended", by=coach.user
        )
    services.placement_update(
        placement=placement, data={}, version=1, status="cancelled", by=coach.user
    )
    assert placement.status == "cancelled"


def test_a_placement_that_starts_later_cannot_be_ongoing(active, host, coach):
    placement = make_placement(
        enrolment=active, host=host, starts_on=TODAY + 3 * DAY, status="planned"
    )
    with pytest.raises(ValidationError):
        services.placement_update(
            placement=placement, data={}, version=1, status="ongoing", by=coach.user
        )
    placement.refresh_from_db()
    assert (placement.status, placement.version) == ("planned", 1)


def test_ending_needs_a_date_and_how_it_ended(active, host, coach):
    placement = make_placement(enrolment=active, host=host, starts_on=TODAY - 30 * DAY)
    for on, outcome in [
        (TODAY, ""),
        (TODAY + DAY, "article_60"),
        (TODAY - 31 * DAY, "article_60"),
    ]:
        with pytest.raises(ValidationError):
            services.placement_end(placement=placement, on=on, outcome=outcome, by=coach.user)
    placement.refresh_from_db()
    assert placement.status == "ongoing"
    services.placement_end(
        placement=placement,
        on=TODAY,
        outcome="article_60",
        notes="Contract from May",
        by=coach.user,
    )
    placement.refresh_from_db()
    assert (placement.status, placement.ended_on, placement.outcome) == (
        "ended",
        TODAY,
        "article_60",
    )
    assert "Contract from May" in placement.notes
    with pytest.raises(ValidationError):
        services.placement_end(placement=placement, on=TODAY, outcome="job", by=coach.user)


def test_hours_in_a_date_range(active, host):
    monday = datetime.date(2025, 3, 3)
    placement = make_placement(
        enrolment=active,
        host=host,
        hours_per_week=14,
        starts_on=monday,
        ends_on=monday + 27 * DAY,
        status="ongoing",
    )
    today = monday + 100 * DAY
    # A whole week, half a week at the start, and nothing before the start.
    assert placement.hours_between(monday, monday + 6 * DAY, today) == 14
    assert placement.hours_between(monday - 3 * DAY, monday + 2 * DAY, today) == 6
    assert placement.hours_between(monday - 7 * DAY, monday - DAY, today) == 0
    # Four weeks planned, counted until the planned end…
    assert placement.hours_between(monday, monday + 60 * DAY, today) == 56
    # …but never beyond today.
    assert placement.hours_between(monday, monday + 60 * DAY, monday + 6 * DAY) == 14
    placement.ended_on, placement.status = monday + 13 * DAY, "ended"
    assert placement.hours_between(monday, monday + 60 * DAY, today) == 28
    placement.status = "cancelled"
    assert placement.hours_between(monday, monday + 60 * DAY, today) == 0


def test_the_overlapping_placements(active, host):
    start, end = datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)
    inside = make_placement(enrolment=active, host=host, starts_on=datetime.date(2025, 2, 1))
    make_placement(enrolment=active, host=host, starts_on=datetime.date(2025, 4, 1))
    make_placement(
        enrolment=active,
        host=host,
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 2, 1),
    )
    make_placement(enrolment=active, host=host, starts_on=start, status="cancelled")
    assert list(Placement.objects.overlapping(start, end)) == [inside]


# --- the pages ---------------------------------------------------------------------------------


def add_url(enrolment):
    return reverse("trajectory:placement-add", args=[enrolment.pk])


def form_data(host, **kwargs):
    values = {
        "kind": "volunteering",
        "host": host.pk,
        "role": "Bike repair",
        "tasks": "Fixing punctures",
        "hours_per_week": "6",
        "schedule": "Wednesday",
        "supervisor_name": "Jo",
        "supervisor_phone": "",
        "supervisor_email": "",
        "starts_on": TODAY.isoformat(),
        "ends_on": "",
        "notes": "",
    }
    values.update(kwargs)
    return values


def test_a_coach_adds_a_placement(active, host, coach_client):
    assert coach_client.get(add_url(active)).status_code == 200
    response = coach_client.post(add_url(active), form_data(host))
    assert response.status_code == 302
    assert response.url == active.get_absolute_url() + "#placements"
    placement = active.placements.get()
    assert (placement.role, placement.status) == ("Bike repair", "ongoing")


def test_bad_input_writes_nothing(active, host, coach_client):
    response = coach_client.post(
        add_url(active),
        form_data(host, hours_per_week="0", ends_on=(TODAY - DAY).isoformat(), role=""),
    )
    html = response.content.decode()
    assert "Give the hours of a week: more than 0, at most 60." in html
    assert "The planned end cannot be before the start." in html
    assert not Placement.objects.exists()


def test_a_host_that_does_not_take_volunteers_is_not_offered(active, organisation, coach_client):
    other = make_partner(organisation=organisation, hosts_volunteers=False)
    response = coach_client.post(add_url(active), form_data(other))
    assert response.status_code == 200
    assert not Placement.objects.exists()


def test_an_edit_from_an_old_page_is_refused(active, host, coach_client):
    placement = make_placement(enrolment=active, host=host)
    url = reverse("trajectory:placement-edit", args=[placement.pk])
    page = coach_client.get(url)
    assert page.context["form"]["version"].value() == 1
    fields = form_data(host, version="1", status="ongoing", starts_on=placement.starts_on)
    assert coach_client.post(url, fields).status_code == 302
    response = coach_client.post(url, {**fields, "role": "Other"})
    assert "Someone else changed this placement" in response.content.decode()
    placement.refresh_from_db()
    assert (placement.role, placement.version) == ("Bike repair", 2)


def test_a_coach_ends_a_placement(active, host, coach_client):
    placement = make_placement(enrolment=active, host=host)
    url = reverse("trajectory:placement-end", args=[placement.pk])
    assert coach_client.get(url).status_code == 200
    response = coach_client.post(url, {"ended_on": TODAY.isoformat(), "outcome": ""})
    assert "Say how the placement ended." in response.content.decode()
    placement.refresh_from_db()
    assert placement.status == "ongoing"
    response = coach_client.post(url, {"ended_on": TODAY.isoformat(), "outcome": "job"})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.status, placement.outcome) == ("ended", "job")
    assert coach_client.get(url).status_code == 302


def test_the_panel_shows_placements(active, host, coach_client):
    make_placement(
        enrolment=active,
        host=host,
        role="Rest home assistant",
        status="ended",
        ended_on=TODAY,
        outcome="article_60",
    )
    html = coach_client.get(active.get_absolute_url()).content.decode()
    assert 'id="placements"' in html
    assert "Rest home assistant — Food bank" in html
    assert "Led to subsidised employment (art. 60 §7)" in html


@pytest.mark.parametrize(
    "who",
    ["administrator_client", "outsider_client", "outsider_manager_client", "colleague_client"],
)
def test_people_out_of_reach_get_a_404(active, host, who, request):
    client = request.getfixturevalue(who)
    placement = make_placement(enrolment=active, host=host)
    for url in (
        add_url(active),
        reverse("trajectory:placement-edit", args=[placement.pk]),
        reverse("trajectory:placement-end", args=[placement.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, form_data(host, ended_on=TODAY, outcome="job")).status_code == 404
    placement.refresh_from_db()
    assert placement.status == "ongoing"
    assert Placement.objects.count() == 1


def test_a_manager_works_on_placements(active, host, manager_client):
    assert manager_client.post(add_url(active), form_data(host)).status_code == 302


def test_anonymous_users_are_sent_to_log_in(active, client):
    assert client.get(add_url(active)).url == login_url(add_url(active))


def test_the_pages_reject_put(active, host, coach_client):
    placement = make_placement(enrolment=active, host=host)
    assert coach_client.put(add_url(active)).status_code == 405
    assert (
        coach_client.put(reverse("trajectory:placement-end", args=[placement.pk])).status_code
        == 405
    )


def test_a_closed_enrolment_takes_no_placement(active, host, coach_client):
    Enrolment.objects.filter(pk=active.pk).update(status="exited")
    response = coach_client.post(add_url(active), form_data(host))
    assert response.status_code == 200
    assert not Placement.objects.exists()


@pytest.mark.parametrize("size", [1, 20])
def test_the_panel_runs_one_query(active, host, size, django_assert_num_queries):
    for _n in range(size):
        make_placement(enrolment=active, host=make_host(organisation=host.organisation))
    # 1. the placements with their host
    with django_assert_num_queries(1):
        panel = placements_panel(RequestFactory().get("/"), active)
    assert len(panel["placements"]) == size
