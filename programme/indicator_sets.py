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


# The project-level output indicators of AMIF, which the manager enters for each period
# (decision 18), after the participant indicators: the report shows them in a block of their own.
PROJECT = [
    ("O.2.1", 20, "Participants in pre-departure measures"),
    ("O.2.2", 21, "Local and regional authorities supported to implement integration measures"),
    ("O.2.4", 22, "Information packages and campaigns to raise awareness of legal migration channels to the Union"),
    ("O.2.6", 23, "Participants benefiting from mobility schemes"),
    ("O.2.7", 24, "Projects on integration where local and regional authorities are the beneficiary"),
]  # fmt: skip


def add_project_indicators(indicator_set_model, indicator_model) -> None:
    """AMIF O.2.3 counts the participants who took part in at least one mapped support activity,
    and the set gains its project-level indicators (programme 0013)."""
    amif = indicator_set_model.objects.filter(**SETS[0][0]).first()
    if amif is None:
        return
    indicator_model.objects.filter(indicator_set=amif, code="O.2.3", rule="participants").update(
        rule="activity", argument="any"
    )
    for code, position, wording in PROJECT:
        indicator_model.objects.get_or_create(
            indicator_set=amif,
            code=code,
            defaults=dict(kind="output", rule="entered", argument="", wording=wording,
                          breakdowns=[], position=position),
        )  # fmt: skip


# The wording in French and Dutch (close to the regulations' French and Dutch texts, kept as
# data like the English one; programme 0014).
WORDINGS = {
    "O.2.3": ("Participants aux activités de soutien", "Deelnemers aan ondersteunende activiteiten"),
    "O.2.3.1": ("dont participants à un cours de langue", "waarvan deelnemers aan een taalcursus"),
    "O.2.3.2": ("dont participants à un cours d'orientation civique", "waarvan deelnemers aan een cursus maatschappelijke oriëntatie"),
    "O.2.3.3": ("dont participants ayant bénéficié d'une orientation professionnelle personnalisée", "waarvan deelnemers die persoonlijke beroepsbegeleiding kregen"),
    "O.2.5": ("Participants recevant des informations et/ou une aide pour demander le regroupement familial", "Deelnemers die informatie en/of hulp kregen bij het aanvragen van gezinshereniging"),
    "R.2.8": ("Participants aux cours de langue ayant amélioré leur niveau de compétence dans la langue du pays d'accueil d'au moins un niveau du Cadre européen commun de référence pour les langues ou d'un équivalent national à la fin du cours", "Deelnemers aan taalcursussen die hun taalvaardigheid in de taal van het gastland bij het verlaten van de cursus met ten minste één niveau van het Gemeenschappelijk Europees Referentiekader voor Talen of een nationaal equivalent hebben verbeterd"),
    "R.2.9": ("Participants déclarant que l'activité a été utile pour leur intégration", "Deelnemers die verklaren dat de activiteit nuttig was voor hun integratie"),
    "R.2.10": ("Participants ayant demandé la reconnaissance ou l'évaluation de leurs qualifications ou compétences acquises dans un pays tiers", "Deelnemers die de erkenning of beoordeling van hun in een derde land verworven kwalificaties of vaardigheden hebben aangevraagd"),
    "R.2.11": ("Participants ayant demandé le statut de résident de longue durée", "Deelnemers die de status van langdurig ingezetene hebben aangevraagd"),
    "ESF-TOTAL": ("Nombre total de participants", "Totaal aantal deelnemers"),
    "EECO01": ("Chômeurs, y compris les chômeurs de longue durée", "Werklozen, met inbegrip van langdurig werklozen"),
    "EECO02": ("Chômeurs de longue durée", "Langdurig werklozen"),
    "EECO03": ("Personnes inactives", "Inactieven"),
    "EECO04": ("Personnes exerçant un emploi, y compris les indépendants", "Werkenden, met inbegrip van zelfstandigen"),
    "EECO05": ("Moins de 18 ans", "Jonger dan 18 jaar"),
    "EECO06": ("Entre 18 et 29 ans", "Tussen 18 en 29 jaar"),
    "EECO07": ("55 ans et plus", "55 jaar en ouder"),
    "EECO08": ("Titulaires d'un diplôme de l'enseignement secondaire inférieur ou moins (CITE 0-2)", "Met ten hoogste lager secundair onderwijs (ISCED 0-2)"),
    "EECO09": ("Titulaires d'un diplôme de l'enseignement secondaire supérieur (CITE 3) ou post-secondaire non supérieur (CITE 4)", "Met hoger secundair (ISCED 3) of postsecundair onderwijs (ISCED 4)"),
    "EECO10": ("Titulaires d'un diplôme de l'enseignement supérieur (CITE 5 à 8)", "Met tertiair onderwijs (ISCED 5 tot 8)"),
    "EECO12": ("Participants handicapés", "Deelnemers met een handicap"),
    "EECO13": ("Ressortissants de pays tiers", "Onderdanen van derde landen"),
    "EECO14": ("Participants d'origine étrangère", "Deelnemers met een buitenlandse achtergrond"),
    "EECO15": ("Minorités (y compris les communautés marginalisées telles que les Roms)", "Minderheden (met inbegrip van gemarginaliseerde gemeenschappen zoals de Roma)"),
    "EECO16": ("Sans-abri ou personnes confrontées à l'exclusion du logement", "Daklozen of personen die te maken hebben met uitsluiting op het gebied van huisvesting"),
    "EECO17": ("Participants issus de zones rurales", "Deelnemers uit plattelandsgebieden"),
    "EECR01": ("Participants à la recherche d'un emploi au terme de leur participation", "Deelnemers die bij vertrek werk zoeken"),
    "EECR02": ("Participants suivant un enseignement ou une formation au terme de leur participation", "Deelnemers die bij vertrek onderwijs of een opleiding volgen"),
    "EECR03": ("Participants obtenant une qualification au terme de leur participation", "Deelnemers die bij vertrek een kwalificatie behalen"),
    "EECR04": ("Participants exerçant un emploi, y compris à titre indépendant, au terme de leur participation", "Deelnemers die bij vertrek werk hebben, met inbegrip van zelfstandigen"),
    "EECR05": ("Participants exerçant un emploi, y compris à titre indépendant, six mois après la fin de leur participation", "Deelnemers die zes maanden na vertrek werk hebben, met inbegrip van zelfstandigen"),
    "EECR06": ("Participants dont la situation sur le marché du travail s'est améliorée six mois après la fin de leur participation", "Deelnemers van wie de situatie op de arbeidsmarkt zes maanden na vertrek is verbeterd"),
}  # fmt: skip


def add_wordings(indicator_model) -> None:
    for indicator in indicator_model.objects.filter(
        code__in=WORDINGS, indicator_set__funder__in=["AMIF", "ESF+"], wordings={}
    ):
        french, dutch = WORDINGS[indicator.code]
        indicator.wordings = {"fr": french, "nl": dutch}
        indicator.save(update_fields=["wordings"])


def ensure_loaded() -> None:
    if not IndicatorSet.objects.exists():
        load(IndicatorSet, Indicator)
        add_project_indicators(IndicatorSet, Indicator)
        add_wordings(Indicator)
