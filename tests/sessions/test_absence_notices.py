""" "I can't come" from the phone, answered by the coach (sessions.services.absence_propose,
absence_confirm, absence_reject; sessions.attendance_views.absence_answer): a proposed excused
absence until a coach who may record the person's attendance confirms or rejects it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import Event
from sessions import services
from sessions.models import AbsenceNotice, Attendance
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import days_from_today, make_session, messages_of

pytestmark = pytest.mark.django_db
Status = Attendance.Status


@pytest.fixture
def coming(programme, coach, participant, enrolment):
    """A session in three days that the coach leads, where their participant is expected."""
    return make_session(
        programme=programme,
        date=days_from_today(3),
        facilitators=[coach.user],
        expected=[participant],
    )


@pytest.fixture
def notice(coming, participant):
    return services.absence_propose(participant=participant, session=coming, reason="child_ill")


def confirm_url(notice) -> str:
    return reverse("sessions:absence-confirm", args=[notice.pk])


def reject_url(notice) -> str:
    return reverse("sessions:absence-reject", args=[notice.pk])


def row_of(notice) -> Attendance:
    return Attendance.objects.get(pk=notice.attendance_id)


# The participant's side (the service the phone calls) --------------------------------------


def test_saying_it_makes_a_proposed_excused_absence(notice, coming, participant):
    assert notice.status == "proposed" and notice.reason == "child_ill"
    assert row_of(notice).status == Status.EXPECTED  # nothing recorded before the coach


def test_saying_it_again_changes_the_reason_and_keeps_one_notice(notice, coming, participant):
    services.absence_propose(participant=participant, session=coming, reason="transport")

    assert AbsenceNotice.objects.get().reason == "transport"


@pytest.mark.parametrize("reason", ["", "holiday", "ILL"])
def test_an_unknown_reason_is_refused_and_nothing_written(coming, participant, reason):
    with pytest.raises(ValidationError, match="Choose a reason"):
        services.absence_propose(participant=participant, session=coming, reason=reason)

    assert not AbsenceNotice.objects.exists()


def test_only_a_coming_session_one_is_expected_at(programme, coach, participant, enrolment):
    past = make_session(programme=programme, date=days_from_today(-1), expected=[participant])
    cancelled = make_session(
        programme=programme,
        date=days_from_today(2),
        expected=[participant],
        cancelled_at=datetime.datetime.now(datetime.UTC),
    )
    not_on_the_list = make_session(programme=programme, date=days_from_today(2))
    paused = make_session(programme=programme, date=days_from_today(2), expected=[participant])
    paused.attendances.update(status=Status.PAUSED)

    for session in (past, cancelled, not_on_the_list, paused):
        with pytest.raises(ValidationError, match="cannot be changed here"):
            services.absence_propose(participant=participant, session=session, reason="ill")

    assert not AbsenceNotice.objects.exists()


def test_after_a_rejection_it_may_be_said_again(notice, coming, participant, coach):
    services.absence_reject(notice=notice, by=coach.user)

    again = services.absence_propose(participant=participant, session=coming, reason="ill")

    assert (again.pk, again.status, again.decided_by) == (notice.pk, "proposed", None)


def test_once_confirmed_it_is_known(notice, coming, participant, coach):
    services.absence_confirm(notice=notice, by=coach.user)

    with pytest.raises(ValidationError, match="already knows"):
        services.absence_propose(participant=participant, session=coming, reason="ill")


# The coach's side --------------------------------------------------------------------------


def test_the_coach_confirms_from_the_session_page(notice, coming, coach, coach_client):
    page = coach_client.get(coming.get_absolute_url()).content.decode()
    assert "proposed excused absence" in page and "Child ill" in page
    assert confirm_url(notice) in page

    response = coach_client.post(confirm_url(notice), {"next": coming.get_absolute_url()})

    assert response.status_code == 302 and response.url == coming.get_absolute_url()
    assert messages_of(response) == ["Excused absence recorded for Selam Haile."]
    row = row_of(notice)
    assert (row.status, row.reason, row.recorded_by) == (Status.EXCUSED, "Child ill", coach.user)
    assert row.version == 2
    notice.refresh_from_db()
    assert (notice.status, notice.decided_by) == ("confirmed", coach.user)
    assert Event.objects.filter(object_type="activities.attendance", object_id=row.pk).exists()
    assert (
        "proposed excused absence"
        not in coach_client.get(coming.get_absolute_url()).content.decode()
    )


def test_the_coach_rejects_and_the_person_stays_expected(notice, coach_client):
    response = coach_client.post(reject_url(notice))

    assert response.status_code == 302
    assert messages_of(response) == [
        "Absence not accepted: Selam Haile is still expected. Tell them."
    ]
    assert row_of(notice).status == Status.EXPECTED
    notice.refresh_from_db()
    assert notice.status == "rejected"


def test_the_coach_sees_it_on_today_and_answers_there(notice, coach_client):
    page = coach_client.get(reverse("casefile:today")).content.decode()
    assert "“I can't come”: to confirm" in page and confirm_url(notice) in page

    response = coach_client.post(confirm_url(notice), {"next": reverse("casefile:today")})

    assert response.url == reverse("casefile:today")
    assert row_of(notice).status == Status.EXCUSED


def test_an_answer_given_twice_is_refused_the_second_time(notice, coach_client, manager_client):
    coach_client.post(confirm_url(notice))

    # Answered: no longer among the notices to answer, so the address is gone.
    assert manager_client.post(reject_url(notice)).status_code == 404
    assert row_of(notice).status == Status.EXCUSED


def test_attendance_recorded_meanwhile_is_not_overwritten(notice, coach, coach_client):
    Attendance.objects.filter(pk=notice.attendance_id).update(status=Status.PRESENT)

    response = coach_client.post(confirm_url(notice))

    assert messages_of(response) == ["Attendance was already recorded for this person: “Present”."]
    assert row_of(notice).status == Status.PRESENT
    notice.refresh_from_db()
    assert notice.status == "proposed"


def test_a_manager_may_answer(notice, manager_client):
    assert manager_client.post(confirm_url(notice)).status_code == 302
    assert row_of(notice).status == Status.EXCUSED


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(notice, colleague_client):
    assert colleague_client.post(confirm_url(notice)).status_code == 404
    assert colleague_client.post(reject_url(notice)).status_code == 404
    assert row_of(notice).status == Status.EXPECTED
    assert (
        "proposed excused absence"
        not in colleague_client.get(reverse("casefile:today")).content.decode()
    )


def test_a_colleague_whose_person_it_is_may_answer(
    programme, coach, colleague, colleague_client, participant
):
    """The session is the coach's, the person is the colleague's: the colleague records
    their own people's attendance everywhere (attendance_to_record), and so answers."""
    theirs = make_participant(organisation=coach.organisation, coach=colleague.user)
    session = make_session(
        programme=programme, date=days_from_today(2), facilitators=[coach.user], expected=[theirs]
    )
    notice = services.absence_propose(participant=theirs, session=session, reason="ill")

    assert colleague_client.post(confirm_url(notice)).status_code == 302
    assert row_of(notice).status == Status.EXCUSED


def test_another_organisation_gets_a_404(notice, outsider_client, outsider_manager_client):
    for client in (outsider_client, outsider_manager_client):
        assert client.post(confirm_url(notice)).status_code == 404
        assert client.post(reject_url(notice)).status_code == 404
    notice.refresh_from_db()
    assert notice.status == "proposed"


def test_an_administrator_gets_a_404(notice, administrator_client):
    assert administrator_client.post(confirm_url(notice)).status_code == 404


def test_it_rejects_get(notice, coach_client):
    assert coach_client.get(confirm_url(notice)).status_code == 405


def test_it_sends_anonymous_users_to_sign_in(notice, client):
    response = client.post(confirm_url(notice))

    assert response.status_code == 302 and response.url == login_url(confirm_url(notice))
    notice.refresh_from_db()
    assert notice.status == "proposed"


def test_an_unknown_notice_is_a_404(coach_client, db):
    assert coach_client.post("/absences/999999/confirm/").status_code == 404
