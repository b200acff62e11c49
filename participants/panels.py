"""Sections of the enrolment page that other apps contribute.

The enrolment page belongs to this app, but the evaluations, the exit and the follow-up calls
belong to apps above it. Each registers a panel in its AppConfig.ready(): a template and a
function that returns that template's context. A panel's function must run a fixed number of
queries whatever the size of the trajectory.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable[[HttpRequest, object], dict | None]  # None: nothing to show
    order: int = 50  # lower first; the action plan is 10, the to-dos 20


@dataclass(frozen=True)
class Rendered:
    template: str
    context: dict


_panels: list[Panel] = []

# Status changes another app handles with its own page: status -> URL name taking the
# enrolment's pk. The exit, for one, is a review in the evaluations app.
status_pages: dict[str, str] = {}


def register(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def panels_for(request: HttpRequest, enrolment) -> list[Rendered]:
    rendered = []
    for panel in _panels:
        context = panel.context(request, enrolment)
        if context is not None:
            rendered.append(Rendered(panel.template, context))
    return rendered


# Where the work of a to-do is done, by kind: kind -> function(enrolment) returning a URL.
# The evaluations app links its evaluation to-dos to the evaluation form, for one.
todo_links: dict[str, Callable[[object], str]] = {}


@dataclass(frozen=True)
class Link:
    """A link in the enrolment page's header, to a page of an app above this one."""

    label: str
    url_name: str  # takes the enrolment's pk
    icon: str


links: list[Link] = []


@dataclass(frozen=True)
class Reminder:
    """A line at the top of the to-do list for work another app keeps its own list of."""

    text: str
    url: str
    icon: str


# Functions (request, today) -> Reminder | None, one query each at most.
todo_reminders: list[Callable[[HttpRequest, object], Reminder | None]] = []
