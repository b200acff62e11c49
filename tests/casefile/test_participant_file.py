"""The participant file: who the person is, what happened, and where they stand now."""

import datetime
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment, EnrolmentCoach, Participant, PlannedModule, Todo
from sessions.models import Attendance, SmsMessage, ensure_default_kinds
from tests.evaluations.factories import (
    make_assessment,
    make_call,
    make_evaluation,
    make_exited,
    make_goal,
)
from tests.factories import (
    make_enrolment,
    make_interview,
    make_module,
    make_partner,
    make_programme,
    make_staff,
    make_status_change,
)
from tests.helpers import login_url
from tests.sessions.factories import add_member, days_from_today, make_group, make_session
from tests.trajectory.factories import make_consent, make_placement, make_referral

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
    """`size` past enrolments, each with its status change and intake interview, `size` of
    everything "Now" shows (groups, next sessions, open goals, modules in the plan,
    placements, to-dos, calls) and `size` of everything the timeline gathers from each app
    (sessions attended, text messages, evaluations, language assessments, referrals, consents).
    The current enrolment has two co-coaches at work and one who left."""
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
    participant.languages.create(language="fr", use="learning")
    current = make_enrolment(
        participant=participant, programme=programme, status=Status.ACTIVE,
        started_on=days_from_today(-90), coach=coach.user,
    )  # fmt: skip
    make_status_change(enrolment=current, to_status=Status.ACTIVE)
    for role, since, until in [
        (EnrolmentCoach.Role.ACTIVATION_COACH, -60, None),
        (EnrolmentCoach.Role.LANGUAGE_COACH, -30, None),
        (EnrolmentCoach.Role.OTHER, -80, -40),
    ]:
        EnrolmentCoach.objects.create(
            enrolment=current, coach=make_staff(organisation=participant.organisation).user,
            role=role, since=days_from_today(since),
            until=days_from_today(until) if until else None,
        )  # fmt: skip
    former = make_exited(
        enrolment=make_enrolment(
            participant=participant, programme=make_programme(organisation=participant.organisation)
        )
    )
    partner = make_partner(organisation=participant.organisation)
    for n in range(size):
        group = make_group(programme=programme)
        add_member(group=group, participant=participant)
        make_session(programme=programme, group=group, date=days_from_today(n + 1),
                     expected=[participant])  # fmt: skip
        past = make_session(programme=programme, group=group, date=days_from_today(-n - 1),
                            expected=[participant])  # fmt: skip
        Attendance.objects.filter(session=past).update(status=Attendance.Status.PRESENT)
        SmsMessage.objects.create(
            participant=participant, session=past, kind=SmsMessage.Kind.REMINDER,
            key=f"reminder-{past.pk}", status=SmsMessage.Status.SENT, language="fr",
            body="Rappel", sent_at=timezone.now(),
        )  # fmt: skip
        make_evaluation(enrolment=current, scores={"oral_language": 2, "autonomy": 3})
        make_assessment(participant=participant)
        make_referral(enrolment=current, partner=partner)
        make_consent(participant=participant)
        make_goal(enrolment=current, text=f"Goal {n}")
        PlannedModule.objects.create(
            enrolment=current, module=make_module(programme=programme, name=f"Module {n}"),
            status="running", starts_on=days_from_today(-30), position=n,
        )  # fmt: skip
        make_placement(enrolment=current)
        Todo.objects.create(enrolment=current, kind="evaluation", due_on=days_from_today(n))
        make_call(enrolment=former, weeks_after_exit=n + 1, due_on=days_from_today(n))


