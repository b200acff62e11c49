"""Demo trajectories (called by demo.load): action plans in the participants'
own words, consents, referrals to partners with their waiting lists, and placements. Bulk
inserts only, a handful of queries per thousand people."""

import datetime
import random

from django.utils import timezone

from demo import bulk, designs
from participants.models import Consent, Enrolment
from trajectory.models import ActionStep, Goal, Placement, Referral

DAY = datetime.timedelta(days=1)
WHO = ActionStep.Who

# Goals as people put them, in the group language, with the steps that lead there: who does
# each one moves up the ladder, from the coach to together to the person alone.
GOALS = [
    (
        "oral_language",
        {
            "fr": "Je veux parler français chez le médecin",
            "nl": "Ik wil Nederlands spreken bij de dokter",
        },
        {
            "ar": {
                "fr": "أريد أن أتكلم الفرنسية عند الطبيب",
                "nl": "أريد أن أتكلم الهولندية عند الطبيب",
            },
            "uk": {
                "fr": "Я хочу говорити французькою у лікаря",
                "nl": "Я хочу говорити нідерландською у лікаря",
            },
        },
        [
            (
                {
                    "fr": "Apprendre les mots du corps et de la douleur",
                    "nl": "De woorden voor het lichaam en pijn leren",
                },
                WHO.TOGETHER,
            ),
            (
                {
                    "fr": "Prendre rendez-vous chez le généraliste par téléphone",
                    "nl": "Zelf een afspraak maken bij de huisarts",
                },
                WHO.PARTICIPANT,
            ),
            (
                {
                    "fr": "Préparer la consultation avec l'accompagnatrice",
                    "nl": "Het consult voorbereiden met de begeleider",
                },
                WHO.TOGETHER,
            ),
            (
                {"fr": "Aller seul·e à la consultation", "nl": "Alleen naar het consult gaan"},
                WHO.PARTICIPANT,
            ),
        ],
    ),
    (
        "activation",
        {
            "fr": "Je veux faire du volontariat pour rencontrer des gens",
            "nl": "Ik wil vrijwilligerswerk doen om mensen te leren kennen",
        },
        {},
        [
            (
                {
                    "fr": "Chercher un lieu de volontariat",
                    "nl": "Een plaats voor vrijwilligerswerk zoeken",
                },
                WHO.COACH,
            ),
            ({"fr": "Visiter le lieu ensemble", "nl": "Samen de plaats bezoeken"}, WHO.TOGETHER),
            (
                {"fr": "Aller au premier jour seul·e", "nl": "Alleen naar de eerste dag gaan"},
                WHO.PARTICIPANT,
            ),
        ],
    ),
    (
        "autonomy",
        {
            "fr": "Je veux comprendre mes lettres de la banque et du CPAS",
            "nl": "Ik wil mijn brieven van de bank en het OCMW begrijpen",
        },
        {},
        [
            (
                {"fr": "Trier les papiers dans une farde", "nl": "De papieren sorteren in een map"},
                WHO.TOGETHER,
            ),
            (
                {
                    "fr": "Demander le rendez-vous à la banque",
                    "nl": "Een afspraak vragen bij de bank",
                },
                WHO.COACH,
            ),
            (
                {
                    "fr": "Payer une facture avec l'application de la banque",
                    "nl": "Een factuur betalen met de bankapp",
                },
                WHO.PARTICIPANT,
            ),
        ],
    ),
    (
        "digital_skills",
        {"fr": "Je veux envoyer un e-mail seul·e", "nl": "Ik wil zelf een e-mail sturen"},
        {},
        [
            ({"fr": "Créer une adresse e-mail", "nl": "Een e-mailadres maken"}, WHO.TOGETHER),
            (
                {
                    "fr": "Installer itsme avec l'accompagnateur",
                    "nl": "Itsme installeren met de begeleider",
                },
                WHO.COACH,
            ),
            (
                {
                    "fr": "Envoyer un e-mail à l'école des enfants",
                    "nl": "Een e-mail sturen naar de school van de kinderen",
                },
                WHO.PARTICIPANT,
            ),
        ],
    ),
    (
        "social_network",
        {
            "fr": "Je veux connaître des gens dans mon quartier",
            "nl": "Ik wil mensen in mijn buurt leren kennen",
        },
        {},
        [
            (
                {
                    "fr": "Trouver une activité à la maison de quartier",
                    "nl": "Een activiteit zoeken in het buurthuis",
                },
                WHO.TOGETHER,
            ),
            (
                {"fr": "Y aller avec un buddy", "nl": "Er samen met een buddy naartoe gaan"},
                WHO.TOGETHER,
            ),
            ({"fr": "Y retourner seul·e", "nl": "Er alleen terug naartoe gaan"}, WHO.PARTICIPANT),
        ],
    ),
    (
        "wellbeing",
        {"fr": "Je veux mieux dormir", "nl": "Ik wil beter slapen"},
        {},
        [
            ({"fr": "En parler au médecin", "nl": "Erover praten met de dokter"}, WHO.PARTICIPANT),
            (
                {"fr": "Demander une aide psychologique", "nl": "Psychologische hulp aanvragen"},
                WHO.COACH,
            ),
        ],
    ),
    (
        "activation",
        {
            "fr": "Je veux trouver un travail dans la cuisine",
            "nl": "Ik wil werk vinden in een keuken",
        },
        {},
        [
            ({"fr": "Faire un CV", "nl": "Een cv maken"}, WHO.TOGETHER),
            (
                {
                    "fr": "Faire une semaine de stage de découverte",
                    "nl": "Een week snuffelstage doen",
                },
                WHO.COACH,
            ),
            (
                {
                    "fr": "Demander une attestation au lieu de stage",
                    "nl": "Een attest vragen op de stageplaats",
                },
                WHO.PARTICIPANT,
            ),
        ],
    ),
]
# A goal revised on the way: the first words, then what the person made of them.
REVISIONS = {
    "oral_language": {
        "fr": "Je veux parler français au téléphone",
        "nl": "Ik wil Nederlands spreken aan de telefoon",
    },
    "activation": {
        "fr": "Je veux faire un stage dans une cuisine",
        "nl": "Ik wil stage lopen in een keuken",
    },
    "autonomy": {
        "fr": "Je veux faire mes paiements seul·e",
        "nl": "Ik wil zelf mijn betalingen doen",
    },
}

