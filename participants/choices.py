"""Fixed lists used by participant records. Kept apart from the models because forms,
filters, demo data and (later) reports all read them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# EU member states plus the EEA and Switzerland: their nationals are not third-country
# nationals, so AMIF does not count them.
EU_EEA_CH = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
    "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
    "IS", "LI", "NO", "CH",
}  # fmt: skip


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")


class ResidenceStatus(models.TextChoices):
    REFUGEE = "refugee", _("Recognised refugee")
    SUBSIDIARY = "subsidiary", _("Subsidiary protection")
    TEMPORARY = "temporary", _("Temporary protection")
    APPLICANT = "applicant", _("Applicant for international protection")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    REGULARISATION = "regularisation", _("Regularisation (humanitarian or medical)")
    EU_LONG_TERM = "eu_long_term", _("EU long-term resident")
    WORK_PERMIT = "work_permit", _("Work or single permit")
    EU_CITIZEN = "eu_citizen", _("EU or Belgian citizen")
    OTHER = "other", _("Other")


PROTECTION_STATUSES = {ResidenceStatus.REFUGEE, ResidenceStatus.SUBSIDIARY}


class Literacy(models.TextChoices):
    LATIN = "latin", _("Reads and writes the Latin alphabet")
    OTHER_SCRIPT = "other_script", _("Reads and writes only another script (e.g. Arabic)")
    LIMITED = "limited", _("Reads and writes a little")
    NONE = "none", _("Does not read or write")


class Schooling(models.TextChoices):
    """Highest schooling completed, by ISCED 2011 level."""

    NONE = "isced0", _("No schooling or early childhood only (ISCED 0)")
    PRIMARY = "isced1", _("Primary (ISCED 1)")
    LOWER_SECONDARY = "isced2", _("Lower secondary (ISCED 2)")
    UPPER_SECONDARY = "isced3", _("Upper secondary (ISCED 3)")
    POST_SECONDARY = "isced4", _("Post-secondary, non-tertiary (ISCED 4)")
    SHORT_TERTIARY = "isced5", _("Short-cycle tertiary (ISCED 5)")
    BACHELOR = "isced6", _("Bachelor or equivalent (ISCED 6)")
    MASTER = "isced7", _("Master or equivalent (ISCED 7)")
    DOCTORATE = "isced8", _("Doctorate (ISCED 8)")


class IscedBand(models.TextChoices):
    LOW = "0-2", _("ISCED 0–2")
    MEDIUM = "3-4", _("ISCED 3–4")
    HIGH = "5-8", _("ISCED 5–8")


def isced_band(schooling: str) -> str:
    level = int(schooling.removeprefix("isced"))
    if level <= 2:
        return IscedBand.LOW
    if level <= 4:
        return IscedBand.MEDIUM
    return IscedBand.HIGH


class LabourMarketStatus(models.TextChoices):
    UNEMPLOYED = "unemployed", _("Unemployed, less than 12 months")
    LONG_TERM_UNEMPLOYED = "long_term_unemployed", _("Unemployed, 12 months or more")
    INACTIVE = "inactive", _("Inactive (not working, not looking for work)")
    EMPLOYED = "employed", _("Employed")
    SELF_EMPLOYED = "self_employed", _("Self-employed")
    IN_EDUCATION = "in_education", _("In education or training")


class Housing(models.TextChoices):
    STABLE = "stable", _("Stable housing")
    RECEPTION = "reception", _("Reception centre or local reception initiative")
    TEMPORARY = "temporary", _("Staying temporarily with family or friends")
    INADEQUATE = "inadequate", _("Insecure or inadequate housing")
    HOMELESS = "homeless", _("Homeless")


HOUSING_EXCLUSION = {Housing.TEMPORARY, Housing.INADEQUATE, Housing.HOMELESS}


class LanguageUse(models.TextChoices):
    MOTHER_TONGUE = "mother_tongue", _("Mother tongue")
    FLUENT = "fluent", _("Fluent")
    CONVERSATION = "conversation", _("Simple conversation")
    WRITTEN_ONLY = "written_only", _("Written only")


# Languages of the people the programmes serve, plus the national ones. ISO 639 codes.
LANGUAGES = [
    ("ar", _("Arabic")),
    ("am", _("Amharic")),
    ("bn", _("Bengali")),
    ("bo", _("Tibetan")),
    ("de", _("German")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fa", _("Persian (Farsi)")),
    ("prs", _("Dari")),
    ("fr", _("French")),
    ("ku", _("Kurdish (Kurmanji)")),
    ("ckb", _("Kurdish (Sorani)")),
    ("ln", _("Lingala")),
    ("nl", _("Dutch")),
    ("ps", _("Pashto")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
    ("so", _("Somali")),
    ("sw", _("Swahili")),
    ("ti", _("Tigrinya")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ur", _("Urdu")),
    ("other", _("Other language")),
]


class ReferralSource(models.TextChoices):
    SOCIAL_SERVICE = "social_service", _("Social antenna or district social service")
    PARTNER = "partner", _("Partner organisation")
    SELF = "self", _("The person themself")
    FOLLOW_UP = "follow_up", _("Follow-up call after an earlier exit")
    TRANSFER = "transfer", _("Transfer from another programme of the organisation")
    OTHER = "other", _("Other")


class IntakeSupport(models.TextChoices):
    NONE = "none", pgettext_lazy("interpreting", "None")
    INTERPRETER = "interpreter", _("Social interpreter")
    MEDIATOR = "mediator", _("Intercultural mediator")


class ExitReason(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    TRANSFERRED = "transferred", _("Transferred")


class DropOutReason(models.TextChoices):
    HEALTH = "health", _("Health")
    MOVED = "moved", _("Moved away")
    WORK = "work", _("Found work")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    OTHER = "other", _("Other")


class ExitDestination(models.TextChoices):
    ARTICLE_60 = "article_60", _("Subsidised employment (art. 60 §7)")
    JOB = "job", _("Job")
    SELF_EMPLOYMENT = "self_employment", _("Self-employment")
    TRAINING = "training", _("Training or education")
    # ESF+ counts a registered job seeker (Actiris, Le Forem, VDAB) as "job searching upon
    # leaving", apart from "inactive" (neither working, in training nor looking for work).
    JOB_SEEKER = "job_seeker", _("Looking for work (registered job seeker)")
    INACTIVE = "inactive", _("Inactive (not working, not looking for work)")
    VOLUNTEERING = "volunteering", _("Volunteering")
    OTHER_SERVICE = "other_service", _("Another service")
    NONE = "none", pgettext_lazy("destination", "None")
    UNKNOWN = "unknown", _("Unknown")
