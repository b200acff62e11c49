"""Language assessments, evaluations, the exit and follow-up calls on the participant file's
timeline (merged in casefile.timeline)."""

from django.db.models import FilteredRelation, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evaluations.models import (
    Evaluation,
    ExitReview,
    FollowUpCall,
    LanguageAssessment,
)
from participants.models import Enrolment
from participants.timeline import Entry, _name, read_once
from programme.models import TodoTemplate


def assessment_entries(participant) -> list[Entry]:
    """One entry per assessment, in one query whatever the length of the history."""
    assessments = LanguageAssessment.objects.filter(participant=participant).select_related(
        "assessed_by"
    )
    url = reverse("evaluations:language", args=[participant.pk])
    return [
        Entry(
            when=assessment.assessed_on,
            kind="language-assessment",
            title=_("Language assessment: %(summary)s") % {"summary": assessment.summary},
            detail=_("Local scale: %(level)s") % {"level": assessment.get_local_level_display()}
            if assessment.local_level
            else "",
            by=_name(assessment.assessed_by),
            url=url,
            recorded_at=assessment.created_at,
        )
        for assessment in assessments
    ]


# Evaluations with domain scores ---------------------------------------------------------------


def evaluation_entries(participant) -> list[Entry]:
    """One entry per evaluation, saying how many domains moved since the baseline. One
    query whatever the length of the file."""
    # An evaluation comes once per domain the coach scored, or once if none (FilteredRelation).
    rows = (
        Evaluation.objects.filter(enrolment__participant=participant)
        .annotate(score=FilteredRelation("scores", condition=Q(scores__coach_score__isnull=False)))
        .select_related("enrolment__programme", "evaluated_by", "score")
    )
    evaluations: dict[int, Evaluation] = {}
    scores: dict[int, dict[str, int]] = {}
    for row in rows:
        evaluations.setdefault(row.pk, row)
        if hasattr(row, "score"):
            scores.setdefault(row.pk, {})[row.score.domain] = row.score.coach_score
    baselines = {
        e.enrolment_id: scores.get(e.pk, {})
        for e in evaluations.values()
        if e.kind == Evaluation.Kind.BASELINE
    }
    entries = []
    for evaluation in evaluations.values():
        own = scores.get(evaluation.pk, {})
        detail = ngettext("%(count)s domain scored", "%(count)s domains scored", len(own)) % {
            "count": len(own)
        }
        baseline = baselines.get(evaluation.enrolment_id)
        if baseline is not None and evaluation.kind != Evaluation.Kind.BASELINE:
            compared = [own[code] - baseline[code] for code in own if code in baseline]
            detail += " · " + _(
                "since the baseline: %(up)s up, %(down)s down, %(same)s the same"
            ) % {
                "up": sum(1 for change in compared if change > 0),
                "down": sum(1 for change in compared if change < 0),
                "same": sum(1 for change in compared if change == 0),
            }
        entries.append(
            Entry(
                when=evaluation.held_on,
                kind=f"evaluation-{evaluation.kind}",
                title=_("%(evaluation)s — %(programme)s")
                % {
                    "evaluation": TodoTemplate.Kind(evaluation.kind).label,
                    "programme": evaluation.enrolment.programme.name,
                },
                detail=detail,
                by=_name(evaluation.evaluated_by),
                url=reverse("evaluations:evaluation", args=[evaluation.pk]),
                recorded_at=evaluation.created_at,
            )
        )
    return entries


# Exit and follow-up calls ---------------------------------------------------------------------


def file_exits(participant) -> tuple[dict[int, ExitReview], list[FollowUpCall]]:
    """The exit reviews by enrolment, and the follow-up calls in any status: one query per
    file, shared by the timeline (the calls that ended) and the file's next call."""

    def read():
        # Each enrolment with its exit review (if any), once per call, or once if it has none
        # (FilteredRelation).
        rows = (
            Enrolment.objects.filter(participant=participant)
            .annotate(call=FilteredRelation("follow_up_calls"))
            .select_related("programme", "exit_review__reviewed_by", "call__completed_by")
            .order_by("-referred_on", "-pk", "call__due_on", "call__pk")
        )
        reviews: dict[int, ExitReview] = {}
        calls: list[FollowUpCall] = []
        for enrolment in rows:
            if hasattr(enrolment, "exit_review"):
                reviews.setdefault(enrolment.pk, enrolment.exit_review)
            if hasattr(enrolment, "call"):
                calls.append(enrolment.call)
        return reviews, calls

    return read_once(participant, "exits", read)


def exit_entries(participant) -> list[Entry]:
    """The exit reviews and the follow-up calls that ended (reached or unreachable): one
    query whatever the number of exits and calls (file_exits)."""
    ended = [FollowUpCall.Status.REACHED, FollowUpCall.Status.UNREACHABLE]
    reviews, calls = file_exits(participant)
    calls = [call for call in calls if call.status in ended]
    entries = [
        Entry(
            when=review.enrolment.exited_on,
            kind="exit-review",
            title=_("Exit review — %(programme)s") % {"programme": review.enrolment.programme.name},
            detail=_("Recommended next step: %(step)s") % {"step": review.next_step},
            by=_name(review.reviewed_by),
            url=review.enrolment.get_absolute_url(),
            recorded_at=review.created_at,
        )
        for review in reviews.values()
    ]
    for call in calls:
        values = {"interval": call.interval, "programme": call.enrolment.programme.name}
        if call.status == FollowUpCall.Status.REACHED:
            title = _("Follow-up call (%(interval)s after %(programme)s): reached") % values
            detail = call.get_situation_display()
            if call.needs_help:
                detail += " · " + _("needs help: %(help)s") % {"help": call.help_notes}
        else:
            title = _("Follow-up call (%(interval)s after %(programme)s): unreachable") % values
            detail = ""
        entries.append(
            Entry(
                when=call.completed_on,
                kind=f"follow-up-{call.status}",
                title=title,
                detail=detail,
                by=_name(call.completed_by),
                url=reverse("evaluations:call", args=[call.pk]),
            )
        )
    return entries
