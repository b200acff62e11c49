"""Demo organisations and people: the five CPAS programme designs of ../shared/PROGRAMMES.md,
with fictitious staff and participants (the first step of demo.load). Deterministic for a given
seed and date; bulk inserts so that a large scale builds quickly."""

import datetime
import math
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from demo import bulk, structure
from demo.designs import DESIGNS, Design
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
    Organisation,
    PartnerOrganisation,
    Programme,
    Site,
    Staff,
    TodoTemplate,
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
# Where people go when they are transferred or drop out (each design gives its completers').
TRANSFER_DESTINATIONS = [("other_service", 60), ("training", 20), ("job_seeker", 20)]
DROP_OUT_DESTINATIONS = [("none", 40), ("unknown", 40), ("other_service", 20)]
MONTH = 30.44  # days
# Trajectories still running or ended after the demo's day are not among the exits: the exits
# seen are the shorter ones. Lengths are drawn this much longer so that the average of the
# exits seen lands on the design's average (measured by tests/demo/test_fidelity.py).
CENSORING = 1.12


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
        module_path=design.module_path,
        target_participants=design.target,
        target_completion_rate=round(design.published.completed * 100),
        target_work_ready_rate=round(design.published.work_ready * 100),
        language_scale="nt2" if design.language == "nl" else "fle",
        max_mother_tongue_share=design.max_mother_tongue_share,
        min_hours_per_week=design.min_hours_per_week, follow_up_weeks=design.follow_up_weeks,
    )  # fmt: skip
    TodoTemplate.objects.bulk_create(
        TodoTemplate(programme=programme, kind=kind, offset_weeks=weeks, anchor=anchor,
                     repeat_every_weeks=repeat, label=label, position=i)
        for i, (kind, weeks, anchor, repeat, label) in enumerate(design.template)
    )  # fmt: skip
    programme.sites.set(Site.objects.filter(organisation=organisation))
    EligibilityCriterion.objects.bulk_create(
        EligibilityCriterion(
            programme=programme,
            kind=kind,
            label=label,
            position=i,
            min_age=value if kind == Kind.MIN_AGE else None,
            min_language_level=value if kind == Kind.MIN_LANGUAGE_LEVEL else "",
        )  # fmt: skip
        for i, (kind, label, value) in enumerate(design.criteria)
    )
    structure.build(design, programme, today)
    return programme


def _participants(design, programme, coaches, rng, today, count, used):
    """People and their enrolments, with a status history consistent with each status."""
    origins = list((design.origins or ORIGIN_WEIGHTS).items())
    # Dates and outcomes from a generator of their own: how many draws they take depends on
    # the day the demo is built, and the names drawn next must not (the same seed gives the
    # same people on any day).
    dates = random.Random(rng.getrandbits(64))
    criteria = list(programme.criteria.all())
    tracks = dict(programme.tracks.values_list("name", "pk"))
    cohorts = list(
        programme.cohorts.order_by("starts_on").values_list(
            "pk", "intake_opens_on", "intake_closes_on", "starts_on"
        )
    )
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
        people[-1].demo_mother_tongue = languages[0][0]
        plans.append((languages, _plan(dates, today, design)))
    plans = _outcomes(dates, today, design, plans)
    supports = _deck(dates, _support_weights(design), count)
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
        status, referred_on, started_on, exited_on = plan[:4]
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
        if started_on is not None or status == Status.WAITING_LIST:
            enrolment.track_id = structure.track_for(design, tracks, started_on, exited_on, today)
            enrolment.cohort_id = structure.cohort_for(
                cohorts, started_on, referred_on + datetime.timedelta(days=14)
            )
        if status in {Status.EXITED, Status.CLOSED}:
            enrolment.exit_reason, enrolment.drop_out_reason, enrolment.exit_destination = plan[4]
        if status == Status.NOT_ADMITTED:
            enrolment.decision_reason = "Les besoins de la personne relèvent d'un autre service."
        enrolments.append(enrolment)
        histories.append(_history(status, referred_on, started_on, exited_on))
    bulk.insert_objects(skills)
    enrolments = bulk.insert_objects(enrolments)

    changes, interviews, answers = [], [], []
    for enrolment, history, support in zip(enrolments, histories, supports, strict=True):
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
                support=support,
                support_language="" if support == "none" else _mother_tongue(enrolment.participant),
                conducted_by=enrolment.coach,
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


