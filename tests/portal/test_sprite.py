"""The phone pages draw their icons from one sprite file instead of inlining each copy."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal import sprite
from tests.evaluations.factories import make_evaluation, make_goal
from tests.sessions.factories import days_from_today, make_session
from trajectory.models import ActionStep


def test_the_committed_sprite_is_up_to_date():
    call_command("build_icon_sprite", "--check")


def test_a_stale_sprite_is_said_so(tmp_path, monkeypatch):
    monkeypatch.setattr(sprite, "PATH", tmp_path / "icons.svg")
    (tmp_path / "icons.svg").write_text("<svg/>")
    with pytest.raises(CommandError, match="out of date"):
        call_command("build_icon_sprite", "--check")
    call_command("build_icon_sprite")
    call_command("build_icon_sprite", "--check")


def test_phone_pages_point_into_the_sprite_and_inline_no_icon(
    portal, participant, active, programme
):
    make_session(programme=programme, date=days_from_today(2), expected=[participant])
    goal = make_goal(enrolment=active)
    ActionStep.objects.create(goal=goal, text="Bus", who=ActionStep.Who.PARTICIPANT)
    evaluation = make_evaluation(enrolment=active)
    symbols = set(re.findall(r'<symbol id="([\w-]+)"', sprite.PATH.read_text()))
    for url in ["/p/home/", "/p/sessions/", "/p/calendar/", f"/p/evaluation/{evaluation.pk}/"]:
        html = portal.get(url).content.decode()
        used = re.findall(r'<use href="/static/portal/icons\.svg#([\w-]+)"/>', html)
        assert used and set(used) <= symbols, url
        assert "<path" not in html and "<circle" not in html, url


def test_staff_pages_keep_their_icons_inlined(coach_client, participant):
    html = coach_client.get(f"/participants/{participant.pk}/portal/").content.decode()
    assert "icons.svg#" not in html and "<path" in html
