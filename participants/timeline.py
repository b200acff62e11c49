"""The participant file's timeline entries of this app, and the entry every app writes.

casefile.timeline merges these with the entries of the apps above this one. A function that
returns entries takes the participant and must run a fixed number of queries whatever the size
of the file.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Entry:
    when: datetime.datetime | datetime.date
    kind: str  # a short key, also used for the icon and CSS class
    title: str
    detail: str = ""
    by: str = ""
    url: str = ""
    # For an entry known only by its date: when it was recorded, to order it within that day.
    recorded_at: datetime.datetime | None = None

    @property
    def sort_key(self) -> tuple[datetime.date, datetime.datetime]:
        if isinstance(self.when, datetime.datetime):
            return timezone.localdate(self.when), self.when
        end_of_day = datetime.datetime.combine(self.when, datetime.time.max)
        return self.when, self.recorded_at or timezone.make_aware(end_of_day)


T = TypeVar("T")


def read_once(participant, key: str, read: Callable[[], T]) -> T:
    """Rows an app above this one reads once per participant object, shared by its timeline
    entries and the file's "Now" (as Participant.file_* share this app's rows): the file
    stays within its query budget. The participant object lives for one request."""
    shared = participant.__dict__.setdefault("_file_rows", {})
    if key not in shared:
        shared[key] = read()
    return shared[key]


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def participant_entries(participant) -> list[Entry]:
    """Status changes and intake interviews: no query of their own, both read with the
    file's list of programmes (Participant.file_enrolments)."""
    entries = []
    for enrolment in participant.file_enrolments:
        for change in enrolment.history:
            entries.append(
                Entry(
                    when=change.changed_at,
                    kind=f"status-{change.to_status}",
                    title=_("%(programme)s: %(status)s")
                    % {
                        "programme": enrolment.programme.name,
                        "status": change.get_to_status_display(),
                    },
                    detail=change.reason,
                    by=_name(change.changed_by),
                    url=enrolment.get_absolute_url(),
                )
            )
    interviews = [
        (enrolment, interview)
        for enrolment in participant.file_enrolments
        for interview in enrolment.interviews_held
    ]
    for enrolment, interview in interviews:
        detail = _("%(minutes)s minutes") % {"minutes": interview.duration_minutes}
        if interview.support != "none":
            detail += (
                f" · {interview.get_support_display()} ({interview.get_support_language_display()})"
            )
        entries.append(
            Entry(
                when=interview.held_on,
                kind="interview",
                title=_("Intake interview — %(programme)s")
                % {"programme": enrolment.programme.name},
                detail=detail,
                by=_name(interview.conducted_by),
                url=enrolment.get_absolute_url(),
                recorded_at=interview.created_at,
            )
        )
    return entries


def trajectory_entries(participant) -> list[Entry]:
    """Goals with their steps done, consents, referrals to partners and placements: one
    query of their own (the referrals) whatever the size of the file, the others shared with
    the file's panel and its "Now" (Participant.file_consents, file_goals, file_placements)."""
    from participants.models import Goal, Placement, Referral

    entries = []
    goals = participant.file_goals
    steps = [step for goal in goals for step in goal.done_steps]
    for goal in goals:
        url = goal.enrolment.get_absolute_url() + "#action-plan"
        if goal.revises_id:
            title = _("Goal revised: %(goal)s") % {"goal": goal.text}
            detail = _("Was: %(goal)s") % {"goal": goal.revises.text}
        else:
            title, detail = _("New goal: %(goal)s") % {"goal": goal.text}, ""
        entries.append(
            Entry(
                when=goal.created_at,
                kind="goal",
                title=title,
                detail=detail,
                by=_name(goal.created_by),
                url=url,
            )
        )
        if goal.status in {Goal.Status.ACHIEVED, Goal.Status.DROPPED} and goal.closed_on:
            template = (
                _("Goal achieved: %(goal)s")
                if goal.status == Goal.Status.ACHIEVED
                else _("Goal dropped: %(goal)s")
            )
            entries.append(
                Entry(
                    when=goal.closed_on,
                    kind=f"goal-{goal.status}",
                    title=template % {"goal": goal.text},
                    url=url,
                )
            )
    for step in steps:
        entries.append(
            Entry(
                when=step.done_on,
                kind="step-done",
                title=_("Step done: %(step)s") % {"step": step.text},
                detail=_("%(who)s · goal: %(goal)s")
                % {"who": step.get_who_display(), "goal": step.goal.text},
                url=step.goal.enrolment.get_absolute_url() + "#action-plan",
                recorded_at=step.created_at,
            )
        )
    for consent in participant.file_consents:
        url = reverse("participants:consents", args=[participant.pk])
        entries.append(
            Entry(
                when=consent.given_on,
                kind="consent",
                title=_("Consent given: %(what)s") % {"what": consent},
                by=_name(consent.recorded_by),
                url=url,
                recorded_at=consent.created_at,
            )
        )
        if consent.withdrawn_on:
            entries.append(
                Entry(
                    when=consent.withdrawn_on,
                    kind="consent-withdrawn",
                    title=_("Consent withdrawn: %(what)s") % {"what": consent},
                    url=url,
                )
            )
    referrals = Referral.objects.filter(enrolment__participant=participant).select_related(
        "enrolment", "partner", "created_by"
    )
    for referral in referrals:
        url = referral.enrolment.get_absolute_url() + "#referrals"
        detail = referral.reason
        if referral.consent_overridden:
            detail = _("Data shared without consent: %(reason)s") % {
                "reason": referral.consent_override_reason
            }
        entries.append(
            Entry(
                when=referral.sent_on,
                kind="referral",
                title=_("Referred to %(partner)s (%(kind)s)")
                % {"partner": referral.partner.name, "kind": referral.get_kind_display()},
                detail=detail,
                by=_name(referral.created_by),
                url=url,
                recorded_at=referral.created_at,
            )
        )
        # Only the start and the end of the help are dated; the other statuses show on the
        # enrolment page.
        for day, status in [
            (referral.started_on, Referral.Status.STARTED),
            (referral.ended_on, Referral.Status(referral.status)),
        ]:
            if day:
                entries.append(
                    Entry(
                        when=day,
                        kind=f"referral-{status}",
                        title=_("%(partner)s: %(status)s")
                        % {"partner": referral.partner.name, "status": status.label},
                        detail=referral.outcome if status != Referral.Status.STARTED else "",
                        url=url,
                    )
                )
    placements = participant.file_placements
    today = timezone.localdate()
    for placement in placements:
        url = placement.enrolment.get_absolute_url() + "#placements"
        what = {"role": placement.role, "host": placement.host.name}
        if placement.status != Placement.Status.CANCELLED and placement.starts_on <= today:
            entries.append(
                Entry(
                    when=placement.starts_on,
                    kind="placement",
                    title=_("Placement started: %(role)s at %(host)s") % what,
                    detail=placement.get_kind_display(),
                    url=url,
                    recorded_at=placement.created_at,
                )
            )
        if placement.ended_on:
            entries.append(
                Entry(
                    when=placement.ended_on,
                    kind="placement-ended",
                    title=_("Placement ended: %(role)s at %(host)s") % what,
                    detail=placement.get_outcome_display(),
                    url=url,
                )
            )
    return entries
