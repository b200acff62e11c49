"""The lifecycle through its pages (casefile/lifecycle_views.py): the exit review, the pause, the
transfer, "admit and add", and the generic status change."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, EnrolmentStatusChange
from sessions.models import Attendance, GroupMembership, Session
from tests.casefile.conftest import TODAY, review
from tests.factories import make_enrolment, make_participant, make_programme
from tests.helpers import login_url, row_counts
from tests.sessions.factories import days_from_today, make_session, messages_of

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def posted(**overrides) -> dict:
    data = review(**overrides)
    data["exited_on"] = data["exited_on"].isoformat()
    return data


def test_the_exit_page_takes_the_person_off_the_group_and_later_sessions(
    active, timetable, group, participant, coach_client
):
    recorded = Attendance.objects.get(session=timetable["past"], participant=participant)

    response = coach_client.post(reverse("lifecycle:exit", args=[active.pk]), posted())

    assert response.status_code == 302
    assert GroupMembership.objects.get(group=group, participant=participant).left_on == TODAY()
    assert not Attendance.objects.filter(
        session=timetable["later"], participant=participant
    ).exists()
    assert Attendance.objects.get(pk=recorded.pk).status == recorded.status
    assert Session.objects.get(pk=timetable["individual"].pk).is_cancelled
    said = " ".join(messages_of(coach_client.get(response.url)))
    assert "1 individual session cancelled." in said
    # The group session and the individual one.
    assert "No longer expected at 2 later sessions." in said


def test_the_group_page_shows_the_free_place_after_an_exit(active, timetable, group, coach_client):
    coach_client.post(reverse("lifecycle:exit", args=[active.pk]), posted())
    response = coach_client.get(reverse("sessions:group", args=[group.pk]))
    assert response.context["free"] == group.capacity


def test_the_pause_page_lists_the_person_as_paused_at_later_group_sessions(
    active, timetable, participant, coach_client
):
    url = reverse("lifecycle:enrolment-status", args=[active.pk, "paused"])
    response = coach_client.post(url, {"reason": "Hospital stay"})
    assert response.status_code == 302
    later = Attendance.objects.get(session=timetable["later"], participant=participant)
    assert later.status == Attendance.Status.PAUSED
    said = " ".join(messages_of(coach_client.get(response.url)))
    assert "falls in the pause" in said

    resume = reverse("lifecycle:enrolment-status", args=[active.pk, "active"])
    coach_client.post(resume, {"reason": ""})
    assert Enrolment.objects.get(pk=active.pk).status == Status.ACTIVE
    later.refresh_from_db()
    assert later.status == Attendance.Status.EXPECTED


def test_the_session_page_shows_a_paused_person_as_paused_with_nothing_to_tap(
    active, timetable, group, participant, programme, coach, coach_client
):
    today = make_session(
        programme=programme, group=group, date=TODAY(), facilitators=[coach.user],
        expected=[participant],
    )  # fmt: skip
    other = make_participant(coach=coach.user, first_name="Amal", last_name="Haddad")
    Attendance.objects.create(session=today, participant=other)
    url = reverse("lifecycle:enrolment-status", args=[active.pk, "paused"])
    coach_client.post(url, {"reason": "Hospital stay"})

    response = coach_client.get(reverse("sessions:session", args=[today.pk]))

    page = response.content.decode()
    row = page[page.rindex("<li", 0, page.index(f'id="attendance-{participant.pk}"')) :]
    row = row[: row.index("</li>")]
    assert "status-paused" in row and "Paused" in row
    assert "<button" not in row
    # Only Amal is left to record: the paused person is not "not recorded yet".
    assert response.context["pending"] == 1
    assert f'id="attendance-{other.pk}"' in page


def test_a_tap_on_a_paused_person_is_refused_and_changes_nothing(
    active, timetable, group, participant, programme, coach, coach_client
):
    today = make_session(
        programme=programme, group=group, date=TODAY(), facilitators=[coach.user],
        expected=[participant],
    )  # fmt: skip
    coach_client.post(
        reverse("lifecycle:enrolment-status", args=[active.pk, "paused"]), {"reason": "Ill"}
    )
    response = coach_client.post(
        reverse("sessions:attendance-record", args=[today.pk, participant.pk]),
        {"status": "absent", "version": 1},
        follow=True,
    )
    assert "is paused: resume their enrolment" in " ".join(messages_of(response))
    row = Attendance.objects.get(session=today, participant=participant)
    assert (row.status, row.recorded_at) == (Attendance.Status.PAUSED, None)


def test_today_leaves_a_paused_person_out_of_the_attendance_left_to_record(
    active, timetable, group, participant, programme, coach, coach_client
):
    make_session(
        programme=programme, group=group, date=TODAY(), topic="Au marché",
        facilitators=[coach.user], expected=[participant],
    )  # fmt: skip
    make_session(
        programme=programme, group=group, date=TODAY(), topic="À la poste",
        facilitators=[coach.user], expected=[participant, make_participant(coach=coach.user)],
    )  # fmt: skip
    coach_client.post(
        reverse("lifecycle:enrolment-status", args=[active.pk, "paused"]), {"reason": "Ill"}
    )

    page = coach_client.get(reverse("casefile:today")).content.decode()

    assert page.count("Record attendance: 1 person left") == 1
    assert "Record attendance: 2 people left" not in page


# Transfer ---------------------------------------------------------------------------------


def transfer_url(enrolment) -> str:
    return reverse("lifecycle:transfer", args=[enrolment.pk])


def test_the_transfer_form_preselects_the_only_other_programme(active, organisation, coach_client):
    other = make_programme(organisation=organisation, name="Pré-activation")
    form = coach_client.get(transfer_url(active)).context["form"]
    assert form["programme"].value() == other.pk
    assert "exit_reason" not in form.fields


def test_the_transfer_page_continues_in_the_other_programme(
    active, timetable, participant, organisation, coach_client
):
    other = make_programme(organisation=organisation, name="Pré-activation")
    data = posted(exited_on=TODAY() - datetime.timedelta(days=1))
    data.pop("exit_reason")
    data["programme"] = other.pk

    response = coach_client.post(transfer_url(active), data)

    new = Enrolment.objects.get(participant=participant, programme=other)
    assert response.status_code == 302
    assert response.url == new.get_absolute_url()
    assert new.status == Status.ACTIVE
    assert Enrolment.objects.get(pk=active.pk).exit_reason == "transferred"


def test_the_transfer_page_explains_a_missing_programme(active, organisation, coach_client):
    make_programme(organisation=organisation, name="A")
    make_programme(organisation=organisation, name="B")
    before = row_counts()
    response = coach_client.post(transfer_url(active), posted())
    assert response.status_code == 200
    assert response.context["form"].errors["programme"] == [
        "Choose the programme the person continues in."
    ]
    assert row_counts() == before


def test_the_transfer_page_is_not_found_for_another_organisation(
    active, outsider_client, colleague_client
):
    for client in (outsider_client, colleague_client):
        assert client.get(transfer_url(active)).status_code == 404


def test_the_transfer_page_requires_login(active, client):
    response = client.get(transfer_url(active))
    assert response.url == login_url(transfer_url(active))


def test_the_transfer_page_rejects_put(active, coach_client):
    assert coach_client.put(transfer_url(active)).status_code == 405


# Admit and add ----------------------------------------------------------------------------


@pytest.fixture
def waiting(programme, coach):
    person = make_participant(coach=coach.user, first_name="Amal", last_name="Haile")
    make_enrolment(participant=person, programme=programme, status=Status.WAITING_LIST)
    return person


def test_adding_a_waiting_list_person_keeps_the_ticks_and_offers_admit_and_add(
    group, waiting, coach_client
):
    response = coach_client.post(
        reverse("sessions:group-add-members", args=[group.pk]),
        {"participants": [waiting.pk], "joined_on": TODAY().isoformat()},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Amal Haile is on the waiting list" in html
    assert f'value="{waiting.pk}" checked' in html
    assert reverse("lifecycle:group-join", args=[group.pk]) in html
    assert not group.memberships.exists()


def test_a_refused_bulk_add_keeps_the_ticks(group, programme, coach, coach_client):
    group.capacity = 1
    group.save()
    people = [make_participant(coach=coach.user) for _ in range(2)]
    for person in people:
        make_enrolment(participant=person, programme=programme, status=Status.ACTIVE)
    response = coach_client.post(
        reverse("sessions:group-add-members", args=[group.pk]),
        {"participants": [p.pk for p in people], "joined_on": TODAY().isoformat()},
    )
    html = response.content.decode()
    assert "The group has 1 free places; you chose 2 people." in html
    for person in people:
        assert f'value="{person.pk}" checked' in html


def test_admit_and_add_admits_and_adds_in_one_step(group, programme, waiting, coach_client):
    later = make_session(programme=programme, group=group, date=days_from_today(7))
    response = coach_client.post(
        reverse("lifecycle:group-join", args=[group.pk]),
        {"participants": [waiting.pk], "joined_on": TODAY().isoformat()},
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(participant=waiting, programme=programme)
    assert (enrolment.status, enrolment.started_on) == (Status.ACTIVE, TODAY())
    assert group.memberships.filter(participant=waiting, left_on__isnull=True).exists()
    assert Attendance.objects.filter(session=later, participant=waiting).exists()


def test_admit_and_add_is_not_found_for_another_organisation(group, waiting, outsider_client):
    response = outsider_client.post(
        reverse("lifecycle:group-join", args=[group.pk]),
        {"participants": [waiting.pk], "joined_on": TODAY().isoformat()},
    )
    assert response.status_code == 404
    assert not group.memberships.exists()


def test_admit_and_add_rejects_get(group, coach_client):
    assert coach_client.get(reverse("lifecycle:group-join", args=[group.pk])).status_code == 405


# The generic status change: pause, resume, close ------------------------------------------


def status_url(enrolment, to) -> str:
    return reverse("lifecycle:enrolment-status", args=[enrolment.pk, to])


def current(enrolment) -> Enrolment:
    return Enrolment.objects.get(pk=enrolment.pk)


def test_it_shows_the_pause_form(active, coach_client):
    response = coach_client.get(status_url(active, "paused"))
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
        status_url(active, "exited"),
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
    response = coach_client.get(status_url(active, "paused"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<article id="status-form">')
    assert "<html" not in html
    assert "New status: Paused" in html


def test_it_pauses_with_the_reason(active, coach, coach_client):
    response = coach_client.post(status_url(active, "paused"), {"reason": "Hospital stay"})
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
        status_url(active, "paused"), {"reason": "Hospital stay"}, HTTP_HX_REQUEST="true"
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
    response = coach_client.post(status_url(active, to), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert row_counts() == before
    assert current(active).status == status


def test_with_htmx_errors_come_back_in_the_form(active, coach_client):
    response = coach_client.post(
        status_url(active, "paused"), {"reason": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<article id="status-form">')
    assert "Say why." in html


def test_a_refused_transition_is_explained(enrolment, coach_client):
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Status.CLOSED)
    before = row_counts()
    response = coach_client.post(status_url(enrolment, "paused"), {"reason": "Holiday"})
    assert response.status_code == 200
    assert "An enrolment that is “Closed” cannot become “Paused”." in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize("to", ["referred", "intake", "bogus"])
def test_an_unknown_or_intake_status_goes_back_to_the_enrolment(active, coach_client, to):
    before = row_counts()
    response = coach_client.post(status_url(active, to), {"reason": "x"})
    assert response.status_code == 302
    assert response.url == active.get_absolute_url()
    assert row_counts() == before


def test_a_manager_may_change_it(active, manager_client):
    manager_client.post(status_url(active, "paused"), {"reason": "Sick leave"})
    assert current(active).status == Status.PAUSED


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(active, colleague_client):
    assert colleague_client.get(status_url(active, "paused")).status_code == 404
    assert colleague_client.post(status_url(active, "paused"), {"reason": "x"}).status_code == 404
    assert current(active).status == Status.ACTIVE


def test_another_organisation_gets_a_404(active, outsider_client, outsider_manager_client):
    for client in (outsider_client, outsider_manager_client):
        assert client.get(status_url(active, "paused")).status_code == 404
        assert client.post(status_url(active, "paused"), {"reason": "x"}).status_code == 404
        # Not even a redirect that would confirm the enrolment exists.
        assert client.post(status_url(active, "bogus")).status_code == 404
    assert current(active).status == Status.ACTIVE


def test_an_administrator_gets_a_404(active, administrator_client):
    assert (
        administrator_client.post(status_url(active, "paused"), {"reason": "x"}).status_code == 404
    )
    assert current(active).status == Status.ACTIVE


def test_it_requires_login(active, client):
    response = client.post(status_url(active, "paused"), {"reason": "x"})
    assert response.status_code == 302
    assert response.url == login_url(status_url(active, "paused"))
    assert current(active).status == Status.ACTIVE


def test_it_rejects_put(active, coach_client):
    assert coach_client.put(status_url(active, "paused")).status_code == 405
