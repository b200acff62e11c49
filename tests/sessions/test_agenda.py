"""A coach's agenda: week and month, own sessions and their groups', a manager picking a coach."""

import datetime

import pytest
from django.urls import reverse

from programme.models import Room, Site
from sessions import services
from sessions.models import Place
from tests.factories import make_participant, make_programme
from tests.helpers import login_url
from tests.sessions.factories import admit, plan_session

pytestmark = pytest.mark.django_db
URL = reverse("sessions:agenda")
# A Wednesday: its week runs from Monday 10 to Sunday 16 March 2025.
DAY = datetime.date(2025, 3, 12)
MONDAY = datetime.date(2025, 3, 10)


def entries(response) -> list[tuple[datetime.date, str]]:
    return [
        (cell["date"], session.topic)
        for week in response.context["grid"]
        for cell in week
        for session in cell["sessions"]
    ]


@pytest.fixture
def room(organisation):
    site = Site.objects.create(organisation=organisation, name="Antenne Nord")
    return Room.objects.create(site=site, name="Salle Meuse")


@pytest.fixture
def week(programme, coach, colleague, participant, room):
    """The coach leads two sessions, coaches a group with a third, and a colleague leads a
    fourth; a fifth is the week after."""
    group = services.group_create(
        data={"programme": programme, "name": "Mardi matin"}, coaches=[coach.user]
    )
    others = [make_participant(organisation=participant.organisation) for _ in range(2)]
    return {
        "led": plan_session(
            day=MONDAY,
            programme=programme,
            topic="CV writing",
            place=Place.ROOM,
            room=room,
            facilitators=[coach.user],
            people=[participant, *others],
        ),
        "group": plan_session(
            programme=programme,
            day=MONDAY + datetime.timedelta(days=1),
            start=14,
            end=16,
            topic="Visit of the library",
            group=group,
            place=Place.OUTSIDE,
            address="Rue de la Régence 1, Liège",
        ),
        "home": plan_session(
            programme=programme,
            day=MONDAY + datetime.timedelta(days=3),
            topic="Home visit Haile",
            place=Place.HOME,
            facilitators=[coach.user],
            people=[participant],
        ),
        "colleague": plan_session(
            day=MONDAY,
            programme=programme,
            topic="Colleague's workshop",
            facilitators=[colleague.user],
        ),
        "next_week": plan_session(
            programme=programme,
            day=MONDAY + datetime.timedelta(days=7),
            topic="Next week",
            facilitators=[coach.user],
        ),
        "group_obj": group,
    }


def test_it_shows_the_coachs_week(week, coach_client):
    response = coach_client.get(URL, {"date": DAY.isoformat()})
    assert response.status_code == 200
    assert response.context["heading"] == "My agenda"
    assert [cell["date"] for cell in response.context["grid"][0]] == [
        MONDAY + datetime.timedelta(days=n) for n in range(7)
    ]
    assert entries(response) == [
        (MONDAY, "CV writing"),
        (MONDAY + datetime.timedelta(days=1), "Visit of the library"),
        (MONDAY + datetime.timedelta(days=3), "Home visit Haile"),
    ]
    html = response.content.decode()
    assert "My agenda</h1>" in html
    assert "Week 11: 10 March 2025 – 16 March 2025" in html
    assert "09:00</time>–12:00" in html
    assert "Workshop: CV writing" in html
    assert "3 people expected" in html
    assert "Salle Meuse" in html
    assert "Rue de la Régence 1, Liège" in html
    assert "Home visit" in html
    assert f'href="{reverse("sessions:session", args=[week["led"].pk])}"' in html
    assert f'href="{reverse("sessions:group", args=[week["group_obj"].pk])}"' in html
    assert "Mardi matin" in html


def test_it_counts_the_members_of_a_group_session(
    week, coach, programme, participant, coach_client
):
    admit(participant, programme)
    services.group_add_members(
        group=week["group_obj"], participants=[participant], joined_on=MONDAY
    )
    response = coach_client.get(URL, {"date": DAY.isoformat()})
    group_session = response.context["grid"][0][1]["sessions"][0]
    assert group_session.expected == 1
    assert "1 person expected" in response.content.decode()


def test_a_days_sessions_come_in_the_order_of_their_hours(programme, coach, coach_client):
    # Planned afternoon first, then an early call: the day reads by the clock, not by when
    # each was planned (the count of people expected groups the query, and Django then
    # drops the model's default order).
    for start, topic in [(16, "Afternoon talk"), (9, "Morning group"), (8, "Early call")]:
        plan_session(day=MONDAY,
            programme=programme, start=start, end=start + 1, topic=topic,
            facilitators=[coach.user],
        )  # fmt: skip
    response = coach_client.get(URL, {"date": DAY.isoformat()})
    assert [topic for _day, topic in entries(response)] == [
        "Early call", "Morning group", "Afternoon talk",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("place", "extra", "label"),
    [
        (Place.ONLINE, {}, "Online"),
        (Place.PHONE, {}, "By phone"),
        (Place.HOME, {}, "Home visit"),
        (Place.OUTSIDE, {"address": "Place Saint-Lambert 4"}, "Place Saint-Lambert 4"),
    ],
)
def test_it_says_where(programme, coach, coach_client, place, extra, label):
    plan_session(day=MONDAY, programme=programme, place=place, facilitators=[coach.user], **extra)
    response = coach_client.get(URL, {"date": DAY.isoformat()})
    assert response.context["grid"][0][0]["sessions"][0].where == label
    assert label in response.content.decode()


