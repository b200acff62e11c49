import datetime

import pytest
from django.urls import reverse

from sessions.models import Attendance, Series, Session
from tests.helpers import login_url
from tests.sessions.factories import get_kind, make_session, messages_of, session_row_counts

pytestmark = pytest.mark.django_db
URL = reverse("sessions:series-create")
D = datetime.date


@pytest.fixture
def data(kinds, programme, group, member, room, coach):
    """Tuesdays 9–12 from 5 January 2027, three times, in the room, for the group."""
    return {
        "programme": programme.pk,
        "group": group.pk,
        "kind": get_kind("language_practice").pk,
        "topic": "Conversation",
        "place": "room",
        "room": room.pk,
        "facilitators": [coach.user.pk],
        "start_time": "09:00",
        "end_time": "12:00",
        "frequency": "weekly",
        "interval": 1,
        "days": ["1"],
        "starts_on": "2027-01-05",
        "count": 3,
    }


def test_it_shows_the_form_for_the_group(group, programme, coach, coach_client):
    response = coach_client.get(URL, {"group": group.pk, "programme": programme.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["group"] == str(group.pk)
    assert form.fields["facilitators"].initial == [coach.user.pk]
    assert "Belgian public holidays and your organisation" in response.content.decode()


def test_it_plans_the_sessions_and_expects_the_members(data, member, room, coach, coach_client):
    response = coach_client.post(URL, data)

    series = Series.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sessions:series", args=[series.pk])
    assert messages_of(response) == ["3 sessions planned."]
    assert series.weekdays == "1"
    sessions = list(series.sessions.order_by("date"))
    assert [s.date for s in sessions] == [D(2027, 1, 5), D(2027, 1, 12), D(2027, 1, 19)]
    assert {(s.room, s.start_time) for s in sessions} == {(room, datetime.time(9))}
    assert all(list(s.facilitators.all()) == [coach.user] for s in sessions)
    assert Attendance.objects.filter(participant=member, status="expected").count() == 3


def test_a_manager_plans_a_series(data, manager_client):
    assert manager_client.post(URL, data).status_code == 302
    assert Session.objects.count() == 3


def test_clashes_are_shown_before_anything_is_saved(data, programme, room, coach_client):
    make_session(programme=programme, date=D(2027, 1, 12), room=room, topic="Atelier CV")
    before = session_row_counts()

    response = coach_client.post(URL, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Before saving, look at these clashes:" in html
    assert "The room is already booked for Atelier CV — 12/01/2027 09:00." in html
    assert 'name="confirm"' in html
    assert [c.kind for c in response.context["conflicts"]] == ["room"]
    assert session_row_counts() == before


def test_saving_anyway_after_seeing_the_clashes(data, programme, room, coach_client):
    make_session(programme=programme, date=D(2027, 1, 12), room=room)

    response = coach_client.post(URL, {**data, "confirm": "1"})

    assert response.status_code == 302
    assert Series.objects.get().sessions.count() == 3


def test_a_group_over_capacity_is_a_clash(data, group, coach_client):
    group.capacity = 0
    group.save()
    response = coach_client.post(URL, data)
    assert [c.message for c in response.context["conflicts"]] == [
        "1 person is expected for 0 places."
    ] * 3
    assert not Series.objects.exists()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"days": []}, "days", "Choose at least one weekday."),
        ({"count": ""}, "ends_on", "Give a last day or a number of sessions."),
        ({"ends_on": "2027-01-01"}, "ends_on", "The last day cannot be before the first."),
        ({"end_time": "08:00"}, "end_time", "The end must come after the start."),
        ({"room": ""}, "room", "Choose the room."),
        ({"interval": 9}, "interval", "Between every week and every eight weeks."),
        ({"count": 201}, "count", "Between 1 and 200 sessions."),
        ({"frequency": "monthly"}, "week_of_month", "Choose which week of the month."),
    ],
)
def test_bad_input_is_refused_with_a_message(data, coach_client, change, field, message):
    before = session_row_counts()

    response = coach_client.post(URL, {**data, **change})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert session_row_counts() == before


def test_dates_giving_no_session_are_refused(data, coach_client):
    # Only 11 November 2027, a holiday (a Thursday).
    response = coach_client.post(
        URL, {**data, "days": ["3"], "starts_on": "2027-11-11", "ends_on": "2027-11-11"}
    )
    assert response.context["form"].non_field_errors() == [
        "These dates give no session (holidays and closure days are skipped)."
    ]
    assert not Series.objects.exists()


def test_another_organisation_cannot_plan_in_our_programme(data, outsider_client):
    before = session_row_counts()

    response = outsider_client.post(URL, data)

    errors = response.context["form"].errors
    invalid = "Select a valid choice. That choice is not one of the available choices."
    assert errors["programme"] == [invalid]
    assert errors["room"][0] == invalid
    assert session_row_counts() == before


def test_an_administrator_gets_a_404(data, administrator_client):
    assert administrator_client.get(URL).status_code == 404
    assert administrator_client.post(URL, data).status_code == 404
    assert not Series.objects.exists()


def test_it_requires_login(data, client):
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response.url == login_url(URL)
    assert not Series.objects.exists()


def test_it_rejects_put(coach_client):
    assert coach_client.put(URL).status_code == 405
