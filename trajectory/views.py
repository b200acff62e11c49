"""The trajectory on the enrolment page: the action plan, referrals to partners and
placements (each a section listed in casefile.panels), with their forms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participants.access import get_enrolment, get_in_scope
from participants.models import Consent, Enrolment
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from trajectory import services
from trajectory.forms import (
    GoalForm,
    GoalReviseForm,
    PartnerReferralForm,
    PlacementEndForm,
    PlacementForm,
    ReferralStatusForm,
    StepForm,
)
from trajectory.models import ActionStep, Goal, Placement, Referral

# ---------------------------------------------------------------------------------------------
# Access: every record is reached through the enrolments the user may see, so anything out of
# reach is a 404.


def _get_goal(request, pk: int) -> Goal:
    goals = Goal.objects.select_related("enrolment__participant", "enrolment__programme")
    return get_in_scope(request, goals, pk)


def _get_step(request, pk: int) -> ActionStep:
    steps = ActionStep.objects.select_related(
        "goal__enrolment__participant", "goal__enrolment__programme"
    )
    return get_in_scope(request, steps, pk, via="goal__enrolment")


def _get_referral(request, pk: int) -> Referral:
    referrals = Referral.objects.select_related(
        "enrolment__participant", "enrolment__programme", "partner"
    )
    return get_in_scope(request, referrals, pk)


def _get_placement(request, pk: int) -> Placement:
    placements = Placement.objects.select_related(
        "enrolment__participant", "enrolment__programme", "host"
    )
    return get_in_scope(request, placements, pk)


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _back_to_plan(enrolment: Enrolment) -> HttpResponse:
    return redirect(enrolment.get_absolute_url() + "#action-plan")


# ---------------------------------------------------------------------------------------------
# The action plan


def plan_panel(request: HttpRequest, enrolment: Enrolment) -> dict | None:
    """The goals with their steps, each revised goal kept under the one that replaced it, and
    the ladder of autonomy. Two queries: the goals, then all their steps."""
    if enrolment.started_on is None:
        return None
    goals = list(
        enrolment.goals.select_related("created_by").prefetch_related(
            Prefetch("steps", queryset=ActionStep.objects.order_by("position", "pk"))
        )
    )
    by_pk = {goal.pk: goal for goal in goals}
    current = []
    for goal in goals:
        if goal.status == Goal.Status.REVISED:
            continue
        goal.history = []
        earlier = by_pk.get(goal.revises_id)
        while earlier is not None:
            goal.history.append(earlier)
            earlier = by_pk.get(earlier.revises_id)
        current.append(goal)
    steps = [step for goal in goals for step in goal.steps.all()]
    done = [step for step in steps if step.status == ActionStep.Status.DONE]
    today = timezone.localdate()
    ladder = [
        {
            "who": who,
            "label": label,
            "done": sum(1 for step in done if step.who == who),
            "planned": sum(
                1 for step in steps if step.who == who and step.status == ActionStep.Status.OPEN
            ),
        }
        for who, label in [
            (ActionStep.Who.PARTICIPANT, _("Alone")),
            (ActionStep.Who.TOGETHER, _("Together")),
            (ActionStep.Who.COACH, _("By the coach")),
        ]
    ]
    for row in ladder:
        row["share"] = round(100 * row["done"] / len(done)) if done else 0
    return {
        "enrolment": enrolment,
        "goals": current,
        "ladder": ladder,
        "done_count": len(done),
        "overdue_count": sum(1 for step in steps if step.is_overdue(today)),
        "today": today,
        "can_edit": enrolment.is_open,
    }


def _plan_response(request, enrolment: Enrolment, error: ValidationError | None) -> HttpResponse:
    """After a tap: the panel again with htmx (a refusal shown in it), else back to the
    enrolment page (a refusal shown as a message)."""
    if request.htmx:
        panel = plan_panel(request, enrolment)
        panel["error"] = " ".join(error.messages) if error else ""
        return render(request, "trajectory/_plan_panel.html", {"panel": panel})
    if error:
        _refused(request, error)
    return _back_to_plan(enrolment)


def _form_page(request, template: str, enrolment: Enrolment, **context) -> HttpResponse:
    return render(
        request,
        template,
        {"enrolment": enrolment, "participant": enrolment.participant, **context},
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, pk)
    if not enrolment.is_open:
        return _back_to_plan(enrolment)
    form = GoalForm(posted(request), programme=enrolment.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_create(enrolment=enrolment, by=request.user, **form.goal_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal added. Next: the first step."))
            return _back_to_plan(enrolment)
    return _form_page(request, "trajectory/goal_form.html", enrolment, form=form)


@participant_work_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _get_goal(request, pk)
    enrolment = goal.enrolment
    if not goal.can_change:
        return _back_to_plan(enrolment)
    form = GoalForm(posted(request), instance=goal, programme=enrolment.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(goal=goal, by=request.user, **form.goal_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal saved."))
            return _back_to_plan(enrolment)
    return _form_page(request, "trajectory/goal_form.html", enrolment, form=form, goal=goal)


@participant_work_required
@require_http_methods(["GET", "POST"])
def goal_revise(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _get_goal(request, pk)
    enrolment = goal.enrolment
    if not goal.can_change:
        return _back_to_plan(enrolment)
    initial = {
        "text": goal.text,
        "text_own_language": goal.text_own_language,
        "own_language": goal.own_language,
        "domain": goal.domain,
    }
    form = GoalReviseForm(posted(request), initial=initial, programme=enrolment.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_revise(
                goal=goal,
                carry_open_steps=form.cleaned_data["carry_open_steps"],
                by=request.user,
                **form.goal_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal revised: the earlier version is kept below it."))
            return _back_to_plan(enrolment)
    return _form_page(
        request, "trajectory/goal_form.html", enrolment, form=form, goal=goal, revising=True
    )


@participant_work_required
@require_POST
def goal_close(request: HttpRequest, pk: int, status: str) -> HttpResponse:
    goal = _get_goal(request, pk)
    if status not in {"achieved", "dropped", "open"}:
        raise Http404
    error = None
    try:
        if status == "open":
            services.goal_reopen(goal=goal, by=request.user)
        else:
            services.goal_close(goal=goal, status=status, by=request.user)
    except ValidationError as refused:
        error = refused
    return _plan_response(request, goal.enrolment, error)


@participant_work_required
@require_http_methods(["GET", "POST"])
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _get_goal(request, pk)
    enrolment = goal.enrolment
    if not goal.can_change:
        return _back_to_plan(enrolment)
    form = StepForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.step_add(goal=goal, by=request.user, **form.step_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Step added."))
            if "another" in request.POST:
                return redirect("trajectory:step-add", pk=goal.pk)
            return _back_to_plan(enrolment)
    return _form_page(request, "trajectory/step_form.html", enrolment, form=form, goal=goal)


@participant_work_required
@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = _get_step(request, pk)
    goal = step.goal
    enrolment = goal.enrolment
    if not goal.can_change:
        return _back_to_plan(enrolment)
    form = StepForm(posted(request), instance=step)
    if request.method == "POST" and form.is_valid():
        try:
            services.step_update(step=step, by=request.user, **form.step_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Step saved."))
            return _back_to_plan(enrolment)
    return _form_page(
        request, "trajectory/step_form.html", enrolment, form=form, goal=goal, step=step
    )


STEP_ACTIONS = {
    "done": lambda step, by: services.step_mark_done(step=step, by=by),
    "undo": lambda step, by: services.step_undo(step=step, by=by),
    "drop": lambda step, by: services.step_drop(step=step, by=by),
}


@participant_work_required
@require_POST
def step_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One tap: done, not done after all, or dropped."""
    step = _get_step(request, pk)
    if action not in STEP_ACTIONS:
        raise Http404
    error = None
    try:
        STEP_ACTIONS[action](step, request.user)
    except ValidationError as refused:
        error = refused
    return _plan_response(request, step.goal.enrolment, error)


