"""Who sees the reports: the organisation's managers. Coaches get a 404 like anyone else: the
figures describe whole programmes, and a coach's own caseload is on their caseload page;
administrators configure and never see participants. A trajectory summary is the one report
about a single person: whoever may see the enrolment may print it."""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404

from participants.access import enrolments_for
from participants.models import Enrolment
from programme.access import programmes_for, staff_required
from reports.models import FunderSnapshot


def manager_required(view):
    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.staff.is_manager:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def manager_or_administrator_required(view):
    """Project-level figures describe the project, not people: administrators may enter them
    too."""

    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.staff.is_manager or request.staff.role == request.staff.Role.ADMINISTRATOR):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def snapshots_for(staff):
    return FunderSnapshot.objects.filter(programme__in=programmes_for(staff))


def get_snapshot(request, pk: int) -> FunderSnapshot:
    return get_object_or_404(
        # The programme's own set too: the page counts the report again to show what changed.
        snapshots_for(request.staff).select_related(
            "programme__indicator_set", "indicator_set", "created_by"
        ),
        pk=pk,
    )


def get_summary_enrolment(request, pk: int) -> Enrolment:
    return get_object_or_404(
        enrolments_for(request.staff).select_related(
            "participant", "programme__organisation", "coach", "exit_review"
        ),
        pk=pk,
    )
