import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import services as audit
from participants.access import enrolments_for, participants_for
from programme.access import participant_work_required
from programme.forms import add_service_errors
from programme.indicators import BREAKDOWNS
from reports import exports, services
from reports.access import (
    get_snapshot,
    manager_or_administrator_required,
    manager_required,
    snapshots_for,
)
from reports.charts import bar_chart
from reports.dashboard import dashboard
from reports.figures import Period, percent, small_count_limit, suppressed
from reports.forms import FunderForm, PeriodForm, ProjectFiguresForm, bound
from reports.funder import changes, flat_figures, funder_report, report_figures
from reports.models import FunderSnapshot, ProjectFigure
from reports.pdf import render_pdf
from reports.summary import trajectory_summary

SUMMARY = "reports/trajectory_summary.html"
NO_WORKER_AFTER = datetime.timedelta(minutes=1)


def _enrolment(request, pk: int):
    return get_object_or_404(
        enrolments_for(request.staff).select_related(
            "participant", "programme__organisation", "coach", "exit_review"
        ),
        pk=pk,
    )


@participant_work_required
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary as a page, to read on screen before printing."""
    enrolment = _enrolment(request, pk)
    audit.log_view(request, enrolment.participant, what="summary", object_id=enrolment.pk)
    return render(request, SUMMARY, trajectory_summary(enrolment))


@participant_work_required
@require_GET
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    audit.log_export(request, enrolment.participant, what="summary_pdf")
    context = trajectory_summary(enrolment)
    participant = context["participant"]
    filename = f"parcours-{slugify(participant.full_name)}-{context['today']:%Y-%m-%d}.pdf"
    return render_pdf(SUMMARY, context, request, filename)


# Dashboard and funder report (managers only: reports.access).

DASHBOARD = "reports/dashboard.html"
FUNDER = "reports/funder.html"
FUNDER_PDF = "reports/funder_pdf.html"


def _charted(section) -> str:
    if not section.chart:
        return ""
    bars = [
        (row.label, row.bar if row.bar is not None else row.count, row.shown)
        for row in section.rows
    ]
    return bar_chart(bars, str(section.title))


def _people_url(source: str, form, key: str) -> str:
    query = {
        "source": source,
        "start": form.cleaned_data["start"].isoformat(),
        "end": form.cleaned_data["end"].isoformat(),
        "key": key,
    }
    if form.cleaned_data.get("programme"):
        query["programme"] = form.cleaned_data["programme"].pk
    query = list(query.items())
    query += [("also", p.pk) for p in form.cleaned_data.get("also") or []]
    if form.cleaned_data.get("by_site"):
        query.append(("by_site", "on"))
    return f"{reverse('reports:people')}?{urlencode(query)}"


@manager_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form = bound(request, PeriodForm, staff=request.staff)
    context = {"form": form}
    if form.is_valid():
        chosen = form.cleaned_data.get("programme")
        programmes = [chosen] if chosen else list(form.fields["programme"].queryset)
        board = dashboard(programmes, form.period)
        context["sections"] = [
            {
                "section": section,
                "chart": _charted(section),
                "rows": [(row, _people_url("dashboard", form, row.key)) for row in section.rows],
            }
            for section in board.sections
        ]
        context["programme"] = chosen
    template = DASHBOARD + "#figures" if request.htmx else DASHBOARD
    return render(request, template, context)


def _bar(count: int) -> int:
    """A hidden small count is drawn at the threshold: a bar as long as the true count would
    give away what "< 5" hides."""
    return count if suppressed(count) == str(count) else small_count_limit()


def _display(figures: dict, link=None) -> dict:
    """A report's stored figures as the page and the PDF show them: small counts hidden."""

    def cell(count, key):
        # Nobody behind a zero: no link to an empty list.
        return {"shown": suppressed(count), "url": link(key) if link and count else ""}

    rows = []
    for row in figures.get("rows", []):
        code = row["code"]
        columns = {
            column: cell(row[column], f"{code}|{column}") if column in row
            else {"shown": "—", "url": ""}
            for column in ("period", "previous", "cumulative")
        }  # fmt: skip
        milestone = row.get("milestone")
        rows.append(
            {
                "code": code,
                "wording": row["wording"],
                "kind": row["kind"],
                "funder": row.get("funder", ""),
                **columns,
                "not_yet_known": cell(row.get("not_yet_known", 0), f"{code}|not_yet_known"),
                "rule": row.get("rule"),
                "target": row["target"],
                "achieved": _achieved(row["cumulative"], row["target"]),
                "milestone": milestone
                and {
                    "due": datetime.date.fromisoformat(milestone[0]),
                    "target": milestone[1],
                    "achieved": _achieved(row["cumulative"], milestone[1]),
                },
                "breakdowns": [
                    (
                        str(BREAKDOWNS.get(dimension, dimension)),
                        [
                            (label, cell(count, f"{row['code']}|period|{dimension}|{code}"))
                            for code, label, count in cells
                        ],
                    )
                    for dimension, cells in row["breakdowns"].items()
                ],
            }
        )
    flat = flat_figures(figures)
    beside = [
        (label, cell(count, key))
        for key, (label, count) in flat.items()
        if key.startswith(("not_counted|", "helpful|"))
    ]
    targets = [
        (label, target, actual, link(f"target|{key}") if link else "")
        for key, label, target, actual in figures.get("targets", [])
    ]
    charts = [
        bar_chart(
            [(f"{row['code']}", _bar(row["period"]), suppressed(row["period"]))
             for row in figures.get("rows", [])],
            _("Participants per indicator, period"),
        )
    ]  # fmt: skip
    return {
        "rows": rows,
        "beside": beside,
        "targets": targets,
        "charts": charts,
        "warnings": figures.get("warnings", []),
        "project_figures": [
            (
                row["code"],
                row["wording"],
                *(
                    _("not entered") if row[c] is None else row[c]
                    for c in ("period", "previous", "cumulative")
                ),
            )
            for row in figures.get("project_figures", [])
        ],  # fmt: skip
        "funders": list(dict.fromkeys(row["funder"] for row in rows if row["funder"])),
        "previous": figures.get("previous_period"),
    }


