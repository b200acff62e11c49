from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participants import services
from participants.access import (
    get_enrolment,
    get_participant,
    participants_for,
)
from participants.filters import CaseloadFilter
from participants.forms import (
    DecisionForm,
    InterviewForm,
    LanguageFormSet,
    ParticipantForm,
    ReferralForm,
)
from participants.models import Enrolment, IntakeInterview
from programme import params
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted

Status = Enrolment.Status


@participant_work_required
@require_http_methods(["GET"])
def caseload(request: HttpRequest) -> HttpResponse:
    participants = (
        participants_for(request.staff)
        .select_related("coach")
        .prefetch_related(
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.select_related("programme").order_by(
                    "-referred_on", "-pk"
                ),
            )
        )
    )
    # The filter form always sends `coach`, empty for "All": only a chosen coach changes the title.
    if request.staff.is_coach and not request.GET.get("coach"):
        heading = _("My caseload")
    else:
        heading = _("Participants")
    filterset = CaseloadFilter(request.GET or None, queryset=participants, staff=request.staff)
    page = Paginator(filterset.qs, settings.CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "participants/caseload.html"
    if request.htmx:
        template += "#results"
    return render(
        request,
        template,
        {"filter": filterset, "page": page, "heading": heading, "query": query.urlencode()},
    )


PICK_LIMIT = 20


@participant_work_required
@require_http_methods(["GET"])
def participant_pick(request: HttpRequest) -> HttpResponse:
    """Search-as-you-type for forms that pick people: the people already ticked stay first and
    ticked, then at most 20 matches. One indexed query whatever the size of the caseload."""
    scope = participants_for(request.staff)
    ticked_ids = params.ids_param(request.GET, "participants")
    ticked = list(scope.filter(pk__in=ticked_ids)) if ticked_ids else []
    query = request.GET.get("q", "").strip()
    matches = list(scope.search(query).exclude(pk__in=ticked_ids)[:PICK_LIMIT]) if query else []
    return render(
        request,
        "participants/_pick_results.html",
        {"ticked": ticked, "matches": matches, "query": query, "limit": PICK_LIMIT},
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def participant_create(request: HttpRequest) -> HttpResponse:
    form = ParticipantForm(posted(request), staff=request.staff)
    languages = LanguageFormSet(posted(request), prefix="lang")
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        try:
            participant = services.participant_create(
                organisation=request.staff.organisation,
                data=form.participant_data(),
                languages=languages.rows(),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The file of %(name)s was created.") % {"name": participant.full_name}
            )
            return redirect("participants:refer", pk=participant.pk)
    return render(
        request,
        "participants/participant_form.html",
        {"form": form, "languages": languages, "visible_ids": _visible_ids(request, form)},
    )


def _visible_ids(request, form) -> set[int]:
    """Duplicates the user may open; the others are named without a link."""
    ids = [p.pk for p in form.duplicates]
    if not ids:
        return set()
    return set(participants_for(request.staff).filter(pk__in=ids).values_list("pk", flat=True))


@participant_work_required
@require_http_methods(["GET", "POST"])
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request, pk)
    form = ParticipantForm(
        posted(request),
        instance=participant,
        staff=request.staff,
    )
    initial = [{"language": s.language, "use": s.use} for s in participant.languages.all()]
    languages = LanguageFormSet(posted(request), prefix="lang", initial=initial)
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        try:
            services.participant_update(
                participant=participant,
                data=form.participant_data(),
                version=form.cleaned_data.get("version") or 0,
                languages=languages.rows(),
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(participant)
    return render(
        request,
        "participants/participant_form.html",
        {
            "form": form,
            "languages": languages,
            "participant": participant,
            "visible_ids": _visible_ids(request, form),
        },
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def enrolment_refer(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request, pk)
    form = ReferralForm(posted(request), staff=request.staff)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.enrolment_refer(
                participant=participant, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Referral recorded. Next: the intake."))
            return redirect(enrolment)
    return render(
        request, "participants/referral_form.html", {"form": form, "participant": participant}
    )


def intake_steps(enrolment: Enrolment) -> list[dict]:
    """The four intake steps and how far this enrolment got (also on the enrolment page)."""
    steps = [
        {"key": "referral", "label": _("Referral"), "done": True},
        {"key": "eligibility", "label": _("Eligibility"), "done": enrolment.eligibility_checked()},
        {"key": "interview", "label": _("Intake interview"), "done": enrolment.interviewed()},
        {"key": "decision", "label": _("Decision"), "done": not enrolment.in_intake},
    ]
    for step in steps:
        step["url"] = (
            reverse(f"participants:intake-{step['key']}", args=[enrolment.pk])
            if step["key"] != "referral"
            else ""
        )
    current = next((s for s in steps if not s["done"]), None)
    if current:
        current["current"] = True
    return steps


def intake_page(request, enrolment, step: str, form, extra=None):
    context = {
        "enrolment": enrolment,
        "participant": enrolment.participant,
        "steps": intake_steps(enrolment),
        "step": step,
        "form": form,
        **(extra or {}),
    }
    return render(request, f"participants/intake_{step}.html", context)


def intake_only(view):
    """Once the intake is decided its pages only lead back to the enrolment."""

    @wraps(view)
    def wrapper(request, pk):
        enrolment = get_enrolment(
            request, pk, prefetch=("eligibility", "interviews", "programme__criteria")
        )
        if not enrolment.in_intake:
            return redirect(enrolment)
        return view(request, enrolment)

    return wrapper


# The eligibility step is composed in casefile (casefile/intake_views.py): its language-level
# criterion reads the assessments, a floor above this app.


@participant_work_required
@require_http_methods(["GET", "POST"])
@intake_only
def intake_interview(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    form = InterviewForm(posted(request), instance=IntakeInterview(enrolment=enrolment))
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_interview_record(
                enrolment=enrolment, data=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Intake interview recorded."))
            return redirect("participants:intake-decision", pk=enrolment.pk)
    return intake_page(request, enrolment, "interview", form)


@participant_work_required
@require_http_methods(["GET", "POST"])
@intake_only
def intake_decision(request: HttpRequest, enrolment: Enrolment) -> HttpResponse:
    form = DecisionForm(posted(request), programme=enrolment.programme)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.intake_decide(
                enrolment=enrolment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data.get("start_date"),
                by=request.user,
                track=form.cleaned_data.get("track"),
                cohort=form.cleaned_data.get("cohort"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Decision recorded: %(status)s.") % {"status": enrolment.get_status_display()},
            )
            return redirect(enrolment)
    return intake_page(request, enrolment, "decision", form)


@participant_work_required
@require_POST
def intake_start(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, pk)
    try:
        services.intake_start(enrolment=enrolment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("participants:intake-eligibility", pk=enrolment.pk)
