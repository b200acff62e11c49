"""Demo organisations and people: the five CPAS programme designs of ../shared/PROGRAMMES.md,
with fictitious staff and participants (the first step of demo.load). Deterministic for a given
seed and date; bulk inserts so that a large scale builds quickly."""

import datetime
import math
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from demo import bulk
from participants import choices, eligibility
from participants.models import (
    EligibilityAnswer,
    Enrolment,
    EnrolmentStatusChange,
    IntakeInterview,
    LanguageSkill,
    Participant,
    national_number_for,
)
from programme.models import (
    EligibilityCriterion,
    Module,
    Organisation,
    PartnerOrganisation,
    Programme,
    Site,
    Staff,
)
from programme.services import staff_create

DEMO_PASSWORD = "parcours-demo"
# From this scale on, each organisation runs five programmes (`load_demo_data --scale 250`:
# 50,000 people in 25 programmes), and coaches are added so that each follows about
# CASELOAD open files (OPEN_SHARE of the people referred over three years are open at a time).
NATIONAL_SCALE, NATIONAL_PROGRAMMES = 50, 5
CASELOAD, OPEN_SHARE = 60, 0.35
Kind = EligibilityCriterion.Kind
Status = Enrolment.Status


@dataclass
class Design:
    org: str
    city: str
    code: str
    name: str
    description: str
    language: str  # the national language of the group work
    sites: list[str]
    entry_mode: str
    planned_months: int
    criteria: list[tuple]  # (kind, label, min_age)
    modules: list[tuple]  # (kind, name, rhythm, hours_per_week, length_weeks)
    partners: list[tuple]  # (name, services, referrals, volunteers, sessions)
    staff: list[tuple]  # (username, first, last, role)
    districts: list[str] = field(default_factory=list)  # more programmes at national scale
    target: int = 60
    extras: dict = field(default_factory=dict)


