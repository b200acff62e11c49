"""The rhythm notes of modules written before the structured rhythm keep their text, and a
note that says how many times a week fills the new sessions-per-week field
(programme/migrations/0018)."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programme.models import Module
from tests.factories import make_programme

BEFORE = [
    ("programme", "0015_templatestep_becomes_todotemplate"),
    ("participants", "0011_trajectory_moves_out"),
    ("activities", "0006_attendance_paused"),
]
NOTES = {
    "wekelijks, 3 uur": 1,
    "twee halve dagen per week": 2,
    "deux matinées par semaine": 2,
    "Three days a week": 3,
    "hebdomadaire": 1,
    "toutes les trois semaines": None,
    "op afspraak": None,
    "": None,
}
rule = import_module("programme.migrations.0018_rhythm_note_gives_sessions_per_week")


@pytest.mark.parametrize(("note", "count"), NOTES.items())
def test_what_a_note_says(note, count):
    assert rule.sessions_per_week(note) == count


@pytest.mark.django_db(transaction=True)
def test_the_notes_are_kept_and_read():
    programme = make_programme()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    OldModule = apps.get_model("programme", "Module")
    for n, note in enumerate(NOTES):
        OldModule.objects.create(
            programme_id=programme.pk, name=f"Module {n}", kind="group", rhythm=note
        )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    stored = dict(Module.objects.values_list("rhythm", "sessions_per_week"))
    assert stored == NOTES
