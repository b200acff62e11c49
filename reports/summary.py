"""The one-page trajectory summary: what a participant and their social worker take away.

Reads every app; writes nothing. A fixed number of queries whatever the size of the file.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from evaluations.models import FollowUpCall, LanguageAssessment
from evaluations.selectors import Progress, progress_since_baseline
from participants.models import Enrolment
from participants.services import planned_end
from sessions.services import hours_by_period
from trajectory.models import Goal


@dataclass
class DomainRow:
    name: str
    first: int | None
    latest: int | None
    first_own: int | None
    latest_own: int | None
    change: int | None  # the coach's, in levels


def _domain_rows(progress: Progress) -> list[DomainRow]:
    return [
        DomainRow(
            name=str(row.domain.name),
            first=row.coach.before,
            latest=row.coach.after,
            first_own=row.participant.before,
            latest_own=row.participant.after,
            change=row.coach.steps,
        )
        for row in progress.domains
    ]


def trajectory_summary(enrolment: Enrolment) -> dict:
    participant = enrolment.participant
    today = timezone.localdate()
    progress = progress_since_baseline([enrolment])[enrolment.pk]
    goals = list(
        enrolment.goals.exclude(status=Goal.Status.REVISED)
        .prefetch_related("steps")
        .order_by("position", "pk")
    )
    assessments = list(
        LanguageAssessment.objects.filter(participant=participant).order_by("assessed_on", "pk")
    )
    hours = 0.0
    if enrolment.started_on:
        end = enrolment.exited_on or today
        weeks = hours_by_period(participant_ids=[participant.pk], start=enrolment.started_on,
                                end=end)  # fmt: skip
        hours = sum(weeks.get(participant.pk, {}).values())
    exit_review = getattr(enrolment, "exit_review", None) if enrolment.exited_on else None
    return {
        "enrolment": enrolment,
        "participant": participant,
        "programme": enrolment.programme,
        "organisation": enrolment.programme.organisation,
        "today": today,
        "planned_end": planned_end(enrolment),
        "hours": round(hours),
        "goals": goals,
        "first_evaluation": progress.baseline,
        "latest_evaluation": progress.latest,
        "domains": _domain_rows(progress),
        "first_assessment": assessments[0] if assessments else None,
        "latest_assessment": assessments[-1] if len(assessments) > 1 else None,
        "placements": list(enrolment.placements.select_related("host")),
        "referrals": list(enrolment.referrals_out.select_related("partner")),
        "exit_review": exit_review,
        "next_call": FollowUpCall.objects.pending().filter(enrolment=enrolment).first(),
        "length_days": _length(enrolment, today),
    }


def _length(enrolment: Enrolment, today: datetime.date) -> int | None:
    if not enrolment.started_on:
        return None
    return ((enrolment.exited_on or today) - enrolment.started_on).days
