"""The "Modules" section of the enrolment page: the person's module plan with each module's
sessions and hours (sessions.module_plan), and the coach's actions on it (participants.plans):
choose a module, try it, start, finish or stop it. Composed here because it shows the plan
(participants) beside the sessions (sessions)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participants import plans
from participants.access import get_enrolment, get_in_scope
from participants.models import Enrolment, PlannedModule
from participants.plan_forms import ModuleChooseForm, ModuleDateForm, ModuleStopForm
from programme.access import participant_work_required
from programme.models import Programme
from sessions.module_plan import plan_for

TEMPLATE = "casefile/_modules_panel.html"


def _choosable(enrolment: Enrolment):
    return enrolment.programme.modules.exclude(planned__enrolment=enrolment).order_by(
        "position", "name"
    )


def modules_panel(request: HttpRequest, enrolment: Enrolment) -> dict | None:
    """The plan in its order, each module with sessions attended and held, hours and its
    evaluations, and the modules still to choose. Four queries: the plan with its modules,
    the attendance at their groups' sessions, the modules' evaluations, the modules not in
    the plan."""
    if enrolment.in_intake or enrolment.status == Enrolment.Status.NOT_ADMITTED:
        return None
    lines = plan_for(enrolment)
    can_edit = enrolment.is_open
    choosable = list(_choosable(enrolment)) if can_edit else []
    return {
        "enrolment": enrolment,
        "lines": lines,
        "choosable": choosable,
        "can_try": any(module.trial_sessions for module in choosable),
        "can_edit": can_edit,
        "can_begin": enrolment.status in plans.UNDER_WAY,
        "chosen_path": enrolment.programme.module_path == Programme.ModulePath.CHOSEN,
        "reasons": PlannedModule.StopReason.choices,
        "today": timezone.localdate(),
        "hours": sum(line.hours for line in lines),
    }


def _answer(request, enrolment: Enrolment, error: ValidationError | None, done: str = ""):
    """With htmx the section again (a refusal shown in it); else back to the page, the
    refusal or the confirmation as a message."""
    if request.htmx:
        panel = modules_panel(request, enrolment)
        panel["error"] = " ".join(error.messages) if error else ""
        panel["done"] = done if not error else ""
        return render(request, TEMPLATE, {"panel": panel})
    if error:
        messages.error(request, " ".join(error.messages))
    elif done:
        messages.success(request, done)
    return redirect(enrolment.get_absolute_url() + "#modules")


def _form_error(form) -> ValidationError:
    return ValidationError(
        [
            f"{form.fields[name].label}: {error}" if name in form.fields else str(error)
            for name, errors in form.errors.items()
            for error in errors
        ]
    )


def _get_entry(request, pk: int) -> PlannedModule:
    entries = PlannedModule.objects.select_related(
        "module", "enrolment__participant", "enrolment__programme"
    )
    return get_in_scope(request, entries, pk)


@participant_work_required
@require_POST
def module_choose(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, pk)
    form = ModuleChooseForm(request.POST, modules=enrolment.programme.modules.all())
    if not form.is_valid():
        return _answer(request, enrolment, _form_error(form))
    module = form.cleaned_data["module"]
    try:
        if form.cleaned_data["action"] == ModuleChooseForm.TRY:
            plans.module_try(
                enrolment=enrolment, module=module, on=form.cleaned_data["on"], by=request.user
            )
            done = _("%(module)s: trying it.") % {"module": module.name}
        else:
            plans.module_choose(enrolment=enrolment, module=module, by=request.user)
            done = _("%(module)s added to the plan.") % {"module": module.name}
    except ValidationError as error:
        return _answer(request, enrolment, error)
    return _answer(request, enrolment, None, done)


def _act(request, pk: int, form_class, service, fields: tuple[str, ...], done: str):
    """One action on a planned module: the form's fields passed to the plan's service."""
    entry = _get_entry(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return _answer(request, entry.enrolment, _form_error(form))
    try:
        service(entry=entry, by=request.user, **{name: form.cleaned_data[name] for name in fields})
    except ValidationError as error:
        return _answer(request, entry.enrolment, error)
    return _answer(request, entry.enrolment, None, done % {"module": entry.module.name})


@participant_work_required
@require_POST
def module_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ModuleDateForm, plans.module_start, ("on",), _("%(module)s started."))


@participant_work_required
@require_POST
def module_finish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, ModuleDateForm, plans.module_finish, ("on", "note"), _("%(module)s done.")
    )


@participant_work_required
@require_POST
def module_stop(request: HttpRequest, pk: int) -> HttpResponse:
    fields = ("on", "reason", "note")
    return _act(request, pk, ModuleStopForm, plans.module_stop, fields, _("%(module)s stopped."))
