"""A person's module plan: which modules of the programme they follow, in which order, from
when to when (decision 22). Every write to `PlannedModule` goes through these functions.

- A programme whose path is a *sequence* gives each person its modules in their order when the
  enrolment starts (`plan_generate`, called by the admission and the transfer); the first one
  runs from the start date, finishing one starts the next.
- In a programme whose path is *chosen*, the coach adds modules one by one (`module_choose`),
  in any order, tries one first where the module allows it (`module_try`), then starts,
  finishes or stops it.
- Joining a group of a module puts the module in the plan, running from that day
  (`module_join`, called by sessions.services.group_add_members); leaving the last group of
  a module ends it (`module_leave`); the exit ends what still runs (`plan_end_on_exit`, called
  by casefile.lifecycle.enrolment_exit).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit import services as audit
from participants.models import Enrolment, PlannedModule
from programme.dates import not_before, not_in_future
from programme.models import Module, Programme

Status = PlannedModule.Status
Reason = PlannedModule.StopReason
# The enrolment statuses in which a module can begin: admitted, in their trajectory.
UNDER_WAY = {Enrolment.Status.ACTIVE, Enrolment.Status.PAUSED}


def _record(entry: PlannedModule, before: dict | None, by) -> None:
    audit.record_change(
        instance=entry, before=before, by=by, participant=entry.enrolment.participant
    )


def _next_position(enrolment: Enrolment) -> int:
    last = enrolment.planned_modules.aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _check_module(enrolment: Enrolment, module: Module) -> None:
    if module.programme_id != enrolment.programme_id:
        raise ValidationError({"module": _("This module belongs to another programme.")})


def _check_open(enrolment: Enrolment) -> None:
    if not enrolment.is_open:
        raise ValidationError(_("This enrolment is closed: its module plan no longer changes."))


def _check_start(enrolment: Enrolment, on: datetime.date, field: str = "on") -> None:
    if enrolment.status not in UNDER_WAY:
        raise ValidationError(
            _("A module begins once the person is admitted and has started the programme.")
        )
    errors: dict = {}
    not_in_future(
        on,
        field=field,
        message=_("Record the start once it has happened: the date is in the future."),
        errors=errors,
    )
    not_before(
        on,
        enrolment.started_on,
        field=field,
        message=_("A module cannot begin before the programme's start date (%(date)s).")
        % {"date": date_format(enrolment.started_on, "SHORT_DATE_FORMAT")}
        if enrolment.started_on
        else "",
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)


def _check_end(entry: PlannedModule, on: datetime.date, field: str = "on") -> None:
    errors: dict = {}
    not_in_future(
        on,
        field=field,
        message=_("Record the end once it has happened: the date is in the future."),
        errors=errors,
    )
    not_before(
        on,
        entry.starts_on,
        field=field,
        message=_("A module cannot end before it began (%(date)s).")
        % {"date": date_format(entry.starts_on, "SHORT_DATE_FORMAT")}
        if entry.starts_on
        else "",
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)


def _locked(entry: PlannedModule) -> PlannedModule:
    """The row as stored, locked: the page may hold an older copy, and two coaches must not
    both apply a change from the same status."""
    return (
        PlannedModule.objects.select_for_update()
        .select_related("enrolment__participant", "enrolment__programme", "module")
        .get(pk=entry.pk)
    )


def _refuse_status(entry: PlannedModule, action: str) -> ValidationError:
    return ValidationError(
        _("“%(module)s” is %(status)s: it cannot be %(action)s.")
        % {
            "module": entry.module.name,
            "status": entry.get_status_display().lower(),
            "action": action,
        },
        code="transition",
    )


# The plan of a sequence programme -----------------------------------------------------------


def plan_generate(*, enrolment: Enrolment, by=None) -> list[PlannedModule]:
    """The plan of a programme whose modules follow one another: every module in the
    programme's order, the first running from the start date. Nothing when the programme lets
    each person choose, when it has no module, or when the plan already has rows (a transfer
    back, a repeated call)."""
    programme = enrolment.programme
    if programme.module_path != Programme.ModulePath.SEQUENCE or enrolment.started_on is None:
        return []
    if enrolment.planned_modules.exists():
        return []
    modules = list(programme.modules.order_by("position", "name", "pk"))
    rows = [
        PlannedModule(enrolment=enrolment, module=module, position=number, status=Status.PLANNED)
        for number, module in enumerate(modules, start=1)
    ]
    if rows:
        rows[0].status = Status.RUNNING
        rows[0].starts_on = enrolment.started_on
    created = PlannedModule.objects.bulk_create(rows)
    for entry in created:
        _record(entry, None, by)
    return created


# The coach's actions ------------------------------------------------------------------------


def module_choose(*, enrolment: Enrolment, module: Module, by) -> PlannedModule:
    """Add a module to the plan, planned, after the ones already there."""
    _check_open(enrolment)
    _check_module(enrolment, module)
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        if enrolment.planned_modules.filter(module=module).exists():
            raise ValidationError(
                {"module": _("“%(module)s” is already in the plan.") % {"module": module.name}}
            )
        entry = PlannedModule(
            enrolment=enrolment, module=module, position=_next_position(enrolment)
        )
        entry.full_clean()
        entry.save()
        _record(entry, None, by)
    return entry


def module_try(
    *, enrolment: Enrolment, module: Module, on: datetime.date, by, note: str = ""
) -> PlannedModule:
    """The person tries the module before choosing it: "trying" from `on`. Only a module that
    offers trial sessions can be tried, and only one not yet begun."""
    _check_open(enrolment)
    _check_module(enrolment, module)
    if not module.trial_sessions:
        raise ValidationError(
            {"module": _("“%(module)s” offers no trial session: start it instead.")
             % {"module": module.name}}
        )  # fmt: skip
    _check_start(enrolment, on)
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        entry = enrolment.planned_modules.filter(module=module).first()
        if entry is None:
            entry = PlannedModule(
                enrolment=enrolment, module=module, position=_next_position(enrolment)
            )
            before = None
        elif entry.status != Status.PLANNED:
            raise _refuse_status(entry, _("tried"))
        else:
            before = audit.snapshot(entry)
        entry.status = Status.TRYING
        entry.starts_on = on
        entry.note = note or entry.note
        entry.full_clean()
        entry.save()
        _record(entry, before, by)
    return entry


def module_start(*, entry: PlannedModule, on: datetime.date, by) -> PlannedModule:
    """A planned module begins on `on`; a module being tried is chosen (it keeps the day the
    trial began, so the trial sessions count as part of it)."""
    with transaction.atomic():
        entry = _locked(entry)
        _check_open(entry.enrolment)
        if entry.status not in {Status.PLANNED, Status.TRYING}:
            raise _refuse_status(entry, _("started"))
        before = audit.snapshot(entry)
        if entry.status == Status.PLANNED:
            _check_start(entry.enrolment, on)
            entry.starts_on = on
        entry.status = Status.RUNNING
        entry.save()
        _record(entry, before, by)
    return entry


def module_finish(
    *, entry: PlannedModule, on: datetime.date, by, note: str = "", start_next: bool = True
) -> PlannedModule:
    """A running module is done on `on`. In a programme whose modules follow one another, the
    next planned module begins the same day (unless `start_next` is False or the person is
    paused)."""
    with transaction.atomic():
        entry = _locked(entry)
        _check_open(entry.enrolment)
        if entry.status != Status.RUNNING:
            raise _refuse_status(entry, _("finished"))
        _check_end(entry, on)
        before = audit.snapshot(entry)
        entry.status = Status.DONE
        entry.ends_on = on
        entry.note = note or entry.note
        entry.save()
        _record(entry, before, by)
        enrolment = entry.enrolment
        if (
            start_next
            and enrolment.programme.module_path == Programme.ModulePath.SEQUENCE
            and enrolment.status == Enrolment.Status.ACTIVE
        ):
            following = (
                enrolment.planned_modules.filter(status=Status.PLANNED, position__gt=entry.position)
                .order_by("position", "pk")
                .first()
            )
            if following is not None:
                module_start(entry=following, on=on, by=by)
    return entry


def module_stop(
    *, entry: PlannedModule, reason: str, by, on: datetime.date | None = None, note: str = ""
) -> PlannedModule:
    """The person stops a module (or gives up one that was only planned), with a reason. A
    module that began needs the day it stopped."""
    if reason not in Reason.values:
        raise ValidationError({"reason": _("Choose why the module stopped.")})
    if reason == Reason.OTHER and not note.strip():
        raise ValidationError({"note": _("Say in a few words why the module stopped.")})
    with transaction.atomic():
        entry = _locked(entry)
        _check_open(entry.enrolment)
        if entry.status in PlannedModule.ENDED:
            raise _refuse_status(entry, _("stopped"))
        if entry.starts_on is not None:
            if on is None:
                raise ValidationError({"on": _("Give the day the module stopped.")})
            _check_end(entry, on)
        before = audit.snapshot(entry)
        entry.status = Status.STOPPED
        entry.ends_on = on if entry.starts_on is not None else None
        entry.stop_reason = reason
        entry.note = note or entry.note
        entry.save()
        _record(entry, before, by)
    return entry


# What groups and the lifecycle change ---------------------------------------------------------


def module_join(
    *, enrolment: Enrolment, module: Module, on: datetime.date, by=None
) -> PlannedModule:
    """The person joined a group of the module on `on`: the module is in their plan, running
    from that day (a module being tried stays "trying"; one that had ended runs again)."""
    entry = enrolment.planned_modules.filter(module=module).first()
    if entry is None:
        entry = PlannedModule(
            enrolment=enrolment,
            module=module,
            position=_next_position(enrolment),
            status=Status.RUNNING,
            starts_on=on,
        )
        entry.save()
        _record(entry, None, by)
        return entry
    if entry.status in PlannedModule.CURRENT:
        return entry
    before = audit.snapshot(entry)
    if entry.status == Status.PLANNED or entry.starts_on is None:
        entry.starts_on = on
    entry.status = Status.RUNNING
    entry.ends_on = None
    entry.stop_reason = ""
    entry.save()
    _record(entry, before, by)
    return entry


def module_leave(
    *, enrolment: Enrolment, module: Module, on: datetime.date, finished: bool, by=None
) -> PlannedModule | None:
    """The person left their last group of the module on `on`: the module ends that day, done
    when the group had come to its end (`finished`), stopped otherwise (a module only tried:
    not chosen)."""
    entry = enrolment.planned_modules.filter(module=module, status__in=PlannedModule.CURRENT)
    entry = entry.first()
    if entry is None:
        return None
    before = audit.snapshot(entry)
    was_trying = entry.status == Status.TRYING
    if finished and not was_trying:
        entry.status = Status.DONE
    else:
        entry.status = Status.STOPPED
        entry.stop_reason = Reason.NOT_CHOSEN if was_trying else Reason.LEFT_GROUP
    entry.ends_on = max(on, entry.starts_on) if entry.starts_on else on
    entry.save()
    _record(entry, before, by)
    return entry


def plan_end_on_exit(*, enrolment: Enrolment, on: datetime.date, by) -> int:
    """The person left the programme on `on`: what ran ends that day (done when they completed
    it, stopped otherwise) and what was still planned is stopped. Answers how many rows
    changed."""
    completed = enrolment.exit_reason == "completed"
    changed = 0
    for entry in enrolment.planned_modules.exclude(status__in=PlannedModule.ENDED):
        before = audit.snapshot(entry)
        if entry.status == Status.RUNNING and completed:
            entry.status = Status.DONE
        else:
            entry.stop_reason = (
                Reason.NOT_CHOSEN if entry.status == Status.TRYING else Reason.LEFT_PROGRAMME
            )
            entry.status = Status.STOPPED
        if entry.starts_on is not None:
            entry.ends_on = max(on, entry.starts_on)
        entry.save()
        _record(entry, before, by)
        changed += 1
    return changed
