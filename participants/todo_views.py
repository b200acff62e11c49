"""The coach's to-do list and the planned to-dos of one enrolment."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participants import panels, services
from participants.access import get_enrolment, todos_for
from participants.filters import TodoFilter
from participants.forms import TodoForm
from participants.models import Todo
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from programme.params import safe_next_url


def _with_links(todos) -> list[Todo]:
    for todo in todos:
        link = panels.todo_links.get(todo.kind)
        todo.work_url = link(todo.enrolment) if link else ""
    return todos


@participant_work_required
@require_http_methods(["GET"])
def todo_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    todos = (
        todos_for(request.staff)
        .open()
        .select_related("enrolment__participant", "enrolment__programme", "enrolment__coach")
        .order_by("due_on", "pk")
    )
    todo_filter = TodoFilter(request.GET, queryset=todos, staff=request.staff, today=today)
    page = Paginator(todo_filter.qs, 50).get_page(request.GET.get("page"))
    _with_links(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    template = "participants/todo_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "filter": todo_filter,
            "page": page,
            "today": today,
            "query": query.urlencode(),
            "reminders": [
                reminder
                for remind in panels.todo_reminders
                if (reminder := remind(request, today)) is not None
            ],
        },
    )


@participant_work_required
@require_POST
def todo_done(request: HttpRequest, pk: int) -> HttpResponse:
    todo = get_object_or_404(
        todos_for(request.staff).select_related("enrolment__participant"), pk=pk
    )
    try:
        services.todo_mark_done(todo=todo, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Done: %(todo)s for %(name)s.")
            % {"todo": todo.title, "name": todo.enrolment.participant.full_name},
        )
    if request.htmx:
        todo.work_url = ""
        return render(request, "participants/_todo_row.html", {"todo": todo, "today": None})
    return redirect(safe_next_url(request, todo.enrolment))


@participant_work_required
@require_http_methods(["GET", "POST"])
def todo_add(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_enrolment(request, pk)
    form = TodoForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.todo_add(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("To-do added."))
            return redirect(enrolment)
    return render(
        request,
        "participants/todo_form.html",
        {"form": form, "enrolment": enrolment, "participant": enrolment.participant},
    )


def todos_panel(request: HttpRequest, enrolment) -> dict | None:
    """The enrolment page's planned to-dos: two queries, whatever their number."""
    if enrolment.started_on is None:
        return None
    todos = list(enrolment.todos.select_related("done_by").order_by("due_on", "pk"))
    for todo in todos:
        todo.enrolment = enrolment
    today = timezone.localdate()
    return {
        "todos": _with_links(todos),
        "today": today,
        "overdue": sum(todo.is_overdue(today) for todo in todos),
        "planned_end": services.planned_end(enrolment),
        "can_add": enrolment.is_open,
    }