def _achieved(count, target) -> str:
    """How far a figure is towards its target, as a share."""
    if count is None or not target:
        return ""
    return percent(count, target)


@manager_required
@require_GET
def funder_page(request: HttpRequest) -> HttpResponse:
    form = bound(request, FunderForm, staff=request.staff)
    context = {"form": form}
    if form.is_valid():
        programme = form.cleaned_data["programme"]
        report = funder_report(programme, form.period, **form.options)
        context.update(
            programme=programme,
            small_count=small_count_limit(),
            report=_display(
                report_figures(report), link=lambda key: _people_url("funder", form, key)
            ),
            entered=any(row.entered is not None for row in report.rows),
            snapshots=snapshots_for(request.staff)
            .filter(programme=programme)
            .select_related("created_by")[:10],
        )
    return render(request, FUNDER, context)


@manager_required
@require_POST
def funder_snapshot_create(request: HttpRequest) -> HttpResponse:
    form = FunderForm(request.POST, staff=request.staff)
    if form.is_valid():
        try:
            snapshot = services.funder_snapshot_request(
                programme=form.cleaned_data["programme"],
                period=form.period,
                by=request.user,
                options=form.options,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if snapshot.is_ready:
                messages.success(request, _("The report is ready and kept as a snapshot."))
            return redirect(snapshot)
    return render(request, FUNDER, {"form": form}, status=400)


@manager_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """The participants behind one figure of the dashboard or the funder report, computed by
    the same code as the figure itself, within the manager's access."""
    source = request.GET.get("source")
    form_class = FunderForm if source == "funder" else PeriodForm
    form = form_class(request.GET, staff=request.staff)
    key = request.GET.get("key", "")
    if source not in {"dashboard", "funder"} or not form.is_valid() or not key:
        raise Http404
    programme = form.cleaned_data.get("programme")
    try:
        if source == "funder":
            report = funder_report(programme, form.period, **form.options)
            ids, label = report.ids(key), report.label(key)
        else:
            programmes = [programme] if programme else list(form.fields["programme"].queryset)
            figure = dashboard(programmes, form.period).figure(key)
            ids, label = figure.ids, figure.label
    except KeyError:
        raise Http404 from None
    participants = participants_for(request.staff).filter(pk__in=ids).select_related("coach")
    return render(
        request,
        "reports/people.html",
        {"participants": participants, "label": label, "form": form, "source": source},
    )


@manager_required
@require_GET
def snapshot_page(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_snapshot(request, pk)
    context = {
        "snapshot": snapshot,
        # The worker marks the snapshot as running the moment it takes the job: still waiting
        # after a minute means no worker is there (stopped, or never started).
        "no_worker": snapshot.status == FunderSnapshot.Status.PENDING
        and timezone.now() - snapshot.created_at > NO_WORKER_AFTER,
    }
    if snapshot.is_ready:
        fresh = report_figures(
            funder_report(
                snapshot.programme,
                Period(snapshot.period_start, snapshot.period_end),
                **services.snapshot_options(snapshot),
            )
        )
        context.update(report=_display(snapshot.figures), changes=changes(snapshot.figures, fresh))
    template = "reports/snapshot.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, context)


def _ready_snapshot(request, pk: int):
    snapshot = get_snapshot(request, pk)
    if not snapshot.is_ready:
        raise Http404
    return snapshot


def _filename(snapshot) -> str:
    return (
        f"{slugify(snapshot.parameters.get('programme', 'report'))}-"
        f"{snapshot.period_start:%Y%m%d}-{snapshot.period_end:%Y%m%d}-{snapshot.pk}"
    )


@manager_required
@require_GET
def snapshot_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _ready_snapshot(request, pk)
    context = {"snapshot": snapshot, "report": _display(snapshot.figures)}
    return render_pdf(FUNDER_PDF, context, request, _filename(snapshot) + ".pdf")


@manager_required
@require_GET
def snapshot_csv(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _ready_snapshot(request, pk)
    return exports.csv_response(snapshot, _filename(snapshot))


@manager_required
@require_GET
def snapshot_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _ready_snapshot(request, pk)
    return exports.xlsx_response(snapshot, _filename(snapshot))


@manager_or_administrator_required
def project_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """The project-level indicators (AMIF O.2.1, O.2.2…) the manager enters for a period."""
    from programme.access import programmes_for

    programme = get_object_or_404(
        programmes_for(request.staff).select_related("indicator_set", "organisation"), pk=pk
    )
    indicators = (
        list(programme.indicator_set.indicators.filter(rule="entered"))
        if programme.indicator_set_id
        else []
    )
    if not indicators:
        raise Http404
    if request.method == "POST":
        form = ProjectFiguresForm(request.POST, indicators=indicators)
        if form.is_valid():
            changed = services.project_figures_save(
                programme=programme,
                period=form.period,
                values=form.values,
                by=request.user,
            )
            messages.success(request, _("%(n)s figure(s) saved.") % {"n": changed})
            query = urlencode({"start": form.cleaned_data["start"].isoformat(),
                               "end": form.cleaned_data["end"].isoformat()})  # fmt: skip
            return redirect(f"{request.path}?{query}")
        return render(request, PROJECT, {"form": form, "programme": programme}, status=400)
    if request.method != "GET":
        return HttpResponse(status=405)
    period_form = ProjectFiguresForm(request.GET or None, indicators=indicators)
    start, end = period_form.initial["start"], period_form.initial["end"]
    if request.GET and period_form.is_valid():
        start, end = period_form.cleaned_data["start"], period_form.cleaned_data["end"]
    values = dict(
        ProjectFigure.objects.filter(
            programme=programme, period_start=start, period_end=end
        ).values_list("indicator_id", "value")
    )
    form = ProjectFiguresForm(
        indicators=indicators, values=values, initial={"start": start, "end": end}
    )
    return render(request, PROJECT, {"form": form, "programme": programme})


PROJECT = "reports/project_figures.html"
