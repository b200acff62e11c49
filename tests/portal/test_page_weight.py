"""Light and fast: each portal page, with everything it loads (stylesheet, script, icons
inlined in the page, no web fonts), stays under 100 KB, even uncompressed and with a full
home page."""

import re

import pytest
from django.conf import settings
from django.utils import timezone

from tests.evaluations.factories import make_evaluation, make_goal
from tests.factories import make_partner
from tests.portal.factories import portal_client_for
from tests.sessions.factories import days_from_today, make_booking, make_room, make_session
from trajectory.models import ActionStep

BUDGET = 100 * 1024
STATIC = settings.BASE_DIR / "static"


@pytest.fixture
def busy(participant, active, programme, organisation, coach):
    """More than a real home page ever holds: 5 sessions, 4 goals of 5 steps, 2 placements."""
    room = make_room(organisation=organisation)
    for n in range(8):
        session = make_session(
            programme=programme, date=days_from_today(n + 1), room=room, topic=f"Topic {n}",
            bring="Un stylo et la carte d'identité", facilitators=[coach.user],
            expected=[participant],
        )  # fmt: skip
        make_booking(session=session, language="ar")
    for _goal in range(4):
        goal = make_goal(enrolment=active, text="Un objectif écrit avec ses mots " * 3)
        for s in range(5):
            ActionStep.objects.create(
                goal=goal, text=f"Étape {s} " * 5, who=ActionStep.Who.PARTICIPANT
            )
    host = make_partner(organisation=organisation, hosts_volunteers=True, address="Rue 1")
    for n in range(2):
        active.placements.create(
            kind="volunteering", host=host, role=f"Role {n}", starts_on=timezone.localdate(),
            hours_per_week=3, supervisor_name="Nadia", supervisor_phone="0470 12 34 56",
        )  # fmt: skip
    return make_evaluation(enrolment=active, held_on=timezone.localdate())


def _assets(html: str) -> int:
    """Bytes of the stylesheets, scripts and images the page asks for, each counted once
    (the icon sprite is one file however many icons point into it)."""
    paths = set(re.findall(r'(?:href|src)="/static/([^"#]+)[^"]*"', html))
    return sum((STATIC / path).stat().st_size for path in paths)


@pytest.mark.parametrize("language", ["fr", "ar", "ti"])
def test_every_page_weighs_under_100_kb(participant, busy, language):
    participant.portal_language = language
    participant.save()
    client, _access = portal_client_for(participant, own_phone=True)
    urls = ["/p/home/", "/p/sessions/", "/p/calendar/", "/p/language/",
            f"/p/evaluation/{busy.pk}/"]  # fmt: skip
    for url in urls:
        html = client.get(url).content.decode()
        total = len(html.encode()) + _assets(html)
        assert total < BUDGET, f"{url} in {language}: {total} bytes"
    client.post("/p/signout/")
    for url in ["/p/", "/p/language/"]:
        html = client.get(url).content.decode()
        assert len(html.encode()) + _assets(html) < BUDGET, url


def test_no_web_font_and_no_outside_asset():
    css = (STATIC / "portal" / "portal.css").read_text()
    assert "@font-face" not in css and "url(" not in css


def test_a_realistic_month_stays_under_60_kb(participant, active, programme, organisation, coach):
    """Three sessions a week for two months, a plan of 3 goals of 4 steps: the home page and
    the sessions page (its four weeks) with their stylesheet and script, uncompressed."""
    room = make_room(organisation=organisation)
    for week in range(8):
        for day in (1, 3, 5):
            session = make_session(
                programme=programme, date=days_from_today(7 * week + day), room=room,
                topic="Vivre ensemble", bring="Cahier, stylo", facilitators=[coach.user],
                expected=[participant],
            )  # fmt: skip
            make_booking(session=session, language="ar")
    for _goal in range(3):
        goal = make_goal(enrolment=active, text="Parler avec le médecin sans interprète")
        for s in range(4):
            ActionStep.objects.create(
                goal=goal, text=f"Étape {s} du plan", who=ActionStep.Who.PARTICIPANT
            )
    client, _access = portal_client_for(participant, own_phone=True)
    for url in ["/p/home/", "/p/sessions/"]:
        html = client.get(url).content.decode()
        weight = len(html.encode()) + _assets(html)
        assert weight <= 60 * 1024, f"{url}: {weight / 1024:.1f} KB"
        # Icons drawn from the sprite: the page itself weighed about 40 KB with each icon
        # inlined, about 23 KB now (the sprite, 16 KB, is fetched once and kept).
        assert weight <= 50 * 1024, f"{url}: {weight / 1024:.1f} KB"
        assert len(html.encode()) <= 28 * 1024, f"{url}: {len(html.encode()) / 1024:.1f} KB"
