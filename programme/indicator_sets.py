"""The funders' indicator sets Parcours ships with: AMIF 2021–2027 (specific objective 2) and
the ESF+ common participant indicators.

The wording is close to the regulations' text but kept as data so it can be corrected in the
administration without a release. Sources: Regulation (EU) 2021/1147, Annex VIII;
Regulation (EU) 2021/1057, Annex I. A data migration loads them (programme 0006); a database
emptied by `flush` (tests, `load_demo_data --reset`) loses them, and `ensure_loaded` puts them
back the same way.
"""

import datetime

from programme.models import Indicator, IndicatorSet

GBE = ["gender", "age", "education"]

AMIF = [
    ("O.2.3", "output", "participants", "", "Participants in support activities", GBE),
    ("O.2.3.1", "output", "activity", "language_course", "of which participants in a language course", ["gender"]),
    ("O.2.3.2", "output", "activity", "civic_orientation", "of which participants in a civic orientation course", ["gender"]),
    ("O.2.3.3", "output", "activity", "professional_guidance", "of which participants who received personal professional guidance", ["gender"]),
    ("O.2.5", "output", "event", "family_reunification_help", "Participants receiving information and/or assistance to apply for family reunification", ["gender"]),
    ("R.2.8", "result", "language_improved", "", "Participants in language courses who improved their proficiency level in the host country language by at least one level in the Common European Framework of Reference for Languages or national equivalent upon leaving the language course", ["gender"]),
    ("R.2.9", "result", "helpful_for_integration", "", "Participants who report that the activity was helpful for their integration", ["gender"]),
    ("R.2.10", "result", "event", "qualification_recognition", "Participants who applied for their qualification or skills acquired in a third country to be recognised or assessed", ["gender"]),
    ("R.2.11", "result", "event", "long_term_residence", "Participants who applied for a long-term residence status", ["gender"]),
]  # fmt: skip

ESF = [
    ("ESF-TOTAL", "characteristic", "participants", "", "Total number of participants", GBE),
    ("EECO01", "characteristic", "characteristic", "unemployed", "Unemployed, including long-term unemployed", ["gender"]),
    ("EECO02", "characteristic", "characteristic", "long_term_unemployed", "Long-term unemployed", ["gender"]),
    ("EECO03", "characteristic", "characteristic", "inactive", "Inactive", ["gender"]),
    ("EECO04", "characteristic", "characteristic", "employed", "Employed, including self-employed", ["gender"]),
    ("EECO05", "characteristic", "characteristic", "under_18", "Under 18 years of age", ["gender"]),
    ("EECO06", "characteristic", "characteristic", "age_18_29", "Between 18 and 29 years of age", ["gender"]),
    ("EECO07", "characteristic", "characteristic", "age_55_plus", "55 years of age and above", ["gender"]),
    ("EECO08", "characteristic", "characteristic", "isced_0_2", "With lower secondary education or less (ISCED 0-2)", ["gender"]),
    ("EECO09", "characteristic", "characteristic", "isced_3_4", "With upper secondary (ISCED 3) or post-secondary education (ISCED 4)", ["gender"]),
    ("EECO10", "characteristic", "characteristic", "isced_5_8", "With tertiary education (ISCED 5 to 8)", ["gender"]),
    ("EECO12", "characteristic", "characteristic", "disability", "Participants with disabilities", ["gender"]),
    ("EECO13", "characteristic", "characteristic", "third_country_national", "Third-country nationals", ["gender"]),
    ("EECO14", "characteristic", "characteristic", "foreign_background", "Participants with a foreign background", ["gender"]),
    ("EECO15", "characteristic", "characteristic", "minority", "Minorities (including marginalised communities such as the Roma)", ["gender"]),
    ("EECO16", "characteristic", "characteristic", "housing_exclusion", "Homeless or affected by housing exclusion", ["gender"]),
    ("EECO17", "characteristic", "characteristic", "rural_area", "Participants from rural areas", ["gender"]),
    ("EECR01", "result", "result_upon_leaving", "job_searching", "Participants engaged in job searching upon leaving", ["gender"]),
    ("EECR02", "result", "result_upon_leaving", "education_training", "Participants in education or training upon leaving", ["gender"]),
    ("EECR03", "result", "result_upon_leaving", "qualification", "Participants gaining a qualification upon leaving", ["gender"]),
    ("EECR04", "result", "result_upon_leaving", "employment", "Participants in employment, including self-employment, upon leaving", ["gender"]),
    ("EECR05", "result", "result_six_months", "employment", "Participants in employment, including self-employment, six months after leaving", ["gender"]),
    ("EECR06", "result", "result_six_months", "improved_labour_market", "Participants with an improved labour market situation six months after leaving", ["gender"]),
]  # fmt: skip

SETS = [
    (
        dict(
            funder="AMIF",
            name="Specific objective 2: legal migration and integration",
            version="2021-2027",
            valid_from=datetime.date(2021, 1, 1),
            valid_to=datetime.date(2027, 12, 31),
            source="Regulation (EU) 2021/1147, Annex VIII",
            third_country_nationals_only=True,
        ),
        AMIF,
    ),
    (
        dict(
            funder="ESF+",
            name="Common indicators for participants",
            version="2021-2027",
            valid_from=datetime.date(2021, 1, 1),
            valid_to=datetime.date(2027, 12, 31),
            source="Regulation (EU) 2021/1057, Annex I",
            third_country_nationals_only=False,
        ),
        ESF,
    ),
]


def load(indicator_set_model, indicator_model) -> None:
    """Create the sets and their indicators that are missing (the models are passed in, so the
    data migration can give its historical ones)."""
    for fields, rows in SETS:
        indicator_set, _created = indicator_set_model.objects.get_or_create(
            funder=fields["funder"], name=fields["name"], version=fields["version"],
            defaults=fields,
        )  # fmt: skip
        for position, (code, kind, rule, argument, wording, breakdowns) in enumerate(rows):
            indicator_model.objects.get_or_create(
                indicator_set=indicator_set,
                code=code,
                defaults=dict(kind=kind, rule=rule, argument=argument, wording=wording,
                              breakdowns=breakdowns, position=position),
            )  # fmt: skip


def ensure_loaded() -> None:
    if not IndicatorSet.objects.exists():
        load(IndicatorSet, Indicator)
