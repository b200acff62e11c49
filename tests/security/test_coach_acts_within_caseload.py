"""A coach sees a colleague's group and its sessions once one of their own people is in it, but
acts only on their own: no planning for a colleague's group, no moving, cancelling or adding to
a colleague's session, no recording of a colleague's people there. Their own person's
attendance they may still record. A manager acts on everything of the organisation."""

import json

import pytest
from django.urls import reverse

from sessions.models import InterpreterBooking, Series, Session
from tests.factories import make_enrolment, make_participant
from tests.sessions.factories import (
    add_member,
    days_from_today,
    get_kind,
    make_group,
    make_series,
    make_session,
    messages_of,
    session_row_counts,
)
from tests.trajectory.factories import started

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(programme, coach, colleague, participant, enrolment):
    """The colleague's group, with one of the colleague's people and the coach's participant
    in it, its series and yesterday's session led by the colleague."""
    person = make_participant(
        organisation=colleague.organisation, coach=colleague.user, last_name="Tesfaye"
    )
    make_enrolment(participant=person, programme=programme, coach=colleague.user)
    group = make_group(programme=programme, coaches=[colleague.user], name="Groupe du soir")
    add_member(group=group, participant=person)
    add_member(group=group, participant=participant)
    series = make_series(programme=programme, group=group, facilitators=[colleague.user])
    session = make_session(
        programme=programme,
        group=group,
        series=series,
        facilitators=[colleague.user],
        expected=[person, participant],
    )
    return {"group": group, "series": series, "session": session, "person": person}


def schedule(programme, group) -> dict:
    return {
        "programme": programme.pk,
        "group": group.pk,
        "kind": get_kind().pk,
        "topic": "Sortie au musée",
        "start_time": "14:00",
        "end_time": "16:00",
        "place": "online",
    }


def test_the_session_form_offers_only_the_coachs_groups(theirs, programme, coach, coach_client):
    mine = make_group(programme=programme, coaches=[coach.user], name="Groupe du matin")

    response = coach_client.get(reverse("sessions:session-create"))

    assert list(response.context["form"].fields["group"].queryset) == [mine]
    series_form = coach_client.get(reverse("sessions:series-create")).context["form"]
    assert list(series_form.fields["group"].queryset) == [mine]


def test_a_coach_cannot_plan_a_session_for_a_colleagues_group(theirs, programme, coach_client):
    before = session_row_counts()

    response = coach_client.post(
        reverse("sessions:session-create"),
        {**schedule(programme, theirs["group"]), "date": days_from_today(3).isoformat()},
    )

    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert session_row_counts() == before


def test_a_coach_cannot_plan_a_series_for_a_colleagues_group(theirs, programme, coach_client):
    before = session_row_counts()

    response = coach_client.post(
        reverse("sessions:series-create"),
        {
            **schedule(programme, theirs["group"]),
            "frequency": "weekly",
            "interval": 1,
            "days": ["2"],
            "starts_on": days_from_today(3).isoformat(),
            "count": 3,
        },
    )

    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert session_row_counts() == before


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("sessions:session-cancel", {"confirm": "1", "reason": "Salle occupée"}),
        (
            "sessions:session-move",
            {"date": "2031-03-04", "start_time": "10:00", "end_time": "11:00"},
        ),
        ("sessions:session-add-interpreter", {"language": "ti", "interpreter_name": "Yonas"}),
        ("sessions:session-add-participants", {"participants": ["{participant}"]}),
    ],
)
def test_a_coach_cannot_change_a_colleagues_session(theirs, participant, coach_client, name, body):
    session = theirs["session"]
    coming = make_session(
        programme=session.programme,
        group=session.group,
        date=days_from_today(7),
        facilitators=list(session.facilitators.all()),
        expected=[participant],
    )
    filled = {k: [v.format(participant=participant.pk) for v in vs] if isinstance(vs, list)
              else vs for k, vs in body.items()}  # fmt: skip
    before = session_row_counts()
    states = list(Session.objects.order_by("pk").values())

    response = coach_client.post(reverse(name, args=[coming.pk]), filled)

    assert response.status_code == 404
    assert session_row_counts() == before
    assert list(Session.objects.order_by("pk").values()) == states
    assert not InterpreterBooking.objects.exists()


def test_a_coach_cannot_reach_the_cancel_confirmation_of_a_colleagues_session(
    theirs, participant, coach_client
):
    """The confirmation page says who is expected: it is no more open than the cancel."""
    session = theirs["session"]

    response = coach_client.get(reverse("sessions:session-cancel", args=[session.pk]))

    assert response.status_code == 404
    session.refresh_from_db()
    assert not session.is_cancelled


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("sessions:series-extend", {"count": 2}),
        (
            "sessions:series-change",
            {"from_date": "2031-01-06", "start_time": "10:00", "end_time": "11:00", "days": ["1"]},
        ),
    ],
)
def test_a_coach_cannot_change_a_colleagues_series(theirs, coach_client, name, body):
    before = session_row_counts()
    series = list(Series.objects.order_by("pk").values())

    response = coach_client.post(reverse(name, args=[theirs["series"].pk]), body)

    assert response.status_code == 404
    assert session_row_counts() == before
    assert list(Series.objects.order_by("pk").values()) == series


