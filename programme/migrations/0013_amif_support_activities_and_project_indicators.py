"""AMIF O.2.3 counts the participants who took part in at least one mapped support activity
(no longer everyone enrolled), and the set gains the project-level output indicators, which
the manager enters for each period (decision 18). Wording close to Regulation (EU) 2021/1147,
Annex VIII, kept as data."""

from django.db import migrations

from programme.indicator_sets import add_project_indicators

AMIF = dict(funder="AMIF", name="Specific objective 2: legal migration and integration",
            version="2021-2027")  # fmt: skip


def load(apps, schema_editor):
    add_project_indicators(
        apps.get_model("programme", "IndicatorSet"), apps.get_model("programme", "Indicator")
    )


def unload(apps, schema_editor):
    IndicatorSet = apps.get_model("programme", "IndicatorSet")
    Indicator = apps.get_model("programme", "Indicator")
    amif = IndicatorSet.objects.filter(**AMIF).first()
    if amif is None:
        return
    Indicator.objects.filter(indicator_set=amif, rule="entered").delete()
    Indicator.objects.filter(indicator_set=amif, code="O.2.3").update(
        rule="participants", argument=""
    )


class Migration(migrations.Migration):
    dependencies = [("programme", "0012_co_funding_sets_and_milestones")]
    operations = [migrations.RunPython(load, unload)]