# Twice the file runs the same queries: from 1 to 25 to 50 of everything.
@pytest.mark.parametrize("size", [1, 25, 50])
def test_the_number_of_queries_does_not_grow_with_the_file(
    participant, coach, coach_client, size, django_assert_num_queries
):
    fill_file(participant, coach, size)
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the participant with their referent coach, within the user's reach, once per
    #    language (the languages panel)
    # 4. the audit event recording the view
    # 5. the enrolments with programme, coach and next open to-do, once per status change with
    #    who made it, per intake interview with who held it, per current co-coach with their
    #    user and per module of the plan not ended with its module (the list of programmes
    #    with their co-coaches, the status changes and interviews on the timeline, "Now"'s
    #    programmes, modules and next to-do)
    # 6. the consents with partner and recorder (the panel, and the timeline)
    # 7. the goals with their enrolment, once per step done (the timeline, "Now"'s open goals)
    # 8. the referrals  9. the placements with their host (the timeline, "Now"'s placements)
    # 10. the language assessments  11. the evaluations, once per domain the coach scored
    # 12. the enrolments with their exit review, once per follow-up call (the timeline's
    #     calls that ended, "Now"'s next call)
    # 13. the attendance rows with session, kind, group and room, past and to come (the
    #     timeline, "Now"'s next sessions)
    # 14. the text messages about sessions, with their session (the timeline)
    # 15. the current group memberships with their group ("Now")
    with django_assert_num_queries(15):
        response = coach_client.get(url(participant))
    now = response.context["now"]
    assert len(now.memberships) == size
    assert len(now.modules) == size
    assert len(now.goals) == size
    assert len(now.next_sessions) == min(size, 3)
    assert now.next_todo is not None and now.next_call is not None
    (current,) = now.enrolments
    assert [row.role for row in current.current_co_coaches] == [
        EnrolmentCoach.Role.ACTIVATION_COACH,
        EnrolmentCoach.Role.LANGUAGE_COACH,
    ]
    assert [skill.language for skill in response.context["languages"]] == ["fr", "ti"]
    assert len(response.context["consents"]) == size
    kinds = Counter(entry.kind for entry in response.context["timeline"])
    assert kinds["session-present"] == kinds["sms-sent"] == kinds["language-assessment"] == size
    assert kinds["evaluation-midway"] == kinds["referral"] == kinds["consent"] == size


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


