"""A second coach on an enrolment (EnrolmentCoach): while current, the person is in their
caseload and the enrolment's work is theirs (to-dos, calls, Today, groups and sessions, the
API); once ended, or for a coach who is neither lead nor co-coach, none of it; never across
organisations. Adding and ending one through the enrolment page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casefile.selectors import today_for
from evaluations.access import calls_to_make
from evaluations.models import FollowUpCall
from participants import services
from participants.access import enrolments_for, participants_for, todos_for
from participants.models import Enrolment, EnrolmentCoach, Participant, Todo
from programme.models import Staff
from sessions.access import groups_for, sessions_for
from tests.api.conftest import api_client as api_client_for
from tests.conftest import _client_for
from tests.evaluations.factories import make_call
from tests.factories import make_enrolment, make_staff, make_todo
from tests.sessions.factories import add_member, make_group, make_session

pytestmark = pytest.mark.django_db
ROLE = EnrolmentCoach.Role.ACTIVATION_COACH


@pytest.fixture
def third(organisation):
    """A coach of the organisation who is neither lead nor co-coach."""
    return make_staff(organisation=organisation, role=Staff.Role.COACH, username="ines")


@pytest.fixture
def shared(enrolment, coach, colleague):
    """The coach's enrolment, with the colleague beside them as activation coach."""
    return services.enrolment_add_coach(
        enrolment=enrolment,
        coach=colleague.user,
        role=ROLE,
        since=timezone.localdate() - datetime.timedelta(days=10),
        by=coach.user,
    )


def end(row, days_ago=0):
    services.enrolment_end_coach(
        co_coach=row, until=timezone.localdate() - datetime.timedelta(days=days_ago), by=None
    )


def test_the_co_coach_has_the_person_in_their_caseload(shared, participant, colleague, third):
    assert list(Participant.objects.in_caseload_of(colleague.user)) == [participant]
    assert list(participants_for(colleague)) == [participant]
    assert list(enrolments_for(colleague)) == [shared.enrolment]
    assert not participants_for(third).exists()


def test_the_enrolment_is_the_co_coachs_work(shared, enrolment, colleague, third, coach):
    todo = make_todo(enrolment, 0)
    assert list(Enrolment.objects.coached_by(colleague.user)) == [enrolment]
    assert list(Todo.objects.for_coach(colleague.user)) == [todo]
    assert list(todos_for(colleague)) == [todo]
    # The lead keeps it too.
    assert list(Todo.objects.for_coach(coach.user)) == [todo]
    assert not Todo.objects.for_coach(third.user).exists()


def test_today_lists_the_co_coachs_todos_and_calls(shared, enrolment, colleague, third):
    todo = make_todo(enrolment, 0)
    call = make_call(enrolment=enrolment)
    today = today_for(colleague)
    assert today.todos.rows == [todo]
    assert list(FollowUpCall.objects.for_coach(colleague.user)) == [call]
    assert list(calls_to_make(colleague)) == [call]
    assert today.calls.rows == [call]
    nothing = today_for(third)
    assert nothing.todos.rows == [] and nothing.calls.rows == []


def test_the_co_coach_sees_the_groups_and_sessions_the_person_is_in(
    shared, participant, programme, colleague, third
):
    group = make_group(programme=programme)
    add_member(group=group, participant=participant)
    session = make_session(programme=programme, expected=[participant])
    assert group in groups_for(colleague)
    assert session in sessions_for(colleague)
    assert group not in groups_for(third)
    assert session not in sessions_for(third)


def test_an_ended_co_coach_no_longer_sees_or_owns_anything(shared, enrolment, colleague):
    make_todo(enrolment, 0)
    make_call(enrolment=enrolment)
    end(shared)
    assert not participants_for(colleague).exists()
    assert not Todo.objects.for_coach(colleague.user).exists()
    assert not FollowUpCall.objects.for_coach(colleague.user).exists()


def test_a_co_coach_starting_later_has_nothing_yet(enrolment, coach, colleague):
    services.enrolment_add_coach(
        enrolment=enrolment,
        coach=colleague.user,
        role=ROLE,
        since=timezone.localdate() + datetime.timedelta(days=3),
        by=coach.user,
    )
    assert not participants_for(colleague).exists()


def test_the_co_coach_opens_the_file_and_the_enrolment(shared, participant, colleague_client):
    assert colleague_client.get(participant.get_absolute_url()).status_code == 200
    response = colleague_client.get(shared.enrolment.get_absolute_url())
    assert response.status_code == 200
    assert "Activation coach" in response.content.decode()


def test_the_co_coach_can_act_on_the_file(shared, enrolment, colleague_client):
    todo = make_todo(enrolment, 0)
    response = colleague_client.post(reverse("participants:todo-done", args=[todo.pk]))
    assert response.status_code == 302
    todo.refresh_from_db()
    assert todo.done_on is not None


