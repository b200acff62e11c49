"""Demo language assessments: one at entry for everyone admitted, one at exit for those who
left, with the progress the programmes report (registered in EvaluationsConfig.ready)."""

import datetime
import random

from evaluations.models import Cefr, LanguageAssessment
from participants.models import Enrolment

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
    rows = []
    for enrolment in enrolments:
        person = enrolment.participant
        oral = START.get(person.schooling, 1) + (1 if rng.random() < 0.3 else 0)
        written = max(
            0, oral - (1 if person.literacy in {"none", "limited", "other_script"} else 0)
        )
        rows.append(_row(enrolment, enrolment.started_on, oral, written))
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
    LanguageAssessment.objects.bulk_create(rows, batch_size=2000)
    return {"language assessments": len(rows)}


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
