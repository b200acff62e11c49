import datetime

import pytest
from django.urls import reverse

from sessions.models import Attendance, Session
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import (
    days_from_today,
    get_kind,
    make_session,
    messages_of,
    session_row_counts,
)

pytestmark = pytest.mark.django_db
URL = reverse("sessions:session-create")


@pytest.fixture
def data(kinds, programme, participant, coach):
    """An individual coaching at the person's home, in three days."""
    return {
        "programme": programme.pk,
        "kind": get_kind("individual_coaching").pk,
        "date": days_from_today(3).isoformat(),
        "start_time": "10:00",
        "end_time": "11:00",
        "place": "home",
        "participants": [participant.pk],
        "facilitators": [coach.user.pk],
    }


def test_it_shows_the_form_with_the_person_picked(participant, coach, coach_client):
    response = coach_client.get(URL, {"participant": participant.pk})
    assert response.status_code == 200
    assert list(response.context["picked"]) == [participant]
    assert response.context["form"].fields["facilitators"].initial == [coach.user.pk]
    assert "Plan the session" in response.content.decode()


def test_it_plans_an_individual_session(data, participant, coach, coach_client):
    response = coach_client.post(URL, data)

    session = Session.objects.get()
    assert response.status_code == 302
    assert response.url == session.get_absolute_url()
    assert messages_of(response) == ["Session planned."]
    assert (session.date, session.start_time, session.place) == (
        days_from_today(3),
        datetime.time(10),
        "home",
    )
    assert list(session.facilitators.all()) == [coach.user]
    assert list(session.attendances.values_list("participant", "status")) == [
        (participant.pk, "expected")
    ]


def test_a_group_session_expects_the_members(data, group, member, room, coach_client):
    response = coach_client.post(
        URL,
        {
            **data,
            "kind": get_kind("workshop").pk,
            "group": group.pk,
            "participants": [],
            "place": "room",
            "room": room.pk,
        },
    )

    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.group, session.room) == (group, room)
    assert list(session.attendances.values_list("participant", flat=True)) == [member.pk]


def test_a_manager_plans_a_session_for_anyone_of_the_organisation(data, colleague, manager_client):
    theirs = make_participant(coach=colleague.user)
    response = manager_client.post(URL, {**data, "participants": [theirs.pk]})
    assert response.status_code == 302
    assert Attendance.objects.get().participant == theirs


def test_clashes_are_shown_before_anything_is_saved(data, programme, participant, coach_client):
    make_session(
        programme=programme,
        date=days_from_today(3),
        start_time=datetime.time(10, 30),
        end_time=datetime.time(12),
        topic="Atelier CV",
        expected=[participant],
    )
    before = session_row_counts()

    response = coach_client.post(URL, data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Before saving, look at these clashes:" in html
    assert "Selam Haile is already expected at Atelier CV" in html
    assert "I have seen these clashes: save anyway." in html
    assert session_row_counts() == before


def test_saving_anyway_after_seeing_the_clashes(data, programme, participant, coach_client):
    make_session(programme=programme, date=days_from_today(3), expected=[participant])

    response = coach_client.post(URL, {**data, "confirm": "1"})

    assert response.status_code == 302
    assert Session.objects.count() == 2
    assert Attendance.objects.filter(participant=participant).count() == 2


@pytest.mark.parametrize(
    "change, field, message",
    [
        (
            {"participants": []},
            "participants",
            "Choose a group, or the people this session is for.",
        ),  # fmt: skip
        ({"end_time": "09:00"}, "end_time", "The end must come after the start."),
        ({"place": "room"}, "room", "Choose the room."),
        ({"place": "outside"}, "address", "Give the address."),
        ({"date": ""}, "date", "This field is required."),
    ],
)
def test_bad_input_is_refused_with_a_message(data, coach_client, change, field, message):
    before = session_row_counts()

    response = coach_client.post(URL, {**data, **change})

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert session_row_counts() == before


def test_someone_off_the_coachs_caseload_is_refused(data, colleague, coach_client):
    theirs = make_participant(coach=colleague.user)
    before = session_row_counts()

    response = coach_client.post(URL, {**data, "participants": [theirs.pk]})

    assert response.context["form"].errors["participants"][0] == (
        f"Select a valid choice. {theirs.pk} is not one of the available choices."
    )
    assert session_row_counts() == before


def test_another_organisation_cannot_plan_in_our_programme(data, outsider_client):
    before = session_row_counts()

    response = outsider_client.post(URL, data)

    errors = response.context["form"].errors
    assert errors["programme"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert "participants" in errors
    assert session_row_counts() == before


def test_an_administrator_gets_a_404(data, administrator_client):
    assert administrator_client.get(URL).status_code == 404
    assert administrator_client.post(URL, data).status_code == 404
    assert not Session.objects.exists()


def test_it_requires_login(data, client):
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response.url == login_url(URL)
    assert not Session.objects.exists()


def test_it_rejects_put(coach_client):
    assert coach_client.put(URL).status_code == 405
