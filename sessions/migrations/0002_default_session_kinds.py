from django.db import migrations

CODES = [
    ("individual_coaching", "Individual coaching"),
    ("intake_interview", "Intake interview"),
    ("information_session", "Information session"),
    ("psychosocial_session", "Psychosocial session"),
    ("excursion", "Excursion"),
    ("workshop", "Workshop"),
    ("language_practice", "Language practice"),
    ("collective_coaching", "Collective coaching"),
    ("evaluation_interview", "Evaluation interview"),
    ("other", "Other"),
]


def create_kinds(apps, schema_editor):
    SessionKind = apps.get_model("activities", "SessionKind")
    for code, name in CODES:
        SessionKind.objects.get_or_create(programme=None, code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(create_kinds, migrations.RunPython.noop)]