def test_a_coach_cannot_take_people_out_of_a_colleagues_group(theirs, participant, coach_client):
    before = session_row_counts()

    response = coach_client.post(
        reverse("sessions:group-remove-member", args=[theirs["group"].pk, participant.pk])
    )

    assert response.status_code == 404
    assert session_row_counts() == before


def test_a_coach_cannot_add_people_to_a_colleagues_group(theirs, programme, coach, coach_client):
    another = make_participant(organisation=coach.organisation, coach=coach.user)
    make_enrolment(participant=another, programme=programme, coach=coach.user)
    before = session_row_counts()

    response = coach_client.post(
        reverse("sessions:group-add-members", args=[theirs["group"].pk]),
        {"participants": [another.pk], "joined_on": days_from_today(0).isoformat()},
    )

    assert response.status_code == 404
    assert session_row_counts() == before


def test_a_coach_cannot_admit_and_add_people_to_a_colleagues_group(
    theirs, programme, coach, coach_client
):
    """ "Admit and add" (casefile) adds to a group as the group page's "add" does: the coach
    sees the colleague's group, since their person is in it, but does not fill it."""
    another = make_participant(organisation=coach.organisation, coach=coach.user)
    started(make_enrolment(participant=another, programme=programme, coach=coach.user))
    before = session_row_counts()

    response = coach_client.post(
        reverse("lifecycle:group-join", args=[theirs["group"].pk]),
        {"participants": [another.pk], "joined_on": days_from_today(0).isoformat()},
    )

    assert response.status_code == 404
    assert session_row_counts() == before
    assert not theirs["group"].memberships.filter(participant=another).exists()


def test_a_coach_records_their_own_persons_attendance_not_a_colleagues(
    theirs, participant, coach_client
):
    session = theirs["session"]
    record = "sessions:attendance-record"

    refused = coach_client.post(
        reverse(record, args=[session.pk, theirs["person"].pk]), {"status": "present", "version": 1}
    )
    allowed = coach_client.post(
        reverse(record, args=[session.pk, participant.pk]),
        {"status": "excused", "reason": "Ill", "version": 1},
    )

    assert messages_of(refused) == ["This person is not expected at this session."]
    assert allowed.status_code == 302
    statuses = dict(session.attendances.values_list("participant_id", "status"))
    assert statuses == {theirs["person"].pk: "expected", participant.pk: "excused"}


def test_everyone_present_marks_only_the_people_the_coach_may_record(
    theirs, participant, coach_client
):
    session = theirs["session"]

    coach_client.post(reverse("sessions:attendance-all-present", args=[session.pk]))

    statuses = dict(session.attendances.values_list("participant_id", "status"))
    assert statuses == {theirs["person"].pk: "expected", participant.pk: "present"}


def test_over_the_api_a_coach_records_only_their_own_people(theirs, coach_client):
    client = coach_client
    session = theirs["session"]
    url = reverse("api:session-attendance", args=[session.pk])
    marks = {"marks": [{"participant": theirs["person"].pk, "status": "present"}]}

    response = client.post(url, json.dumps(marks), content_type="application/json")

    assert response.status_code == 400
    row = session.attendances.get(participant=theirs["person"])
    patch = client.patch(
        reverse("api:attendance-detail", args=[row.pk]),
        json.dumps({"status": "present", "version": row.version}),
        content_type="application/json",
    )
    assert patch.status_code == 404
    assert set(session.attendances.values_list("status", flat=True)) == {"expected"}


def cancel_as_a_user(client, session, reason: str):
    """Open the confirmation page, then confirm with a reason, as the page's form does."""
    url = reverse("sessions:session-cancel", args=[session.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["recorded"] == 0  # nothing recorded: no choice to make about it
    return client.post(url, {"confirm": "1", "reason": reason})


def test_a_manager_acts_on_every_session_of_the_organisation(theirs, manager_client):
    session = theirs["session"]

    response = cancel_as_a_user(manager_client, session, "Salle occupée")

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled
    assert session.cancel_reason == "Salle occupée"


def test_a_coach_still_acts_on_an_individual_session_nobody_leads(
    programme, participant, coach_client
):
    """Planned for their person by someone else, with no facilitator: nobody else owns it."""
    session = make_session(programme=programme, date=days_from_today(5), expected=[participant])

    response = cancel_as_a_user(coach_client, session, "Malade")

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.is_cancelled


def test_a_colleagues_session_page_offers_only_the_coachs_own_persons_taps(
    theirs, participant, coach_client
):
    session = theirs["session"]

    page = coach_client.get(session.get_absolute_url()).content.decode()

    for action in ("session-cancel", "session-move", "session-add-interpreter"):
        assert reverse(f"sessions:{action}", args=[session.pk]) not in page
    record = "sessions:attendance-record"
    assert reverse(record, args=[session.pk, participant.pk]) in page
    assert reverse(record, args=[session.pk, theirs["person"].pk]) not in page
    group_page = coach_client.get(theirs["group"].get_absolute_url()).content.decode()
    assert reverse("sessions:group-add-members", args=[theirs["group"].pk]) not in group_page
    series_page = coach_client.get(
        reverse("sessions:series", args=[theirs["series"].pk])
    ).content.decode()
    assert reverse("sessions:series-extend", args=[theirs["series"].pk]) not in series_page
