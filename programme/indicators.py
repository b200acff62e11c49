"""The fixed vocabulary of indicator sets: the counting rules an indicator may name, their
arguments, the breakdowns and the activity categories funders count.

Indicator sets themselves are data (programme.models.IndicatorSet); the counting behind each
rule is code in reports/funder.py, which implements exactly the rules listed here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityCategory(models.TextChoices):
    LANGUAGE_COURSE = "language_course", _("Language course")
    CIVIC_ORIENTATION = "civic_orientation", _("Civic orientation course")
    PROFESSIONAL_GUIDANCE = "professional_guidance", _("Personal professional guidance")


RULE_CHOICES = [
    ("participants", _("Participants: active on at least one day of the period")),
    ("activity", _("Participants who took part in an activity of a category")),
    ("event", _("Participants with a dated event recorded on their file")),
    ("language_improved", _("Improved by at least one CEFR level between entry and exit")),
    ("helpful_for_integration", _("Said the programme helped their integration")),
    ("characteristic", _("Characteristic at entry")),
    ("result_upon_leaving", _("Situation upon leaving (within 4 weeks after exit)")),
    ("result_six_months", _("Situation six months after leaving")),
    ("entered", _("Project-level figure entered by the manager for each period")),
]

# The argument each rule needs, when it needs one.
RULE_ARGUMENTS = {
    # "any": took part in at least one activity of any mapped category (O.2.3).
    "activity": {*ActivityCategory.values, "any"},
    "event": {
        "family_reunification_help",
        "qualification_recognition",
        "long_term_residence",
        "qualification_gained",
        "improved_labour_market",
    },
    "characteristic": {
        "unemployed",
        "long_term_unemployed",
        "inactive",
        "employed",
        "under_18",
        "age_18_29",
        "age_55_plus",
        "isced_0_2",
        "isced_3_4",
        "isced_5_8",
        "disability",
        "third_country_national",
        "foreign_background",
        "minority",
        "housing_exclusion",
        "rural_area",
    },
    "result_upon_leaving": {"job_searching", "education_training", "qualification", "employment"},
    "result_six_months": {"employment", "improved_labour_market"},
}

BREAKDOWNS = {
    "gender": _("Gender"),
    "age": _("Age at entry"),
    "education": _("Education at entry"),
    "site": _("Site"),
}
