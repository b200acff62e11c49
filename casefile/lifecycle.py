"""An enrolment's lifecycle and everything it changes, in one place.

A status change is not only a status: leaving a programme ends the person's group memberships
and takes them off later sessions, a pause lists them as "paused" at the sessions it covers, a
transfer carries the file into another programme. Each of those lives in the app that owns the
rows (participants: the status and its history; trajectory: the goals a transfer carries over;
evaluations: the exit review and follow-up calls; sessions: memberships and who is expected).
This module sits above them all and calls them in order, each workflow in one transaction, so
the flow reads top to bottom here. Pages, the API, imports and commands call these functions,
never the lower ones for a status change.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluations import services as evaluations
from evaluations.models import ExitReview
from participants import plans as module_plans
from participants import services as participants
from participants.models import Enrolment, Participant
from portal.services import portal_end_if_over
from programme.dates import not_in_future
from programme.models import Cohort, Module, Programme
from sessions import services as sessions
from sessions.models import Group, GroupMembership, Session
from trajectory import services as trajectory

Status = Enrolment.Status


@dataclass
class Outcome:
    """What a lifecycle step did, told to the coach in a sentence or two."""

    enrolment: Enrolment
    groups: list[Group] = field(default_factory=list)
    sessions_left: int = 0
    sessions_back: int = 0
    # Individual sessions cancelled (exit) or to look at (pause).
    individual: list[Session] = field(default_factory=list)
    review: ExitReview | None = None
    continued_in: Enrolment | None = None
    modules_ended: int = 0

    def summary(self) -> list[str]:
        name = self.enrolment.participant.full_name
        lines = []
        if self.enrolment.status == Status.EXITED:
            lines.append(
                _("%(name)s left on %(date)s.")
                % {"name": name, "date": date_format(self.enrolment.exited_on, "SHORT_DATE_FORMAT")}
            )
        if self.groups:
            lines.append(
                _("Group: %(groups)s.") % {"groups": ", ".join(g.name for g in self.groups)}
            )
        if self.modules_ended:
            lines.append(
                ngettext(
                    "%(count)s module of the plan ended.",
                    "%(count)s modules of the plan ended.",
                    self.modules_ended,
                )
                % {"count": self.modules_ended}
            )
        if self.sessions_left:
            lines.append(
                ngettext(
                    "No longer expected at %(count)s later session.",
                    "No longer expected at %(count)s later sessions.",
                    self.sessions_left,
                )
                % {"count": self.sessions_left}
            )
        if self.sessions_back:
            lines.append(
                ngettext(
                    "Expected again at %(count)s coming session.",
                    "Expected again at %(count)s coming sessions.",
                    self.sessions_back,
                )
                % {"count": self.sessions_back}
            )
        if self.individual:
            count = len(self.individual)
            template = (
                ngettext(
                    "%(count)s individual session cancelled.",
                    "%(count)s individual sessions cancelled.",
                    count,
                )
                if self.enrolment.status == Status.EXITED
                else ngettext(
                    "%(count)s individual session falls in the pause: move or cancel it.",
                    "%(count)s individual sessions fall in the pause: move or cancel them.",
                    count,
                )
            )
            lines.append(template % {"count": count})
        return lines


def _left_reason(enrolment: Enrolment) -> str:
    return _("%(name)s left the programme on %(date)s.") % {
        "name": enrolment.participant.full_name,
        "date": date_format(enrolment.exited_on, "SHORT_DATE_FORMAT"),
    }


def enrolment_exit(*, enrolment: Enrolment, exited_on: datetime.date, by, **review) -> Outcome:
    """The only way out of a programme: the exit review (evaluations) records the status, the
    review, the follow-up calls and ticks the exit to-do; then the person leaves their groups
    on the exit date and is expected at none of the programme's later sessions (recorded
    attendance stays as it was), and their later individual sessions are cancelled."""
    with transaction.atomic():
        review_row = evaluations.exit_record(
            enrolment=enrolment, exited_on=exited_on, by=by, **review
        )
        enrolment = review_row.enrolment
        departure = sessions.participant_leave_programme(
            participant=enrolment.participant,
            programme_id=enrolment.programme_id,
            on=exited_on,
            reason=_left_reason(enrolment),
        )
        # What still ran in the person's module plan ends on the exit date too.
        modules_ended = module_plans.plan_end_on_exit(enrolment=enrolment, on=exited_on, by=by)
    return Outcome(
        enrolment=enrolment,
        groups=departure.groups,
        sessions_left=departure.sessions_left,
        individual=departure.individual,
        review=review_row,
        modules_ended=modules_ended,
    )


def enrolment_pause(
    *, enrolment: Enrolment, reason: str, by, on: datetime.date | None = None
) -> Outcome:
    """Pause from `on` (today by default): the person stays in their groups and on the lists
    of the programme's group sessions, as "paused", but no session expects them until they
    resume, so nothing counts as an absence or in their rate."""
    on = on or timezone.localdate()
    with transaction.atomic():
        enrolment = participants.enrolment_change_status(
            enrolment=enrolment, to_status=Status.PAUSED, reason=reason, by=by
        )
        departure = sessions.participant_pause(
            participant=enrolment.participant, programme_id=enrolment.programme_id, on=on
        )
    return Outcome(
        enrolment=enrolment,
        groups=departure.groups,
        sessions_left=departure.sessions_left,
        individual=departure.individual,
    )


def _status_now(enrolment: Enrolment) -> str:
    """The status as stored: the page or the API may hold an older copy of the row."""
    return Enrolment.objects.values_list("status", flat=True).get(pk=enrolment.pk)


def enrolment_resume(
    *, enrolment: Enrolment, by, reason: str = "", on: datetime.date | None = None
) -> Outcome:
    """Back from a pause: expected again at the coming sessions of the groups they are in;
    the sessions of the pause keep saying "paused"."""
    on = on or timezone.localdate()
    if _status_now(enrolment) != Status.PAUSED:
        raise ValidationError(_("Only a paused enrolment resumes."), code="transition")
    with transaction.atomic():
        enrolment = participants.enrolment_change_status(
            enrolment=enrolment, to_status=Status.ACTIVE, reason=reason, by=by
        )
        back = sessions.participant_resume(
            participant=enrolment.participant, programme_id=enrolment.programme_id, on=on
        )
    return Outcome(enrolment=enrolment, sessions_back=back)


def enrolment_change_status(
    *, enrolment: Enrolment, to_status: str, by, reason: str = "", on=None, **extra
) -> Outcome:
    """The generic status change of the enrolment page and `POST /api/enrolments/{id}/status`:
    a pause or a resume takes its consequences along; an exit is refused (it is recorded with
    the exit review); the other changes (intake, decision, closing) touch no other app."""
    if to_status == Status.PAUSED:
        return enrolment_pause(enrolment=enrolment, reason=reason, by=by)
    if to_status == Status.ACTIVE and _status_now(enrolment) == Status.PAUSED:
        return enrolment_resume(enrolment=enrolment, reason=reason, by=by)
    enrolment = participants.enrolment_change_status(
        enrolment=enrolment, to_status=to_status, by=by, reason=reason, on=on, **extra
    )
    if to_status == Status.CLOSED:
        # The end of follow-up: the phone and the calendar stop answering.
        portal_end_if_over(participant=enrolment.participant, by=by)
    return Outcome(enrolment=enrolment)


def enrolment_transfer(
    *,
    enrolment: Enrolment,
    programme: Programme,
    on: datetime.date,
    by,
    coach=None,
    **review,
) -> Outcome:
    """Transfer to another programme of the organisation: the exit review closes this
    enrolment as "transferred" (with everything an exit changes), and the person continues in the
    other programme from the same day, active without a new intake, their open goals with
    them."""
    errors: dict = {}
    not_in_future(on, field="exited_on", errors=errors)
    if programme.organisation_id != enrolment.participant.organisation_id:
        errors["programme"] = _("This programme belongs to another organisation.")
    elif programme.pk == enrolment.programme_id:
        errors["programme"] = _("Choose another programme than the current one.")
    if errors:
        raise ValidationError(errors)
    review = {**review, "exit_reason": "transferred", "drop_out_reason": ""}
    with transaction.atomic():
        outcome = enrolment_exit(enrolment=enrolment, exited_on=on, by=by, **review)
        outcome.continued_in = participants.enrolment_transfer_in(
            previous=outcome.enrolment, programme=programme, on=on, coach=coach, by=by
        )
        trajectory.goals_carry_over(previous=outcome.enrolment, to=outcome.continued_in)
    return outcome


def group_join(
    *,
    group: Group,
    participants: list[Participant],
    joined_on: datetime.date,
    by,
    admit_waiting: bool = False,
    override_reason: str = "",
) -> list[GroupMembership]:
    """People join a group. Only admitted people do; someone on the programme's waiting list
    is admitted from the day they join when the coach chose "admit and add", in the same
    transaction (sessions.group_add_members makes the admission through participants)."""
    return sessions.group_add_members(
        group=group,
        participants=participants,
        joined_on=joined_on,
        admit_waiting=admit_waiting,
        override_reason=override_reason,
        by=by,
    )


@dataclass
class CohortStart:
    started: list[Enrolment] = field(default_factory=list)
    group: Group | None = None

    def summary(self) -> str:
        text = ngettext(
            "%(count)s person started with the cohort.",
            "%(count)s people started with the cohort.",
            len(self.started),
        ) % {"count": len(self.started)}
        if self.group is not None:
            text += " " + _("They form the group %(group)s.") % {"group": self.group.name}
        return text


def cohort_start(
    *,
    cohort: Cohort,
    by,
    today: datetime.date | None = None,
    group_name: str = "",
    module: Module | None = None,
    coaches=(),
) -> CohortStart:
    """Start a cohort: everyone admitted to it and still waiting becomes active on the
    cohort's start date, together; with a `group_name`, they form the cohort's group from
    that day (sessions.group_create, then group_join). Once only, and not before the start
    date: a cohort started early would give people a start date still to come."""
    today = today or timezone.localdate()
    if today < cohort.starts_on:
        raise ValidationError(
            _("The cohort starts on %(date)s: start it on that day or later.")
            % {"date": date_format(cohort.starts_on, "SHORT_DATE_FORMAT")},
            code="too_early",
        )
    if module is not None and module.programme_id != cohort.programme_id:
        raise ValidationError({"module": _("This module belongs to another programme.")})
    outcome = CohortStart()
    with transaction.atomic():
        # Lock the cohort so two people pressing "start" at once start it once.
        locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
        if locked.started_at is not None:
            raise ValidationError(_("This cohort has already started."), code="started")
        waiting = list(
            locked.enrolments.filter(status=Status.WAITING_LIST)
            .select_related("participant")
            .order_by("pk")
        )
        if not waiting:
            raise ValidationError(
                _("Nobody is waiting for this cohort: admit people to it first."), code="empty"
            )
        reason = _("Started with the cohort %(cohort)s.") % {"cohort": locked.name}
        for enrolment in waiting:
            outcome.started.append(
                participants.enrolment_change_status(
                    enrolment=enrolment,
                    to_status=Status.ACTIVE,
                    by=by,
                    reason=reason,
                    on=locked.starts_on,
                )
            )
        if group_name.strip():
            outcome.group = sessions.group_create(
                data={
                    "programme": locked.programme,
                    "module": module,
                    "cohort": locked,
                    "name": group_name.strip(),
                    "starts_on": locked.starts_on,
                    "ends_on": locked.ends_on,
                    "capacity": max(len(waiting), Group._meta.get_field("capacity").default),
                },
                coaches=coaches,
            )
            group_join(
                group=outcome.group,
                participants=[e.participant for e in waiting],
                joined_on=locked.starts_on,
                by=by,
            )
        locked.started_at = timezone.now()
        locked.save(update_fields=["started_at"])
    return outcome
