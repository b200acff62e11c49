"""The sections of the enrolment page, in the order the page shows them.

Each section belongs to the app whose rows it shows: a template and a function returning that
template's context, or None when there is nothing to show. A section's function must run a fixed
number of queries whatever the size of the trajectory.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from casefile import modules, todos
from evaluations import views as evaluation_views
from trajectory import views as trajectory_views


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[HttpRequest, object], dict | None]


@dataclass(frozen=True)
class Rendered:
    template: str
    context: dict


PANELS = (
    Panel("trajectory/_plan_panel.html", trajectory_views.plan_panel),
    Panel(modules.TEMPLATE, modules.modules_panel),
    Panel("casefile/_todos_panel.html", todos.todos_panel),
    Panel("evaluations/_evaluations_panel.html", evaluation_views.evaluations_panel),
    Panel("trajectory/_referrals_panel.html", trajectory_views.referrals_panel),
    Panel("trajectory/_placements_panel.html", trajectory_views.placements_panel),
    Panel("evaluations/_exit_panel.html", evaluation_views.exit_panel),
)


def panels_for(request: HttpRequest, enrolment) -> list[Rendered]:
    rendered = []
    for panel in PANELS:
        context = panel.context(request, enrolment)
        if context is not None:
            rendered.append(Rendered(panel.template, context))
    return rendered
