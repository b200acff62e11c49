"""AMIF O.2.3 counts the participants who took part in at least one mapped support activity
(no longer everyone enrolled), and the set gains the project-level output indicators, which
the manager enters for each period (decision 18). Wording close to Regulation (EU) 2021/1147,
Annex VIII, kept as data."""

from django.db import migrations

AMIF = dict(funder="AMIF", name="Specific objective 2: legal migration and integration",
            version="2021-2027")  # fmt: skip

PROJECT = [
    ("O.2.1", 20, "Participants in pre-departure measures"),
    ("O.2.2", 21, "Local and regional authorities supported to implement integration measures"),
    ("O.2.4", 22, "Information packages and campaigns to raise awareness of legal migration channels to the Union"),
    ("O.2.6", 23, "Participants benefiting from mobility schemes"),
    ("O.2.7", 24, "Projects on integration where local and regional authorities are the beneficiary"),
]  # fmt: skip
# After the participant indicators: the report shows the entered figures in a block of their own.


def load(apps, schema_editor):
    IndicatorSet = apps.get_model("programme", "IndicatorSet")
    Indicator = apps.get_model("programme", "Indicator")
    amif = IndicatorSet.objects.filter(**AMIF).first()
    if amif is None:
        return
    Indicator.objects.filter(indicator_set=amif, code="O.2.3", rule="participants").update(
        rule="activity", argument="any"
    )
    for code, position, wording in PROJECT:
        Indicator.objects.get_or_create(
            indicator_set=amif,
            code=code,
            defaults=dict(kind="output", rule="entered", argument="", wording=wording,
                          breakdowns=[], position=position),
        )  # fmt: skip


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
