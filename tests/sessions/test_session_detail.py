import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment
from sessions.models import Attendance
from tests.factories import make_enrolment, make_participant
from tests.helpers import login_url
from tests.sessions.factories import days_from_today, make_booking, make_session

pytestmark = pytest.mark.django_db


def url(session) -> str:
    return reverse("sessions:session", args=[session.pk])


def test_it_shows_the_session_and_who_is_expected(session, member, coach_client):
    make_booking(session=session, interpreter_name="Youssef Amrani")

    response = coach_client.get(url(session))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Au marché" in html
    assert "09:00–12:00" in html
    assert "Facilitators: Amina Benali" in html
    assert "HAILE Selam" in html
    assert "Arabic: Youssef Amrani — Confirmed" in html
    assert [row.participant for row in response.context["rows"]] == [member]
    # Yesterday's session: the taps are there.
    assert reverse("sessions:attendance-record", args=[session.pk, member.pk]) in html
    assert 'name="version" value="1"' in html


def test_a_coming_session_cannot_be_recorded_yet(session, coach_client):
    session.date = days_from_today(3)
    session.save()

    response = coach_client.get(url(session))

    assert response.context["can_record"] is False
    html = response.content.decode()
    assert "Attendance can be recorded from the day of the session." in html
    assert "attendance-taps" not in html


def test_a_cancelled_session_shows_why_and_offers_no_taps(session, coach_client):
    session.cancelled_at = timezone.now()
    session.cancel_reason = "Coach ill"
    session.save()

    html = coach_client.get(url(session)).content.decode()

    assert "Cancelled: Coach ill" in html
    assert "attendance-taps" not in html
    assert reverse("sessions:session-cancel", args=[session.pk]) not in html


def test_it_offers_to_add_people_of_the_programme_not_yet_expected(
    session, programme, coach, coach_client
):
    newcomer = make_participant(coach=coach.user, first_name="Omar", last_name="Diallo")
    make_enrolment(participant=newcomer, programme=programme, status=Enrolment.Status.ACTIVE)
    Enrolment.objects.filter(participant__in=[session.attendances.get().participant]).update(
        status=Enrolment.Status.ACTIVE
    )

    response = coach_client.get(url(session))

    assert list(response.context["add_candidates"]) == [newcomer]
    assert "DIALLO Omar" in response.content.decode()


def test_a_colleague_who_leads_the_session_may_open_it(session, colleague, colleague_client):
    session.facilitators.add(colleague.user)
    assert colleague_client.get(url(session)).status_code == 200


def test_a_colleague_with_someone_of_their_caseload_expected_may_open_it(
    session, programme, colleague, colleague_client
):
    theirs = make_participant(coach=colleague.user)
    Attendance.objects.create(session=session, participant=theirs)
    assert colleague_client.get(url(session)).status_code == 200


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(session, colleague_client):
    assert colleague_client.get(url(session)).status_code == 404


def test_a_manager_opens_any_session_of_the_organisation(session, manager_client):
    assert manager_client.get(url(session)).status_code == 200


def test_another_organisation_gets_a_404(session, outsider_client, outsider_manager_client):
    assert outsider_client.get(url(session)).status_code == 404
    assert outsider_manager_client.get(url(session)).status_code == 404


def test_an_administrator_gets_a_404(session, administrator_client):
    assert administrator_client.get(url(session)).status_code == 404


def test_it_requires_login(session, client):
    response = client.get(url(session))
    assert response.status_code == 302
    assert response.url == login_url(url(session))


def test_it_rejects_post(session, coach_client):
    assert coach_client.post(url(session)).status_code == 405


@pytest.mark.parametrize("size", [1, 30])
def test_the_number_of_queries_does_not_grow_with_the_participants(
    kinds, programme, coach, colleague, coach_client, size, django_assert_num_queries
):
    people = [make_participant(coach=coach.user) for _ in range(size)]
    for person in people:
        make_enrolment(participant=person, programme=programme, status=Enrolment.Status.ACTIVE)
    session = make_session(
        programme=programme, facilitators=[coach.user, colleague.user], expected=people
    )
    Attendance.objects.filter(session=session, participant__in=people[::2]).update(
        status="present", recorded_by=coach.user
    )
    for _ in range(2):
        make_booking(session=session)

    # 1. the login session  2. the user with their staff record and organisation (page header)
    # 3. the session, within the coach's reach, with programme, group, kind, room and site,
    #    partner and series
    # 4. the attendance rows with their participant and who recorded them
    # 5. which of these people's files the coach may open
    # 6. the facilitators
    # 7. the people of the caseload who could still be added
    # 8. the interpreter bookings with their provider
    # 9. the partners offered as interpreter provider
    with django_assert_num_queries(9):
        response = coach_client.get(url(session))

    assert len(response.context["rows"]) == size
