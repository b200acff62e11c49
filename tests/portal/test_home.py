"""The home page: next sessions first, then goals and steps, volunteering, the coach and the
next follow-up call."""

import datetime
import re

import pytest
from django.utils import timezone

from participants.models import PlannedModule
from tests.evaluations.factories import make_call, make_evaluation, make_exited, make_goal
from tests.factories import make_enrolment, make_module, make_partner, make_programme
from tests.portal.factories import portal_client_for
from tests.sessions.factories import (
    days_from_today,
    make_booking,
    make_room,
    make_session,
)
from trajectory.models import ActionStep


@pytest.fixture
def room(organisation):
    room = make_room(organisation=organisation, name="Salle Meuse")
    room.site.address = "Rue de la Station 12, 4000 Liège"
    room.site.save()
    return room


def test_next_sessions_say_what_when_where_with_whom_what_to_bring(
    portal, participant, programme, room, coach
):
    participant.interpreter_language = "ti"
    participant.save()
    session = make_session(
        programme=programme,
        date=days_from_today(3),
        room=room,
        topic="Budget",
        bring="Carte d'identité",
        facilitators=[coach.user],
        expected=[participant],
    )
    make_booking(session=session, language="ti")
    response = portal.get("/p/home/")
    html = response.content.decode()
    assert "Workshop" in html and "Budget" in html
    assert "Salle Meuse" in html and "Rue de la Station 12" in html
    assert "openstreetmap.org/search?query=Rue%20de%20la%20Station%2012" in html
    # The phone's own maps app first (geo:), the map on the web beside it.
    geo = html.index('href="geo:0,0?q=Rue%20de%20la%20Station%2012')
    assert geo < html.index("openstreetmap.org/search?query=Rue%20de%20la%20Station%2012")
    assert "Amina Benali" in html
    assert "Carte d&#x27;identité" in html
    assert "An interpreter will be there." in html
    assert f"/p/sessions/{session.pk}.ics" in html


def test_an_interpreter_asked_for_but_not_confirmed_is_said_so(portal, participant, programme):
    participant.interpreter_language = "ar"
    participant.save()
    session = make_session(programme=programme, date=days_from_today(1), expected=[participant])
    make_booking(session=session, language="ar", status="requested")
    make_booking(session=session, language="ti")  # someone else's interpreter
    html = portal.get("/p/home/").content.decode()
    assert "We asked for an interpreter." in html
    assert "An interpreter will be there." not in html


def test_only_coming_sessions_of_the_participant_are_listed(
    portal, participant, neighbour, programme
):
    make_session(
        programme=programme, date=days_from_today(-2), topic="Past", expected=[participant]
    )
    make_session(programme=programme, date=days_from_today(2), topic="Theirs", expected=[neighbour])
    cancelled = make_session(
        programme=programme, date=days_from_today(4), topic="Off", expected=[participant]
    )
    cancelled.cancelled_at = timezone.now()
    cancelled.cancel_reason = "Coach malade"
    cancelled.save()
    html = portal.get("/p/home/").content.decode()
    assert "Past" not in html and "Theirs" not in html
    assert "This session is cancelled." in html
    # The reason is written for colleagues.
    assert "Coach malade" not in html


def test_goals_and_steps_with_who_does_each(portal, active):
    goal = make_goal(enrolment=active, text="Aller seule à la commune")
    ActionStep.objects.create(goal=goal, text="Prendre le bus 4", who=ActionStep.Who.PARTICIPANT)
    ActionStep.objects.create(goal=goal, text="Appeler la commune", who=ActionStep.Who.COACH)
    ActionStep.objects.create(
        goal=goal, text="Lire le courrier", who=ActionStep.Who.TOGETHER, status="done",
        done_on=timezone.localdate(),
    )  # fmt: skip
    html = portal.get("/p/home/").content.decode()
    assert "Aller seule à la commune" in html
    assert "Prendre le bus 4" in html and "Appeler la commune" in html
    assert html.count("I did it") == 1  # only the step that is theirs alone
    assert "Lire le courrier" in html


