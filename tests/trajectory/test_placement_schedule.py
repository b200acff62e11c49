"""A placement's schedule as data: weekdays and hours, checked by the form and shown on the
phone in the participant's own language (the free text only when there is nothing else)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests.portal.factories import portal_client_for
from tests.trajectory.factories import make_host, make_placement, started
from tests.trajectory.test_placements import add_url, form_data
from trajectory.models import Placement

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(enrolment):
    return started(enrolment)


@pytest.fixture
def host(organisation):
    return make_host(organisation=organisation)


def test_a_coach_gives_days_and_hours(active, host, coach_client):
    fields = form_data(host, days=["0", "2"], starts_at="13:00", ends_at="17:00", schedule="")
    assert coach_client.post(add_url(active), fields).status_code == 302
    placement = active.placements.get()
    assert placement.weekdays == "0,2"
    assert (placement.starts_at, placement.ends_at) == (datetime.time(13), datetime.time(17))
    html = coach_client.get(active.get_absolute_url()).content.decode()
    assert "Monday, Wednesday · 13:00–17:00" in html
    edit = coach_client.get(reverse("trajectory:placement-edit", args=[placement.pk]))
    assert edit.context["form"]["days"].value() == ["0", "2"]


@pytest.mark.parametrize(
    ("times", "field", "message"),
    [
        ({"starts_at": "17:00", "ends_at": "13:00"}, "ends_at", "The end time must be after"),
        ({"starts_at": "13:00", "ends_at": "13:00"}, "ends_at", "The end time must be after"),
        ({"starts_at": "13:00", "ends_at": ""}, "ends_at", "Give the time it ends too"),
        ({"starts_at": "", "ends_at": "17:00"}, "starts_at", "Give the time it starts too"),
        ({"starts_at": "25:00", "ends_at": "17:00"}, "starts_at", "Enter a valid time."),
    ],
)
def test_bad_hours_are_refused_and_nothing_written(
    active, host, coach_client, times, field, message
):
    response = coach_client.post(add_url(active), form_data(host, days=["1"], **times))
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(error.startswith(message) for error in errors)
    assert not Placement.objects.exists()


def test_an_unknown_weekday_is_refused(active, host, coach_client):
    response = coach_client.post(add_url(active), form_data(host, days=["7"]))
    assert "days" in response.context["form"].errors
    assert not Placement.objects.exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "الاثنين، الأربعاء · 13:00–17:00"),
        ("fr", "lundi, mercredi · 13:00–17:00"),
        ("nl", "maandag, woensdag · 13:00–17:00"),
        ("en", "Monday, Wednesday · 13:00–17:00"),
    ],
)
def test_the_schedule_reads_in_the_language(active, host, language, expected):
    placement = make_placement(
        enrolment=active, host=host, weekdays="0,2", starts_at=datetime.time(13),
        ends_at=datetime.time(17),
    )  # fmt: skip
    with translation.override(language):
        assert placement.schedule_display() == expected


def test_days_alone_or_hours_alone(active, host):
    placement = make_placement(enrolment=active, host=host, weekdays="4")
    with translation.override("fr"):
        assert placement.schedule_display() == "vendredi"
    placement.weekdays, placement.starts_at, placement.ends_at = (
        "",
        datetime.time(9),
        datetime.time(12, 30),
    )
    with translation.override("fr"):
        assert placement.schedule_display() == "09:00–12:30"


def test_the_phone_shows_the_structured_schedule_in_the_persons_language(participant, active, host):
    participant.portal_language = "ar"
    participant.save()
    make_placement(
        enrolment=active, host=host, status="ongoing", schedule="lundi 13–17", weekdays="0,2",
        starts_at=datetime.time(13), ends_at=datetime.time(17),
    )  # fmt: skip
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    assert "الاثنين، الأربعاء · 13:00–17:00" in html
    assert "lundi 13–17" not in html


def test_the_phone_shows_the_free_text_when_there_is_nothing_else(participant, active, host):
    make_placement(enrolment=active, host=host, status="ongoing", schedule="lundi 13–17")
    client, _access = portal_client_for(participant)
    assert "lundi 13–17" in client.get("/p/home/").content.decode()
