"""A module's rhythm was free text; it now has fields (sessions and hours a week, weekdays).
Where the old note says plainly how many times a week the module meets, in English, French
or Dutch ("weekly", "hebdomadaire", "wekelijks", "twee halve dagen per week", "deux matinées
par semaine", "3 days a week"), that number fills the empty sessions-per-week field. The note
itself is kept as written, and a module whose note says something else ("every three weeks",
"on appointment") is left for the administrator to fill in."""

import re

from django.db import migrations

WEEKLY = re.compile(r"\b(weekly|every week|hebdomadaire|chaque semaine|wekelijks|elke week)\b")
NUMBERS = {
    "1": 1, "one": 1, "un": 1, "une": 1, "een": 1, "één": 1,
    "2": 2, "two": 2, "twice": 2, "deux": 2, "twee": 2, "tweemaal": 2,
    "3": 3, "three": 3, "trois": 3, "drie": 3,
    "4": 4, "four": 4, "quatre": 4, "vier": 4,
    "5": 5, "five": 5, "cinq": 5, "vijf": 5,
}  # fmt: skip
# "two half-days a week", "deux matinées par semaine", "3 dagen per week", "twice a week"
PER_WEEK = re.compile(
    r"\b(" + "|".join(NUMBERS) + r")\b[^,;]{0,30}?\b(a week|per week|par semaine)\b"
)


def sessions_per_week(note: str) -> int | None:
    text = note.lower()
    match = PER_WEEK.search(text)
    if match:
        return NUMBERS[match.group(1)]
    if WEEKLY.search(text):
        return 1
    return None


def fill(apps, schema_editor):
    Module = apps.get_model("programme", "Module")
    for module in Module.objects.filter(sessions_per_week__isnull=True).exclude(rhythm=""):
        count = sessions_per_week(module.rhythm)
        if count is not None:
            module.sessions_per_week = count
            module.save(update_fields=["sessions_per_week"])


class Migration(migrations.Migration):
    dependencies = [("programme", "0017_administrators_configure_phases_tracks_cohorts")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
