import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from evaluations.access import calls_to_make, get_call, get_evaluation
from evaluations.filters import CallQueueFilter
from evaluations.forms import (
    CallAttemptForm,
    EvaluationForm,
    GoalFromScoreForm,
    LanguageAssessmentForm,
)
from evaluations.models import Evaluation, ExitReview, FollowUpCall
from evaluations.selectors import (
    KIND_ORDER,
    assessment_changes,
    comparison,
    domains_of,
    goal_text,
    language_scales,
    next_kind,
)
from evaluations.services import (
    EVALUATION_STATUSES,
    EXIT_EVALUATION_STATUSES,
    call_attempt_record,
    evaluation_record,
    evaluation_update,
    goal_from_score_create,
    language_assessment_record,
    support_reopen,
)
from participants.access import get_enrolment, get_participant
from participants.models import Enrolment
from programme import outcomes, params
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from programme.models import TodoTemplate
from trajectory.services import REFERRAL_STATUSES


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
        scales=language_scales(participant),
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
        {"assessment": a, "progress": assessment_changes(first, a) if a is not first else []}
        for a in assessments
    ]
    return render(
        request,
        "evaluations/language.html",
        {"participant": participant, "form": form, "history": history},
    )


# Evaluations with domain scores ---------------------------------------------------------------

Kind = Evaluation.Kind


