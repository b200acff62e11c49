"""Groups, series and sessions pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from participants.access import participants_for
from participants.models import Enrolment, Participant
from programme import params
from programme.access import participant_work_required
from programme.forms import add_service_errors, posted
from sessions import services
from sessions.access import (
    attendance_to_record,
    get_group,
    get_group_to_act_on,
    get_series,
    get_series_to_act_on,
    get_session,
    get_session_to_act_on,
    groups_for,
)
from sessions.forms import (
    AddMembersForm,
    CancelForm,
    ChangeFromForm,
    ExtendForm,
    GroupForm,
    InterpreterForm,
    MoveForm,
    SeriesForm,
    SessionForm,
)
from sessions.models import AbsenceNotice, Attendance, GroupMembership, Series, Session

# Groups ----------------------------------------------------------------------------------


@participant_work_required
@require_http_methods(["GET"])
def group_list(request: HttpRequest) -> HttpResponse:
    groups = (
        groups_for(request.staff)
        .select_related("programme", "module")
        .prefetch_related("coaches")
        .annotate(
            size=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True)
        )
        .order_by("programme__name", "name")
    )
    return render(request, "sessions/group_list.html", {"groups": groups})


@participant_work_required
@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(
        posted(request), staff=request.staff, initial={"programme": request.GET.get("programme")}
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "coaches"}
        coaches = list(form.cleaned_data["coaches"])
        if request.staff.is_coach and request.user not in coaches:
            # A coach creating a group coaches it, or they could not open it afterwards.
            coaches.append(request.user)
        try:
            group = services.group_create(data=data, coaches=coaches)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Group created. Now add its members."))
            return redirect(group)
    return render(request, "sessions/group_form.html", {"form": form})


def _back(request) -> str:
    """Where a planning form came from: the group's page, or the agenda."""
    group = params.id_param(request.GET, "group", lenient=True)
    if group:
        return reverse("sessions:group", args=[group])
    return reverse("sessions:agenda")


def _reachable(request, participant_ids) -> set[int]:
    """Whose file the user may open: the others are named without a link (a colleague's
    participant in a shared group, say)."""
    return set(
        participants_for(request.staff).filter(pk__in=participant_ids).values_list("pk", flat=True)
    )


def _candidates(request, group):
    """People who may join: on the user's caseload, with an open enrolment in the group's
    programme, and not in the group now."""
    enrolled = Enrolment.objects.filter(
        participant=OuterRef("pk"), programme=group.programme_id
    ).exclude(status__in=Enrolment.FINISHED)
    current = GroupMembership.objects.filter(
        participant=OuterRef("pk"), group=group, left_on__isnull=True
    )
    return participants_for(request.staff).filter(Exists(enrolled)).exclude(Exists(current))


@participant_work_required
@require_http_methods(["GET"])
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _group_page(request, get_group(request, pk))


def _group_page(request, group, form=None, refusal=None) -> HttpResponse:
    """The group page; after a refused "add", with the same people still ticked and, for
    people on the waiting list, the offer to admit and add them in one step."""
    memberships = (
        group.memberships.filter(left_on__isnull=True)
        .select_related("participant")
        .order_by("participant__last_name", "participant__first_name")
    )
    rates = dict(
        Enrolment.objects.filter(
            programme_id=group.programme_id, participant__in=[m.participant_id for m in memberships]
        )
        .exclude(status__in=Enrolment.FINISHED)
        .values_list("participant_id", "attendance_rate")
    )
    candidates = (
        _candidates(request, group)
        .search(request.GET.get("q", ""))
        .order_by("last_name", "first_name")
    )
    form = form or AddMembersForm(candidates=candidates)
    recorded = Attendance.objects.filter(
        session__group=group, status__in=Attendance.RECORDED
    ).filter(session__cancelled_at__isnull=True)
    totals = recorded.aggregate(
        counted=Count("pk", filter=~Q(status=Attendance.Status.EXCUSED)),
        attended=Count("pk", filter=Q(status__in=Attendance.ATTENDED)),
    )
    group_rate = (
        round(100 * totals["attended"] / totals["counted"], 1) if totals["counted"] else None
    )
    coming = Session.objects.filter(group=group, date__gte=timezone.localdate()).select_related(
        "kind", "room"
    )[:6]
    reachable = _reachable(request, [m.participant_id for m in memberships])
    template = "sessions/group_detail.html"
    if request.htmx:
        template += "#candidates"
    return render(
        request,
        template,
        {
            "group": group,
            "members": [(m, rates.get(m.participant_id)) for m in memberships],
            "free": max(group.capacity - len(memberships), 0),
            "form": form,
            "candidate_list": list(candidates[:50]),
            "group_rate": group_rate,
            "coming": coming,
            "coaches": group.coaches.all(),
            "reachable": reachable,
            "ticked": {str(pk) for pk in form["participants"].value() or []},
            "refusal": refusal,
            "waiting": getattr(refusal, "waiting", []),
            "breaches": getattr(refusal, "breaches", []),
        },
    )