def test_a_goal_in_the_participants_own_language_is_shown_in_it(participant, active):
    participant.portal_language = "ar"
    participant.save()
    make_goal(
        enrolment=active, text="Parler au médecin", text_own_language="أن أتكلم مع الطبيب",
        own_language="ar",
    )  # fmt: skip
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    assert "أن أتكلم مع الطبيب" in html and "Parler au médecin" not in html


def test_volunteering_coach_and_follow_up_call(participant, active, organisation, coach):
    host = make_partner(
        organisation=organisation, name="Resto du cœur", hosts_volunteers=True,
        address="Quai de la Batte 1, Liège",
    )  # fmt: skip
    active.placements.create(
        kind="volunteering", host=host, role="Service en salle", schedule="Mardi 10h–13h",
        starts_on=timezone.localdate(), status="ongoing", hours_per_week=3, supervisor_name="Nadia",
        supervisor_phone="0470 12 34 56", notes="Private note of the coach",
    )  # fmt: skip
    earlier = make_enrolment(
        participant=participant, programme=make_programme(organisation=organisation)
    )
    make_exited(enrolment=earlier)
    make_call(enrolment=earlier, due_on=timezone.localdate() + datetime.timedelta(days=9))
    client, _access = portal_client_for(participant, contact_phone="04 220 12 34")
    html = client.get("/p/home/").content.decode()
    assert "Service en salle" in html and "Resto du cœur" in html and "Mardi 10h–13h" in html
    assert 'href="tel:0470123456"' in html
    assert "Private note" not in html
    assert "Amina Benali" in html and 'href="tel:042201234"' in html
    assert "your coach calls to ask how you are" in html


def test_a_recent_evaluation_invites_a_self_assessment(portal, active):
    evaluation = make_evaluation(enrolment=active, held_on=timezone.localdate())
    html = portal.get("/p/home/").content.decode()
    assert f"/p/evaluation/{evaluation.pk}/" in html


def test_nothing_planned_yet_reads_plainly(portal):
    html = portal.get("/p/home/").content.decode()
    assert "No sessions planned for now." in html
    assert "You and your coach will write your goals together." in html


def _fill(participant, enrolment, programme, count):
    host = make_partner(organisation=participant.organisation, hosts_volunteers=True)
    for n in range(count):
        make_session(programme=programme, date=days_from_today(1 + n), expected=[participant])
        goal = make_goal(enrolment=enrolment, text=f"Goal {n}")
        ActionStep.objects.create(goal=goal, text=f"Step {n}", who=ActionStep.Who.PARTICIPANT)
        enrolment.placements.create(
            kind="volunteering",
            host=host,
            role=f"Role {n}",
            starts_on=timezone.localdate(),
            status="planned",
            hours_per_week=3,
        )
        PlannedModule.objects.create(
            enrolment=enrolment, module=make_module(programme=programme, name=f"Module {n}"),
            position=n,
        )  # fmt: skip


@pytest.mark.parametrize("count", [1, 20])
def test_home_queries_do_not_grow_with_rows(
    portal, participant, active, programme, count, django_assert_num_queries
):
    _fill(participant, active, programme, count)
    make_evaluation(enrolment=active, held_on=timezone.localdate())
    # 1 session, 2 access with participant, organisation and coach, 3 coming sessions (kind,
    # room, group), 4 their facilitators, 5 their interpreters, 6 open goals, 7 their steps,
    # 8 placements with host, 9 next follow-up call, 10 evaluation for a self-assessment,
    # 11 its scores (the faces already given), 12 the module plan with its modules, 13 the
    # texts' translations into the person's language, 14 the pictures of what to bring, 15 the
    # person's rows at those sessions with any "I can't come". (The content types are read
    # once per process: a first visit reads them.)
    portal.get("/p/home/")
    with django_assert_num_queries(15):
        response = portal.get("/p/home/")
    assert response.status_code == 200
    assert len(response.context["modules"]) == count


def test_home_refuses_other_methods(portal):
    assert portal.post("/p/home/").status_code == 405


