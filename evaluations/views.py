import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from evaluations.filters import CallQueueFilter
from evaluations.forms import (
    SKILLS,
    CallAttemptForm,
    EvaluationForm,
    GoalFromScoreForm,
    LanguageAssessmentForm,
)
from evaluations.models import (
    Cefr,
    DomainScore,
    Evaluation,
    ExitReview,
    FollowUpCall,
    LanguageAssessment,
)
from evaluations.services import (
    EVALUATION_STATUSES,
    EXIT_EVALUATION_STATUSES,
    LOW_LEVELS,
    call_attempt_record,
    evaluation_record,
    evaluation_update,
    goal_from_score_create,
    is_low,
    language_assessment_record,
    support_reopen,
)
from participants import panels
from participants.access import enrolments_for, get_enrolment, get_in_scope, get_participant
from participants.models import Enrolment, Participant
from participants.services import planned_end
from programme import outcomes
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from programme.models import TodoTemplate
from trajectory.models import Goal
from trajectory.services import REFERRAL_STATUSES

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


# Evaluations with domain scores ---------------------------------------------------------------

Kind = Evaluation.Kind
# Baseline first and exit last, whatever the dates say; mid-ways in date order between them.
KIND_ORDER = {Kind.BASELINE: 0, Kind.MIDWAY: 1, Kind.EXIT: 2}


def get_evaluation(request: HttpRequest, pk: int) -> Evaluation:
    """An evaluation of an enrolment within the user's reach; anything else is a 404."""
    evaluations = Evaluation.objects.select_related(
        "enrolment__participant", "enrolment__programme", "evaluated_by"
    )
    return get_in_scope(request, evaluations, pk)


def next_kind(enrolment: Enrolment, kinds: set[str], today=None) -> str | None:
    """The evaluation to record next: the baseline first, the exit once the planned end is
    near (or the person has left), mid-way ones in between; None once the exit is done."""
    if enrolment.status not in EXIT_EVALUATION_STATUSES or Kind.EXIT in kinds:
        return None
    if enrolment.status == Status.EXITED:
        return Kind.EXIT
    if Kind.BASELINE not in kinds:
        return Kind.BASELINE
    end = planned_end(enrolment)
    today = today or timezone.localdate()
    if end and today >= end - datetime.timedelta(weeks=4):
        return Kind.EXIT
    return Kind.MIDWAY


