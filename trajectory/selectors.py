"""The trajectory rows the participant file reads once and shows in several places."""

from django.db.models import FilteredRelation, Q

from participants.timeline import read_once
from trajectory.models import ActionStep, Goal, Placement


def file_goals(participant) -> list[Goal]:
    """The goals with their enrolment, author and the goal they revise and, in `done_steps`,
    their steps done: one query, a goal coming once per step done (or once if none) and folded
    back here. The timeline and the file's "Now" both read them."""

    def read() -> list[Goal]:
        goals: dict[int, Goal] = {}
        rows = (
            Goal.objects.filter(enrolment__participant=participant)
            .annotate(
                done_step=FilteredRelation(
                    "steps", condition=Q(steps__status=ActionStep.Status.DONE)
                )
            )
            .select_related("enrolment", "created_by", "revises", "done_step")
            .order_by("position", "pk", "done_step__position", "done_step__pk")
        )
        for row in rows:
            goal = goals.setdefault(row.pk, row)
            if goal is row:
                goal.done_steps = []
            if hasattr(row, "done_step"):
                goal.done_steps.append(row.done_step)
        return list(goals.values())

    return read_once(participant, "trajectory.goals", read)


def file_placements(participant) -> list[Placement]:
    """The placements with their enrolment and host (the timeline and the file's "Now")."""
    return read_once(
        participant,
        "trajectory.placements",
        lambda: list(
            Placement.objects.filter(enrolment__participant=participant).select_related(
                "enrolment", "host"
            )
        ),
    )