def test_now_picks_from_the_files_rows_what_its_own_queries_read(participant, coach):
    """ "Now" reads no rows of its own but the memberships: what it picks from the file's shared
    rows is what the queries it replaced returned (written out here), rows left out included."""
    from casefile.selectors import NEXT_SESSIONS, now_for
    from evaluations.models import FollowUpCall
    from sessions.models import Session
    from trajectory.models import Goal, Placement

    ensure_default_kinds()
    today = timezone.localdate()
    programme = make_programme(organisation=participant.organisation)
    current = make_enrolment(participant=participant, programme=programme, status=Status.ACTIVE,
                             started_on=days_from_today(-60), coach=coach.user)  # fmt: skip
    former = make_exited(enrolment=make_enrolment(participant=participant))
    group = make_group(programme=programme)
    add_member(group=group, participant=participant)
    for days, cancelled in [(5, False), (0, False), (-1, False), (2, True), (3, False), (9, False)]:
        session = make_session(programme=programme, group=group, date=days_from_today(days),
                               expected=[participant])  # fmt: skip
        if cancelled:
            Session.objects.filter(pk=session.pk).update(cancelled_at=timezone.now())
    make_goal(enrolment=current, text="Open", position=2)
    make_goal(enrolment=current, text="First", position=1)
    make_goal(enrolment=current, text="Achieved", status=Goal.Status.ACHIEVED, closed_on=today)
    make_goal(enrolment=former, text="Of a finished programme")
    make_placement(enrolment=current, role="Later", starts_on=days_from_today(10))
    make_placement(enrolment=current, role="Now")
    make_placement(enrolment=current, role="Called off", status=Placement.Status.CANCELLED)
    make_placement(enrolment=current, role="Over", ends_on=days_from_today(-1))
    make_placement(enrolment=current, role="Ended", ended_on=days_from_today(-2))
    Todo.objects.create(enrolment=current, kind="evaluation", due_on=days_from_today(-5),
                        done_on=days_from_today(-6))  # fmt: skip
    Todo.objects.create(enrolment=current, kind="evaluation", due_on=days_from_today(-4),
                        cancelled=True)  # fmt: skip
    Todo.objects.create(enrolment=current, kind="evaluation", due_on=days_from_today(3))
    Todo.objects.create(enrolment=former, kind="evaluation", due_on=days_from_today(1))
    make_call(enrolment=former, due_on=days_from_today(-3), status=FollowUpCall.Status.CANCELLED)
    make_call(enrolment=former, due_on=days_from_today(8), weeks_after_exit=12)
    make_call(enrolment=former, due_on=days_from_today(2), weeks_after_exit=8)
    # Two interviews and two changes on one enrolment: its rows come four times, folded back.
    make_status_change(enrolment=current, to_status=Status.REFERRED)
    make_status_change(enrolment=current, to_status=Status.ACTIVE)
    make_interview(enrolment=current, held_on=days_from_today(-70))
    make_interview(enrolment=current, held_on=days_from_today(-65))
    # The module plans of two open programmes, and one left on a programme exited: the
    # modules come once per change, interview and co-coach, and are folded back too.
    paused = make_enrolment(participant=participant, status=Status.PAUSED)
    for enrolment, name, status, position in [
        (paused, "Paused's", "planned", 0),
        (current, "Second", "planned", 2),
        (current, "Done", "done", 0),
        (current, "First", "running", 1),
        (current, "Stopped", "stopped", 3),
        (current, "Tried", "trying", 4),
        (former, "Left over", "planned", 0),
    ]:
        PlannedModule.objects.create(
            enrolment=enrolment, status=status, position=position,
            module=make_module(programme=enrolment.programme, name=name),
            starts_on=None if status == "planned" else days_from_today(-20),
        )  # fmt: skip
    for role, since, until in [
        (EnrolmentCoach.Role.LANGUAGE_COACH, -10, None),
        (EnrolmentCoach.Role.ACTIVATION_COACH, -40, 5),
        (EnrolmentCoach.Role.OTHER, -40, 0),  # left today
        (EnrolmentCoach.Role.SOCIAL_WORKER, 1, None),  # starts tomorrow
    ]:
        EnrolmentCoach.objects.create(
            enrolment=current, coach=make_staff(organisation=participant.organisation).user,
            role=role, since=days_from_today(since),
            until=days_from_today(until) if until is not None else None,
        )  # fmt: skip

    participant = Participant.objects.get(pk=participant.pk)
    now = now_for(participant, today)

    assert now.next_sessions == list(
        Session.objects.filter(
            attendances__participant=participant, date__gte=today, cancelled_at__isnull=True
        ).order_by("date", "start_time", "pk")[:NEXT_SESSIONS]
    )
    assert [s.date for s in now.next_sessions] == [days_from_today(d) for d in (0, 3, 5)]
    assert now.goals == list(
        Goal.objects.filter(
            enrolment__participant=participant, status=Goal.Status.OPEN,
            enrolment__status__in=[Status.ACTIVE, Status.PAUSED],
        ).order_by("position", "pk")
    )  # fmt: skip
    assert [goal.text for goal in now.goals] == ["First", "Open"]
    assert [placement.role for placement in now.placements] == ["Now", "Later"]
    assert now.next_todo.due_on == days_from_today(1)
    assert now.next_todo.enrolment == former
    assert now.next_call.due_on == days_from_today(2)
    (enrolment,) = [e for e in participant.file_enrolments if e.pk == current.pk]
    assert [change.to_status for change in enrolment.history] == [Status.REFERRED, Status.ACTIVE]
    assert [i.held_on for i in enrolment.interviews_held] == [
        days_from_today(-70),
        days_from_today(-65),
    ]
    assert now.modules == list(
        PlannedModule.objects.filter(enrolment__in=[current, paused])
        .exclude(status__in=PlannedModule.ENDED)
        .order_by("enrolment_id", "position", "pk")
    )
    assert [entry.module.name for entry in now.modules] == ["First", "Second", "Tried", "Paused's"]
    assert enrolment.current_co_coaches == list(
        EnrolmentCoach.objects.current().filter(enrolment=current)
    )
    assert [row.role for row in enrolment.current_co_coaches] == [
        EnrolmentCoach.Role.ACTIVATION_COACH,
        EnrolmentCoach.Role.LANGUAGE_COACH,
    ]
