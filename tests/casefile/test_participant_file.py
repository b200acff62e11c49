"""The participant file: who the person is, what happened, and where they stand now."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, Participant, Todo
from sessions.models import ensure_default_kinds
from tests.evaluations.factories import make_call, make_exited, make_goal
from tests.factories import make_enrolment, make_interview, make_programme, make_status_change
from tests.helpers import login_url
from tests.participants.factories import make_placement
from tests.sessions.factories import add_member, days_from_today, make_group, make_session

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(participant) -> str:
    return reverse("participants:detail", args=[participant.pk])


def test_it_shows_the_file(participant, enrolment, coach, coach_client):
    participant.languages.create(language="ti", use="mother_tongue")
    make_status_change(enrolment=enrolment, to_status=Status.REFERRED, reason="Sent by the antenna")
    make_interview(
        enrolment=enrolment, support="interpreter", support_language="ti", duration_minutes=70
    )

    response = coach_client.get(url(participant))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Selam HAILE" in html
    assert "85.07.30-033.28" in html
    assert "Tigrinya" in html
    assert f'href="{enrolment.get_absolute_url()}"' in html
    timeline = response.context["timeline"]
    assert [entry.kind for entry in timeline] == ["interview", "status-referred"]
    assert timeline[0].detail == "70 minutes · Social interpreter (Tigrinya)"
    assert timeline[1].title == "Vivre ensemble: Referred"
    assert timeline[1].by == "Amina Benali"
    assert "Sent by the antenna" in html


def test_an_empty_file_says_so(participant, coach_client):
    html = coach_client.get(url(participant)).content.decode()
    assert "Not referred to a programme yet." in html
    assert "Nothing has happened yet." in html


def test_the_coach_of_one_enrolment_may_open_it(participant, colleague, colleague_client):
    make_enrolment(participant=participant, coach=colleague.user)
    assert colleague_client.get(url(participant)).status_code == 200


def test_a_manager_opens_any_file_of_the_organisation(participant, manager_client):
    assert manager_client.get(url(participant)).status_code == 200


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(participant, colleague_client):
    assert colleague_client.get(url(participant)).status_code == 404


def test_another_organisation_gets_a_404(participant, outsider_client, outsider_manager_client):
    assert outsider_client.get(url(participant)).status_code == 404
    assert outsider_manager_client.get(url(participant)).status_code == 404


def test_an_administrator_gets_a_404(participant, administrator_client):
    assert administrator_client.get(url(participant)).status_code == 404


def test_an_unknown_file_is_a_404(coach_client):
    assert coach_client.get(reverse("participants:detail", args=[999999])).status_code == 404


def test_it_requires_login(participant, client):
    response = client.get(url(participant))
    assert response.status_code == 302
    assert response.url == login_url(url(participant))


def test_it_rejects_post(participant, coach_client):
    assert coach_client.post(url(participant)).status_code == 405


def fill_file(participant, coach, size):
    """`size` past enrolments, each with its status change and intake interview, and `size`
    of everything "Now" shows: groups, next sessions, open goals, placements, to-dos, calls."""
    ensure_default_kinds()
    programme = make_programme(organisation=participant.organisation)
    for n in range(size):
        enrolment = make_enrolment(
            participant=participant,
            programme=programme,
            status=Status.CLOSED,
            coach=coach.user,
            referred_on=timezone.localdate() - datetime.timedelta(days=n),
        )
        make_status_change(
            enrolment=enrolment,
            from_status=Status.REFERRED,
            to_status=Status.CLOSED,
            reason="Moved",
        )
        make_interview(enrolment=enrolment)
        programme = make_programme(organisation=participant.organisation)
    participant.languages.create(language="ti", use="mother_tongue")
    current = make_enrolment(
        participant=participant, programme=programme, status=Status.ACTIVE,
        started_on=days_from_today(-90), coach=coach.user,
    )  # fmt: skip
    former = make_exited(
        enrolment=make_enrolment(
            participant=participant, programme=make_programme(organisation=participant.organisation)
        )
    )
    for n in range(size):
        group = make_group(programme=programme)
        add_member(group=group, participant=participant)
        make_session(programme=programme, group=group, date=days_from_today(n + 1),
                     expected=[participant])  # fmt: skip
        make_goal(enrolment=current, text=f"Goal {n}")
        make_placement(enrolment=current)
        Todo.objects.create(enrolment=current, kind="evaluation", due_on=days_from_today(n))
        make_call(enrolment=former, weeks_after_exit=n + 1, due_on=days_from_today(n))


@pytest.mark.parametrize("size", [1, 50])
def test_the_number_of_queries_does_not_grow_with_the_file(
    participant, coach, coach_client, size, django_assert_num_queries
):
    fill_file(participant, coach, size)
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the participant with their referent coach, within the user's reach
    # 4. the audit event recording the view
    # 5. the enrolments with programme, coach and next open to-do, once per status change with
    #    who made it and per intake interview with who held it (the list of programmes, the
    #    status changes and interviews on the timeline, "Now"'s programmes and next to-do)
    # 6. the consents with partner and recorder (the panel, and the timeline)
    # 7. the goals with their enrolment, once per step done (the timeline, "Now"'s open goals)
    # 8. the referrals  9. the placements with their host (the timeline, "Now"'s placements)
    # 10. the language assessments  11. the evaluations, once per domain the coach scored
    # 12. the enrolments with their exit review, once per follow-up call (the timeline's
    #     calls that ended, "Now"'s next call)
    # 13. the attendance rows with session, kind, group and room, past and to come (the
    #     timeline, "Now"'s next sessions)
    # 14. the current group memberships with their group ("Now")  15. the languages
    with django_assert_num_queries(15):
        response = coach_client.get(url(participant))
    now = response.context["now"]
    assert len(now.memberships) == size
    assert len(now.goals) == size
    assert len(now.next_sessions) == min(size, 3)
    assert now.next_todo is not None and now.next_call is not None


def test_it_shows_the_isced_band_funders_report(participant, coach_client):
    Participant.objects.filter(pk=participant.pk).update(schooling="isced3")
    html = coach_client.get(url(participant)).content.decode()
    assert "Upper secondary (ISCED 3)" in html
    assert "ISCED 3–4" in html


def test_now_shows_where_the_person_stands_today(participant, programme, coach, coach_client):
    ensure_default_kinds()
    enrolment = make_enrolment(
        participant=participant, programme=programme, coach=coach.user, status=Status.ACTIVE,
        started_on=days_from_today(-60), attendance_rate=87.5,
        last_attended_on=days_from_today(-3),
    )  # fmt: skip
    group = make_group(programme=programme, name="FLE A1 matin")
    add_member(group=group, participant=participant)
    left = make_group(programme=programme, name="Old group")
    add_member(group=left, participant=participant, left_on=days_from_today(-10))
    make_session(programme=programme, group=group, date=days_from_today(2), topic="À la poste",
                 expected=[participant])  # fmt: skip
    make_session(programme=programme, group=group, date=days_from_today(-2), topic="Passé",
                 expected=[participant])  # fmt: skip
    make_goal(enrolment=enrolment, text="Aller seule à la commune.")
    make_placement(enrolment=enrolment, role="Kitchen help")
    Todo.objects.create(enrolment=enrolment, kind="evaluation", label="Mid-way review",
                        due_on=days_from_today(5))  # fmt: skip

    response = coach_client.get(url(participant))

    html = response.content.decode()
    now = html[html.index('id="now-heading"') : html.index('id="timeline-heading"')]
    assert "FLE A1 matin" in now and "Old group" not in now
    assert "Amina Benali" in now  # the coach
    assert "À la poste" in now and "Passé" not in now
    assert "88 %" in now
    assert "last came on" in now
    assert "Aller seule à la commune." in now
    assert "Kitchen help" in now
    assert "Mid-way review" in now


def test_now_of_a_former_participant_shows_the_next_call(participant, coach_client):
    former = make_exited(enrolment=make_enrolment(participant=participant))
    call = make_call(enrolment=former, due_on=days_from_today(10))
    response = coach_client.get(url(participant))
    html = response.content.decode()
    assert "No open programme." in html
    assert reverse("evaluations:call", args=[call.pk]) in html
