"""Demo language assessments: one at entry for everyone admitted, one at exit for those who
left, with the progress the programmes report; and evaluations with their domain scores
(run by demo.load)."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo import bulk, designs
from evaluations.models import (
    CallAttempt,
    Cefr,
    DomainScore,
    Evaluation,
    ExitReview,
    FollowUpCall,
    LanguageAssessment,
)
from participants import eligibility
from participants.models import EligibilityAnswer, EligibilityCriterion, Enrolment
from programme import outcomes

# Starting oral level by highest schooling: little schooling usually means literacy work first.
START = {"isced0": 0, "isced1": 0, "isced2": 1, "isced3": 1, "isced4": 2, "isced6": 2, "isced7": 3}
LOCAL = {
    "nt2": ["alfa", "1.1", "1.2", "2", "3", "4"],
    "fle": ["alpha", "fle_a1", "fle_a2", "fle_b1", "fle_b2", "fle_c1"],
}
LEVELS = Cefr.values


def load(rng: random.Random, today: datetime.date) -> dict:
    enrolments = (
        Enrolment.objects.filter(started_on__isnull=False)
        .select_related("participant", "programme__organisation", "coach")
        .order_by("pk")
    )
    rows, at_entry = [], {}
    for enrolment in enrolments:
        person = enrolment.participant
        oral = START.get(person.schooling, 1) + (1 if rng.random() < 0.3 else 0)
        # A programme that asks a minimum level (AMIE, Interactief!: Dutch 1.1) admits no one
        # below it.
        minimum = designs.for_code(enrolment.programme.code).min_level
        oral = max(oral, Cefr.rank(minimum) if minimum else 0)
        written = max(
            0, oral - (1 if person.literacy in {"none", "limited", "other_script"} else 0)
        )
        rows.append(_row(enrolment, enrolment.started_on, oral, written))
        at_entry[enrolment.pk] = (person, rows[-1].local_level)
        if enrolment.exited_on:
            # About six in ten gain a level orally, fewer in writing.
            gain = 1 if rng.random() < 0.6 else 0
            rows.append(
                _row(
                    enrolment,
                    enrolment.exited_on,
                    oral + gain,
                    written + (1 if rng.random() < 0.35 else 0),
                )
            )
    bulk.insert_objects(rows)
    bulk.reset_sequences(LanguageAssessment)
    _language_criteria(at_entry)
    return {"language assessments": len(rows)}


def _language_criteria(at_entry: dict) -> None:
    """A "minimum language level" criterion is read from the person's language test (the one
    at entry: the level they were admitted on), as participants.eligibility does. Nobody
    below it is admitted without a written reason; without a test the coach judged."""
    answers = list(
        EligibilityAnswer.objects.filter(
            criterion__kind=EligibilityCriterion.Kind.MIN_LANGUAGE_LEVEL,
            enrolment_id__in=list(at_entry),
        ).select_related("criterion")
    )
    for answer in answers:
        person, level = at_entry[answer.enrolment_id]
        answer.computed = eligibility.evaluate(
            answer.criterion, person, answer.checked_at.date(), language_level=level
        )
        if answer.computed is not None and answer.computed != answer.met:
            answer.override_reason = answer.override_reason or (
                "Taalniveau net onder de drempel; vordert snel, besproken in het team."
            )
    EligibilityAnswer.objects.bulk_update(answers, ["computed", "override_reason"], batch_size=500)


def _row(enrolment, day, oral, written):
    oral, written = min(oral, 5), min(written, 5)
    programme = enrolment.programme
    scale = (
        LOCAL.get(programme.language_scale)
        or LOCAL["nt2" if programme.organisation.language == "nl" else "fle"]
    )
    return LanguageAssessment(
        participant=enrolment.participant,
        language=programme.organisation.language,
        assessed_on=day,
        assessed_by=enrolment.coach,
        oral=LEVELS[oral],
        reading=LEVELS[written],
        writing=LEVELS[max(written - 1, 0)] if written > 1 else LEVELS[written],
        local_level=scale[oral],
        literacy=enrolment.participant.literacy,
        schooling=enrolment.participant.schooling,
    )


# Evaluations with domain scores ---------------------------------------------------------------

# How each domain moves from the baseline to the exit: weights of a change of -1, 0, +1, +2.
# Completers gain a level on most domains, some stay, a few slip; drop-outs gain less, and
# health and well-being is where they most often lose ground (the first reason they leave).
CHANGES = (-1, 0, 1, 2)
PROGRESS = {
    "completed": (4, 20, 66, 10),
    "transferred": (6, 40, 50, 4),
    "dropped_out": (12, 53, 33, 2),
}
DROP_OUT_WELLBEING = (35, 45, 20, 0)
BASELINE_WEIGHTS = (25, 45, 25, 5)  # levels 1 to 4 at the start
NOTES = {
    "fr": {
        "baseline": "Évaluation de départ, faite avec la personne.",
        "exit": "Évaluation de fin de parcours, relue avec la personne.",
    },
    "nl": {
        "baseline": "Beginmeting, samen met de deelnemer ingevuld.",
        "exit": "Eindevaluatie, samen met de deelnemer overlopen.",
    },
}
MIDWAY_HELD = 0.7
CHUNK = 2000  # enrolments per round of inserts, so memory stays flat at any scale


def load_evaluations(rng: random.Random, today: datetime.date) -> dict:
    """A baseline two weeks in for everyone admitted, a mid-way one each quarter while the
    trajectory runs, and an exit evaluation for those who left (not for people the programme
    lost contact with)."""
    # An own generator, seeded once from the shared one: changing these rules does not shift
    # the demo data of the apps that load after this one.
    rng = random.Random(rng.getrandbits(64))
    rows = (
        Enrolment.objects.filter(started_on__isnull=False)
        .order_by("pk")
        .values_list(
            "pk", "coach_id", "started_on", "exited_on", "exit_reason", "drop_out_reason",
            "programme__planned_length_months", "programme__outcome_domains",
            "programme__organisation__language", "programme__code",
        )
    )  # fmt: skip
    counts = {"evaluations": 0, "domain scores": 0}
    chunk = []
    for row in rows.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            _insert(rng, today, chunk, counts)
            chunk = []
    _insert(rng, today, chunk, counts)
    bulk.reset_sequences(Evaluation, DomainScore)
    return counts


def _insert(rng, today, enrolments, counts) -> None:
    evaluations, scores = [], []
    for row in enrolments:
        for evaluation, levels in _trajectory(rng, today, row):
            evaluations.append(evaluation)
            scores.append(levels)
    bulk.insert_objects(evaluations)
    # Some 1.4 million domain scores at --scale 250: plain rows, no model instances.
    rows = [
        (evaluation.pk, domain, coach, own, "")
        for evaluation, levels in zip(evaluations, scores, strict=True)
        for domain, coach, own in levels
    ]
    fields = ["evaluation_id", "domain", "coach_score", "participant_score", "comment"]
    bulk.insert(DomainScore, fields, rows)
    counts["evaluations"] += len(evaluations)
    counts["domain scores"] += len(rows)


def _trajectory(rng, today, enrolment: tuple) -> list:
    """The evaluations of one enrolment, each with its (domain, coach, participant) scores."""
    pk, coach_id, started_on, exited_on, reason, drop_out, months, domains, language, code = (
        enrolment
    )
    design = designs.for_code(code)
    end = exited_on or today
    baseline_on = started_on + datetime.timedelta(days=14 + rng.randint(-3, 4))
    if baseline_on > end or not domains:
        return []
    base = {code: rng.choices(outcomes.LEVELS, weights=BASELINE_WEIGHTS)[0] for code in domains}
    # People still on the way are heading, for now, where completers go.
    progress = PROGRESS.get(reason, PROGRESS["completed"])
    change = {
        code: rng.choices(
            CHANGES,
            weights=DROP_OUT_WELLBEING
            if reason == "dropped_out" and code == "wellbeing"
            else progress,
        )[0]
        for code in domains
    }
    # How far along the way each domain makes its change: from then on it shows, so a
    # person's scores move once rather than back and forth between reviews.
    reach = {code: rng.random() for code in domains}
    # How far along the way each mid-way evaluation is: a running trajectory is expected to
    # last as long as the design's trajectories do on average.
    length = (
        (end - baseline_on).days
        if exited_on
        else max((today - baseline_on).days, int(design.published.average_months * 30.44))
    )
    notes = NOTES.get(language, NOTES["fr"])
    planned = [(Evaluation.Kind.BASELINE, baseline_on, 0.0)]
    # Mid-way reviews on the design's schedule (quarterly, or per module every eight weeks).
    first, every = (datetime.timedelta(weeks=weeks) for weeks in design.reviews)
    midway_on = started_on + first
    last = (exited_on - datetime.timedelta(weeks=2)) if exited_on else today
    while midway_on <= last:
        # Not every review takes place: some are missed (and show as overdue to-dos).
        if rng.random() < MIDWAY_HELD:
            done = (midway_on - baseline_on).days / length
            planned.append((Evaluation.Kind.MIDWAY, midway_on, done))
        midway_on += every
    if exited_on and drop_out != "lost_contact":
        exit_on = max(baseline_on, exited_on - datetime.timedelta(days=rng.randint(0, 7)))
        planned.append((Evaluation.Kind.EXIT, exit_on, 1.0))
    result = []
    for kind, held_on, done in planned:
        own_given = rng.random() < 0.85
        levels = []
        for code in domains:
            if kind == Evaluation.Kind.MIDWAY and rng.random() < 0.03:
                levels.append((code, None, None))  # not assessed this time
                continue
            coach = base[code] + (change[code] if done >= reach[code] else 0)
            coach = min(4, max(1, coach))
            own = None
            if own_given:
                # People rate themselves a little more generously than their coach does.
                bump = rng.choices((1, 0, -1), weights=(35, 58, 7))[0]
                own = min(4, max(1, coach + bump))
            levels.append((code, coach, own))
        if all(coach is None for _code, coach, _own in levels):
            continue
        evaluation = Evaluation(
            enrolment_id=pk,
            kind=kind,
            held_on=held_on,
            evaluated_by_id=coach_id,
            notes=notes.get(kind, ""),
        )
        result.append((evaluation, [level for level in levels if level[1] is not None]))
    return result


# Exit reviews and follow-up calls -------------------------------------------------------------

EXIT_TEXTS = {
    "fr": {
        "strengths": [
            "Ponctuelle et motivée, elle a pris confiance en groupe et ose poser ses questions.",
            "Très bon contact avec les autres participants ; aide volontiers les nouveaux.",
            "Autonome pour ses démarches administratives simples et ses rendez-vous.",
            "A beaucoup progressé en français oral ; s'exprime sans aide au quotidien.",
            "Fiable et régulier dans son bénévolat ; bonnes compétences manuelles.",
            "Se déplace seul en ville et utilise son smartphone pour ses rendez-vous.",
        ],
        "limits": [
            "L'écrit reste difficile : besoin d'aide pour les courriers officiels.",
            "Garde des enfants pas encore organisée, ce qui limite les horaires possibles.",
            "Soucis de santé (dos) qui empêchent un travail physique.",
            "Réseau social encore limité à sa communauté.",
            "Stress lié au logement ; suivi psychologique conseillé.",
            "",
        ],
        "contacts": [
            ("Assistante sociale de l'antenne", "+32 4 220 63 00"),
            ("Service social du CPAS, permanence du mardi", "+32 2 563 61 11"),
            ("Cellule d'insertion socioprofessionnelle", "+32 65 41 24 00"),
            ("Son référent au service d'accompagnement", ""),
        ],
    },
    "nl": {
        "strengths": [
            "Stipt en gemotiveerd; durft nu vragen te stellen in de groep.",
            "Goed contact met de andere deelnemers; helpt nieuwe mensen graag.",
            "Zelfstandig voor eenvoudige administratie en afspraken.",
            "Sterk vooruitgegaan in mondeling Nederlands; redt zich in het dagelijks leven.",
            "Betrouwbaar en regelmatig als vrijwilliger; handig.",
            "Gaat zelfstandig naar afspraken en gebruikt de smartphone om ze te plannen.",
        ],
        "limits": [
            "Schrijven blijft moeilijk: hulp nodig bij officiële brieven.",
            "Kinderopvang nog niet geregeld, wat de mogelijke uren beperkt.",
            "Gezondheidsproblemen (rug) die fysiek werk verhinderen.",
            "Netwerk nog beperkt tot de eigen gemeenschap.",
            "Stress door de woonsituatie; psychologische begeleiding aangeraden.",
            "",
        ],
        "contacts": [
            ("Maatschappelijk werker van het sociaal centrum", "+32 3 338 20 00"),
            ("Trajectbegeleider werk van het OCMW", "+32 9 266 99 00"),
            ("Onthaal van het sociaal huis", ""),
        ],
    },
}
NEXT_STEPS = {
    "fr": {
        "article_60": "Contrat article 60 §7 : suivi par le job coach pendant les premiers mois.",
        "job": "Emploi trouvé : garder le contact avec l'antenne pour les démarches.",
        "self_employment": "Lancement d'activité : accompagnement par un guichet d'entreprise.",
        "training": "Formation qualifiante ; continuer les cours de français en parallèle.",
        "job_seeker": "Inscription comme demandeur d'emploi ; suivi par la cellule emploi.",
        "volunteering": "Continuer le bénévolat et préparer un projet article 60.",
        "other_service": "Suivi par le service social pour la santé et le logement d'abord.",
        "none": "Reprendre contact dans trois mois pour faire le point.",
        "unknown": "Reprendre contact par téléphone ; proposer un rendez-vous à l'antenne.",
    },
    "nl": {
        "article_60": "Artikel 60 §7-contract: opvolging door de jobcoach de eerste maanden.",
        "job": "Werk gevonden: contact houden met het sociaal centrum voor de administratie.",
        "self_employment": "Start als zelfstandige: begeleiding door een ondernemersloket.",
        "training": "Beroepsopleiding; daarnaast de lessen Nederlands voortzetten.",
        "job_seeker": "Ingeschreven als werkzoekende; opvolging door de werkwinkel.",
        "volunteering": "Vrijwilligerswerk voortzetten en een artikel 60-traject voorbereiden.",
        "other_service": "Eerst opvolging door de sociale dienst voor gezondheid en wonen.",
        "none": "Over drie maanden opnieuw contact opnemen om de balans op te maken.",
        "unknown": "Telefonisch contact opnemen; een afspraak in het sociaal centrum voorstellen.",
    },
}
HELP_NOTES = {
    "fr": [
        "Courrier du propriétaire qu'elle ne comprend pas.",
        "Cherche une crèche pour pouvoir accepter un emploi.",
        "Dettes d'énergie : orienter vers la médiation de dettes.",
        "Souhaite reprendre les cours de français du soir.",
    ],
    "nl": [
        "Brief van de huisbaas die hij niet begrijpt.",
        "Zoekt kinderopvang om een job te kunnen aannemen.",
        "Energieschulden: doorverwijzen naar schuldbemiddeling.",
        "Wil opnieuw avondlessen Nederlands volgen.",
    ],
}
# What the person does at the call, when it follows from where they went at exit.
SITUATION_FROM_DESTINATION = {
    "article_60": "employed",
    "job": "employed",
    "self_employment": "self_employed",
    "training": "training",
    "volunteering": "volunteering",
}
SITUATION_WEIGHTS = [
    ("employed", 22),
    ("self_employed", 3),
    ("training", 20),
    ("volunteering", 10),
    ("looking", 25),
    ("inactive", 15),
    ("other", 5),
]
HELPED_WEIGHTS = [("yes", 60), ("partly", 30), ("no", 10)]


def _weighted(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(9, 16))))


def load_exits(rng: random.Random, today: datetime.date) -> dict:
    """An exit review for every enrolment that exited, and its follow-up calls: those already
    due mostly done (about seven in ten reached, the rest unreachable or still to call), and a
    few due today and overdue for the demo coach so their queue is not empty."""
    enrolments = (
        Enrolment.objects.filter(exited_on__isnull=False)
        .select_related("programme__organisation", "coach")
        .order_by("pk")
    )
    demo_coach = get_user_model().objects.filter(username="coach").first()
    reviews, calls, plans, demo_calls = [], [], [], []
    for enrolment in enrolments:
        programme = enrolment.programme
        language = programme.organisation.language
        texts = EXIT_TEXTS[language]
        contact, phone = rng.choice(texts["contacts"])
        reviews.append(
            ExitReview(
                enrolment=enrolment,
                strengths=rng.choice(texts["strengths"]),
                limits=rng.choice(texts["limits"]),
                next_step=NEXT_STEPS[language][enrolment.exit_destination or "unknown"],
                contact_person=contact,
                contact_phone=phone,
                # Asked at most exits; when not, the first follow-up call asks it.
                helped_integration=_weighted(rng, HELPED_WEIGHTS) if rng.random() < 0.65 else "",
                reviewed_by=enrolment.coach,
            )
        )
        for weeks in programme.follow_up_offsets:
            call = FollowUpCall(
                enrolment=enrolment,
                weeks_after_exit=weeks,
                due_on=enrolment.exited_on + datetime.timedelta(weeks=weeks),
            )
            if demo_coach and enrolment.coach_id == demo_coach.pk and call.due_on <= today:
                demo_calls.append(len(calls))
            calls.append(call)
            plans.append(_call_plan(rng, call, enrolment, language, today))
    _leave_some_for_the_demo_coach(demo_calls, calls, plans, today)
    bulk.insert_objects(reviews)
    bulk.insert_objects(calls)
    attempts = [
        CallAttempt(
            call=call,
            outcome=outcome,
            attempted_at=_moment(day, rng),
            attempted_by=call.enrolment.coach,
        )
        for call, plan in zip(calls, plans, strict=True)
        for outcome, day in plan
    ]
    bulk.insert_objects(attempts)
    bulk.reset_sequences(ExitReview, FollowUpCall, CallAttempt)
    return {"exit reviews": len(reviews), "follow-up calls": len(calls)}


def _call_plan(rng, call, enrolment, language, today) -> list[tuple[str, datetime.date]]:
    """Decide how a call went, filling in the call; returns its attempts (outcome, day)."""
    if call.due_on > today:
        return []
    most = enrolment.programme.follow_up_max_attempts
    late = (today - call.due_on).days
    roll = rng.random()
    span = min(late, 14) + 1  # attempts on different days, within two weeks of the due date
    unreachable = roll >= 0.72
    if (late <= 7 and roll < 0.6) or (late <= 21 and roll > 0.92) or (unreachable and span < most):
        # Recently due: some still to call, perhaps after a first try.
        tries = rng.randint(0, min(most, span) - 1)
        return [("no_answer", call.due_on + datetime.timedelta(days=i)) for i in range(tries)]
    days = sorted(rng.sample(range(span), k=min(most, span)))
    if not unreachable:
        tries = min(1 + (rng.random() < 0.35) + (rng.random() < 0.1), most, len(days))
        outcomes = ["no_answer"] * (tries - 1) + ["reached"]
        call.status = FollowUpCall.Status.REACHED
        destination = SITUATION_FROM_DESTINATION.get(enrolment.exit_destination)
        call.situation = (
            destination
            if destination and rng.random() < 0.65
            else _weighted(rng, SITUATION_WEIGHTS)
        )
        call.needs_help = rng.random() < 0.18
        call.help_notes = rng.choice(HELP_NOTES[language]) if call.needs_help else ""
        call.helped_integration = _weighted(rng, HELPED_WEIGHTS)
    else:
        tries = min(most, len(days))
        outcomes = ["wrong_number" if rng.random() < 0.15 else "no_answer" for _ in range(tries)]
        call.status = FollowUpCall.Status.UNREACHABLE
    attempts = [
        (outcome, call.due_on + datetime.timedelta(days=day))
        for outcome, day in zip(outcomes, days, strict=False)
    ]
    call.completed_on = attempts[-1][1]
    call.completed_by = enrolment.coach
    return attempts


def _leave_some_for_the_demo_coach(indexes, calls, plans, today) -> None:
    """The demo coach's five most recently due calls are still to call: two moved to today and
    three to a few days ago (as a coach reschedules a call), one of them tried once already."""
    latest = sorted(indexes, key=lambda i: calls[i].due_on, reverse=True)[:5]
    for position, i in enumerate(latest):
        call = calls[i]
        call.status = FollowUpCall.Status.PLANNED
        call.situation, call.needs_help, call.help_notes, call.helped_integration = "", None, "", ""
        call.completed_on = call.completed_by = None
        if position < 2:
            call.due_on = today
            plans[i] = []
        else:
            call.due_on = today - datetime.timedelta(days=3 * position - 3)
            plans[i] = [("no_answer", call.due_on)] if position == 2 else []
