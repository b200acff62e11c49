"""The grouping proposal page: groups proposed for the people of a programme waiting to be
placed, adjusted by the coach (moves travel in the form, so nothing is stored until the
groups are confirmed), then created in one transaction."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from evaluations.models import LanguageAssessment
from participants.models import Participant
from programme.access import participant_work_required, programmes_for
from programme.forms import add_service_errors
from programme.models import Programme
from programme.text_limits import NOTE
from sessions import grouping, services
from sessions.access import waiting_to_be_placed
from sessions.models import Group

DEFAULT_CAPACITY = Group._meta.get_field("capacity").default


class ParametersForm(forms.Form):
    capacity = forms.IntegerField(
        label=gettext_lazy("Places per group"),
        min_value=1,
        max_value=60,
        error_messages={
            "min_value": gettext_lazy("A group needs at least one place."),
            "max_value": gettext_lazy("A group has at most 60 places."),
        },
    )
    max_share = forms.IntegerField(
        label=gettext_lazy("Largest share of one mother tongue (%)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=gettext_lazy("Empty: no limit."),
        error_messages={
            "min_value": gettext_lazy(
                "The share of one mother tongue is a percentage from 1 to 100."
            ),
            "max_value": gettext_lazy(
                "The share of one mother tongue is a percentage from 1 to 100."
            ),
        },
    )
    groups = forms.IntegerField(
        label=gettext_lazy("Number of groups"),
        min_value=1,
        max_value=grouping.MAX_GROUPS,
        required=False,
        help_text=gettext_lazy("Empty: as few as the places allow."),
    )


def _candidate(person: Participant) -> grouping.Candidate:
    level = None
    if person.latest_oral:
        level = LanguageAssessment(
            oral=person.latest_oral, reading=person.latest_reading, writing=person.latest_writing
        ).level_rank
    return grouping.Candidate(
        id=person.pk,
        name=person.full_name,
        level_rank=level,
        oral=person.latest_oral or "",
        literacy=person.latest_literacy or person.literacy,
        # "Other language" may be a different language for each person: it counts for none.
        mother_tongue=person.mother_tongue if person.mother_tongue != "other" else None,
    )


def _parameters(request: HttpRequest, programme: Programme) -> ParametersForm:
    """The settings asked; those not sent start from the programme's. An empty share sent by
    the form means no limit."""
    if request.method == "POST":
        return ParametersForm(request.POST)
    defaults = {
        "capacity": DEFAULT_CAPACITY,
        "max_share": programme.max_mother_tongue_share or "",
        "groups": "",
    }
    return ParametersForm({**defaults, **request.GET.dict()})


def _posted_moves(data, proposal: grouping.Proposal) -> tuple[dict[int, int], bool]:
    """The placement the coach sent (`member-<participant id>` = group number, 0 to keep the
    person waiting), and whether the people waiting changed since the page was made."""
    known = {candidate.id for candidate in proposal.candidates}
    moves, changed = {}, False
    for key, value in data.items():
        if not key.startswith("member-"):
            continue
        try:
            pk, number = int(key.removeprefix("member-")), int(value)
        except ValueError:
            raise ValidationError(
                _("These moves do not match the proposal: start again from it.")
            ) from None
        if pk in known:
            moves[pk] = number
        else:
            changed = True  # placed by someone else, left, or out of the user's reach
    return moves, changed or bool(known - set(moves))


# A member's select offers the groups up to this many bands away, and the waiting list: moves
# further are rare (and can be made in steps), and the page stays light with hundreds of people
# instead of repeating every group in every row.
MOVE_REACH = 3


def _rows(placements, labels: dict[int, str]) -> list[dict]:
    rows = []
    for placement in placements:
        centre = placement.group or placement.band
        nearby = range(max(1, centre - MOVE_REACH), min(len(labels), centre + MOVE_REACH) + 1)
        options = [(number, labels[number]) for number in nearby]
        rows.append({"placement": placement, "options": options})
    return rows


def _tables(proposal: grouping.Proposal | None) -> tuple[list[dict], list[dict]]:
    """Each proposed group with its rows, and the rows of the people kept waiting."""
    if proposal is None:
        return [], []
    labels = {}
    for group in proposal.groups:
        labels[group.number] = _("Group %(number)s") % {"number": group.number}
        if group.band:
            labels[group.number] += f" · {group.band}"
    groups = [{"group": g, "rows": _rows(g.placements, labels)} for g in proposal.groups]
    return groups, _rows(proposal.waiting, labels)


@participant_work_required
@require_http_methods(["GET", "POST"])
def grouping_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the proposal for the settings asked. POST: the coach's moves, shown again with
    their checks ("move"), or the groups created ("confirm")."""
    programme = get_object_or_404(programmes_for(request.staff), pk=pk)
    people = {person.pk: person for person in waiting_to_be_placed(request.staff, programme)}
    form = _parameters(request, programme)
    proposal, changed = None, False
    if form.is_valid():
        try:
            proposal = grouping.propose(
                [_candidate(person) for person in people.values()], **form.cleaned_data
            )
            if request.method == "POST":
                moves, changed = _posted_moves(request.POST, proposal)
                proposal = grouping.adjust(proposal, moves)
        except ValidationError as error:
            add_service_errors(form, error)
            proposal = None
    if proposal and request.method == "POST" and request.POST.get("action") == "confirm":
        if changed:
            form.add_error(
                None,
                _("The people waiting changed since the page was loaded: check the groups."),
            )
        elif proposal.over_capacity:
            form.add_error(None, _("Some groups have more people than places: move people out."))
        elif not any(group.size for group in proposal.groups):
            form.add_error(None, _("No group has anyone in it."))
        else:
            try:
                created = services.groups_create_from_proposal(
                    programme=programme,
                    proposal=proposal,
                    people=people,
                    staff=request.staff,
                    override_reason=request.POST.get("override_reason", "")[:NOTE],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                placed = sum(group.size for group in proposal.groups)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s group created with %(people)s people.",
                        "%(count)s groups created with %(people)s people.",
                        len(created),
                    )
                    % {"count": len(created), "people": placed},
                )
                url = created[0].get_absolute_url()
                if request.htmx:
                    return HttpResponse(status=204, headers={"HX-Redirect": url})
                return redirect(url)
    template = "sessions/grouping.html"
    if request.htmx and request.method == "POST":
        template += "#proposal"
    groups, kept_waiting = _tables(proposal)
    return render(
        request,
        template,
        {
            "programme": programme,
            "form": form,
            "proposal": proposal,
            "groups": groups,
            "kept_waiting": kept_waiting,
            "changed": changed,
            "waiting_count": len(people),
        },
    )
