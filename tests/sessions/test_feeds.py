"""Calendar feeds, read back with vobject (an iCalendar parser independent of the icalendar
package that writes them), and the pages that make and revoke their addresses."""

import datetime
import zoneinfo

import pytest
import vobject
from django.urls import reverse
from django.utils import timezone, translation

from programme.models import Room, Site
from sessions import services
from sessions.feeds import feed_create, feed_revoke
from sessions.models import CalendarFeed, Place, SessionKind
from tests.factories import make_participant, make_programme
from tests.helpers import login_url
from tests.sessions.factories import days_from_today, plan_session

pytestmark = pytest.mark.django_db
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
FEEDS = reverse("sessions:feeds")


def fr(text: str, **values) -> str:
    """The organisation of these tests works in French: so do its calendar feeds."""
    with translation.override("fr"):
        return translation.gettext(text) % values


def next_date(month: int, day: int) -> datetime.date:
    """The next such date after today: within the year a feed covers."""
    today = timezone.localdate()
    date = datetime.date(today.year, month, day)
    return date if date > today else date.replace(year=today.year + 1)


def read(response) -> dict:
    """The feed's events by UID, as vobject reads them."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = vobject.readOne(response.content.decode())
    return {event.uid.value: event for event in calendar.contents.get("vevent", [])}


def uid(session) -> str:
    return f"session-{session.pk}@parcours"


@pytest.fixture
def other(organisation):
    return make_participant(organisation=organisation, first_name="Dawit", last_name="Abebe")


@pytest.fixture
def sessions(programme, coach, colleague, participant, other):
    group = services.group_create(
        data={"programme": programme, "name": "Mardi matin"}, coaches=[coach.user]
    )
    site = Site.objects.create(organisation=programme.organisation, name="Antenne Nord")
    room = Room.objects.create(site=site, name="Salle Meuse")
    return {
        "led": plan_session(
            programme=programme,
            day=days_from_today(3),
            topic="CV writing",
            place=Place.ROOM,
            room=room,
            bring="Your identity card",
            notes="Selam struggles with the bus; call her the day before.",
            facilitators=[coach.user],
            people=[participant, other],
        ),
        "group": plan_session(
            programme=programme, day=days_from_today(4), group=group, topic="Library"
        ),
        "colleague": plan_session(
            programme=programme,
            day=days_from_today(5),
            topic="Colleague's",
            facilitators=[colleague.user],
            people=[participant],
        ),
        "too_old": plan_session(
            programme=programme,
            day=days_from_today(-31),
            facilitators=[coach.user],
            people=[participant],
        ),
        "too_far": plan_session(
            programme=programme,
            day=days_from_today(366),
            facilitators=[coach.user],
            people=[participant],
        ),
        "last_month": plan_session(
            programme=programme, day=days_from_today(-30), facilitators=[coach.user]
        ),
    }


# The coach's feed --------------------------------------------------------------------------


def test_a_coach_feed_has_their_sessions_and_their_groups(sessions, coach, client):
    feed = feed_create(user=coach.user)
    events = read(client.get(feed.get_absolute_url()))
    assert set(events) == {
        uid(sessions["led"]),
        uid(sessions["group"]),
        uid(sessions["last_month"]),
    }
    event = events[uid(sessions["led"])]
    workshop_fr = fr("Workshop")
    assert workshop_fr != "Workshop"
    assert event.summary.value == fr("%(kind)s: %(topic)s", kind=workshop_fr, topic="CV writing")
    assert event.location.value == "Salle Meuse, Antenne Nord"
    assert fr("What to bring: %(things)s", things="Your identity card") in event.description.value
    assert event.status.value == "CONFIRMED"
    assert event.contents["last-modified"][0].value.tzinfo is not None
    assert (
        fr("Group: %(name)s", name="Mardi matin")
        in events[uid(sessions["group"])].description.value
    )


def test_events_keep_their_local_time_on_both_sides_of_daylight_saving(programme, coach, client):
    summer = plan_session(programme=programme, day=next_date(7, 15), facilitators=[coach.user])
    winter = plan_session(programme=programme, day=next_date(1, 15), facilitators=[coach.user])
    events = read(client.get(feed_create(user=coach.user).get_absolute_url()))
    for session, offset in [(summer, 2), (winter, 1)]:
        event = events[uid(session)]
        start = event.dtstart.value.astimezone(BRUSSELS)
        end = event.dtend.value.astimezone(BRUSSELS)
        assert (start.date(), start.time(), end.time()) == (
            session.date,
            datetime.time(9),
            datetime.time(12),
        )
        assert start.utcoffset() == datetime.timedelta(hours=offset)


def test_cancelled_sessions_say_so(sessions, coach, client):
    services.session_cancel(session=sessions["led"], reason="Coach ill")
    event = read(client.get(feed_create(user=coach.user).get_absolute_url()))[uid(sessions["led"])]
    assert event.status.value == "CANCELLED"
    title = fr("%(kind)s: %(topic)s", kind=fr("Workshop"), topic="CV writing")
    assert event.summary.value == fr("Cancelled: %(title)s", title=title)
    assert fr("Cancelled: %(reason)s", reason="Coach ill") in event.description.value


def test_a_coach_feed_names_no_participant_and_keeps_notes_behind_the_login(
    sessions, coach, client
):
    response = client.get(feed_create(user=coach.user).get_absolute_url())
    text = response.content.decode()
    assert "Selam" not in text and "Haile" not in text and "Abebe" not in text
    assert "bus" not in text
    event = read(response)[uid(sessions["led"])]
    assert event.url.value == "http://testserver" + reverse(
        "sessions:session", args=[sessions["led"].pk]
    )


def test_a_deactivated_coachs_feed_is_a_404(sessions, coach, client):
    feed = feed_create(user=coach.user)
    coach.user.is_active = False
    coach.user.save()
    assert client.get(feed.get_absolute_url()).status_code == 404


# The participant's feed --------------------------------------------------------------------


def test_a_participant_feed_has_the_sessions_where_they_are_expected(sessions, participant, client):
    events = read(client.get(feed_create(participant=participant).get_absolute_url()))
    assert set(events) == {uid(sessions["led"]), uid(sessions["colleague"])}
    event = events[uid(sessions["led"])]
    assert fr("What to bring: %(things)s", things="Your identity card") in event.description.value
    assert "url" not in event.contents


def test_a_participant_feed_has_no_notes_and_no_other_participant(sessions, participant, client):
    services.session_cancel(session=sessions["colleague"], reason="Dawit Abebe complained")
    response = client.get(feed_create(participant=participant).get_absolute_url())
    text = response.content.decode()
    assert "bus" not in text
    assert "Dawit" not in text and "Abebe" not in text
    event = read(response)[uid(sessions["colleague"])]
    assert event.status.value == "CANCELLED"
    assert event.description.value == fr("This session is cancelled.")


def test_a_participant_feed_is_in_their_language(programme, participant, client):
    participant.portal_language = "nl"
    participant.save()
    coaching = SessionKind.objects.get_or_create(
        programme=None, code="individual_coaching", defaults={"name": "Individual coaching"}
    )[0]
    session = plan_session(
        programme=programme, day=days_from_today(1), kind=coaching, people=[participant]
    )
    events = read(client.get(feed_create(participant=participant).get_absolute_url()))
    assert events[uid(session)].summary.value == "Individuele begeleiding"


def test_a_coachs_feed_is_in_the_language_they_made_it_in(programme, coach, coach_client, client):
    coaching = SessionKind.objects.get_or_create(
        programme=None, code="individual_coaching", defaults={"name": "Individual coaching"}
    )[0]
    session = plan_session(programme=programme, day=days_from_today(1), kind=coaching, people=[])
    session.facilitators.set([coach.user])
    coach_client.cookies["django_language"] = "nl"
    coach_client.post(reverse("sessions:feeds"), {"action": "new"})
    feed = CalendarFeed.objects.get(user=coach.user, revoked_at__isnull=True)
    assert feed.language == "nl"
    events = read(client.get(feed.get_absolute_url()))
    assert events[uid(session)].summary.value == "Individuele begeleiding"


# Addresses ---------------------------------------------------------------------------------


def test_a_revoked_address_is_a_404(coach, client):
    feed = feed_revoke(feed=feed_create(user=coach.user))
    assert client.get(feed.get_absolute_url()).status_code == 404


def test_an_unknown_address_is_a_404(client):
    assert client.get(reverse("sessions:feed", args=["not-a-token"])).status_code == 404


def test_the_feed_rejects_post(coach, client):
    assert client.post(feed_create(user=coach.user).get_absolute_url()).status_code == 405


@pytest.mark.parametrize("count", [1, 20])
def test_feed_queries_do_not_grow(
    organisation, coach, participant, client, django_assert_num_queries, count
):
    programme = make_programme(organisation=organisation)
    group = services.group_create(data={"programme": programme, "name": "G"}, coaches=[coach.user])
    for n in range(count):
        plan_session(
            programme=programme,
            day=days_from_today(n),
            group=group if n % 2 else None,
            facilitators=[] if n % 2 else [coach.user],
            people=[participant, make_participant(organisation=organisation)],
        )
    coach_feed = feed_create(user=coach.user).get_absolute_url()
    participant_feed = feed_create(participant=participant).get_absolute_url()
    # 1. the feed with its holder, their Staff row and organisation, 2. the sessions with
    # kind, group, room and site.
    with django_assert_num_queries(2):
        assert len(read(client.get(coach_feed))) == count
    with django_assert_num_queries(2):
        assert len(read(client.get(participant_feed))) == count


def test_feed_create_revokes_the_previous_address(coach, participant):
    first = feed_create(user=coach.user)
    theirs = feed_create(participant=participant)
    second = feed_create(user=coach.user)
    first.refresh_from_db()
    theirs.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None and second.token != first.token
    assert theirs.revoked_at is None


def test_feed_create_needs_exactly_one_holder(coach, participant):
    with pytest.raises(ValueError):
        feed_create()
    with pytest.raises(ValueError):
        feed_create(user=coach.user, participant=participant)


# The coach's page --------------------------------------------------------------------------


def test_a_coach_without_an_address_is_offered_one(coach_client):
    response = coach_client.get(FEEDS)
    assert response.status_code == 200
    assert response.context["feed"] is None
    assert 'value="new"' in response.content.decode()


def test_a_coach_makes_an_address_and_sees_it(coach, coach_client):
    response = coach_client.post(FEEDS, {"action": "new"})
    assert response.status_code == 302
    assert response.url == FEEDS
    feed = CalendarFeed.objects.get(user=coach.user)
    html = coach_client.get(FEEDS).content.decode()
    assert f'value="http://testserver/calendar/{feed.token}.ics"' in html
    assert f'href="webcal://testserver/calendar/{feed.token}.ics"' in html


def test_making_a_new_address_revokes_the_old_one(coach, coach_client):
    old = feed_create(user=coach.user)
    coach_client.post(FEEDS, {"action": "new"})
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert coach_client.get(FEEDS).context["feed"] != old
    assert CalendarFeed.objects.filter(user=coach.user, revoked_at__isnull=True).count() == 1


def test_a_coach_revokes_their_address(coach, coach_client, client):
    feed = feed_create(user=coach.user)
    response = coach_client.post(FEEDS, {"action": "revoke"})
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert client.get(feed.get_absolute_url()).status_code == 404
    assert coach_client.get(FEEDS).context["feed"] is None


def test_an_unknown_action_is_refused(coach, coach_client):
    assert coach_client.post(FEEDS, {"action": "revoke"}).status_code == 400
    assert coach_client.post(FEEDS, {"action": "delete"}).status_code == 400
    assert not CalendarFeed.objects.exists()


def test_the_page_manages_only_ones_own_address(coach, colleague, colleague_client):
    theirs = feed_create(user=coach.user)
    colleague_client.post(FEEDS, {"action": "revoke"})
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert colleague_client.get(FEEDS).context["feed"] is None


def test_an_administrator_gets_a_404(administrator_client):
    assert administrator_client.get(FEEDS).status_code == 404


def test_the_page_requires_login(client):
    response = client.get(FEEDS)
    assert response.status_code == 302
    assert response.url == login_url(FEEDS)


def test_the_page_rejects_put(coach_client):
    assert coach_client.put(FEEDS).status_code == 405


# A participant's address -------------------------------------------------------------------


def participant_page(participant) -> str:
    return reverse("sessions:participant-feed", args=[participant.pk])


def test_the_coach_makes_and_revokes_a_participants_address(participant, coach_client):
    url = participant_page(participant)
    assert coach_client.get(url).status_code == 200
    assert coach_client.post(url, {"action": "new"}).status_code == 302
    feed = CalendarFeed.objects.get(participant=participant, revoked_at__isnull=True)
    html = coach_client.get(url).content.decode()
    assert f"/calendar/{feed.token}.ics" in html
    assert "Calendar of Selam Haile" in html
    coach_client.post(url, {"action": "revoke"})
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_a_manager_may_too(participant, manager_client):
    assert manager_client.post(participant_page(participant), {"action": "new"}).status_code == 302


def test_a_colleague_without_the_participant_gets_a_404(participant, colleague_client):
    url = participant_page(participant)
    assert colleague_client.get(url).status_code == 404
    assert colleague_client.post(url, {"action": "new"}).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_another_organisation_gets_a_404(participant, outsider_client, outsider_manager_client):
    assert outsider_client.get(participant_page(participant)).status_code == 404
    assert outsider_manager_client.get(participant_page(participant)).status_code == 404


def test_the_participant_page_requires_login(participant, client):
    url = participant_page(participant)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == login_url(url)


def test_the_participant_page_rejects_put(participant, coach_client):
    assert coach_client.put(participant_page(participant)).status_code == 405
