"""Demo data for the reports: every demo programme reports against the AMIF set, maps its
session kinds to the funder's categories, and some people have the dated events and answers
the indicators count. Run last by demo.load, after the other apps' demo data."""

import datetime
import random

from django.db.models import Min

from evaluations.models import ExitReview
from participants.models import EntryCharacteristics, Participant, ParticipantEvent
from programme.indicator_sets import ensure_loaded
from programme.models import ActivityMapping, IndicatorSet, Programme
from sessions.models import Session

# The demo's groups meet in workshops (French or Dutch practice) or collective coaching
# ("vivre ensemble / samen leven"), and everyone has individual talks.
KIND_CATEGORIES = {
    "language_practice": "language_course",
    "workshop": "language_course",
    "information_session": "civic_orientation",
    "collective_coaching": "civic_orientation",
    "individual_coaching": "professional_guidance",
}
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
    # Only the kinds the programme's sessions use: a mapping that matches nothing would make
    # its figures zero (the report warns when that happens).
    held = Session.objects.filter(programme__in=programmes).order_by()
    ActivityMapping.objects.bulk_create(
        ActivityMapping(
            programme_id=programme_id, category=KIND_CATEGORIES[code], session_kind_code=code
        )  # fmt: skip
        for programme_id, code in held.values_list("programme_id", "kind__code").distinct()
        if code in KIND_CATEGORIES
    )
    events, characteristics = [], []
    for participant in Participant.objects.filter(enrolments__started_on__isnull=False).annotate(
        entered=Min("enrolments__started_on")
    ):
        for kind, chance in EVENT_SHARE:
            if rng.random() < chance and participant.entered < today:
                # While the person is followed: help given before entry is not the programme's.
                days = (today - participant.entered).days
                day = participant.entered + datetime.timedelta(days=rng.randint(0, min(days, 400)))
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
