"""The participant file's timeline merges every app's entries, newest first."""

import datetime
import inspect

import pytest
from django.utils import timezone

from casefile import timeline
from evaluations import timeline as evaluation_timeline
from participants import timeline as participant_timeline
from participants.timeline import Entry
from sessions import timeline as session_timeline
from trajectory import timeline as trajectory_timeline

pytestmark = pytest.mark.django_db


def test_the_entries_of_every_app_come_newest_first(monkeypatch, participant, enrolment):
    now = timezone.now()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    def sessions(p):
        assert p == participant
        return [
            Entry(when=now - datetime.timedelta(days=3), kind="session", title="Group session"),
            Entry(when=yesterday, kind="evaluation", title="Baseline evaluation"),
        ]

    monkeypatch.setattr(timeline, "SOURCES", (participant_timeline.participant_entries, sessions))
    enrolment.changes.create(to_status="referred", changed_at=now - datetime.timedelta(hours=1))

    titles = [entry.title for entry in timeline.entries_for(participant)]

    assert titles == ["Vivre ensemble: Referred", "Baseline evaluation", "Group session"]


def test_every_apps_entries_are_on_the_timeline():
    """Each app's `*_entries` functions, and nothing else, make the timeline."""
    written = {
        function
        for module in (
            participant_timeline,
            trajectory_timeline,
            session_timeline,
            evaluation_timeline,
        )
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.endswith("_entries") and function.__module__ == module.__name__
    }
    assert len(written) == 7  # with the text messages (sessions.timeline.sms_entries)
    assert set(timeline.SOURCES) == written
    assert len(timeline.SOURCES) == len(written)


def test_a_date_counts_as_the_end_of_that_day():
    day = datetime.date(2025, 3, 3)
    same_day = Entry(
        when=timezone.make_aware(datetime.datetime(2025, 3, 3, 18)), kind="x", title=""
    )
    assert Entry(when=day, kind="x", title="").sort_key > same_day.sort_key
