"""The participant's facts for the funder: dated events (help with family reunification, a
recognition application…) and the characteristics at entry. One page of the participant file,
reached through the same access as the file itself: the person's coaches and the managers of
their organisation, nobody else. Disability and minority are shown on this page only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from participants import services
from participants.access import get_in_scope, get_participant
from participants.funder_forms import EntryCharacteristicsForm, ParticipantEventForm
from participants.models import EntryCharacteristics, Participant, ParticipantEvent
from programme.access import participant_work_required
from programme.forms import add_service_errors

PAGE = "participants/funder_facts.html"


def _get_event(request, pk: int) -> ParticipantEvent:
    return get_in_scope(request, ParticipantEvent.objects.all(), pk, via="participant")


def _characteristics(participant: Participant) -> EntryCharacteristics | None:
    return (
        EntryCharacteristics.objects.filter(participant=participant)
        .select_related("updated_by")
        .first()
    )


def _page(request, participant, *, event_form=None, characteristics_form=None):
    characteristics = _characteristics(participant)
    return render(
        request,
        PAGE,
        {
            "participant": participant,
            "events": participant.events.select_related("recorded_by"),
            "characteristics": characteristics,
            "event_form": event_form or ParticipantEventForm(),
            "characteristics_form": characteristics_form
            or EntryCharacteristicsForm(instance=characteristics),
        },
    )


@participant_work_required
@require_GET
def funder_facts(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_participant(request, pk))


@participant_work_required
@require_POST
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request, pk)
    form = ParticipantEventForm(request.POST)
    if form.is_valid():
        try:
            services.participant_event_record(
                participant=participant, by=request.user, **form.event_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Event recorded."))
            return redirect("participants:funder-facts", pk=participant.pk)
    return _page(request, participant, event_form=form)


@participant_work_required
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    services.participant_event_delete(event=event, by=request.user)
    messages.success(request, _("Event removed."))
    return redirect("participants:funder-facts", pk=event.participant_id)


@participant_work_required
@require_POST
def characteristics_update(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant(request, pk)
    form = EntryCharacteristicsForm(request.POST)
    if form.is_valid():
        try:
            services.entry_characteristics_update(
                participant=participant, by=request.user, **form.characteristics_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Characteristics at entry saved."))
            return redirect("participants:funder-facts", pk=participant.pk)
    return _page(request, participant, characteristics_form=form)
