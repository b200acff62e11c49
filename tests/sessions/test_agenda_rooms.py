"""A site's rooms over a week: who booked what, for the staff of the organisation."""

import datetime

import pytest
from django.urls import reverse

from programme.models import Room, Site
from sessions import services
from sessions.models import Place
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import plan_session

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2025, 3, 10)


def book(*, room, day=MONDAY, **data):
    """A session in the room, planned as the pages plan it."""
    return plan_session(day=day, place=Place.ROOM, room=room, **data)


@pytest.fixture
def site(organisation):
    return Site.objects.create(organisation=organisation, name="Antenne Nord")


@pytest.fixture
def rooms(site):
    return [
        Room.objects.create(site=site, name="Salle Meuse", capacity=12),
        Room.objects.create(site=site, name="Salle Ourthe"),
    ]


def url(site) -> str:
    return reverse("sessions:room-schedule", args=[site.pk])


def test_it_shows_who_booked_which_room_each_day(
    site, rooms, programme, coach, colleague, participant, coach_client
):
    mine = book(programme=programme, room=rooms[0], topic="CV writing", facilitators=[coach.user])
    theirs = book(
        programme=programme,
        room=rooms[1],
        day=MONDAY + datetime.timedelta(days=2),
        topic="Colleague's workshop",
        facilitators=[colleague.user],
    )
    book(programme=programme, room=rooms[0], day=MONDAY + datetime.timedelta(days=7))
    response = coach_client.get(url(site), {"date": "2025-03-12"})
    assert response.status_code == 200
    assert response.context["days"][0] == MONDAY
    rows = response.context["rows"]
    assert [row["room"].name for row in rows] == ["Salle Meuse", "Salle Ourthe"]
    assert rows[0]["cells"][0] == [mine]
    assert rows[1]["cells"][2] == [theirs]
    assert sum(len(cell) for row in rows for cell in row["cells"]) == 2
    html = response.content.decode()
    assert "Rooms of Antenne Nord</h1>" in html
    assert "Amina Benali" in html
    assert "Pieter Claes" in html
    assert "12 places" in html
    # The coach may open their own session, not the colleague's (outside their scope).
    assert f'href="{reverse("sessions:session", args=[mine.pk])}"' in html
    assert f'href="{reverse("sessions:session", args=[theirs.pk])}"' not in html
    assert "Colleague&#x27;s workshop" in html


def test_cancelled_bookings_are_struck_through(site, rooms, programme, coach, coach_client):
    session = book(programme=programme, room=rooms[0], topic="CV", facilitators=[coach.user])
    services.session_cancel(session=session, reason="Coach ill")
    html = coach_client.get(url(site), {"date": "2025-03-10"}).content.decode()
    assert "<s>Workshop: CV</s>" in html


def test_it_moves_by_week(site, rooms, coach_client):
    html = coach_client.get(url(site), {"date": "2025-03-12"}).content.decode()
    for date in ["2025-03-03", "2025-03-17"]:
        assert f'href="{url(site)}?date={date}"' in html
        assert f'hx-get="{url(site)}?date={date}"' in html


def test_htmx_gets_the_grid_alone(site, rooms, coach_client):
    response = coach_client.get(url(site), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="rooms"')
    assert "<html" not in html


def test_an_administrator_of_the_organisation_sees_it(site, rooms, administrator_client):
    assert administrator_client.get(url(site)).status_code == 200


def test_a_site_without_rooms_says_so(site, manager_client):
    assert "This site has no room yet." in manager_client.get(url(site)).content.decode()


def test_another_organisation_gets_a_404(site, outsider_client, outsider_manager_client):
    assert outsider_client.get(url(site)).status_code == 404
    assert outsider_manager_client.get(url(site)).status_code == 404


def test_it_requires_login(site, client):
    response = client.get(url(site))
    assert response.status_code == 302
    assert response.url == login_url(url(site))


def test_it_rejects_post(site, coach_client):
    assert coach_client.post(url(site)).status_code == 405


@pytest.mark.parametrize("sessions", [1, 20])
def test_queries_do_not_grow_with_bookings(
    site, rooms, programme, organisation, coach, manager_client, django_assert_num_queries, sessions
):
    for n in range(sessions):
        book(
            programme=programme,
            room=rooms[n % 2],
            day=MONDAY + datetime.timedelta(days=n % 7),
            facilitators=[coach.user],
            people=[make_participant(organisation=organisation) for _ in range(3)],
        )
    # 1. the session row, 2. the user with their Staff row and the organisation in the header,
    # 3. the site, 4. its rooms, 5. the sessions the user may open, 6. the bookings with kind
    # and group, 7. their facilitators.
    with django_assert_num_queries(7):
        response = manager_client.get(url(site), {"date": "2025-03-12"})
    assert sum(len(c) for row in response.context["rows"] for c in row["cells"]) == sessions