# What the referral partners do, read from the services each partner lists.
KIND_WORDS = [
    ("trauma", Referral.Kind.TRAUMA_THERAPY),
    ("jurid", Referral.Kind.LEGAL),
    ("séjour", Referral.Kind.LEGAL),
    ("woon", Referral.Kind.HOUSING),
    ("huisvest", Referral.Kind.HOUSING),
    ("logement", Referral.Kind.HOUSING),
    ("nederlands", Referral.Kind.LANGUAGE_COURSE),
    ("français", Referral.Kind.LANGUAGE_COURSE),
    ("alphab", Referral.Kind.LANGUAGE_COURSE),
    ("buddy", Referral.Kind.MENTORING),
    ("schuld", Referral.Kind.DEBT),
    ("dettes", Referral.Kind.DEBT),
]
REASONS = {
    Referral.Kind.TRAUMA_THERAPY: (
        "Cauchemars et angoisses depuis le voyage ; souhaite une thérapie dans sa langue."
    ),
    Referral.Kind.LEGAL: (
        "Questions sur le renouvellement du titre de séjour et le regroupement familial."
    ),
    Referral.Kind.HOUSING: "Logement trop petit et humide pour la famille.",
    Referral.Kind.LANGUAGE_COURSE: "Veut suivre un cours de langue en plus des ateliers.",
    Referral.Kind.MENTORING: "Peu de contacts hors de sa communauté ; intéressé·e par un buddy.",
    Referral.Kind.DEBT: "Factures d'énergie en retard.",
}
REFERRAL_OUTCOMES = [
    "Suivi terminé, la personne va mieux.",
    "Démarches abouties.",
    "A arrêté après trois rendez-vous.",
]
ROLES = {
    "repos": ("Accompagnement des résidents", "Promenades, jeux de société, aide aux repas"),
    "zorg": ("Begeleiding van bewoners", "Wandelen, gezelschapsspelen, helpen bij de maaltijden"),
    "alimentaire": ("Tri des colis alimentaires", "Tri, rangement, distribution"),
    "cuisine": ("Aide en cuisine", "Épluchage, service, vaisselle"),
    "kring": ("Winkelhulp", "Sorteren, prijzen, kassa"),
    "ressourcerie": ("Aide au magasin", "Tri, mise en rayon, caisse"),
    "fiets": ("Fietsherstelling", "Banden plakken, remmen afstellen"),
    "vélo": ("Réparation de vélos", "Crevaisons, freins, accueil des clients"),
}
PLACEMENT_KINDS = [
    (Placement.Kind.VOLUNTEERING, 70),
    (Placement.Kind.JOB_TASTING, 15),
    (Placement.Kind.INTERNSHIP, 15),
]
PLACEMENT_OUTCOMES = [
    (Placement.Outcome.CONTINUED, 35),
    (Placement.Outcome.ARTICLE_60, 20),
    (Placement.Outcome.STOPPED, 20),
    (Placement.Outcome.TRAINING, 12),
    (Placement.Outcome.JOB, 8),
    (Placement.Outcome.OTHER, 5),
]