DESIGNS = [
    Design(
        org="OCMW Antwerpen",
        city="Antwerpen",
        code="amie",
        name="AMIE",
        description="Individuele en groepsbegeleiding voor erkende vluchtelingen en subsidiair beschermden met een leefloon.",
        language="nl",
        sites=["Sociaal centrum Centrum", "Sociaal centrum Noord", "Sociaal centrum Zuid"],
        entry_mode=Programme.EntryMode.CONTINUOUS,
        planned_months=6,
        criteria=[
            (Kind.PROTECTION_STATUS, "", None),
            (Kind.THIRD_COUNTRY_NATIONAL, "", None),
            (Kind.INTEGRATION_INCOME, "", None),
            (Kind.MIN_AGE, "", 18),
            (Kind.CIVIC_INTEGRATION, "", None),
            (Kind.JUDGEMENT, "Beperkt sociaal netwerk", None),
            (Kind.JUDGEMENT, "Drempels tot integratie", None),
            (Kind.JUDGEMENT, "Nederlands minstens niveau 1.1", None),
            (Kind.JUDGEMENT, "Gemotiveerd, wil zich integreren in Antwerpen", None),
        ],
        modules=[
            (
                Module.Kind.INDIVIDUAL,
                "Individuele begeleiding",
                "wekelijks tot maandelijks",
                None,
                26,
            ),
            (Module.Kind.GROUP, "Groepsbegeleiding", "wekelijks, 3 uur", 3, 26),
        ],
        partners=[
            ("Solentra", "traumatherapie in de moedertaal, met tolk", True, False, False),
            ("Juridisch advies verblijf", "juridisch advies over verblijf", True, False, False),
            (
                "Buddywerking Antwerpen",
                "buddy's en peterschap, bezoekt de groep",
                True,
                False,
                True,
            ),
            ("Woonwinkel Stad Antwerpen", "huisvesting", True, False, False),
            (
                "Woonzorgcentrum Sint-Jozef",
                "vrijwilligerswerk in het woonzorgcentrum",
                False,
                True,
                False,
            ),
            ("Kringwinkel Antwerpen", "vrijwilligerswerk, kringwinkel", False, True, False),
        ],
        staff=[
            ("an.peeters", "An", "Peeters", Staff.Role.MANAGER),
            ("jef.maes", "Jef", "Maes", Staff.Role.COACH),
            ("sara.elamrani", "Sara", "El Amrani", Staff.Role.COACH),
            ("tom.jacobs", "Tom", "Jacobs", Staff.Role.COACH),
            ("beheer.antwerpen", "Lies", "Wouters", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Noord", "Zuid", "Deurne", "Borgerhout"],
    ),
    Design(
        org="OCMW Gent",
        city="Gent",
        code="interactief",
        name="Interactief!",
        description="Modules naar keuze: OCMW Go, individuele begeleiding, VIA en M.I., met een initiatiestage die naar artikel 60 kan leiden.",
        language="nl",
        sites=["Activeringscentrum", "Sociaal huis Ledeberg", "Sociaal huis Brugse Poort"],
        entry_mode=Programme.EntryMode.CONTINUOUS,
        planned_months=9,
        criteria=[
            (Kind.JUDGEMENT, "Afstand tot de arbeidsmarkt", None),
            (Kind.JUDGEMENT, "Zwakke taalvaardigheid, Nederlands minstens 1.1", None),
        ],
        modules=[
            (Module.Kind.WELCOME, "OCMW Go", "één dag", 6, 1),
            (Module.Kind.INDIVIDUAL, "Individuele begeleiding", "op afspraak", None, None),
            (Module.Kind.PRE_ACTIVATION, "VIA", "twee halve dagen per week", 7, 13),
            (Module.Kind.GROUP, "M.I. — maatschappelijke integratie", "wekelijks", 3, None),
        ],
        partners=[
            ("Kringwinkel Gent", "vrijwilligerswerk, kringwinkel", False, True, False),
            ("Fietsatelier De Ketting", "vrijwilligerswerk, fietsherstelling", False, True, False),
            ("Agentschap Integratie en Inburgering", "lessen Nederlands", True, False, True),
            ("CGG Eclips", "traumatherapie met tolk", True, False, False),
            ("CAW Oost-Vlaanderen", "schuldbemiddeling en huisvesting", True, False, False),
        ],
        staff=[
            ("katrien.devos", "Katrien", "De Vos", Staff.Role.MANAGER),
            ("pieter.claes", "Pieter", "Claes", Staff.Role.COACH),
            ("noor.haddad", "Noor", "Haddad", Staff.Role.COACH),
            ("beheer.gent", "Wim", "Goossens", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Ledeberg", "Brugse Poort", "Sint-Amandsberg", "Nieuw Gent"],
    ),
    Design(
        org="CPAS de Charleroi",
        city="Charleroi",
        code="activ-up",
        name="ACTIV UP!",
        description="Accompagnement individuel toutes les trois semaines et collectif tous les quinze jours, volontariat à la maison de repos et à la banque alimentaire.",
        language="fr",
        sites=["Antenne Centre", "Antenne Marcinelle", "Antenne Gilly"],
        entry_mode=Programme.EntryMode.CONTINUOUS,
        planned_months=12,
        criteria=[
            (Kind.MIN_AGE, "", 18),
            (Kind.JUDGEMENT, "Perte d'autonomie ou stress important", None),
        ],
        modules=[
            (Module.Kind.INDIVIDUAL, "Suivi individuel", "toutes les trois semaines", None, None),
            (Module.Kind.GROUP, "Coaching collectif", "tous les quinze jours, 3 heures", 1.5, None),
            (
                Module.Kind.WORKSHOP,
                "Ateliers de pratique du français",
                "deux matinées par semaine",
                6,
                None,
            ),
            (Module.Kind.SOCIO_PROFESSIONAL, "START", "hebdomadaire", 3, 12),
        ],
        partners=[
            ("Maison de repos du CPAS", "volontariat", False, True, False),
            ("Banque alimentaire de Charleroi", "volontariat", False, True, False),
            ("Lire et Écrire Charleroi", "cours d'alphabétisation", True, False, True),
            (
                "Service de santé mentale Le Méridien",
                "thérapie du trauma dans la langue maternelle",
                True,
                False,
                False,
            ),
            ("Droit des étrangers Charleroi", "aide juridique sur le séjour", True, False, False),
        ],
        staff=[
            ("isabelle.lambert", "Isabelle", "Lambert", Staff.Role.MANAGER),
            ("marc.dupont", "Marc", "Dupont", Staff.Role.COACH),
            ("fatima.benali", "Fatima", "Benali", Staff.Role.COACH),
            ("admin.charleroi", "Luc", "Martin", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Marcinelle", "Gilly", "Jumet", "Marchienne"],
    ),
    Design(
        org="CPAS de Liège",
        city="Liège",
        code="mod-actions",
        name="MOD'ACTIONS",
        description="Ouvert à tous : orientation individuelle, ateliers thématiques et sorties culturelles.",
        language="fr",
        sites=["Antenne des personnes d'origine étrangère", "Antenne Sainte-Marguerite"],
        entry_mode=Programme.EntryMode.CONTINUOUS,
        planned_months=9,
        criteria=[],
        modules=[
            (
                Module.Kind.INDIVIDUAL,
                "Orientation exploratoire",
                "intensif, 4 à 6 semaines",
                None,
                6,
            ),
            (Module.Kind.WORKSHOP, "Groupe alpha", "hebdomadaire", 4, None),
            (Module.Kind.WORKSHOP, "Groupe informatique", "hebdomadaire", 3, None),
            (Module.Kind.WORKSHOP, "Groupe art", "hebdomadaire", 3, None),
            (Module.Kind.EXCURSION, "Sorties culturelles", "mensuel", None, None),
        ],
        partners=[
            ("Aide juridique Liège", "aide juridique", True, False, False),
            ("Cours de français du CRIPEL", "cours de français", True, False, True),
            ("Service de santé mentale Exil", "soutien aux victimes de trauma", True, False, False),
            ("Restos du Cœur de Liège", "volontariat en cuisine", False, True, False),
            (
                "Ressourcerie du Pays de Liège",
                "volontariat, magasin de seconde main",
                False,
                True,
                False,
            ),
        ],
        staff=[
            ("claire.renard", "Claire", "Renard", Staff.Role.MANAGER),
            ("olivier.gilles", "Olivier", "Gilles", Staff.Role.COACH),
            ("amina.diallo", "Amina", "Diallo", Staff.Role.COACH),
            ("admin.liege", "Paul", "Henrard", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Sainte-Marguerite", "Droixhe", "Angleur", "Bressoux"],
    ),
    Design(
        org="CPAS de Bruxelles",
        city="Bruxelles",
        code="move-up",
        name="MOVE UP!",
        description="Module collectif intensif d'au moins 21 heures par semaine, suivi individuel et préparation socioprofessionnelle.",
        language="fr",
        sites=["Département formation", "Antenne Laeken"],
        entry_mode=Programme.EntryMode.COHORT,
        planned_months=6,
        criteria=[
            (Kind.JUDGEMENT, "Objectifs compatibles avec le module (entretien d'orientation)", None)
        ],
        modules=[
            (Module.Kind.COLLECTIVE, "Module collectif", "au moins 21 heures par semaine", 21, 26),
            (Module.Kind.INDIVIDUAL, "Suivi individuel", "au moins trimestriel", None, None),
            (
                Module.Kind.SOCIO_PROFESSIONAL,
                "Préparation socioprofessionnelle",
                "hebdomadaire",
                6,
                12,
            ),
        ],
        partners=[
            ("Centre de santé mentale Ulysse", "thérapie du trauma", True, False, False),
            (
                "Médiation de dettes CPAS",
                "ateliers énergie, budget, banque, assurances",
                True,
                False,
                True,
            ),
            ("Bibliothèque des Riches Claires", "ateliers bibliothèque", False, False, True),
            ("Maison de repos Les Églantines", "volontariat", False, True, False),
            ("Cyclo — atelier vélo", "volontariat, réparation de vélos", False, True, False),
            ("Agence immobilière sociale", "logement", True, False, False),
        ],
        staff=[
            ("manager", "Nathalie", "Dubois", Staff.Role.MANAGER),
            ("coach", "Sophie", "Leroy", Staff.Role.COACH),
            ("karim.ouali", "Karim", "Ouali", Staff.Role.COACH),
            ("julie.mertens", "Julie", "Mertens", Staff.Role.COACH),
            ("admin", "Thomas", "Lemaire", Staff.Role.ADMINISTRATOR),
        ],
        districts=["Laeken", "Neder-Over-Heembeek", "Haren", "Marolles"],
    ),
]

# Coaches added at national scale (fictitious names, as everywhere in the demo).
EXTRA_COACHES = [
    ("Els", "Janssens"), ("Youssef", "Amrani"), ("Camille", "Dubois"), ("Bram", "Willems"),
    ("Nadia", "Bouzid"), ("Lotte", "Peeters"), ("Hugo", "Lambert"), ("Ines", "Martens"),
    ("Mehdi", "Tahiri"), ("Charlotte", "Simon"), ("Ruben", "Claes"), ("Leila", "Mansouri"),
    ("Arnaud", "Collard"), ("Hanne", "Vermeulen"), ("Samira", "El Idrissi"), ("Koen", "Smets"),
]  # fmt: skip

# The one login per role that `make run` prints.
DEMO_LOGINS = [
    ("coach", Staff.Role.COACH),
    ("manager", Staff.Role.MANAGER),
    ("admin", Staff.Role.ADMINISTRATOR),
]

# Countries of birth of the published participant profile, with the names and languages
# typical of each (fictitious combinations).
ORIGINS = {
    "SY": (
        ["Rami", "Omar", "Ahmad", "Khaled", "Yousef", "Bassel"],
        ["Rasha", "Lina", "Hiba", "Nour", "Dima", "Reem"],
        ["Alhasan", "Haddad", "Khalil", "Darwish", "Saleh", "Nasser"],
        [("ar", "mother_tongue"), ("ku", "conversation")],
    ),
    "IQ": (
        ["Ali", "Hussein", "Mustafa", "Haider"],
        ["Zainab", "Maryam", "Sara", "Noor"],
        ["Al-Jaburi", "Kareem", "Hamid", "Jasim"],
        [("ar", "mother_tongue"), ("ckb", "conversation")],
    ),
    "ER": (
        ["Yonas", "Dawit", "Samuel", "Tesfay", "Mebrahtu"],
        ["Senait", "Helen", "Saba", "Luwam", "Winta"],
        ["Tesfamariam", "Haile", "Kidane", "Berhe", "Gebremedhin"],
        [("ti", "mother_tongue"), ("am", "conversation")],
    ),
    "AF": (
        ["Ahmad", "Mohammad", "Farid", "Jawad", "Sayed"],
        ["Fatima", "Marzia", "Zahra", "Shabnam", "Parwana"],
        ["Rahimi", "Ahmadi", "Hosseini", "Karimi", "Sultani"],
        [("prs", "mother_tongue"), ("ps", "conversation")],
    ),
    "IR": (
        ["Reza", "Amir", "Behzad"],
        ["Shirin", "Maryam", "Parisa"],
        ["Moradi", "Rezaei", "Jafari"],
        [("fa", "mother_tongue")],
    ),
    "TR": (
        ["Mehmet", "Emre", "Serdar"],
        ["Ayse", "Elif", "Zeynep"],
        ["Yilmaz", "Demir", "Kaya"],
        [("tr", "mother_tongue"), ("ku", "conversation")],
    ),
    "YE": (
        ["Abdullah", "Saleh"],
        ["Amal", "Huda"],
        ["Al-Ahmadi", "Qasim"],
        [("ar", "mother_tongue")],
    ),
    "SD": (
        ["Adam", "Ibrahim", "Mohamed"],
        ["Aisha", "Khadija", "Hawa"],
        ["Abdelrahman", "Osman", "Yousif"],
        [("ar", "mother_tongue")],
    ),
    "CN": (
        ["Tenzin", "Lobsang"],
        ["Dolma", "Pema"],
        ["Dorjee", "Tsering"],
        [("bo", "mother_tongue")],
    ),
    "SO": (
        ["Abdi", "Hassan"],
        ["Hodan", "Ifrah"],
        ["Warsame", "Farah"],
        [("so", "mother_tongue"), ("ar", "conversation")],
    ),
    "UA": (
        ["Oleksandr", "Dmytro"],
        ["Olena", "Iryna", "Tetiana"],
        ["Kovalenko", "Shevchenko", "Bondarenko"],
        [("uk", "mother_tongue"), ("ru", "fluent"), ("en", "conversation")],
    ),
}
ORIGIN_WEIGHTS = {
    "SY": 24,
    "IQ": 10,
    "ER": 16,
    "AF": 18,
    "IR": 6,
    "TR": 5,
    "YE": 4,
    "SD": 6,
    "CN": 3,
    "SO": 4,
    "UA": 4,
}

RESIDENCE_WEIGHTS = [
    (choices.ResidenceStatus.REFUGEE, 62), (choices.ResidenceStatus.SUBSIDIARY, 20),
    (choices.ResidenceStatus.TEMPORARY, 4), (choices.ResidenceStatus.FAMILY_REUNIFICATION, 8),
    (choices.ResidenceStatus.REGULARISATION, 4), (choices.ResidenceStatus.EU_CITIZEN, 2),
]  # fmt: skip
SCHOOLING_WEIGHTS = [
    ("isced0", 18),
    ("isced1", 24),
    ("isced2", 22),
    ("isced3", 20),
    ("isced4", 4),
    ("isced6", 9),
    ("isced7", 3),
]
LITERACY_BY_SCHOOLING = {"isced0": "none", "isced1": "limited"}
# Exit reasons in the published shape: about three quarters complete, one in ten drops out
# (health first), the rest are transferred.
EXIT_WEIGHTS = [("completed", 75), ("dropped_out", 10), ("transferred", 15)]
DROP_OUT_WEIGHTS = [("health", 45), ("moved", 20), ("work", 15), ("lost_contact", 15), ("other", 5)]
DESTINATION_WEIGHTS = [
    ("article_60", 18),
    ("job", 8),
    ("training", 14),
    ("volunteering", 22),
    ("other_service", 20),
    ("none", 12),
    ("unknown", 6),
]


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def load(rng: random.Random, today: datetime.date, *, scale: int) -> dict:
    """Every demo organisation with its sites, partners, staff, programmes and participants.
    `scale` multiplies the number of participants (40 per organisation at scale 1)."""
    counts = {"organisations": 0, "programmes": 0, "participants": 0, "enrolments": 0}
    used_numbers: set[str] = set()  # one fictitious person per register number, country-wide
    # At national scale a city's CPAS runs its design in five districts: 25 programmes.
    per_organisation = NATIONAL_PROGRAMMES if scale >= NATIONAL_SCALE else 1
    password = make_password(DEMO_PASSWORD)  # hashed once: Argon2 takes a tenth of a second
    for design in DESIGNS:
        people = 40 * scale
        organisation, coaches = _organisation(design, people, password)
        programmes = [
            _programme(design, organisation, today, district)
            for district in ["", *design.districts][:per_organisation]
        ]
        for index, programme in enumerate(programmes):
            # Each coach works in one programme; the demo logins' coach in the first.
            own = coaches[index :: len(programmes)] or coaches
            share = people // len(programmes) + (index < people % len(programmes))
            built = _participants(design, programme, own, rng, today, share, used_numbers)
            counts["participants"] += built["participants"]
            counts["enrolments"] += built["enrolments"]
        counts["organisations"] += 1
        counts["programmes"] += len(programmes)
    bulk.reset_sequences(
        Participant, LanguageSkill, Enrolment, EnrolmentStatusChange, IntakeInterview,
        EligibilityAnswer,
    )  # fmt: skip
    return counts


def _organisation(design: Design, people: int, password: str) -> tuple[Organisation, list]:
    """The organisation, its sites, partners and staff, and its coaches' users. Coaches
    are added as the scale grows, so a caseload stays near what one person follows."""
    organisation = Organisation.objects.create(
        name=design.org, city=design.city, kind=Organisation.Kind.CPAS, language=design.language
    )
    sites = [
        Site.objects.create(organisation=organisation, name=name, address=f"{name}, {design.city}")
        for name in design.sites
    ]
    PartnerOrganisation.objects.bulk_create(
        PartnerOrganisation(
            organisation=organisation,
            name=name,
            services=services,
            receives_referrals=ref,
            hosts_volunteers=vol,
            provides_sessions=ses,
        )
        for name, services, ref, vol, ses in design.partners
    )
    staff = list(design.staff)
    named = sum(1 for *_names, role in staff if role == Staff.Role.COACH)
    for n in range(named + 1, math.ceil(people * OPEN_SHARE / CASELOAD) + 1):
        first, last = EXTRA_COACHES[n % len(EXTRA_COACHES)]
        staff.append((f"{design.code}.coach{n:02d}", first, last, Staff.Role.COACH))
    coaches = []
    for username, first, last, role in staff:
        member = staff_create(
            organisation=organisation, role=role, username=username, first_name=first, last_name=last,
            email=f"{username}@{design.code}.example.org", site=sites[0],
        )  # fmt: skip
        if role == Staff.Role.COACH:
            coaches.append(member.user)
    get_user_model().objects.filter(staff__organisation=organisation).update(password=password)
    return organisation, coaches


def _programme(design: Design, organisation, today: datetime.date, district: str):
    suffix = f"-{design.districts.index(district) + 2}" if district else ""
    programme = Programme.objects.create(
        organisation=organisation, code=design.code + suffix,
        name=f"{design.name} {district}".strip(), description=design.description,
        funder="AMIF", funding_reference=f"AMIF-2021-2027-BE-{design.code.upper()}{suffix}",
        starts_on=datetime.date(today.year - 3, 1, 1), ends_on=datetime.date(today.year + 1, 12, 31),
        planned_length_months=design.planned_months, entry_mode=design.entry_mode,
        target_participants=design.target, target_completion_rate=75, target_work_ready_rate=30,
        language_scale="nt2" if design.language == "nl" else "fle",
        max_mother_tongue_share=40 if design.code == "interactief" else None,
        min_hours_per_week=21 if design.code == "move-up" else None,
    )  # fmt: skip
    programme.sites.set(Site.objects.filter(organisation=organisation))
    EligibilityCriterion.objects.bulk_create(
        EligibilityCriterion(
            programme=programme, kind=kind, label=label, min_age=min_age, position=i
        )
        for i, (kind, label, min_age) in enumerate(design.criteria)
    )
    Module.objects.bulk_create(
        Module(
            programme=programme,
            kind=kind,
            name=name,
            rhythm=rhythm,
            hours_per_week=hours,
            length_weeks=weeks,
            position=i,
        )
        for i, (kind, name, rhythm, hours, weeks) in enumerate(design.modules)
    )
    return programme


def _participants(design, programme, coaches, rng, today, count, used):
    """People and their enrolments, with a status history consistent with each status."""
    origins = list(ORIGIN_WEIGHTS.items())
    criteria = list(programme.criteria.all())
    people, plans = [], []
    for i in range(count):
        country = _pick(rng, origins)
        men, women, surnames, languages = ORIGINS[country]
        gender = rng.choices(["man", "woman", "non_binary"], weights=[52, 47, 1])[0]
        first = rng.choice(women if gender == "woman" else men)
        mean_age = 35 if gender == "man" else 33
        age_days = int(max(19, rng.gauss(mean_age, 8)) * 365.25) + rng.randrange(365)
        birth = today - datetime.timedelta(days=age_days)
        status = _pick(rng, RESIDENCE_WEIGHTS)
        schooling = _pick(rng, SCHOOLING_WEIGHTS)
        people.append(
            Participant(
                organisation=programme.organisation,
                coach=coaches[i % len(coaches)],
                first_name=first,
                last_name=rng.choice(surnames),
                birth_date=birth,
                gender=gender,
                nationality="BE"
                if status == "eu_citizen" and rng.random() < 0.5
                else ("RO" if status == "eu_citizen" else country),
                country_of_birth=country,
                arrived_on=today - datetime.timedelta(days=rng.randint(3 * 365, 6 * 365)),
                residence_status=status,
                integration_income=rng.random() < 0.9,
                civic_integration_completed=rng.random() < 0.7,
                children=rng.choice([0, 0, 1, 2, 2, 3, 4]),
                childcare_needed=rng.random() < 0.25,
                phone=f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                portal_language=languages[0][0]
                if languages[0][0] in {"ar", "ti", "prs", "fa", "ps", "uk"}
                else design.language,
                interpreter_language=languages[0][0] if rng.random() < 0.6 else "",
                literacy=LITERACY_BY_SCHOOLING.get(
                    schooling, rng.choice(["latin", "other_script", "other_script"])
                ),
                schooling=schooling,
                schooling_years={"isced0": 0, "isced1": 6, "isced2": 9}.get(schooling, 12),
                labour_market_status=rng.choices(
                    ["long_term_unemployed", "unemployed", "inactive"], weights=[55, 15, 30]
                )[0],
                housing=rng.choices(
                    ["stable", "temporary", "inadequate", "reception"], weights=[70, 15, 10, 5]
                )[0],
            )
        )
        plans.append((languages, _plan(rng, today, programme)))
    for number, person in enumerate(people):
        if rng.random() < 0.7:
            serial = number
            while (nn := _national_number(person.birth_date, person.gender, serial)) in used:
                serial += 1
            used.add(nn)
            person.national_number = nn
    people = bulk.insert_objects(people)

    skills, enrolments, histories = [], [], []
    for person, (languages, plan) in zip(people, plans, strict=True):
        skills.extend(
            LanguageSkill(participant=person, language=code, use=use) for code, use in languages
        )
        use = rng.choice(["conversation", "conversation", "written_only"])
        if design.language not in {code for code, _use in languages}:
            skills.append(LanguageSkill(participant=person, language=design.language, use=use))
        status, referred_on, started_on, exited_on = plan
        enrolment = Enrolment(
            participant=person, programme=programme, coach=person.coach, status=status, referred_on=referred_on,
            referral_source=rng.choices(["social_service", "partner", "self"], weights=[75, 15, 10])[0],
            referrer_name=rng.choice(["Assistante sociale de l'antenne", "Maatschappelijk werker", "Service social de quartier"]),
            started_on=started_on, exited_on=exited_on,
        )  # fmt: skip
        if status not in {Status.REFERRED, Status.INTAKE, Status.NOT_ADMITTED}:
            # Everyone admitted went through the waiting list (see _history), and the service
            # keeps the day they joined it: the dashboard's waiting time before admission.
            enrolment.waiting_since = _at(referred_on + datetime.timedelta(days=14))
        if status in {Status.EXITED, Status.CLOSED}:
            enrolment.exit_reason = _pick(rng, EXIT_WEIGHTS)
            if enrolment.exit_reason == "dropped_out":
                enrolment.drop_out_reason = _pick(rng, DROP_OUT_WEIGHTS)
                enrolment.exit_destination = rng.choice(["none", "unknown", "other_service"])
            else:
                enrolment.exit_destination = _pick(rng, DESTINATION_WEIGHTS)
        if status == Status.NOT_ADMITTED:
            enrolment.decision_reason = "Les besoins de la personne relèvent d'un autre service."
        enrolments.append(enrolment)
        histories.append(_history(status, referred_on, started_on, exited_on))
    bulk.insert_objects(skills)
    enrolments = bulk.insert_objects(enrolments)

    changes, interviews, answers = [], [], []
    for enrolment, history in zip(enrolments, histories, strict=True):
        previous = ""
        for to_status, when, reason in history:
            changes.append(
                EnrolmentStatusChange(
                    enrolment=enrolment,
                    from_status=previous,
                    to_status=to_status,
                    changed_at=when,
                    changed_by=enrolment.coach,
                    reason=reason,
                )
            )
            previous = to_status
        if enrolment.status not in {Status.REFERRED}:
            interviews.append(IntakeInterview(
                enrolment=enrolment, held_on=enrolment.referred_on + datetime.timedelta(days=7), duration_minutes=rng.choice([45, 60, 60, 75, 90]),
                support="interpreter" if enrolment.participant.interpreter_language else "none",
                support_language=enrolment.participant.interpreter_language, conducted_by=enrolment.coach,
                notes="Entretien d'accueil : attentes, disponibilités, garde d'enfants.",
            ))  # fmt: skip
            for criterion in criteria:
                computed = eligibility.evaluate(
                    criterion, enrolment.participant, enrolment.referred_on
                )
                met = enrolment.status != Status.NOT_ADMITTED
                answers.append(EligibilityAnswer(
                    enrolment=enrolment, criterion=criterion, computed=computed, met=met,
                    override_reason="Situation en cours de régularisation, vue avec le service social." if computed not in (None, met) else "",
                    checked_by=enrolment.coach, checked_at=_at(enrolment.referred_on + datetime.timedelta(days=7)),
                ))  # fmt: skip
    bulk.insert_objects(changes)
    bulk.insert_objects(interviews)
    bulk.insert_objects(answers)
    return {"participants": len(people), "enrolments": len(enrolments)}


def _plan(rng, today, programme):
    """A status and its dates: older referrals are more likely to have finished."""
    planned = programme.planned_length_months * 30
    days_ago = rng.randint(5, 3 * 365)
    referred_on = today - datetime.timedelta(days=days_ago)
    if days_ago < 21:
        return rng.choice([Status.REFERRED, Status.INTAKE]), referred_on, None, None
    if rng.random() < 0.05:
        return Status.NOT_ADMITTED, referred_on, None, None
    started_on = referred_on + datetime.timedelta(days=rng.randint(14, 45))
    if started_on > today - datetime.timedelta(days=3):
        return Status.WAITING_LIST, referred_on, None, None
    # Trajectories last about 1.5× their planned length on average (published: 6 planned, 9 real).
    length = int(rng.gauss(planned * 1.5, planned * 0.4))
    exited_on = started_on + datetime.timedelta(days=max(30, length))
    if exited_on >= today:
        return (
            (Status.PAUSED if rng.random() < 0.06 else Status.ACTIVE),
            referred_on,
            started_on,
            None,
        )
    status = Status.CLOSED if (today - exited_on).days > 365 else Status.EXITED
    return status, referred_on, started_on, exited_on


def _national_number(birth: datetime.date, gender: str, serial: int) -> str:
    """A valid register number: sequence odd for men, even for women."""
    return national_number_for(birth, 2 * (serial % 499) + (1 if gender == "man" else 2))


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


def _history(status, referred_on, started_on, exited_on):
    """The status changes that led to `status`, dated: through intake and the waiting list to
    the start, then a pause or the exit and the closure. Each one a change the status machine
    allows (Enrolment.can_become), as the services would have made it."""
    interview = referred_on + datetime.timedelta(days=7)
    steps = [(Status.REFERRED, _at(referred_on), "")]
    if status == Status.NOT_ADMITTED:
        route = [
            (Status.INTAKE, _at(interview), ""),
            (
                Status.NOT_ADMITTED,
                _at(interview + datetime.timedelta(days=3)),
                "Besoins hors du cadre du programme.",
            ),
        ]
    else:
        route = [
            (Status.INTAKE, _at(interview), ""),
            (Status.WAITING_LIST, _at(referred_on + datetime.timedelta(days=14)), ""),
            (Status.ACTIVE, _at(started_on) if started_on else None, ""),
        ]
        if status == Status.PAUSED:
            pause = _at(started_on + datetime.timedelta(days=60))
            route.append((Status.PAUSED, pause, "Hospitalisation."))
        elif status in {Status.EXITED, Status.CLOSED}:
            route.append((Status.EXITED, _at(exited_on), ""))
            closure = _at(exited_on + datetime.timedelta(days=180))
            route.append((Status.CLOSED, closure, "Dossier clôturé après le suivi."))
    for to_status, when, reason in route:
        if steps[-1][0] == status:
            break
        if not Enrolment(status=steps[-1][0]).can_become(to_status):
            raise ValueError(f"the demo's route takes {steps[-1][0]} to {to_status}")
        steps.append((to_status, when, reason))
    if steps[-1][0] != status:
        raise ValueError(f"the demo's route does not lead to {status}")
    return steps


def demo_logins() -> list[tuple[str, str, str]]:
    staff = {
        s.user.username: s
        for s in Staff.objects.select_related("user", "organisation").filter(
            user__username__in=[u for u, _ in DEMO_LOGINS]
        )
    }
    return [
        (str(Staff.Role(role).label), username, str(staff[username].organisation))
        for username, role in DEMO_LOGINS
        if username in staff
    ]