@participant_work_required
@require_POST
def group_add_members(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_group_to_act_on(request, pk)
    form = AddMembersForm(request.POST, candidates=_candidates(request, group))
    if form.is_valid():
        try:
            added = services.group_add_members(
                group=group,
                participants=form.cleaned_data["participants"],
                joined_on=form.cleaned_data["joined_on"],
                override_reason=form.cleaned_data["override_reason"],
                by=request.user,
            )
        except ValidationError as error:
            # Nothing was added: the page comes back with the same people ticked.
            return _group_page(request, group, form=form, refusal=error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)s person added to the group.",
                    "%(count)s people added to the group.",
                    len(added),
                )
                % {"count": len(added)},
            )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(group)


@participant_work_required
@require_POST
def group_remove_member(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    group = get_group_to_act_on(request, pk)
    participant = participants_for(request.staff).filter(pk=participant_pk).first()
    if participant is None:
        messages.error(request, _("This person is not in the group."))
        return redirect(group)
    try:
        services.group_remove_member(
            group=group, participant=participant, left_on=timezone.localdate(), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s left the group.") % {"name": participant.full_name})
    return redirect(group)


# Series and sessions ---------------------------------------------------------------------


def _conflicts_for_series(series_form) -> list:
    """Conflicts of every date the series would create, before anything is saved."""
    data = series_form.series_data()
    draft = Series(**{k: v for k, v in data.items()})
    group = data.get("group")
    conflicts = []
    for day in services.series_dates(draft):
        people = [p.pk for p in group.members_on(day)] if group else []
        conflicts += services.find_conflicts(
            organisation_id=series_form.staff.organisation_id,
            day=day,
            start=data["start_time"],
            end=data["end_time"],
            participant_ids=people,
            facilitator_ids=[u.pk for u in series_form.cleaned_data["facilitators"]],
            room_id=data["room"].pk if data.get("room") else None,
            capacity=data.get("capacity") or (group.capacity if group else None),
        )
    return conflicts


@participant_work_required
@require_http_methods(["GET", "POST"])
def series_create(request: HttpRequest) -> HttpResponse:
    initial = {"group": request.GET.get("group"), "programme": request.GET.get("programme")}
    form = SeriesForm(posted(request), staff=request.staff, initial=initial)
    conflicts = []
    if request.method == "POST" and form.is_valid():
        try:
            form.instance.full_clean(exclude=["programme", "group", "kind", "room", "partner"])
            conflicts = _conflicts_for_series(form)
            if not conflicts or request.POST.get("confirm"):
                series = services.series_create(
                    data=form.series_data(), facilitators=form.cleaned_data["facilitators"]
                )
                count = series.sessions.count()
                messages.success(
                    request,
                    ngettext("%(count)s session planned.", "%(count)s sessions planned.", count)
                    % {"count": count},
                )
                return redirect("sessions:series", pk=series.pk)
        except ValidationError as error:
            add_service_errors(form, error)
            conflicts = []
    return render(request, "sessions/series_form.html", {"form": form, "conflicts": conflicts})


@participant_work_required
@require_http_methods(["GET"])
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = get_series(request, pk)
    # The counts group the query, and Django then drops the model's default order.
    sessions = (
        series.sessions.select_related("kind", "room")
        .annotate(
            expected=Count("attendances", filter=Q(attendances__status__in=Attendance.NOT_PAUSED)),
            recorded=Count("attendances", filter=Q(attendances__status__in=Attendance.RECORDED)),
        )
        .order_by("date", "start_time", "pk")
    )
    return render(
        request,
        "sessions/series_detail.html",
        {
            "series": series,
            "in_force": services.series_in_force(series),
            "skipped": services.series_skipped(series),
            "sessions": sessions,
            "extend_form": ExtendForm(),
            "change_form": ChangeFromForm(
                initial={
                    "from_date": timezone.localdate(),
                    "start_time": series.start_time,
                    "end_time": series.end_time,
                    "days": [str(d) for d in series.weekday_list()],
                }
            ),
        },
    )


@participant_work_required
@require_POST
def series_extend(request: HttpRequest, pk: int) -> HttpResponse:
    series = get_series_to_act_on(request, pk)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            added = services.series_extend(series=series, count=form.cleaned_data["count"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("sessions:series", pk=services.series_in_force(series).pk)
        messages.success(
            request,
            ngettext("%(count)s session added.", "%(count)s sessions added.", len(added))
            % {"count": len(added)},
        )
    else:
        messages.error(request, _("Give a number of sessions between 1 and 100."))
    return redirect("sessions:series", pk=series.pk)


@participant_work_required
@require_POST
def series_change(request: HttpRequest, pk: int) -> HttpResponse:
    series = get_series_to_act_on(request, pk)
    form = ChangeFromForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = services.series_change_from(
                series=series,
                from_date=data["from_date"],
                data={
                    "start_time": data["start_time"],
                    "end_time": data["end_time"],
                    "weekdays": ",".join(data["days"]),
                },
                facilitators=series.facilitators.all(),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("The schedule changes from %(date)s on.")
                % {"date": data["from_date"].strftime("%d/%m/%Y")},
            )
            return redirect("sessions:series", pk=new.pk)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("sessions:series", pk=series.pk)


@participant_work_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    people = participants_for(request.staff).order_by("last_name", "first_name")
    initial = {
        "group": request.GET.get("group"),
        "programme": request.GET.get("programme"),
        "date": timezone.localdate(),
    }
    if request.GET.get("participant"):
        initial["participants"] = [request.GET["participant"]]
    form = SessionForm(posted(request), staff=request.staff, participants=people, initial=initial)
    conflicts = []
    if request.method == "POST" and form.is_valid():
        data = form.session_data()
        group = data.get("group")
        ids = [p.pk for p in form.cleaned_data["participants"]]
        ids += [p.pk for p in group.members_on(data["date"])] if group else []
        conflicts = services.find_conflicts(
            organisation_id=request.staff.organisation_id,
            day=data["date"],
            start=data["start_time"],
            end=data["end_time"],
            participant_ids=sorted(set(ids)),
            facilitator_ids=[u.pk for u in form.cleaned_data["facilitators"]],
            room_id=data["room"].pk if data.get("room") else None,
            capacity=data.get("capacity") or (group.capacity if group else None),
        )
        if not conflicts or request.POST.get("confirm"):
            try:
                session = services.session_create(
                    data=data,
                    facilitators=form.cleaned_data["facilitators"],
                    participants=form.cleaned_data["participants"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
                conflicts = []
            else:
                messages.success(request, _("Session planned."))
                return redirect(session)
    picked_ids = form["participants"].value() or []
    picked = people.filter(pk__in=[pk for pk in map(str, picked_ids) if params.is_id(pk)])
    return render(
        request,
        "sessions/session_form.html",
        {"form": form, "conflicts": conflicts, "picked": picked, "back": _back(request)},
    )


@participant_work_required
@require_http_methods(["GET"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _session_page(request, get_session(request, pk))


def _session_page(request, session, *, interpreter_form=None, conflicts=()) -> HttpResponse:
    """The session page; a refused interpreter booking shows it again with its clashes."""
    rows = session.attendances.select_related("participant", "recorded_by", "notice").order_by(
        "participant__last_name", "participant__first_name"
    )
    rows = list(rows)
    reachable = _reachable(request, [row.participant_id for row in rows])
    # "I can't come" sent from the phone, still to answer by whoever may record the row.
    notices = [
        row.notice
        for row in rows
        if hasattr(row, "notice")
        and row.notice.status == AbsenceNotice.Status.PROPOSED
        and (session.may_act or row.participant_id in reachable)
    ]
    return render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "rows": rows,
            "notices": notices,
            "pending": sum(1 for row in rows if row.status == Attendance.Status.EXPECTED),
            "reachable": reachable,
            "statuses": Attendance.Status,
            "can_record": not session.is_cancelled and session.date <= timezone.localdate(),
            "facilitators": session.facilitators.all(),
            "interpreters": session.interpreters.select_related("provider"),
            "interpreter_form": interpreter_form or InterpreterForm(staff=request.staff),
            "conflicts": conflicts,
            "move_form": MoveForm(
                initial={
                    "date": session.date,
                    "start_time": session.start_time,
                    "end_time": session.end_time,
                }
            ),
            "cancel_form": CancelForm(),
            "add_candidates": participants_for(request.staff)
            .exclude(attendances__session=session)
            .filter(
                enrolments__programme=session.programme_id,
                enrolments__status__in=["active", "paused"],
            )
            .order_by("last_name", "first_name")
            .distinct()[:200],
        },
    )


@participant_work_required
@require_POST
def session_move(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_to_act_on(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        conflicts = services.find_conflicts(
            organisation_id=request.staff.organisation_id,
            day=data["date"], start=data["start_time"], end=data["end_time"],
            participant_ids=list(
                session.attendances.filter(status__in=Attendance.NOT_PAUSED).values_list(
                    "participant_id", flat=True
                )
            ),
            facilitator_ids=list(session.facilitators.values_list("pk", flat=True)),
            room_id=session.room_id, exclude=[session.pk],
        )  # fmt: skip
        if conflicts and not request.POST.get("confirm"):
            return render(
                request,
                "sessions/session_move.html",
                {"session": session, "form": form, "conflicts": conflicts},
            )
        try:
            services.session_move(session=session, **data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Session moved."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(session)


@participant_work_required
@require_http_methods(["GET", "POST"])
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancelling asks first: the page says who was expected and, when attendance was
    recorded, asks whether to keep it as "session cancelled" or to move the session."""
    session = get_session_to_act_on(request, pk)
    if session.is_cancelled:
        messages.info(request, _("This session is already cancelled."))
        return redirect(session)
    form = CancelForm(request.POST or request.GET or None)
    recorded = session.attendances.filter(status__in=Attendance.RECORDED).count()
    if request.method == "POST" and request.POST.get("confirm") and form.is_valid():
        try:
            services.session_cancel(
                session=session,
                reason=form.cleaned_data["reason"],
                recorded=request.POST.get("recorded", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Session cancelled. You can undo it from its page."))
            return redirect(session)
    return render(
        request,
        "sessions/session_cancel.html",
        {
            "session": session,
            "form": form,
            "recorded": recorded,
            "expected": session.attendances.filter(status__in=Attendance.NOT_PAUSED).count(),
        },
    )


@participant_work_required
@require_POST
def session_uncancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_to_act_on(request, pk)
    try:
        services.session_uncancel(session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The session takes place again."))
    return redirect(session)


@participant_work_required
@require_POST
def session_add_participants(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_to_act_on(request, pk)
    ids = params.ids_param(request.POST, "participants", lenient=True)
    people = list(participants_for(request.staff).filter(pk__in=ids))
    if not people:
        messages.error(request, _("Tick at least one person."))
    else:
        services.session_add_participants(session=session, participants=people)
        messages.success(
            request,
            ngettext(
                "%(count)s person added to the session.",
                "%(count)s people added to the session.",
                len(people),
            )
            % {"count": len(people)},
        )
    return redirect(session)


@participant_work_required
@require_POST
def session_add_interpreter(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_to_act_on(request, pk)
    form = InterpreterForm(request.POST, staff=request.staff)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(session)
    conflicts = services.find_conflicts(
        organisation_id=request.staff.organisation_id,
        day=session.date,
        start=session.start_time,
        end=session.end_time,
        interpreter_names=[form.cleaned_data["interpreter_name"]],
        interpreter_provider=form.cleaned_data["provider"],
        exclude=[session.pk],
    )
    if conflicts and not request.POST.get("confirm"):
        # Shown before saving, like every other clash.
        return _session_page(request, session, interpreter_form=form, conflicts=conflicts)
    data = {name: form.cleaned_data[name] for name in InterpreterForm.Meta.fields}
    try:
        services.interpreter_book(session=session, data=data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Interpreter booking saved."))
    return redirect(session)


@participant_work_required
@require_POST
def attendance_record(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    """One tap: present, late, excused (with reason) or unexcused absence."""
    session = get_session(request, pk)
    # Everyone's at a session one acts on; one's own people's at any other in sight.
    participant = Participant.objects.filter(
        pk=participant_pk,
        attendances__in=attendance_to_record(request.staff).filter(session=session),
    ).first()
    row = None
    error = ""
    status_code = 200
    if participant is None:
        error = _("This person is not expected at this session.")
        status_code = 404
    else:
        try:
            row = services.attendance_record(
                session=session,
                participant=participant,
                status=request.POST.get("status", ""),
                reason=request.POST.get("reason", ""),
                version=params.int_param(
                    request.POST, "version", 0, minimum=0, maximum=params.MAX_ID
                ),
                by=request.user,
            )
        except services.StaleAttendance as stale:
            row, error, status_code = stale.current, " ".join(stale.messages), 409
        except ValueError:
            # The version comes from the page; a mangled one means the page must be reloaded.
            error = _("This page is out of date: reload it and tap again.")
            status_code = 400
            row = session.attendances.select_related("participant").get(participant=participant)
        except ValidationError as refused:
            error = " ".join(refused.messages)
            status_code = 400
            row = session.attendances.select_related("participant").get(participant=participant)
    if request.htmx and row is not None:
        response = render(
            request,
            "sessions/session_detail.html#attendance-row",
            {
                "session": session,
                "row": row,
                "statuses": Attendance.Status,
                "can_record": not session.is_cancelled and session.date <= timezone.localdate(),
                "row_error": error,
                "reachable": _reachable(request, [participant.pk]),
            },
        )
        # htmx swaps only 2xx by default; a refused tap still shows the row with its message.
        response.status_code = 200 if status_code in (200, 400, 409) else status_code
        return response
    if error:
        messages.error(request, error)
    return redirect(f"{reverse('sessions:session', args=[session.pk])}#attendance")


@participant_work_required
@require_POST
def attendance_all_present(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone not recorded yet is present: then tap only the exceptions."""
    session = get_session(request, pk)
    pending = (
        attendance_to_record(request.staff)
        .filter(session=session, status=Attendance.Status.EXPECTED)
        .values_list("participant_id", flat=True)
    )
    try:
        count = services.attendance_record_session(
            session=session,
            marks=dict.fromkeys(pending, Attendance.Status.PRESENT),
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext("%(count)s person marked present.", "%(count)s people marked present.", count)
            % {"count": count},
        )
    return redirect(f"{reverse('sessions:session', args=[session.pk])}#attendance")
