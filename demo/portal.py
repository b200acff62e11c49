"""Demo portal accesses (run by demo.load): three people on the demo coach's
caseload get a code whose PIN is already chosen, one reading Arabic, one Tigrinya, one French,
so `make run` shows the portal at once. The codes are derived from the secret key, so
`manage.py demo_logins` can print them again later."""

import contextlib
import datetime
import random
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.crypto import salted_hmac

from demo.translations import PHONE_TEXTS
from evaluations.services import ScoreRow, evaluation_record
from participants.models import Enrolment, Participant
from portal import content
from portal.models import PortalAccess, hash_code
from portal.services import CODE_ALPHABET, CODE_LENGTH, pin_hash, portal_access_issue
from programme.models import PartnerOrganisation
from sessions.models import Attendance
from trajectory.models import ActionStep
from trajectory.services import goal_create, placement_create, step_add

DEMO_PIN = "2580"
DEMO_COACH = "coach"
# portal language -> a goal in the person's words, and the same in their language.
GOALS = {
    "ar": (
        "Parler avec le médecin sans interprète",
        "أن أتكلم مع الطبيب بدون مترجم",
        "oral_language",
    ),
    "ti": (
        "Trouver un bénévolat près de chez moi",
        "ኣብ ጥቓ ገዛይ ናይ ወለንታ ስራሕ ምርካብ",
        "activation",
    ),
    "fr": ("Faire mes courses en ligne", "", "digital_skills"),
}
STEPS = [
    ("Aller à la bibliothèque avec ma carte", ActionStep.Who.PARTICIPANT, 7),
    ("Préparer les questions pour le rendez-vous", ActionStep.Who.TOGETHER, 14),
    ("Appeler le service bénévolat", ActionStep.Who.COACH, 21),
]

# The French (and Dutch) texts of the demo, as an interpreter would write them for the phone.
TEXTS = {
    "ar": {
        "Vivre ensemble / Samen leven": "العيش معًا",
        "Atelier de la semaine / Atelier van de week": "ورشة الأسبوع",
        "Cahier, stylo / schrift en pen": "دفتر وقلم",
        "Aller à la bibliothèque avec ma carte": "الذهاب إلى المكتبة مع بطاقتي",
        "Préparer les questions pour le rendez-vous": "تحضير الأسئلة للموعد",
        "Appeler le service bénévolat": "الاتصال بخدمة العمل التطوعي",
        "Accueil et café": "الاستقبال والقهوة",
        "Mercredi 9:00–12:00": "الأربعاء 9:00–12:00",
        "room": "القاعة %s",
    },
    "ti": {
        "Vivre ensemble / Samen leven": "ብሓባር ምንባር",
        "Atelier de la semaine / Atelier van de week": "ናይ ሰሙን ዎርክሾፕ",
        "Cahier, stylo / schrift en pen": "ጥራዝን ብርዕን",
        "Aller à la bibliothèque avec ma carte": "ምስ ካርደይ ናብ ቤት መጻሕፍቲ ምኻድ",
        "Préparer les questions pour le rendez-vous": "ሕቶታት ንቆጸራ ምድላው",
        "Appeler le service bénévolat": "ናብ ኣገልግሎት ወለንታ ምድዋል",
        "Accueil et café": "ኣቀባብላን ቡንን",
        "Mercredi 9:00–12:00": "ረቡዕ 9:00–12:00",
        "room": "ክፍሊ %s",
    },
}
ROOM = re.compile(r"Salle (\d+) / Zaal \1")
# Pictures of what the demo sessions ask to bring.
BRING = {"Cahier, stylo / schrift en pen": ["notebook", "pen"]}


def demo_code(participant_id: int) -> str:
    digest = salted_hmac("parcours.portal.demo", str(participant_id)).digest()
    return "".join(CODE_ALPHABET[byte % len(CODE_ALPHABET)] for byte in digest[:CODE_LENGTH])


def _people(today: datetime.date):
    """The demo coach's active people, those on the list of a session from today on first
    (between two groups, the others get an appointment of their own: demo.reminders)."""
    upcoming = Attendance.objects.filter(participant=OuterRef("pk"), session__date__gte=today)
    return (
        Participant.objects.filter(
            coach__username=DEMO_COACH, enrolments__status=Enrolment.Status.ACTIVE
        )
        .distinct()
        .alias(upcoming=Exists(upcoming))
        .order_by("-upcoming", "pk")
    )


