"""The intake's eligibility step, composed here because one criterion reads a floor above
`participants`: the minimum language level comes from the latest language assessment
(evaluations), read here and passed in. Routed as `participants:intake-eligibility`, the name
it always had (config/urls.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from evaluations.models import LOCAL_LEVELS
from evaluations.selectors import latest_scale_level
from participants import services
from participants.forms import EligibilityForm
from participants.models import Enrolment
from participants.views import intake_only, intake_page
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from programme.models import EligibilityCriterion


def language_level_for(enrolment: Enrolment) -> str | None:
    """The person's level on the programme's scale, read only when a criterion asks for it."""
    kinds = {criterion.kind for criterion in enrolment.programme.criteria.all()}
    if EligibilityCriterion.Kind.MIN_LANGUAGE_LEVEL not in kinds:
        return None
    return latest_scale_level(enrolment.participant, enrolment.programme.language_scale)


@participant_work_required
@require_http_methods(["GET", "POST"])
@intake_only
def intake_eligibility(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    level = language_level_for(enrolment)
    form = EligibilityForm(posted(request), enrolment=enrolment, language_level=level)
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_record(
                enrolment=enrolment, answers=form.answers(), by=request.user, language_level=level
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Eligibility recorded."))
            return redirect("participants:intake-interview", pk=enrolment.pk)
    label = LOCAL_LEVELS[level][1] if level else ""
    return intake_page(request, enrolment, "eligibility", form, {"language_level": label})