def test_cancelled_sessions_are_struck_through_with_their_reason(week, coach_client):
    services.session_cancel(session=week["led"], reason="Coach ill")
    response = coach_client.get(URL, {"date": DAY.isoformat()})
    html = response.content.decode()
    assert "<s>Workshop: CV writing</s>" in html
    assert "Cancelled: Coach ill" in html


def test_it_shows_the_month(week, coach_client):
    response = coach_client.get(URL, {"view": "month", "date": DAY.isoformat()})
    assert response.status_code == 200
    grid = response.context["grid"]
    # March 2025 starts on a Saturday and ends on a Monday: five weeks from 24 February.
    assert grid[0][0]["date"] == datetime.date(2025, 2, 24)
    assert grid[-1][-1]["date"] == datetime.date(2025, 4, 6)
    assert all(len(row) == 7 for row in grid)
    assert grid[0][0]["outside"] and not grid[1][0]["outside"]
    assert [topic for _day, topic in entries(response)] == [
        "CV writing",
        "Visit of the library",
        "Home visit Haile",
        "Next week",
    ]
    html = response.content.decode()
    assert "March 2025</h2>" in html
    assert 'class="agenda-month"' in html


def test_links_move_by_week_and_keep_the_view(coach, coach_client):
    html = coach_client.get(URL, {"date": DAY.isoformat()}).content.decode()
    for date in ["2025-03-03", "2025-03-17"]:
        assert f'href="{URL}?date={date}"' in html
        assert f'hx-get="{URL}?date={date}"' in html
    html = coach_client.get(URL, {"view": "month", "date": DAY.isoformat()}).content.decode()
    for date in ["2025-02-01", "2025-04-01"]:
        assert f'href="{URL}?view=month&amp;date={date}"' in html


def test_htmx_gets_the_agenda_alone(week, coach_client):
    response = coach_client.get(URL, {"date": DAY.isoformat()}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="agenda"')
    assert "<html" not in html
    assert "CV writing" in html


def test_an_unreadable_date_shows_this_week(coach_client):
    response = coach_client.get(URL, {"date": "12/03/2025"})
    assert response.status_code == 200
    assert response.context["day"] == datetime.date.today()


def test_a_manager_picks_a_coach(week, coach, manager_client):
    response = manager_client.get(URL, {"coach": coach.user.pk, "date": DAY.isoformat()})
    assert response.status_code == 200
    assert response.context["heading"] == "Agenda of Amina Benali"
    assert len(entries(response)) == 3
    assert f'<option value="{coach.user.pk}" selected>' in response.content.decode()


def test_a_manager_sees_their_own_agenda_by_default(week, manager_client):
    response = manager_client.get(URL, {"date": DAY.isoformat()})
    assert response.context["heading"] == "My agenda"
    assert entries(response) == []
    assert "No session this week." in response.content.decode()


def test_a_manager_cannot_pick_another_organisations_coach(outsider, manager_client):
    assert manager_client.get(URL, {"coach": outsider.user.pk}).status_code == 404


def test_a_coach_cannot_pick_a_colleague(colleague, coach_client):
    assert coach_client.get(URL, {"coach": colleague.user.pk}).status_code == 404


def test_a_coach_cannot_pick_an_outsider(outsider, coach_client):
    assert coach_client.get(URL, {"coach": outsider.user.pk}).status_code == 404


def test_a_coach_may_name_themselves(coach, coach_client):
    assert coach_client.get(URL, {"coach": coach.user.pk}).status_code == 200


def test_a_malformed_coach_is_a_404(coach_client):
    assert coach_client.get(URL, {"coach": "amina"}).status_code == 404


def test_another_organisation_sees_none_of_it(week, outsider_client):
    response = outsider_client.get(URL, {"date": DAY.isoformat()})
    assert entries(response) == []


def test_an_administrator_gets_a_404(administrator_client):
    assert administrator_client.get(URL).status_code == 404


def test_it_requires_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == login_url(URL)


def test_it_rejects_post(coach_client):
    assert coach_client.post(URL).status_code == 405


# Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("sessions", [1, 20])
def test_queries_do_not_grow_with_sessions(
    organisation, coach, coach_client, django_assert_num_queries, sessions
):
    programme = make_programme(organisation=organisation)
    group = services.group_create(data={"programme": programme, "name": "G"}, coaches=[coach.user])
    for n in range(sessions):
        plan_session(
            programme=programme,
            day=MONDAY + datetime.timedelta(days=n % 7),
            group=group if n % 2 else None,
            topic=f"Session {n}",
            facilitators=[] if n % 2 else [coach.user],
            people=[make_participant(organisation=organisation)],
        )
    # 1. the session row, 2. the user with their Staff row and the organisation shown in the
    # header's account menu, 3. the sessions with kind, group, room and site joined and the
    # people expected counted.
    with django_assert_num_queries(3):
        response = coach_client.get(URL, {"date": DAY.isoformat()})
    assert len(entries(response)) == sessions


@pytest.mark.parametrize("people", [1, 30])
def test_queries_do_not_grow_with_participants(
    organisation, programme, coach, manager_client, django_assert_num_queries, people
):
    for day in range(3):
        plan_session(
            programme=programme,
            day=MONDAY + datetime.timedelta(days=day),
            facilitators=[coach.user],
            people=[make_participant(organisation=organisation) for _ in range(people)],
        )
    # 1. the session row, 2. the user with their Staff row and the organisation in the header,
    # 3. the coaches the manager may pick (the chosen one is among them), 4. the sessions with
    # their counts.
    with django_assert_num_queries(4):
        response = manager_client.get(URL, {"coach": coach.user.pk, "date": DAY.isoformat()})
    sessions = [s for week in response.context["grid"] for c in week for s in c["sessions"]]
    assert [s.expected for s in sessions] == [people] * 3
