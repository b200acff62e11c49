"""Reading eligibility criteria from a participant's data.

A criterion that can be read from the data gives True or False; a judgement criterion, or one
whose data is missing, gives None and is left to the coach.

The language level is the one fact not kept on this floor: the assessments are in
`evaluations`, above. The caller reads the person's latest level on the programme's scale
(`evaluations.selectors.latest_scale_level`) and passes it in; without it the criterion is
the coach's to judge.
"""

import datetime

from participants.choices import PROTECTION_STATUSES
from programme.language_scales import LOCAL_LEVELS, scale_rank
from programme.models import EligibilityCriterion

Kind = EligibilityCriterion.Kind


def evaluate(
    criterion: EligibilityCriterion,
    participant,
    on: datetime.date,
    *,
    language_level: str | None = None,
) -> bool | None:
    match criterion.kind:
        case Kind.PROTECTION_STATUS:
            if not participant.residence_status:
                return None
            return participant.residence_status in PROTECTION_STATUSES
        case Kind.THIRD_COUNTRY_NATIONAL:
            return participant.is_third_country_national
        case Kind.INTEGRATION_INCOME:
            return participant.integration_income
        case Kind.MIN_AGE:
            return participant.age(on) >= (criterion.min_age or 0)
        case Kind.CIVIC_INTEGRATION:
            return participant.civic_integration_completed
        case Kind.MIN_LANGUAGE_LEVEL:
            return _at_least(language_level, criterion.min_language_level)
    return None


def _at_least(level: str | None, minimum: str) -> bool | None:
    """Whether a level reaches the minimum on the same local scale; None when unknown."""
    if not level or level not in LOCAL_LEVELS or minimum not in LOCAL_LEVELS:
        return None
    scale = LOCAL_LEVELS[minimum][0]
    if LOCAL_LEVELS[level][0] != scale:
        return None
    return scale_rank(scale, level) >= scale_rank(scale, minimum)