def _plan(rng, today, design):
    """A status and its dates: older referrals are more likely to have finished. A programme
    by cohort starts people on its cohort days only; they wait on the list until then."""
    days_ago = rng.randint(5, 3 * 365)
    referred_on = today - datetime.timedelta(days=days_ago)
    if days_ago < 21:
        return rng.choice([Status.REFERRED, Status.INTAKE]), referred_on, None, None
    if rng.random() < 0.05:
        return Status.NOT_ADMITTED, referred_on, None, None
    started_on = referred_on + datetime.timedelta(days=rng.randint(14, 45))
    if design.cohorts:
        started_on = design.cohort_start(started_on)
    if started_on > today - datetime.timedelta(days=3):
        return Status.WAITING_LIST, referred_on, None, None
    mean = design.published.average_months * MONTH * CENSORING
    length = int(rng.gauss(mean, design.length_sd_months * MONTH))
    exited_on = started_on + datetime.timedelta(days=max(60, length))
    if exited_on >= today:
        return (
            (Status.PAUSED if rng.random() < 0.06 else Status.ACTIVE),
            referred_on,
            started_on,
            None,
        )
    return _closed(today, exited_on), referred_on, started_on, exited_on


def _closed(today, exited_on):
    return Status.CLOSED if (today - exited_on).days > 365 else Status.EXITED


def _outcomes(rng, today, design, plans):
    """How the trajectories that ended went, in the design's proportions: dealt as cards from
    a deck rather than drawn one by one, so a programme of forty people lands on its figures.
    Drop-outs leave early (after two months at the least), transfers a little before the end."""
    published = design.published
    ended = [i for i, (_l, plan) in enumerate(plans) if plan[3] is not None]
    transferred = max(0.0, 1 - published.completed - published.dropped_out)
    reasons = _deck(
        rng,
        [("completed", published.completed), ("dropped_out", published.dropped_out),
         ("transferred", transferred)],
        len(ended),
    )  # fmt: skip
    drop_outs = _deck(rng, design.drop_out_reasons, reasons.count("dropped_out"))
    destinations = _deck(rng, design.destinations, reasons.count("completed"))
    result = list(plans)
    for i, reason in zip(ended, reasons, strict=True):
        languages, (status, referred_on, started_on, exited_on) = plans[i]
        length = (exited_on - started_on).days
        drop_out = destination = ""
        if reason == "dropped_out":
            exited_on = started_on + datetime.timedelta(
                days=max(60, int(length * rng.uniform(0.25, 0.6)))
            )
            drop_out = drop_outs.pop()
            destination = _pick(rng, DROP_OUT_DESTINATIONS)
        elif reason == "transferred":
            exited_on = started_on + datetime.timedelta(
                days=max(60, int(length * rng.uniform(0.6, 0.95)))
            )
            destination = _pick(rng, TRANSFER_DESTINATIONS)
        else:
            destination = destinations.pop()
        status = _closed(today, exited_on)
        result[i] = (
            languages,
            (status, referred_on, started_on, exited_on, (reason, drop_out, destination)),
        )
    return result


def _deck(rng, weighted, count: int) -> list:
    """`count` items in the proportions of `weighted` (largest remainders), shuffled."""
    weighted = [(item, weight) for item, weight in weighted if weight > 0]
    if not weighted or count <= 0:
        return [weighted[0][0] if weighted else None] * max(count, 0)
    total = sum(weight for _item, weight in weighted)
    exact = [(item, count * weight / total) for item, weight in weighted]
    cards = {item: int(share) for item, share in exact}
    left = count - sum(cards.values())
    for item, _share in sorted(exact, key=lambda pair: pair[1] - int(pair[1]), reverse=True)[:left]:
        cards[item] += 1
    deck = [item for item, n in cards.items() for _ in range(n)]
    rng.shuffle(deck)
    return deck


def _support_weights(design) -> list[tuple[str, float]]:
    given = list(design.intake_support)
    return [*given, ("none", max(0.0, 1 - sum(share for _kind, share in given)))]


def _mother_tongue(person) -> str:
    return getattr(person, "demo_mother_tongue", "") or person.interpreter_language


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
