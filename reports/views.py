from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from participants.access import enrolments_for
from programme.access import participant_work_required
from reports.pdf import render_pdf
from reports.summary import trajectory_summary

SUMMARY = "reports/trajectory_summary.html"


def _enrolment(request, pk: int):
    return get_object_or_404(
        enrolments_for(request.staff).select_related(
            "participant", "programme__organisation", "coach", "exit_review"
        ),
        pk=pk,
    )


@participant_work_required
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary as a page, to read on screen before printing."""
    return render(request, SUMMARY, trajectory_summary(_enrolment(request, pk)))


@participant_work_required
@require_GET
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = trajectory_summary(_enrolment(request, pk))
    participant = context["participant"]
    filename = f"parcours-{slugify(participant.full_name)}-{context['today']:%Y-%m-%d}.pdf"
    return render_pdf(SUMMARY, context, request, filename)