def load(rng: random.Random, today: datetime.date) -> dict:
    coach = get_user_model().objects.filter(username=DEMO_COACH).first()
    if coach is None:
        return {"portal accesses": 0}
    people = list(_people(today)[:3])
    evaluations = 0
    for person, language in zip(people, ["ar", "ti", "fr"], strict=False):
        Participant.objects.filter(pk=person.pk).update(portal_language=language)
        person.portal_language = language
        access, _code = portal_access_issue(
            participant=person, contact_phone="04 220 12 34", by=coach, code=demo_code(person.pk)
        )
        PortalAccess.objects.filter(pk=access.pk).update(pin_hash=pin_hash(DEMO_PIN))
        _plan(person, language, coach, today)
        _for_the_phone(person, language, coach)
        if language == "ar":
            # A mid-way review two days ago: her phone asks for her own view of it.
            enrolment = person.enrolments.get(status=Enrolment.Status.ACTIVE)
            domains = list(enrolment.programme.outcome_domains)[:3]
            evaluation_record(
                enrolment=enrolment,
                kind="midway",
                held_on=today - datetime.timedelta(days=2),
                scores=[ScoreRow(domain, coach_score=2) for domain in domains],
                by=coach,
            )
            evaluations += 1
    return {"portal accesses": len(people), "evaluations for the phone": evaluations}


def _plan(person, language, coach, today):
    enrolment = person.enrolments.filter(status=Enrolment.Status.ACTIVE).first()
    text, own, domain = GOALS[language]
    goal = goal_create(
        enrolment=enrolment,
        text=text,
        text_own_language=own,
        own_language=language,
        domain=domain,
        by=coach,
    )
    for step_text, who, days in STEPS:
        step_add(
            goal=goal,
            text=step_text,
            who=who,
            due_on=today + datetime.timedelta(days=days),
            by=coach,
        )
    host = PartnerOrganisation.objects.filter(
        organisation_id=person.organisation_id, hosts_volunteers=True
    ).first()
    if host and not enrolment.placements.exists():
        # An overlapping demo placement is refused: the portal shows that one instead.
        with contextlib.suppress(ValidationError):
            placement_create(
                enrolment=enrolment,
                data={
                    "kind": "volunteering",
                    "host": host,
                    "role": "Accueil et café",
                    "schedule": "Mercredi 9:00–12:00",
                    "hours_per_week": 3,
                    "supervisor_name": "Nadia Coppens",
                    "supervisor_phone": "0470 12 34 56",
                    "starts_on": today + datetime.timedelta(days=10),
                },
                by=coach,
            )


def _for_the_phone(person, language, coach):
    """The person's texts translated, and the pictures of what to bring chosen."""
    texts = {}
    known = {**PHONE_TEXTS.get(language, {}), **TEXTS.get(language, {})}
    for item in content.to_translate(person):
        room = ROOM.fullmatch(item.original)
        if item.original in known:
            texts[item.key] = known[item.original]
        elif room and "room" in known:
            texts[item.key] = known["room"] % room.group(1)
        if item.field == "bring" and item.original in BRING:
            content.bring_pictograms_set(session=item.obj, items=BRING[item.original])
    if texts:
        content.translations_save(participant=person, texts=texts, by=coach)


def logins(url: str) -> list[str]:
    accesses = list(
        PortalAccess.objects.filter(
            revoked_at__isnull=True, participant__coach__username=DEMO_COACH
        )
        .select_related("participant")
        .order_by("participant_id")
    )
    lines = []
    base = url.rstrip("/")
    for access in accesses:
        person = access.participant
        code = demo_code(person.pk)
        if access.code_hash != hash_code(code):
            continue  # a coach made a new code since: only its paper knows it
        lines.append(f"  {person.portal_language:<4} {person.full_name:<28} {base}/p/{code}")
    if lines:
        lines.insert(0, f"\nParticipant portal on a phone (PIN for all: {DEMO_PIN}):")
    return lines
