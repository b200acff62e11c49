"""Language assessments on the participant file's timeline (registered in apps.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from evaluations.models import LanguageAssessment
from participants.timeline import Entry, _name


def assessment_entries(participant) -> list[Entry]:
    """One entry per assessment, in one query whatever the length of the history."""
    assessments = LanguageAssessment.objects.filter(participant=participant).select_related(
        "assessed_by"
    )
    url = reverse("evaluations:language", args=[participant.pk])
    return [
        Entry(
            when=assessment.assessed_on,
            kind="language-assessment",
            title=_("Language assessment: %(summary)s") % {"summary": assessment.summary},
            detail=_("Local scale: %(level)s") % {"level": assessment.get_local_level_display()}
            if assessment.local_level
            else "",
            by=_name(assessment.assessed_by),
            url=url,
            recorded_at=assessment.created_at,
        )
        for assessment in assessments
    ]
