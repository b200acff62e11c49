"""The participant file's timeline is assembled from providers that apps register."""

import datetime

import pytest
from django.utils import timezone

from participants import timeline
from participants.timeline import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(monkeypatch):
    """A clean registry holding only the participants app's own provider."""
    registry = [timeline.participant_entries]
    monkeypatch.setattr(timeline, "_providers", registry)
    return registry


def test_other_apps_contribute_entries_newest_first(providers, participant, enrolment):
    now = timezone.now()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    def sessions(p):
        assert p == participant
        return [
            Entry(when=now - datetime.timedelta(days=3), kind="session", title="Group session"),
            Entry(when=yesterday, kind="evaluation", title="Baseline evaluation"),
        ]

    timeline.register(sessions)
    enrolment.changes.create(to_status="referred", changed_at=now - datetime.timedelta(hours=1))

    titles = [entry.title for entry in timeline.entries_for(participant)]

    assert titles == ["Vivre ensemble: Referred", "Baseline evaluation", "Group session"]


def test_a_provider_is_registered_once(providers):
    def provider(p):
        return []

    timeline.register(provider)
    timeline.register(provider)
    assert providers == [timeline.participant_entries, provider]


def test_a_date_counts_as_the_end_of_that_day():
    day = datetime.date(2025, 3, 3)
    same_day = Entry(
        when=timezone.make_aware(datetime.datetime(2025, 3, 3, 18)), kind="x", title=""
    )
    assert Entry(when=day, kind="x", title="").sort_key > same_day.sort_key
