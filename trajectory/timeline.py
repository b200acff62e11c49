"""The trajectory's entries in the participant file's timeline: goals and steps done,
consents, referrals to partners and placements."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.timeline import Entry, _name
from trajectory import selectors
from trajectory.models import Goal, Placement, Referral


def trajectory_entries(participant) -> list[Entry]:
    """Goals with their steps done, consents, referrals to partners and placements: one
    query of their own (the referrals) whatever the size of the file, the others shared with
    the file's panel and its "Now" (Participant.file_consents, trajectory.selectors)."""
    entries = []
    goals = selectors.file_goals(participant)
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
    placements = selectors.file_placements(participant)
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
