"""Loads the AMIF 2021–2027 (specific objective 2) and ESF+ participant indicator sets
(programme/indicator_sets.py holds them)."""

from django.db import migrations

from programme.indicator_sets import SETS
from programme.indicator_sets import load as load_sets


def load(apps, schema_editor):
    load_sets(apps.get_model("programme", "IndicatorSet"), apps.get_model("programme", "Indicator"))


def unload(apps, schema_editor):
    IndicatorSet = apps.get_model("programme", "IndicatorSet")
    for fields, _rows in SETS:
        IndicatorSet.objects.filter(
            funder=fields["funder"], name=fields["name"], version=fields["version"],
            programmes__isnull=True,
        ).delete()  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("programme", "0005_indicator_sets")]
    operations = [migrations.RunPython(load, unload)]
