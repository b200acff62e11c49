"""The grouping proposal page: groups proposed for the people of a programme waiting to be
placed, adjusted by the coach (moves travel in the form, so nothing is stored until the
groups are confirmed), then created in one transaction."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from evaluations.models import LanguageAssessment
from participants.access import participants_for
from participants.choices import LanguageUse
from participants.models import Enrolment, LanguageSkill, Participant
from programme.access import participant_work_required, programmes_for
from programme.forms import add_service_errors
from programme.models import Programme, Staff
from sessions import grouping, services
from sessions.models import Group, GroupMembership

DEFAULT_CAPACITY = Group._meta.get_field("capacity").default
PLACEABLE = [Enrolment.Status.ACTIVE, Enrolment.Status.WAITING_LIST]


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


def waiting_to_be_placed(staff: Staff, programme: Programme):
    """People within the user's reach with an open enrolment (active or on the waiting list)
    in the programme and in none of its groups now, with their latest assessment and mother
    tongue: one query."""
    enrolled = Enrolment.objects.filter(
        participant=OuterRef("pk"), programme=programme, status__in=PLACEABLE
    )
    in_a_group = GroupMembership.objects.filter(
        participant=OuterRef("pk"), group__programme=programme, left_on__isnull=True
    )
    latest = LanguageAssessment.objects.filter(participant=OuterRef("pk")).order_by(
        "-assessed_on", "-pk"
    )
    mother_tongue = LanguageSkill.objects.filter(
        participant=OuterRef("pk"), use=LanguageUse.MOTHER_TONGUE
    ).order_by("language")
    return (
        participants_for(staff)
        .filter(Exists(enrolled), ~Exists(in_a_group))
        .annotate(
            latest_oral=Subquery(latest.values("oral")[:1]),
            latest_reading=Subquery(latest.values("reading")[:1]),
            latest_writing=Subquery(latest.values("writing")[:1]),
            latest_literacy=Subquery(latest.values("literacy")[:1]),
            mother_tongue=Subquery(mother_tongue.values("language")[:1]),
        )
        .order_by("last_name", "first_name", "pk")
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


def _group_name(programme: Programme, band: str, number: int) -> str:
    suffix = f" {band} ({number})"
    return programme.name[: Group._meta.get_field("name").max_length - len(suffix)] + suffix


def _create_groups(request: HttpRequest, programme: Programme, proposal, people) -> list[Group]:
    """One group per non-empty proposed group, its members added in one call, all or nothing."""
    today = timezone.localdate()
    coaches = [request.user] if request.staff.is_coach else []
    chosen = [group for group in proposal.groups if group.size]
    with transaction.atomic():
        # Two coaches confirming at once would otherwise place the same people twice.
        Programme.objects.select_for_update().get(pk=programme.pk)
        still_waiting = set(
            waiting_to_be_placed(request.staff, programme).values_list("pk", flat=True)
        )
        if any(p.candidate.id not in still_waiting for g in chosen for p in g.placements):
            raise ValidationError(
                _("Some of these people were placed meanwhile: check the groups again.")
            )
        existing = Group.objects.filter(programme=programme).count()
        created = []
        for number, proposed in enumerate(chosen, start=existing + 1):
            group = services.group_create(
                data={
                    "programme": programme,
                    "name": _group_name(programme, proposed.band, number),
                    "level_low": proposed.level_low,
                    "level_high": proposed.level_high,
                    "capacity": proposal.capacity,
                },
                coaches=coaches,
            )
            services.group_add_members(
                group=group,
                participants=[people[p.candidate.id] for p in proposed.placements],
                joined_on=today,
            )
            created.append(group)
    return created


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
                created = _create_groups(request, programme, proposal, people)
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


urlpatterns = [
    path("programmes/<int:pk>/grouping/", grouping_proposal, name="grouping"),
]