# ---------------------------------------------------------------------------------------------
# Referrals to partners


def referrals_panel(request: HttpRequest, enrolment: Enrolment) -> dict | None:
    """One query: the referrals with their partner, consent and author."""
    if enrolment.status == Enrolment.Status.REFERRED:
        return None
    referrals = list(
        enrolment.referrals_out.select_related("partner", "consent", "created_by").order_by(
            "-sent_on", "-pk"
        )
    )
    return {
        "enrolment": enrolment,
        "referrals": referrals,
        "can_add": enrolment.status in services.REFERRAL_STATUSES,
        "today": timezone.localdate(),
    }


@participant_work_required
@require_http_methods(["GET", "POST"])
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Refer to a partner. A link may prefill the kind and reason (a follow-up call that found
    a need, for one): ?kind=legal&reason=…"""
    enrolment = get_enrolment(request, pk)
    prefill = {}
    if request.GET.get("kind") in Referral.Kind.values:
        prefill["kind"] = request.GET["kind"]
    if request.GET.get("reason"):
        prefill["reason"] = request.GET["reason"][:2000]
    form = PartnerReferralForm(posted(request), initial=prefill, staff=request.staff)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                enrolment=enrolment, by=request.user, **form.referral_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Referral to %(partner)s recorded.") % {"partner": referral.partner.name},
            )
            return redirect(enrolment.get_absolute_url() + "#referrals")
    consented = set(
        Consent.objects.valid_on(timezone.localdate())
        .filter(participant_id=enrolment.participant_id, purpose=Consent.Purpose.SHARING)
        .values_list("partner__name", flat=True)
    )
    return _form_page(
        request,
        "trajectory/partner_referral_form.html",
        enrolment,
        form=form,
        consented=sorted(consented),
        can_add=enrolment.status in services.REFERRAL_STATUSES,
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def referral_status(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get_referral(request, pk)
    enrolment = referral.enrolment
    if referral.is_finished:
        return redirect(enrolment.get_absolute_url() + "#referrals")
    form = ReferralStatusForm(posted(request), referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_update_status(
                referral=referral, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Referral to %(partner)s: %(status)s.")
                % {"partner": referral.partner.name, "status": referral.get_status_display()},
            )
            return redirect(enrolment.get_absolute_url() + "#referrals")
    return _form_page(
        request, "trajectory/referral_status.html", enrolment, form=form, referral=referral
    )


# ---------------------------------------------------------------------------------------------
# Placements


def placements_panel(request: HttpRequest, enrolment: Enrolment) -> dict | None:
    """One query: the placements with their host and module."""
    if enrolment.started_on is None:
        return None
    today = timezone.localdate()
    placements = list(enrolment.placements.select_related("host", "module"))
    for placement in placements:
        placement.hours_so_far = placement.hours_between(placement.starts_on, today, today)
    return {
        "enrolment": enrolment,
        "placements": placements,
        "can_add": enrolment.status in {Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED},
        "today": today,
    }


@participant_work_required
@require_http_methods(["GET", "POST"])
def placement_add(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, pk)
    form = PlacementForm(posted(request), staff=request.staff, enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_create(
                enrolment=enrolment, data=form.placement_data(), by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Placement at %(host)s recorded.") % {"host": placement.host.name}
            )
            return redirect(enrolment.get_absolute_url() + "#placements")
    return _form_page(
        request,
        "trajectory/placement_form.html",
        enrolment,
        form=form,
        can_add=enrolment.status in {Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED},
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def placement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _get_placement(request, pk)
    enrolment = placement.enrolment
    form = PlacementForm(posted(request), instance=placement, staff=request.staff)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_update(
                placement=placement,
                data=form.placement_data(),
                version=form.cleaned_data.get("version") or 0,
                status=form.cleaned_data.get("status") or None,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Placement saved."))
            return redirect(enrolment.get_absolute_url() + "#placements")
    return _form_page(
        request,
        "trajectory/placement_form.html",
        enrolment,
        form=form,
        placement=placement,
        can_add=True,
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def placement_end(request: HttpRequest, pk: int) -> HttpResponse:
    placement = _get_placement(request, pk)
    enrolment = placement.enrolment
    if placement.is_finished:
        return redirect(enrolment.get_absolute_url() + "#placements")
    form = PlacementEndForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_end(
                placement=placement,
                on=form.cleaned_data["ended_on"],
                outcome=form.cleaned_data["outcome"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Placement ended."))
            return redirect(enrolment.get_absolute_url() + "#placements")
    return _form_page(
        request, "trajectory/placement_end.html", enrolment, form=form, placement=placement
    )
