"""Ticking a planned to-do off and adding one by hand. The to-do list and the enrolment page's
planned to-dos, which link each to-do to the app that records its work, are in casefile."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from participants import services
from participants.access import get_enrolment, todos_for
from participants.forms import TodoForm
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from programme.params import safe_next_url


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