@participant_work_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, pk)
    kinds = set(enrolment.evaluations.values_list("kind", flat=True))
    suggested = request.GET.get("kind")
    if suggested not in Kind.values:
        suggested = next_kind(enrolment, kinds) or Kind.MIDWAY
    modules = enrolment.programme.modules.all()
    initial = {"kind": suggested, "held_on": timezone.localdate()}
    # From a module's evaluation to-do: that module, as a mid-way evaluation.
    module_pk = params.id_param(request.GET, "module", lenient=True)
    if module_pk is not None and any(m.pk == module_pk for m in modules):
        initial.update(module=module_pk, kind=Kind.MIDWAY)
    form = EvaluationForm(
        posted(request),
        domains=enrolment.programme.domains(),
        modules=modules,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = evaluation_record(
                enrolment=enrolment,
                kind=form.cleaned_data["kind"],
                held_on=form.cleaned_data["held_on"],
                scores=form.scores(),
                notes=form.cleaned_data["notes"],
                by=request.user,
                module=form.cleaned_data.get("module"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(evaluation)s recorded.")
                % {"evaluation": TodoTemplate.Kind(evaluation.kind).label},
            )
            return redirect("evaluations:evaluation", pk=evaluation.pk)
    return render(
        request,
        "evaluations/evaluation_form.html",
        {
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "form": form,
            "recorded": sorted(kinds, key=KIND_ORDER.get),
        },
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation(request, pk)
    enrolment = evaluation.enrolment
    form = EvaluationForm(
        posted(request), domains=enrolment.programme.domains(), evaluation=evaluation
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_update(
                evaluation=evaluation,
                held_on=form.cleaned_data["held_on"],
                scores=form.scores(),
                notes=form.cleaned_data["notes"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Evaluation corrected."))
            return redirect("evaluations:evaluation", pk=evaluation.pk)
    return render(
        request,
        "evaluations/evaluation_form.html",
        {
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "evaluation": evaluation,
            "form": form,
        },
    )


@participant_work_required
@require_http_methods(["GET"])
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation(request, pk)
    enrolment = evaluation.enrolment
    rows = comparison(evaluation)
    return render(
        request,
        "evaluations/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "rows": rows,
            "has_baseline": any(
                row["baseline_coach"] or row["baseline_participant"] for row in rows
            ),
            "can_edit": enrolment.status in EXIT_EVALUATION_STATUSES
            and (evaluation.kind == Kind.EXIT or enrolment.status in EVALUATION_STATUSES),
        },
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def evaluation_goal(request: HttpRequest, pk: int, domain: str) -> HttpResponse:
    """Turn a domain scored low into a goal of the action plan. With htmx the short form
    opens in place, in the domain's row."""
    evaluation = get_evaluation(request, pk)
    score = get_object_or_404(evaluation.scores, domain=domain)
    form = GoalFromScoreForm(posted(request), initial={"text": goal_text(score)})
    if request.method == "POST" and form.is_valid():
        try:
            goal_from_score_create(
                evaluation=evaluation,
                domain=domain,
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal added to the action plan."))
            url = reverse("evaluations:evaluation", args=[evaluation.pk])
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return redirect(url)
    template = "evaluations/evaluation_goal.html"
    if request.htmx:
        template += "#goal-form"
    return render(
        request,
        template,
        {
            "evaluation": evaluation,
            "enrolment": evaluation.enrolment,
            "participant": evaluation.enrolment.participant,
            "domain": outcomes.BY_CODE[domain],
            "score": score,
            "form": form,
        },
    )


def evaluations_panel(request: HttpRequest, enrolment: Enrolment) -> dict | None:
    """The enrolment page's "Evaluations" section: the domains across evaluations, and a
    link to record the next one. Two queries whatever the number of evaluations."""
    if enrolment.started_on is None:
        return None  # still in intake, or never admitted: nothing to evaluate yet
    evaluations = sorted(
        enrolment.evaluations.select_related("evaluated_by", "module").prefetch_related("scores"),
        key=lambda e: (KIND_ORDER[e.kind], e.held_on, e.pk),
    )
    columns = [{score.domain: score for score in e.scores.all()} for e in evaluations]
    rows = [
        {
            "domain": domain,
            "cells": [
                {
                    "coach": column[domain.code].coach_score if domain.code in column else None,
                    "participant": column[domain.code].participant_score
                    if domain.code in column
                    else None,
                }
                for column in columns
            ],
        }
        for domain in domains_of(enrolment.programme, *columns)
    ]
    kind = next_kind(enrolment, {e.kind for e in evaluations})
    # Grouped by module once any evaluation names one: the trajectory's own first, then each
    # module in the programme's order.
    by_module = []
    if any(e.module_id for e in evaluations):
        groups: dict = {}
        for e in evaluations:
            groups.setdefault(e.module, []).append(e)
        by_module = sorted(
            groups.items(),
            key=lambda item: (item[0] is not None, item[0] and (item[0].position, item[0].name)),
        )
    return {
        "enrolment": enrolment,
        "evaluations": evaluations,
        "by_module": by_module,
        "rows": rows,
        "next_kind": Kind(kind) if kind else None,
    }


# Exit and follow-up calls ---------------------------------------------------------------------

CallStatus = FollowUpCall.Status


def exit_panel(request: HttpRequest, enrolment: Enrolment) -> dict | None:
    """The enrolment page's "Exit and follow-up" section, once the person has left. Two
    queries whatever the number of calls; none before the exit."""
    if enrolment.exited_on is None:
        return None
    review = ExitReview.objects.filter(enrolment=enrolment).select_related("reviewed_by").first()
    calls = list(
        enrolment.follow_up_calls.select_related("completed_by")
        .annotate(attempt_count=Count("attempts"))
        .order_by("due_on", "pk")  # the count drops the model's default order
    )
    if review is None and not calls:
        return None
    return {"review": review, "calls": calls, "today": timezone.localdate()}


QUEUE_DAYS_AHEAD = 7


def calls_due_count(request: HttpRequest, today) -> int:
    """For the to-do list's reminder: how many of the follow-up calls this person makes are due
    today or overdue (one query)."""
    return calls_to_make(request.staff).due(today).count()


@participant_work_required
@require_http_methods(["GET"])
def call_queue(request: HttpRequest) -> HttpResponse:
    """Who to call: calls due today and overdue (oldest first), then those of the coming week."""
    today = timezone.localdate()
    calls = (
        calls_to_make(request.staff)
        .pending()
        .filter(due_on__lte=today + datetime.timedelta(days=QUEUE_DAYS_AHEAD))
        .select_related("enrolment__participant", "enrolment__programme", "enrolment__coach")
        .annotate(attempt_count=Count("attempts"))
        .order_by("due_on", "pk")
    )
    filterset = None
    if not request.staff.is_coach:
        filterset = CallQueueFilter(request.GET or None, queryset=calls, staff=request.staff)
        calls = filterset.qs
    calls = list(calls)
    template = "evaluations/call_queue.html"
    if request.htmx:
        template += "#queue"
    return render(
        request,
        template,
        {
            "filter": filterset,
            "due": [call for call in calls if call.due_on <= today],
            "coming": [call for call in calls if call.due_on > today],
            "today": today,
        },
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def follow_up_call(request: HttpRequest, pk: int) -> HttpResponse:
    """One call: who to call and how, the attempts so far, and the form to log the next one.
    From the queue the form opens in place (htmx)."""
    call = get_call(request, pk)
    form = CallAttemptForm(posted(request), call=call)
    if request.method == "POST" and form.is_valid():
        try:
            call_attempt_record(call=call, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _call_message(call))
            # Still to call: back to the queue for the next person. Closed: the call's page,
            # with what was said and, when the person needs help, what to do about it.
            if call.status == CallStatus.PLANNED:
                url = reverse("evaluations:call-queue")
            else:
                url = reverse("evaluations:call", args=[call.pk])
            if request.htmx:
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return redirect(url)
    template = "evaluations/follow_up_call.html"
    if request.htmx:
        template += "#call-form"
    enrolment = call.enrolment
    return render(
        request,
        template,
        {
            "call": call,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "form": form,
            "attempts": list(call.attempts.select_related("attempted_by")),
            "review": ExitReview.objects.filter(enrolment=enrolment).first(),
            "reopened": _reopened(call),
            "refer_url": _refer_url(call),
            "today": timezone.localdate(),
        },
    )


def _call_message(call: FollowUpCall) -> str:
    if call.status == CallStatus.REACHED:
        return _("Call logged: %(name)s was reached.") % {
            "name": call.enrolment.participant.full_name
        }
    if call.status == CallStatus.UNREACHABLE:
        return _("Call logged. No more attempts: %(name)s is marked unreachable.") % {
            "name": call.enrolment.participant.full_name
        }
    attempts = call.attempts.count()
    return _("Attempt %(count)s of %(max)s logged. Try again another day.") % {
        "count": attempts,
        "max": call.enrolment.programme.follow_up_max_attempts,
    }


def _reopened(call: FollowUpCall) -> Enrolment | None:
    """The open enrolment in the same programme, once support was reopened (or the person is
    back some other way): then there is nothing to reopen."""
    if not (call.status == CallStatus.REACHED and call.needs_help):
        return None
    enrolment = call.enrolment
    return (
        enrolment.participant.enrolments.open()
        .filter(programme_id=enrolment.programme_id)
        .order_by("-pk")
        .first()
    )


def _refer_url(call: FollowUpCall) -> str:
    """The referral form, filled in with what the person asked for."""
    if not (call.status == CallStatus.REACHED and call.needs_help):
        return ""
    if call.enrolment.status not in REFERRAL_STATUSES:
        return ""  # a closed file takes no more referrals
    url = reverse("trajectory:referral-add", args=[call.enrolment_id])
    reason = _("Asked for help at the follow-up call (%(interval)s after exit): %(help)s") % {
        "interval": call.interval,
        "help": call.help_notes,
    }
    return f"{url}?{urlencode({'kind': 'other', 'reason': reason})}"


@participant_work_required
@require_POST
def call_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_call(request, pk)
    try:
        enrolment = support_reopen(call=call, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("evaluations:call", pk=call.pk)
    messages.success(
        request,
        _("Support reopened: %(name)s is referred to %(programme)s again. Next: the intake.")
        % {"name": enrolment.participant.full_name, "programme": enrolment.programme.name},
    )
    return redirect(enrolment)
