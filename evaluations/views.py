from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from evaluations.forms import SKILLS, LanguageAssessmentForm
from evaluations.models import Cefr, LanguageAssessment
from evaluations.services import language_assessment_record
from participants.access import get_participant
from participants.models import Enrolment, Participant
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted

Status = Enrolment.Status


def short_level(level: str) -> str:
    """The level as it reads in a sentence: "pre-A1" rather than "Pre-A1 (literacy)"."""
    return _("pre-A1") if level == Cefr.PRE_A1 else Cefr(level).label


@dataclass(frozen=True)
class Change:
    """One skill from the first assessment to a later one, e.g. "oral A1 → A2 (+1)"."""

    skill: str
    before: str
    after: str

    @property
    def steps(self) -> int:
        return Cefr.rank(self.after) - Cefr.rank(self.before)

    def __str__(self) -> str:
        return _("%(skill)s %(before)s → %(after)s (%(steps)s)") % {
            "skill": LanguageAssessment._meta.get_field(self.skill).verbose_name,
            "before": short_level(self.before),
            "after": short_level(self.after),
            "steps": f"{self.steps:+d}" if self.steps else "0",
        }


def progress(first: LanguageAssessment, later: LanguageAssessment) -> list[Change]:
    return [Change(skill, getattr(first, skill), getattr(later, skill)) for skill in SKILLS]


def _scales(participant: Participant) -> set[str]:
    """The local scales of the programmes the person is in, is being taken in by, or has just
    left: a placement test comes at intake, a final one at the exit."""
    return set(
        participant.enrolments.exclude(status__in=[Status.NOT_ADMITTED, Status.CLOSED])
        .exclude(programme__language_scale="")
        .order_by()
        .values_list("programme__language_scale", flat=True)
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def language(request: HttpRequest, pk: int) -> HttpResponse:
    """The person's language assessments, newest first, and the form to record a new one."""
    participant = get_participant(request, pk)
    # get_participant only finds people of the user's own organisation, so this is the
    # participant's organisation; the page header reads the same row.
    organisation = request.staff.organisation
    form = LanguageAssessmentForm(
        posted(request),
        participant=participant,
        language=organisation.language,
        scales=_scales(participant),
    )
    if request.method == "POST" and form.is_valid():
        try:
            language_assessment_record(
                participant=participant, data=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Language assessment recorded."))
            return redirect("evaluations:language", pk=participant.pk)
    assessments = list(participant.language_assessments.select_related("assessed_by"))
    first = assessments[-1] if assessments else None
    history = [
        {"assessment": a, "progress": progress(first, a) if a is not first else []}
        for a in assessments
    ]
    return render(
        request,
        "evaluations/language.html",
        {"participant": participant, "form": form, "history": history},
    )
