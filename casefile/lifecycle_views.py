"""The pages that change where an enrolment stands: the status change (pause, resume, close),
the exit review, the transfer to another programme, and "admit and add" to a group. Each one
calls casefile.lifecycle, so the page changes what the API and the commands change."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from casefile import lifecycle
from casefile.forms import GroupJoinForm, TransferForm
from evaluations.forms import ExitForm
from evaluations.services import EXIT_FROM
from participants.access import get_enrolment, participants_for
from participants.forms import StatusForm
from participants.models import Enrolment
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from sessions.access import get_group_to_act_on

Status = Enrolment.Status


def _tell(request, outcome: lifecycle.Outcome, first: str) -> None:
    messages.success(request, " ".join([first, *outcome.summary()]))


@participant_work_required
@require_http_methods(["GET", "POST"])
def enrolment_status(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    """Pause, resume or close. With htmx the form opens inline on the enrolment page. An
    exit is not a status change here: it is pointed to the exit review."""
    enrolment = get_enrolment(request, pk)
    if to == Status.EXITED:
        messages.info(
            request,
            _("An exit is recorded with the exit review: reason, destination, what comes next."),
        )
        return redirect("lifecycle:exit", pk=enrolment.pk)
    if to not in Status.values or to in {Status.REFERRED, Status.INTAKE}:
        return redirect(enrolment)
    form = StatusForm(posted(request), to_status=to)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = lifecycle.enrolment_change_status(
                enrolment=enrolment, to_status=to, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _tell(
                request,
                outcome,
                _("Status changed to “%(status)s”.") % {"status": Status(to).label},
            )
            if request.htmx:
                return HttpResponse(
                    status=204, headers={"HX-Redirect": enrolment.get_absolute_url()}
                )
            return redirect(enrolment)
    template = "participants/enrolment_status.html"
    if request.htmx:
        template += "#status-form"
    return render(
        request,
        template,
        {
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "form": form,
            "to": Status(to),
        },
    )


def _calls_planned(enrolment: Enrolment) -> str:
    calls = len(enrolment.programme.follow_up_offsets)
    if not calls:
        return _("Exit recorded. This programme plans no follow-up calls.")
    return ngettext(
        "Exit recorded. %(count)s follow-up call is planned.",
        "Exit recorded. %(count)s follow-up calls are planned.",
        calls,
    ) % {"count": calls}


@participant_work_required
@require_http_methods(["GET", "POST"])
def exit_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The exit: reason, destination and the review that closes the trajectory; the person
    leaves their groups and later sessions with it."""
    enrolment = get_enrolment(request, pk)
    if enrolment.status not in EXIT_FROM:
        messages.error(request, _("Only an active or paused enrolment can exit."))
        return redirect(enrolment)
    form = ExitForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            outcome = lifecycle.enrolment_exit(
                enrolment=enrolment, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _tell(request, outcome, _calls_planned(enrolment))
            return redirect(enrolment)
    return render(
        request,
        "evaluations/exit.html",
        {
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "form": form,
            "transfer_url": reverse("lifecycle:transfer", args=[enrolment.pk]),
        },
    )


@participant_work_required
@require_http_methods(["GET", "POST"])
def enrolment_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """Transfer to another programme of the organisation: the exit review of this one, and
    the person continues in the other without a new intake."""
    enrolment = get_enrolment(request, pk)
    if enrolment.status not in EXIT_FROM:
        messages.error(request, _("Only an active or paused enrolment can be transferred."))
        return redirect(enrolment)
    form = TransferForm(posted(request), enrolment=enrolment)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            outcome = lifecycle.enrolment_transfer(
                enrolment=enrolment,
                programme=data.pop("programme"),
                on=data.pop("exited_on"),
                by=request.user,
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _tell(
                request,
                outcome,
                _("Transferred to %(programme)s.") % {"programme": outcome.continued_in.programme},
            )
            return redirect(outcome.continued_in)
    return render(
        request,
        "casefile/transfer.html",
        {"enrolment": enrolment, "participant": enrolment.participant, "form": form},
    )


@participant_work_required
@require_POST
def group_join(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Admit and add": the people ticked on the group page join it, and those on the
    programme's waiting list are admitted from the day they join, in one step. A coach fills
    only the groups they coach, as with the group page's "add" (sessions.access)."""
    group = get_group_to_act_on(request, pk)
    form = GroupJoinForm(request.POST, candidates=participants_for(request.staff))
    if form.is_valid():
        try:
            added = lifecycle.group_join(
                group=group,
                participants=list(form.cleaned_data["participants"]),
                joined_on=form.cleaned_data["joined_on"],
                admit_waiting=True,
                override_reason=form.cleaned_data["override_reason"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person admitted where needed and added to the group.",
                    "%(count)s people admitted where needed and added to the group.",
                    len(added),
                )
                % {"count": len(added)},
            )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(group)