@dataclass(frozen=True)
class ScoreChange:
    """One score from the baseline to a later evaluation, said in words and with an icon so
    the change does not rest on colour alone."""

    before: int | None
    after: int | None

    @property
    def steps(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def icon(self) -> str:
        if self.steps is None:
            return ""
        return "trending-up" if self.steps > 0 else "trending-down" if self.steps < 0 else "minus"

    @property
    def words(self) -> str:
        if self.steps is None:
            return ""
        if self.steps > 0:
            return ngettext("up %(steps)d level", "up %(steps)d levels", self.steps) % {
                "steps": self.steps
            }
        if self.steps < 0:
            return ngettext("down %(steps)d level", "down %(steps)d levels", -self.steps) % {
                "steps": -self.steps
            }
        return _("same level")

    @property
    def direction(self) -> str:
        if self.steps is None:
            return ""
        return "up" if self.steps > 0 else "down" if self.steps < 0 else "same"


def _level(score: int | None) -> str:
    if score is None:
        return ""
    return f"{score} · {outcomes.LEVEL_NAMES[score]}"


def _domains_of(programme, *score_maps) -> list[outcomes.Domain]:
    """The programme's domains in its order, then any scored earlier and since dropped."""
    domains = programme.domains()
    known = {domain.code for domain in domains}
    for scores in score_maps:
        for code in scores:
            if code not in known and code in outcomes.BY_CODE:
                domains.append(outcomes.BY_CODE[code])
                known.add(code)
    return domains


@participant_work_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, pk)
    kinds = set(enrolment.evaluations.values_list("kind", flat=True))
    suggested = request.GET.get("kind")
    if suggested not in Kind.values:
        suggested = next_kind(enrolment, kinds) or Kind.MIDWAY
    form = EvaluationForm(
        posted(request),
        domains=enrolment.programme.domains(),
        initial={"kind": suggested, "held_on": timezone.localdate()},
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


def _comparison(evaluation: Evaluation) -> list[dict]:
    """Per domain: this evaluation's scores beside the baseline's, the change, and the goal
    being worked on for that domain. Three queries whatever the number of domains."""
    enrolment = evaluation.enrolment
    scores = {score.domain: score for score in evaluation.scores.all()}
    baseline = {}
    if evaluation.kind != Kind.BASELINE:
        baseline = {
            score.domain: score
            for score in DomainScore.objects.filter(
                evaluation__enrolment=enrolment, evaluation__kind=Kind.BASELINE
            )
        }
    goals = {}
    for goal in enrolment.goals.filter(status=Goal.Status.OPEN).exclude(domain=""):
        goals.setdefault(goal.domain, goal)
    can_add_goals = enrolment.status in EVALUATION_STATUSES
    rows = []
    for domain in _domains_of(enrolment.programme, scores, baseline):
        score = scores.get(domain.code)
        before = baseline.get(domain.code)
        coach = score.coach_score if score else None
        own = score.participant_score if score else None
        rows.append(
            {
                "domain": domain,
                "score": score,
                "coach": _level(coach),
                "participant": _level(own),
                "baseline_coach": _level(before.coach_score) if before else "",
                "baseline_participant": _level(before.participant_score) if before else "",
                "coach_change": ScoreChange(before.coach_score if before else None, coach),
                "participant_change": ScoreChange(
                    before.participant_score if before else None, own
                ),
                "goal": goals.get(domain.code),
                "low": bool(score and is_low(score)),
                "can_add_goal": can_add_goals and bool(score and is_low(score)),
            }
        )
    return rows


@participant_work_required
@require_http_methods(["GET"])
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_evaluation(request, pk)
    enrolment = evaluation.enrolment
    rows = _comparison(evaluation)
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


def _goal_text(score: DomainScore) -> str:
    """A starting text the coach rewrites with the participant: the next level's definition."""
    lows = [v for v in (score.coach_score, score.participant_score) if v in LOW_LEVELS]
    domain = outcomes.BY_CODE[score.domain]
    return str(domain.definition(min(lows) + 1)) if lows else ""


@participant_work_required
@require_http_methods(["GET", "POST"])
def evaluation_goal(request: HttpRequest, pk: int, domain: str) -> HttpResponse:
    """Turn a domain scored low into a goal of the action plan. With htmx the short form
    opens in place, in the domain's row."""
    evaluation = get_evaluation(request, pk)
    score = get_object_or_404(evaluation.scores, domain=domain)
    form = GoalFromScoreForm(posted(request), initial={"text": _goal_text(score)})
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
        enrolment.evaluations.select_related("evaluated_by").prefetch_related("scores"),
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
        for domain in _domains_of(enrolment.programme, *columns)
    ]
    kind = next_kind(enrolment, {e.kind for e in evaluations})
    return {
        "enrolment": enrolment,
        "evaluations": evaluations,
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


def calls_for(staff):
    """Follow-up calls of the enrolments the user may see: a coach's caseload, a manager's
    whole organisation."""
    return FollowUpCall.objects.filter(enrolment__in=enrolments_for(staff))


def get_call(request: HttpRequest, pk: int) -> FollowUpCall:
    return get_object_or_404(
        calls_for(request.staff).select_related(
            "enrolment__participant", "enrolment__programme", "enrolment__coach"
        ),
        pk=pk,
    )


QUEUE_DAYS_AHEAD = 7


def _own_calls(request, calls):
    if request.staff.is_coach:
        user = request.user
        return calls.filter(Q(enrolment__coach=user) | Q(enrolment__participant__coach=user))
    return calls


def calls_due_reminder(request: HttpRequest, today) -> panels.Reminder | None:
    """For the to-do list: how many follow-up calls are due today or overdue (one query)."""
    due = _own_calls(request, calls_for(request.staff).due(today)).count()
    if not due:
        return None
    text = ngettext(
        "%(count)s follow-up call due today or overdue",
        "%(count)s follow-up calls due today or overdue",
        due,
    ) % {"count": due}
    return panels.Reminder(text, reverse("evaluations:call-queue"), "phone-call")


@participant_work_required
@require_http_methods(["GET"])
def call_queue(request: HttpRequest) -> HttpResponse:
    """Who to call: calls due today and overdue (oldest first), then those of the coming week."""
    today = timezone.localdate()
    calls = (
        calls_for(request.staff)
        .pending()
        .filter(due_on__lte=today + datetime.timedelta(days=QUEUE_DAYS_AHEAD))
        .select_related("enrolment__participant", "enrolment__programme", "enrolment__coach")
        .annotate(attempt_count=Count("attempts"))
        .order_by("due_on", "pk")
    )
    filterset = None
    if request.staff.is_coach:
        calls = _own_calls(request, calls)
    else:
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
    """The referral form, filled in with what the person asked for. Referrals to partners
    belong to the action plan, built apart: no link until that page exists."""
    if not (call.status == CallStatus.REACHED and call.needs_help):
        return ""
    if call.enrolment.status not in REFERRAL_STATUSES:
        return ""  # a closed file takes no more referrals
    try:
        url = reverse("trajectory:referral-add", args=[call.enrolment_id])
    except NoReverseMatch:
        return ""
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
