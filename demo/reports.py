"""Demo data for the reports: every demo programme reports against the AMIF set, maps its
session kinds to the funder's categories, and some people have the dated events and answers
the indicators count. Run last by demo.load, after the other apps' demo data."""

import datetime
import random

from evaluations.models import ExitReview
from participants.models import EntryCharacteristics, Participant, ParticipantEvent
from programme.indicator_sets import ensure_loaded
from programme.models import ActivityMapping, IndicatorSet, Programme

KIND_CATEGORIES = [
    ("language_practice", "language_course"),
    ("information_session", "civic_orientation"),
    ("individual_coaching", "professional_guidance"),
]
EVENT_SHARE = [
    ("family_reunification_help", 0.12),
    ("qualification_recognition", 0.08),
    ("long_term_residence", 0.10),
]
ANSWERS = [("yes", 70), ("partly", 20), ("no", 10)]


def load(rng: random.Random, today: datetime.date) -> dict:
    ensure_loaded()
    amif = IndicatorSet.objects.get(funder="AMIF", version="2021-2027")
    programmes = list(Programme.objects.all())
    Programme.objects.filter(indicator_set__isnull=True).update(indicator_set=amif)
    Programme.objects.filter(target_completion_rate__isnull=True).update(
        target_completion_rate=75, target_work_ready_rate=30, target_participants=40
    )
    ActivityMapping.objects.bulk_create(
        ActivityMapping(programme=programme, category=category, session_kind_code=code)
        for programme in programmes
        for code, category in KIND_CATEGORIES
    )
    events, characteristics = [], []
    for participant in Participant.objects.filter(enrolments__started_on__isnull=False).distinct():
        for kind, chance in EVENT_SHARE:
            if rng.random() < chance:
                day = today - datetime.timedelta(days=rng.randint(10, 400))
                events.append(ParticipantEvent(participant=participant, kind=kind, happened_on=day))
        characteristics.append(
            EntryCharacteristics(
                participant=participant,
                foreign_background=bool(participant.is_third_country_national),
                rural_area=rng.random() < 0.05,
            )
        )
    ParticipantEvent.objects.bulk_create(events)
    EntryCharacteristics.objects.bulk_create(characteristics, ignore_conflicts=True)
    reviews = list(ExitReview.objects.filter(helped_integration=""))
    items, weights = zip(*ANSWERS, strict=True)
    for review in reviews:
        if rng.random() < 0.8:  # not everyone is asked at exit
            review.helped_integration = rng.choices(items, weights=weights, k=1)[0]
    ExitReview.objects.bulk_update(reviews, ["helped_integration"])
    return {"events for the funder": len(events)}