@pytest.mark.parametrize("count", [1, 20])
def test_the_sessions_list_queries_do_not_grow(
    portal, participant, programme, count, django_assert_num_queries
):
    for n in range(count):
        make_session(programme=programme, date=days_from_today(1 + n), expected=[participant])
    # 1 session, 2 access with participant, organisation and coach, 3 coming sessions (kind,
    # room, group), 4 their facilitators, 5 their interpreters, 6 whether later ones come,
    # 7 translations, 8 pictures, 9 the person's rows with any "I can't come".
    portal.get("/p/sessions/")
    with django_assert_num_queries(9):
        response = portal.get("/p/sessions/")
    assert response.content.decode().count("Add to my calendar") == count


def test_the_sessions_page_shows_four_weeks_then_later_ones(portal, participant, programme):
    for days in (3, 27, 35):
        make_session(
            programme=programme, date=days_from_today(days), topic=f"In {days} days",
            expected=[participant],
        )  # fmt: skip
    html = portal.get("/p/sessions/").content.decode()
    assert "In 3 days" in html and "In 27 days" in html and "In 35 days" not in html
    assert 'href="?later=1"' in html
    html = portal.get("/p/sessions/?later=1").content.decode()
    assert "In 35 days" in html and 'href="?later=1"' not in html


def test_an_overdue_step_is_marked_late(portal, active):
    goal = make_goal(enrolment=active, text="Goal")
    ActionStep.objects.create(
        goal=goal, text="Overdue step", who=ActionStep.Who.PARTICIPANT,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )  # fmt: skip
    ActionStep.objects.create(
        goal=goal, text="Coming step", who=ActionStep.Who.PARTICIPANT,
        due_on=timezone.localdate() + datetime.timedelta(days=2),
    )  # fmt: skip
    html = portal.get("/p/home/").content.decode()
    assert html.count('class="todo overdue"') == 1 and html.count(" Late</strong>") == 1


def test_each_i_did_it_button_names_its_step(portal, active):
    goal = make_goal(enrolment=active, text="Goal")
    for text in ["Call the housing office", "Take bus 4"]:
        ActionStep.objects.create(goal=goal, text=text, who=ActionStep.Who.PARTICIPANT)
    html = portal.get("/p/home/").content.decode()
    names = re.findall(r"I did it<span class=\"visually-hidden\"> — (.*?)</span></button>", html)
    assert len(names) == 2 and "Call the housing office" in names[0] + names[1]


def test_the_links_of_each_session_card_name_their_session(portal, participant, programme, room):
    """Two sessions at the same place: a screen reader's list of links tells them apart."""
    for days, hour in [(2, 9), (2, 14), (5, 9)]:
        make_session(programme=programme, date=days_from_today(days), room=room,
                     start_time=datetime.time(hour), end_time=datetime.time(hour + 2),
                     expected=[participant])  # fmt: skip
    html = portal.get("/p/sessions/").content.decode()
    for label in ["Add to my calendar", "I can't come", "Open in my maps app", "Show on a map"]:
        names = re.findall(
            re.escape(label) + r'<span class="visually-hidden"> — (.*?)</span></a>',
            html.replace("&#x27;", "'"),
        )
        assert len(set(names)) == 3, (label, names)


def test_the_calendar_gives_an_https_address_with_instructions(portal):
    portal.post("/p/calendar/")
    html = portal.get("/p/calendar/").content.decode()
    assert re.search(r"<code>http(s)?://testserver/calendar/[\w-]+\.ics</code>", html)
    assert 'href="webcal://testserver/calendar/' in html
    assert "Android (Google Calendar)" in html and "iPhone:" in html


def test_after_the_programme_a_past_call_reads_soon_and_no_goals_are_promised(
    participant, programme
):
    enrolment = make_enrolment(participant=participant, programme=programme)
    make_exited(enrolment=enrolment)
    make_call(enrolment=enrolment, due_on=timezone.localdate() - datetime.timedelta(days=9))
    client, _access = portal_client_for(participant)
    html = client.get("/p/home/").content.decode()
    assert "Your coach will call you soon to ask how you are." in html
    assert "Around" not in html
    assert "Your programme is over. If you need help, call your coach." in html
    assert "will write your goals together" not in html
    # Made for after the programme: who to call, and no empty lists of sessions and goals.
    assert "After the programme" in html and "Amina Benali" in html
    assert "No sessions planned for now." not in html and "My goals" not in html
