"""The coach's Today page: what to do today, for their own caseload only, within a fixed
number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, Todo
from sessions.models import AbsenceNotice, Attendance, ensure_default_kinds
from tests.evaluations.factories import make_call, make_exited
from tests.factories import make_enrolment, make_participant, make_programme
from tests.sessions.factories import add_member, days_from_today, make_group, make_session

URL = reverse("casefile:today")
Status = Enrolment.Status


@pytest.fixture
def active(participant, programme, coach):
    return make_enrolment(
        participant=participant,
        programme=programme,
        coach=coach.user,
        status=Status.ACTIVE,
        started_on=days_from_today(-60),
        last_attended_on=days_from_today(-2),
    )


def test_it_shows_todays_session_with_the_attendance_left_to_record(
    coach, coach_client, programme, participant, active
):
    ensure_default_kinds()
    group = make_group(programme=programme, coaches=[coach.user])
    add_member(group=group, participant=participant)
    session = make_session(
        programme=programme, group=group, date=timezone.localdate(), topic="Au marché",
        facilitators=[coach.user], expected=[participant],
    )  # fmt: skip
    make_session(
        programme=programme, group=group, date=days_from_today(1), topic="À la poste",
        facilitators=[coach.user], expected=[participant],
    )  # fmt: skip
    make_session(
        programme=programme, group=group, date=days_from_today(2), topic="Trop tard",
        facilitators=[coach.user], expected=[participant],
    )  # fmt: skip
    response = coach_client.get(URL)
    page = response.content.decode()
    assert "Au marché" in page and "À la poste" in page
    assert "Trop tard" not in page
    assert "Record attendance: 1 person left" in page
    # One tap away: the button opens the session at its attendance list.
    assert f'href="{session.get_absolute_url()}#attendance"' in page


def test_a_recorded_session_says_so(coach, coach_client, programme, participant, active):
    ensure_default_kinds()
    session = make_session(
        programme=programme, date=timezone.localdate(), facilitators=[coach.user],
        expected=[participant],
    )  # fmt: skip
    Attendance.objects.filter(session=session).update(status=Attendance.Status.PRESENT)
    page = coach_client.get(URL).content.decode()
    assert "Attendance recorded" in page
    assert "Record attendance" not in page


def test_it_lists_overdue_and_due_todos_and_calls(coach_client, participant, programme, active):
    Todo.objects.create(enrolment=active, kind="evaluation", label="Late review",
                        due_on=days_from_today(-3))  # fmt: skip
    Todo.objects.create(enrolment=active, kind="evaluation", label="Soon review",
                        due_on=days_from_today(3))  # fmt: skip
    Todo.objects.create(enrolment=active, kind="evaluation", label="Far review",
                        due_on=days_from_today(30))  # fmt: skip
    earlier = make_programme(organisation=programme.organisation)
    former = make_exited(enrolment=make_enrolment(participant=participant, programme=earlier))
    call = make_call(enrolment=former, due_on=days_from_today(-1))
    make_call(enrolment=former, weeks_after_exit=26, due_on=days_from_today(20))
    page = coach_client.get(URL).content.decode()
    assert "Late review" in page and "overdue since" in page
    assert "Soon review" in page
    assert "Far review" not in page
    assert reverse("evaluations:call", args=[call.pk]) in page
    assert "6 months" not in page


def test_it_lists_people_needing_attention_waiting_for_a_group_and_new_referrals(
    coach, coach_client, programme
):
    def person(last_name, **enrolment):
        someone = make_participant(organisation=programme.organisation, coach=coach.user,
                                   last_name=last_name)  # fmt: skip
        return make_enrolment(participant=someone, programme=programme, **enrolment)

    started = days_from_today(-60)
    person("Absent", status=Status.ACTIVE, started_on=started, consecutive_absences=3,
           last_attended_on=days_from_today(-14))  # fmt: skip
    person("Quiet", status=Status.ACTIVE, started_on=started,
           last_attended_on=days_from_today(-30))  # fmt: skip
    regular = person("Regular", status=Status.ACTIVE, started_on=started,
                     last_attended_on=days_from_today(-2))  # fmt: skip
    add_member(group=make_group(programme=programme), participant=regular.participant)
    person("Newcomer", status=Status.REFERRED)
    response = coach_client.get(URL)
    attention = [e.participant.last_name for e in response.context["board"].attention.rows]
    waiting = [e.participant.last_name for e in response.context["board"].waiting.rows]
    referrals = [e.participant.last_name for e in response.context["board"].referrals.rows]
    assert attention == ["Absent", "Quiet"]
    assert "3 absences in a row" in response.content.decode()
    # Regular is in a group; the two others, admitted, are in none.
    assert sorted(waiting) == ["Absent", "Quiet"]
    assert referrals == ["Newcomer"]


def test_it_shows_only_the_coachs_own_caseload(
    coach_client, colleague, programme, participant, active
):
    theirs = make_participant(organisation=programme.organisation, coach=colleague.user,
                              last_name="Colleaguesperson")  # fmt: skip
    enrolment = make_enrolment(participant=theirs, programme=programme, status=Status.REFERRED)
    Todo.objects.create(enrolment=enrolment, kind="evaluation", label="Not mine",
                        due_on=days_from_today(-1))  # fmt: skip
    page = coach_client.get(URL).content.decode()
    assert "Colleaguesperson" not in page
    assert "Not mine" not in page


def test_each_block_links_to_its_full_list(coach_client):
    page = coach_client.get(URL).content.decode()
    for name in [
        "sessions:agenda",
        "participants:todos",
        "evaluations:call-queue",
        "casefile:attention",
        "sessions:groups",
    ]:
        assert f'href="{reverse(name)}"' in page, name
    assert f'href="{reverse("participants:caseload")}?status=referred"' in page


def test_more_rows_than_a_block_shows_link_to_the_rest(coach_client, active):
    for n in range(9):
        Todo.objects.create(enrolment=active, kind="evaluation", label=f"Todo {n}",
                            due_on=days_from_today(-1))  # fmt: skip
    response = coach_client.get(URL)
    assert len(response.context["board"].todos.rows) == 8
    assert "More to-dos" in response.content.decode()


def test_it_rejects_post(coach_client):
    assert coach_client.post(URL).status_code == 405


def test_it_sends_anonymous_users_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("login") in response.url


def test_an_administrator_gets_a_404(administrator_client):
    assert administrator_client.get(URL).status_code == 404


def fill(coach, programme, size):
    """`size` of everything Today lists, each on the coach's caseload."""
    ensure_default_kinds()
    today = timezone.localdate()
    group = make_group(programme=programme, coaches=[coach.user])
    earlier = make_programme(organisation=programme.organisation)
    for _n in range(size):
        person = make_participant(organisation=programme.organisation, coach=coach.user)
        active = make_enrolment(
            participant=person, programme=programme, status=Status.ACTIVE,
            started_on=today - datetime.timedelta(days=90), consecutive_absences=4,
        )  # fmt: skip
        referred = make_participant(organisation=programme.organisation, coach=coach.user)
        make_enrolment(participant=referred, programme=programme)
        Todo.objects.create(enrolment=active, kind="evaluation", due_on=today)
        former = make_exited(enrolment=make_enrolment(participant=person, programme=earlier))
        make_call(enrolment=former)
        session = make_session(programme=programme, group=group, date=today,
                               facilitators=[coach.user], expected=[person])  # fmt: skip
        # "I can't come" from the phone, for the coach to confirm.
        AbsenceNotice.objects.create(attendance=session.attendances.get(), reason="ill")


@pytest.mark.parametrize("size", [1, 50])
def test_the_number_of_queries_does_not_grow_with_the_caseload(
    coach, coach_client, programme, size, django_assert_num_queries
):
    fill(coach, programme, size)
    # 1. the session  2. the user with their staff record (page header and access)
    # 3. today's and tomorrow's sessions in reach, with the people expected and to record
    # 4. the to-dos due  5. the follow-up calls due  6. the people needing attention
    # 7. the people waiting for a group  8. the new referrals
    # 9. the "I can't come" to confirm, with the person and the session's kind
    with django_assert_num_queries(9):
        response = coach_client.get(URL)
    assert response.status_code == 200
    board = response.context["board"]
    assert len(board.sessions) == size
    assert len(board.todos.rows) == min(size, 8)
    assert len(board.calls.rows) == min(size, 8)
    assert len(board.attention.rows) == min(size, 8)
    assert len(board.referrals.rows) == min(size, 8)
    assert len(board.absences.rows) == min(size, 8)