def _pick(rng, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _kind(partner) -> str:
    text = f"{partner.name} {partner.services}".lower()
    return next((kind for word, kind in KIND_WORDS if word in text), Referral.Kind.OTHER)


def _role(partner) -> tuple[str, str]:
    text = f"{partner.name} {partner.services}".lower()
    return next((role for word, role in ROLES.items() if word in text), ("Volontariat", ""))


def _between(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + DAY * rng.randint(0, max(0, (end - start).days))


def load(rng: random.Random, today: datetime.date) -> dict:
    from programme.models import PartnerOrganisation

    enrolments = list(
        Enrolment.objects.filter(started_on__isnull=False)
        .select_related("participant", "programme__organisation")
        .order_by("pk")
    )
    partners: dict[int, list] = {}
    for partner in PartnerOrganisation.objects.order_by("pk"):
        partners.setdefault(partner.organisation_id, []).append(partner)

    goals, revisions, steps_of, consents, referrals, placements = [], [], {}, [], [], []
    for enrolment in enrolments:
        person = enrolment.participant
        language = enrolment.programme.organisation.language
        end = min(enrolment.exited_on or today, today)
        finished = enrolment.exited_on is not None
        chosen = rng.sample(GOALS, rng.randint(2, 4))
        for position, (domain, words, own, plan) in enumerate(chosen, start=1):
            created = _between(rng, enrolment.started_on, min(end, enrolment.started_on + 30 * DAY))
            own_words = own.get(person.portal_language, {}).get(language, "")
            goal = Goal(
                enrolment=enrolment,
                text=words[language],
                domain=domain,
                position=position,
                text_own_language=own_words,
                own_language=person.portal_language if own_words else "",
                created_by_id=enrolment.coach_id,
            )
            goal.demo_created = created
            revised = domain in REVISIONS and rng.random() < 0.35 and (end - created).days > 40
            if revised:
                goal.status = Goal.Status.REVISED
                goal.closed_on = created + DAY * rng.randint(20, (end - created).days - 10)
                newer = Goal(
                    enrolment=enrolment,
                    text=REVISIONS[domain][language],
                    domain=domain,
                    position=position,
                    created_by_id=enrolment.coach_id,
                )
                newer.demo_created = goal.closed_on
                newer.demo_revises = goal
                revisions.append(newer)
                last = newer
            else:
                last = goal
            # The last version of the goal ends as the trajectory went.
            if finished:
                last.status = _pick(rng, [(Goal.Status.ACHIEVED, 70), (Goal.Status.DROPPED, 30)])
                last.closed_on = end
            elif rng.random() < 0.25:
                last.status = Goal.Status.ACHIEVED
                last.closed_on = _between(rng, last.demo_created, end)
            goals.append(goal)
            steps_of[id(goal)] = (goal, last, plan, created)
        consents.extend(_consents(rng, enrolment, partners.get(person.organisation_id, [])))
        referrals.extend(
            _referrals(rng, enrolment, partners.get(person.organisation_id, []), end, today)
        )
        placements.extend(
            _placements(rng, enrolment, partners.get(person.organisation_id, []), end, today)
        )

    # Goals show on the timeline on the day they were written, not the day the demo ran.
    for goal in (*goals, *revisions):
        goal.created_at = timezone.make_aware(
            datetime.datetime.combine(goal.demo_created, datetime.time(10, 30))
        )
    # bulk.insert_objects keeps the created_at set here (bulk_create would overwrite it).
    bulk.insert_objects(goals)
    for newer in revisions:
        newer.revises = newer.demo_revises
    bulk.insert_objects(revisions)

    steps = []
    for goal, last, plan, created in steps_of.values():
        steps.extend(_steps(rng, goal, last, plan, created, today, language_of(goal)))
    bulk.insert_objects(steps)

    bulk.insert_objects(consents)
    # A referral that shares data points at the consent it rests on, known once saved.
    for referral in referrals:
        referral.consent = getattr(referral, "demo_consent", None)
    bulk.insert_objects(referrals)
    bulk.insert_objects(placements)
    bulk.reset_sequences(Goal, ActionStep, Consent, Referral, Placement)
    return {
        "goals": len(goals) + len(revisions),
        "steps": len(steps),
        "consents": len(consents),
        "referrals to partners": len(referrals),
        "placements": len(placements),
    }


def language_of(goal: Goal) -> str:
    return goal.enrolment.programme.organisation.language


def _steps(rng, goal, last, plan, created, today, language):
    """The plan's steps: under a revised goal the first ones, done; the rest under the new
    version. Past due dates are mostly done, a few left overdue."""
    rows = []
    split = rng.randint(1, len(plan) - 1) if last is not goal else 0
    due = created
    closed = last.closed_on
    for index, (words, who) in enumerate(plan):
        owner = goal if index < split else last
        due = due + DAY * rng.randint(7, 21)
        step = ActionStep(goal=owner, text=words[language], who=who, due_on=due, position=index + 1)
        limit = min(today, owner.closed_on or today)
        if owner is goal and split:
            step.status, step.done_on = ActionStep.Status.DONE, min(due, limit)
        elif due <= limit and rng.random() < 0.8:
            step.status, step.done_on = (
                ActionStep.Status.DONE,
                min(due + DAY * rng.randint(-3, 3), limit),
            )
            step.done_by_participant = who == WHO.PARTICIPANT and rng.random() < 0.4
        elif closed and owner.status != Goal.Status.OPEN:
            step.status = ActionStep.Status.DROPPED
        rows.append(step)
    return rows


def _consents(rng, enrolment, partners):
    person = enrolment.participant
    given = enrolment.started_on
    # A team that works without interpreters (MOVE UP!) explains consent in the group language.
    interpreter = bool(person.interpreter_language) and bool(
        designs.for_code(enrolment.programme.code).intake_support
    )
    language = (
        person.interpreter_language if interpreter else enrolment.programme.organisation.language
    )
    rows = [
        Consent(
            participant=person,
            purpose=Consent.Purpose.PROCESSING,
            given_on=given,
            language=language,
            interpreter=interpreter,
            recorded_by_id=enrolment.coach_id,
        )
    ]
    if rng.random() < 0.6:
        withdrawn = given + DAY * rng.randint(30, 120) if rng.random() < 0.1 else None
        rows.append(
            Consent(
                participant=person,
                purpose=Consent.Purpose.PHOTOS,
                given_on=given,
                language=language,
                interpreter=interpreter,
                recorded_by_id=enrolment.coach_id,
                withdrawn_on=withdrawn if withdrawn and withdrawn <= timezone.localdate() else None,
            )
        )
    enrolment.demo_sharing = {}
    for partner in partners:
        if partner.receives_referrals and rng.random() < 0.3:
            consent = Consent(
                participant=person,
                purpose=Consent.Purpose.SHARING,
                partner=partner,
                given_on=given,
                language=language,
                interpreter=interpreter,
                recorded_by_id=enrolment.coach_id,
            )
            enrolment.demo_sharing[partner.pk] = consent
            rows.append(consent)
    return rows


def _referrals(rng, enrolment, partners, end, today):
    rows = []
    takers = [p for p in partners if p.receives_referrals]
    if not takers:
        return rows
    for partner in rng.sample(takers, min(len(takers), rng.choice([0, 0, 1, 1, 2]))):
        kind = _kind(partner)
        sent = _between(rng, enrolment.started_on, end)
        consent = enrolment.demo_sharing.get(partner.pk)
        referral = Referral(
            enrolment=enrolment,
            partner=partner,
            kind=kind,
            sent_on=sent,
            reason=REASONS.get(kind, "Besoin repéré en entretien individuel."),
            shares_personal_data=True,
            created_by_id=enrolment.coach_id,
        )
        if consent is None:
            if rng.random() < 0.7:
                referral.shares_personal_data = False
            else:
                referral.consent_override_reason = (
                    "Crise aiguë : la personne était d'accord oralement, le formulaire suit."
                )
        referral.demo_consent = consent
        # Waiting lists are long for therapy and housing.
        wait = rng.randint(60, 200) if kind in {"trauma_therapy", "housing"} else rng.randint(5, 40)
        started = sent + DAY * wait
        if rng.random() < 0.1 and sent + 14 * DAY <= today:
            referral.status, referral.ended_on = Referral.Status.REFUSED, sent + 14 * DAY
            referral.outcome = "Hors de notre zone d'action."
        elif started > today:
            referral.status = rng.choice([Referral.Status.SENT, Referral.Status.WAITING_LIST])
        else:
            referral.status, referral.started_on = Referral.Status.STARTED, started
            finished = started + DAY * rng.randint(30, 180)
            if finished <= today:
                referral.status, referral.ended_on = Referral.Status.ENDED, finished
                referral.outcome = rng.choice(REFERRAL_OUTCOMES)
        rows.append(referral)
    return rows


def _placements(rng, enrolment, partners, end, today):
    """Placements on the design's mix: each chance in turn gives one more (a job tasting
    often leading to an internship or volunteering), each starting after the previous ended."""
    design = designs.for_code(enrolment.programme.code)
    hosts = [p for p in partners if p.hosts_volunteers]
    placements = []
    earliest = enrolment.started_on + 21 * DAY
    for chance in design.placement_chances:
        if not hosts or rng.random() > chance or earliest > end:
            break
        placement = _placement(rng, design, enrolment, rng.choice(hosts), earliest, end, today)
        placements.append(placement)
        earliest = (placement.ended_on or placement.ends_on) + 14 * DAY
    return placements


# The schedules the coaches used to type, as days and hours: the phone shows them in the
# person's language.
TUESDAY_THURSDAY_MORNING = {
    "weekdays": "1,3", "starts_at": datetime.time(9), "ends_at": datetime.time(13),
}  # fmt: skip
SCHEDULES = {
    "mardi et jeudi 9–13": TUESDAY_THURSDAY_MORNING,
    "lundi 13–17": {"weekdays": "0", "starts_at": datetime.time(13), "ends_at": datetime.time(17)},
    "dinsdag en donderdag 9–13": TUESDAY_THURSDAY_MORNING,
}


def _placement(rng, design, enrolment, host, earliest, end, today):
    role, tasks = _role(host)
    kind = _pick(rng, design.placement_kinds or PLACEMENT_KINDS)
    weeks = {"volunteering": rng.randint(8, 26), "job_tasting": 1, "internship": 13}[kind]
    # Placements start in the first half of the time left: there is a next step to prepare.
    starts = _between(rng, earliest, max(earliest, earliest + (end - earliest) / 2))
    placement = Placement(
        enrolment=enrolment,
        kind=kind,
        host=host,
        role=role,
        tasks=tasks,
        hours_per_week=rng.choice([4, 6, 8, 12])
        if kind == "volunteering"
        else rng.choice([19, 24, 38]),
        **SCHEDULES[
            rng.choice(["mardi et jeudi 9–13", "lundi 13–17", "dinsdag en donderdag 9–13"])
        ],
        supervisor_name=rng.choice(
            ["Marie Lemaire", "Jan De Smet", "Sofie Wouters", "Ahmed Benali"]
        ),
        supervisor_phone=f"+32 4{rng.randint(70, 99)} {rng.randint(100000, 999999)}",
        starts_on=starts,
        ends_on=starts + DAY * (7 * weeks - 1),
        created_by_id=enrolment.coach_id,
    )
    if starts > today:
        placement.status = Placement.Status.PLANNED
    elif placement.ends_on < today or enrolment.exited_on:
        placement.status = Placement.Status.ENDED
        placement.ended_on = min(placement.ends_on, end, today)
        placement.ended_on = max(placement.ended_on, starts)
        placement.outcome = _pick(rng, design.placement_outcomes or PLACEMENT_OUTCOMES)
    else:
        placement.status = Placement.Status.ONGOING
    return placement
