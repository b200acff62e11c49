"""The modules of a programme: how many people are in each, by where they stand in their
plan, and the hours attended in the modules' groups over a period (sessions.module_plan)."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from participants.models import PlannedModule
from programme.access import programmes_for
from programme.params import date_param, id_param
from reports.access import manager_required
from sessions.module_plan import modules_table


@manager_required
@require_GET
def modules_report(request: HttpRequest) -> HttpResponse:
    """One programme of the manager's organisation (the first by name unless chosen), over
    the last twelve months unless a period is given. Four queries whatever the number of
    modules and people: the programmes, then the three of `modules_table`."""
    programmes = list(programmes_for(request.staff))
    chosen = id_param(request.GET, "programme")
    if chosen is not None:
        programme = get_object_or_404(programmes_for(request.staff), pk=chosen)
    elif programmes:
        programme = programmes[0]
    else:
        programme = None
    today = timezone.localdate()
    end = date_param(request.GET, "end", today)
    start = date_param(request.GET, "start", end - datetime.timedelta(days=365))
    if start > end:
        start, end = end, start
    rows = modules_table(programme, start, end, today=today) if programme else []
    statuses = PlannedModule.Status.choices
    return render(
        request,
        "reports/modules.html",
        {
            "programmes": programmes,
            "programme": programme,
            "start": start,
            "end": end,
            "statuses": statuses,
            "rows": [
                {
                    "row": row,
                    "counts": [row.by_status.get(value, 0) for value, _label in statuses],
                }
                for row in rows
            ],
            "total_hours": sum(row.hours for row in rows),
        },
    )
