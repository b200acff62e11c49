from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment
from sessions.models import Attendance
from tests.factories import make_enrolment, make_participant
from tests.helpers import login_url
from tests.sessions.factories import add_member, days_from_today, make_session

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(group) -> str:
    return reverse("sessions:group", args=[group.pk])


def waiting(programme, coach, **kwargs):
    """Someone of the coach's caseload enrolled in the programme, not in a group yet."""
    person = make_participant(coach=coach.user, **kwargs)
    make_enrolment(participant=person, programme=programme)
    return person


def test_it_shows_the_members_the_coming_sessions_and_who_may_join(
    group, member, enrolment, programme, coach, coach_client
):
    Enrolment.objects.filter(pk=enrolment.pk).update(attendance_rate=Decimal("87.5"))
    waiting(programme, coach, first_name="Omar", last_name="Diallo")
    coming = make_session(programme=programme, group=group, date=days_from_today(2), topic="Banque")
    make_session(programme=programme, group=group, date=days_from_today(-2), topic="Poste")

    response = coach_client.get(url(group))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Members (1 of 12)" in html
    assert "HAILE Selam" in html
    assert "87.5 %" in html
    assert "11 free places" in html
    assert "DIALLO Omar" in html
    assert [p.last_name for p in response.context["candidate_list"]] == ["Diallo"]
    assert list(response.context["coming"]) == [coming]
    assert "Banque" in html
    assert "Poste" not in html


def test_it_shows_the_attendance_rate_of_the_group(group, member, programme, coach_client):
    for status in ("present", "late", "absent", "excused"):
        session = make_session(programme=programme, group=group)
        Attendance.objects.create(session=session, participant=member, status=status)
    cancelled = make_session(programme=programme, group=group, cancelled_at=timezone.now())
    Attendance.objects.create(session=cancelled, participant=member, status="absent")
    during_a_pause = make_session(programme=programme, group=group)
    Attendance.objects.create(session=during_a_pause, participant=member, status="paused")

    response = coach_client.get(url(group))

    # Two attended of three counted: the excused absence, the cancelled session and the
    # session of a pause are left out.
    assert response.context["group_rate"] == 66.7
    assert "attendance 66.7 %" in response.content.decode()


def test_the_search_returns_only_the_candidates_fragment(group, programme, coach, coach_client):
    waiting(programme, coach, first_name="Omar", last_name="Diallo")
    waiting(programme, coach, first_name="Hana", last_name="Tesfaye")

    response = coach_client.get(url(group), {"q": "dial"}, **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<fieldset id="candidates">')
    assert "DIALLO Omar" in html
    assert "TESFAYE" not in html
    assert "<html" not in html


def test_people_already_in_the_group_or_without_open_enrolment_are_not_candidates(
    group, member, programme, coach, coach_client
):
    closed = make_participant(coach=coach.user)
    make_enrolment(participant=closed, programme=programme, status=Enrolment.Status.CLOSED)

    response = coach_client.get(url(group))

    assert response.context["candidate_list"] == []
    assert "Nobody of your caseload is waiting" in response.content.decode()


def test_a_full_group_offers_no_more_places(group, member, coach_client):
    group.capacity = 1
    group.save()
    response = coach_client.get(url(group))
    assert response.context["free"] == 0
    assert "The group is full." in response.content.decode()


def test_a_colleague_with_a_member_on_their_caseload_may_open_it(
    group, programme, colleague, colleague_client
):
    theirs = make_participant(coach=colleague.user)
    add_member(group=group, participant=theirs)
    assert colleague_client.get(url(group)).status_code == 200


def test_a_colleague_who_neither_coaches_it_nor_has_a_member_gets_a_404(
    group, member, colleague_client
):
    assert colleague_client.get(url(group)).status_code == 404


def test_a_manager_opens_any_group_of_the_organisation(group, member, manager_client):
    response = manager_client.get(url(group))
    assert response.status_code == 200
    assert "HAILE Selam" in response.content.decode()


def test_another_organisation_gets_a_404(group, outsider_client, outsider_manager_client):
    assert outsider_client.get(url(group)).status_code == 404
    assert outsider_manager_client.get(url(group)).status_code == 404


def test_an_administrator_gets_a_404(group, administrator_client):
    assert administrator_client.get(url(group)).status_code == 404


def test_it_requires_login(group, client):
    response = client.get(url(group))
    assert response.status_code == 302
    assert response.url == login_url(url(group))


def test_it_rejects_post(group, coach_client):
    assert coach_client.post(url(group)).status_code == 405


@pytest.mark.parametrize("size", [1, 30])
def test_the_number_of_queries_does_not_grow_with_the_members(
    group, programme, coach, colleague, coach_client, size, django_assert_num_queries
):
    group.capacity = 40
    group.save()
    group.coaches.add(colleague.user)
    for _ in range(size):
        add_member(group=group, participant=waiting(programme, coach))
        waiting(programme, coach)
    for days in (-7, 1, 8):
        make_session(programme=programme, group=group, date=days_from_today(days))

    # 1. the login session  2. the user with their staff record and organisation (page header)
    # 3. the group, within the coach's reach, with programme, module and site
    # 4. its current members with their participant
    # 5. their attendance rates in the programme
    # 6. the attendance totals of the group
    # 7. which members' files the coach may open (the others are named without a link)
    # 8. the people who could join
    # 9. the coaches
    # 10. the coming sessions with kind and room
    with django_assert_num_queries(10):
        response = coach_client.get(url(group))

    assert len(response.context["members"]) == size
    assert len(response.context["candidate_list"]) == size
