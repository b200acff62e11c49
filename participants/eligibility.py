"""Reading eligibility criteria from a participant's data.

A criterion that can be read from the data gives True or False; a judgement criterion, or one
whose data is missing, gives None and is left to the coach.
"""

import datetime

from participants.choices import PROTECTION_STATUSES
from programme.models import EligibilityCriterion

Kind = EligibilityCriterion.Kind


def evaluate(criterion: EligibilityCriterion, participant, on: datetime.date) -> bool | None:
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
    return None