def test_a_coach_who_is_neither_cannot_open_the_file(shared, participant, third):
    client = _client_for(third)
    assert client.get(participant.get_absolute_url()).status_code == 404
    assert client.get(shared.enrolment.get_absolute_url()).status_code == 404


def test_an_ended_co_coach_cannot_open_the_file(shared, participant, colleague_client):
    end(shared)
    assert colleague_client.get(participant.get_absolute_url()).status_code == 404


def test_the_api_lists_the_co_coachs_person(shared, participant, colleague, third):
    listed = api_client_for(colleague).get("/api/participants/").json()
    assert [row["id"] for row in listed["results"]] == [participant.pk]
    assert api_client_for(third).get(f"/api/participants/{participant.pk}/").status_code == 404


def test_an_outsider_is_never_a_co_coach(enrolment, coach, outsider):
    with pytest.raises(Exception, match="Choose a coach of the organisation"):
        services.enrolment_add_coach(
            enrolment=enrolment,
            coach=outsider.user,
            role=ROLE,
            since=timezone.localdate(),
            by=coach.user,
        )
    assert not EnrolmentCoach.objects.exists()


def test_the_lead_is_not_added_twice(enrolment, coach):
    with pytest.raises(Exception, match="already the enrolment's lead coach"):
        services.enrolment_add_coach(
            enrolment=enrolment, coach=coach.user, role=ROLE, since=timezone.localdate(), by=None
        )


def test_a_co_coach_is_added_once_at_a_time(shared, enrolment, colleague):
    with pytest.raises(Exception, match="already works on this enrolment"):
        services.enrolment_add_coach(
            enrolment=enrolment, coach=colleague.user, role=ROLE, since=timezone.localdate(),
            by=None,
        )  # fmt: skip


def test_a_co_coach_cannot_end_before_starting(shared):
    with pytest.raises(Exception, match="cannot stop before they started"):
        end(shared, days_ago=30)
    shared.refresh_from_db()
    assert shared.until is None


def test_the_caseload_lists_a_person_with_two_coaches_once(shared, participant, coach, colleague):
    make_enrolment(participant=participant, coach=colleague.user)
    assert Participant.objects.in_caseload_of(colleague.user).count() == 1


# The pages ---------------------------------------------------------------------------------


def add_url(enrolment):
    return reverse("participants:co-coach-add", args=[enrolment.pk])


def test_the_lead_adds_a_co_coach(enrolment, coach_client, colleague):
    response = coach_client.post(
        add_url(enrolment),
        {"coach": colleague.user.pk, "role": ROLE, "since": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    row = EnrolmentCoach.objects.get()
    assert (row.enrolment, row.coach, row.role) == (enrolment, colleague.user, ROLE)
    page = coach_client.get(enrolment.get_absolute_url()).content.decode()
    assert "Pieter Claes" in page


def test_the_form_refuses_a_missing_role(enrolment, coach_client, colleague):
    response = coach_client.post(add_url(enrolment), {"coach": colleague.user.pk, "role": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not EnrolmentCoach.objects.exists()


def test_the_form_does_not_offer_another_organisations_coach(enrolment, coach_client, outsider):
    response = coach_client.post(
        add_url(enrolment),
        {"coach": outsider.user.pk, "role": ROLE, "since": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert not EnrolmentCoach.objects.exists()


def test_an_outsider_cannot_add_a_co_coach(enrolment, outsider_client, outsider):
    response = outsider_client.post(
        add_url(enrolment),
        {"coach": outsider.user.pk, "role": ROLE, "since": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    assert not EnrolmentCoach.objects.exists()


def test_anonymous_is_sent_to_sign_in(enrolment, client):
    assert client.get(add_url(enrolment)).status_code == 302


def test_it_rejects_put(enrolment, coach_client):
    assert coach_client.put(add_url(enrolment)).status_code == 405


def test_the_co_coachs_part_is_ended_from_the_page(shared, coach_client, colleague):
    url = reverse("participants:co-coach-end", args=[shared.pk])
    response = coach_client.post(url, {"until": timezone.localdate().isoformat()})
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.until == timezone.localdate()
    assert not participants_for(colleague).exists()


def test_an_outsider_cannot_end_a_co_coach(shared, outsider_client):
    url = reverse("participants:co-coach-end", args=[shared.pk])
    response = outsider_client.post(url, {"until": timezone.localdate().isoformat()})
    assert response.status_code == 404
    shared.refresh_from_db()
    assert shared.until is None


def test_the_participant_file_names_the_co_coach(shared, participant, coach_client):
    page = coach_client.get(participant.get_absolute_url()).content.decode()
    assert "Activation coach: Pieter Claes" in page
