import datetime
from urllib.parse import quote_plus, urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit import services as audit
from participants.access import participants_for
from programme.access import participant_work_required, programmes_for
from programme.forms import add_service_errors
from programme.indicators import BREAKDOWNS
from reports import exports, services
from reports.access import (
    get_snapshot,
    get_summary_enrolment,
    manager_or_administrator_required,
    manager_required,
    snapshots_for,
)
from reports.charts import bar_chart
from reports.dashboard import dashboard
from reports.figures import Period, percent, small_count_limit
from reports.forms import (
    DashboardForm,
    FunderForm,
    PeriodForm,
    ProjectFiguresForm,
    SnapshotForm,
    bound,
)
from reports.funder import flat_figures, funder_report, snapshot_options
from reports.models import FunderSnapshot, ProjectFigure
from reports.pdf import render_pdf
from reports.structure import structure
from reports.summary import trajectory_summary
from reports.suppression import (
    HIDDEN_LEGEND,
    dashboard_shown,
    funder_suppressed,
    legend,
    stored_figures,
    target_shown,
)

SUMMARY = "reports/trajectory_summary.html"
NO_WORKER_AFTER = datetime.timedelta(minutes=1)


@participant_work_required
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary as a page, to read on screen before printing."""
    enrolment = get_summary_enrolment(request, pk)
    audit.log_view(request, enrolment.participant, what="summary", object_id=enrolment.pk)
    return render(request, SUMMARY, trajectory_summary(enrolment))


@participant_work_required
@require_GET
def summary_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_summary_enrolment(request, pk)
    audit.log_export(request, enrolment.participant, what="summary_pdf")
    context = trajectory_summary(enrolment)
    participant = context["participant"]
    filename = f"parcours-{slugify(participant.full_name)}-{context['today']:%Y-%m-%d}.pdf"
    return render_pdf(SUMMARY, context, request, filename)


# Dashboard and funder report (managers only: reports.access).

DASHBOARD = "reports/dashboard.html"
FUNDER = "reports/funder.html"
FUNDER_PDF = "reports/funder_pdf.html"


def _charted(section, shown: dict, limit: int) -> str:
    """The section's chart, hidden figures drawn as the table shows them: a bar as long as the
    true count would give away what "< 5" hides."""
    if not section.chart:
        return ""
    bars = []
    for row in section.rows:
        length = row.bar if row.bar is not None else row.count
        if shown[row.key] != row.shown:
            length = limit if row.value is None else 0
        bars.append((row.label, length, shown[row.key]))
    return bar_chart(bars, str(section.title))


def _people_urls(source: str, form):
    """The link of each figure to the people behind it: `key` → URL (the period's part of the
    address built once for the page's hundreds of figures)."""
    query = {
        "source": source,
        "start": form.cleaned_data["start"].isoformat(),
        "end": form.cleaned_data["end"].isoformat(),
    }
    if form.cleaned_data.get("programme"):
        query["programme"] = form.cleaned_data["programme"].pk
    query = list(query.items())
    query += [("also", p.pk) for p in form.cleaned_data.get("also") or []]
    if form.cleaned_data.get("by_site"):
        query.append(("by_site", "on"))
    base = f"{reverse('reports:people')}?{urlencode(query)}&key="
    return lambda key: base + quote_plus(key)


def _board(request, *, funder: bool):
    """The dashboard of the chosen programmes and period; `funder`: as it leaves Parcours,
    small counts and what gives them away hidden (reports.suppression)."""
    form = bound(request, DashboardForm, staff=request.staff)
    context = {"form": form}
    if not form.is_valid():
        return form, context
    funder = funder or form.cleaned_data["funder"]
    chosen = form.cleaned_data.get("programme")
    programmes = [chosen] if chosen else list(form.fields["programme"].queryset)
    board = dashboard(programmes, form.period)
    limit = small_count_limit()
    if funder:
        board.read_people()
        shown = dashboard_shown(board, limit)
    else:
        shown = {row.key: row.shown for section in board.sections for row in section.rows}
    people_url = _people_urls("dashboard", form)
    context.update(
        programme=chosen,
        programmes=programmes,
        funder=funder,
        legend=legend(limit),
        sections=[
            {
                "section": section,
                "chart": _charted(section, shown, limit),
                "rows": [(row, people_url(row.key), shown[row.key]) for row in section.rows],
            }
            for section in board.sections
        ],
    )
    return form, context


@manager_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form, context = _board(request, funder=False)
    if "sections" in context:
        if not context["funder"]:
            # Hours and phases are for running the programme, not for the funder's copy.
            context["structure"] = structure(
                context["programmes"], form.period, timezone.localdate()
            )
        query = request.GET.urlencode()
        context["downloads"] = {
            "pdf": f"{reverse('reports:dashboard-pdf')}?{query}",
            "xlsx": f"{reverse('reports:dashboard-xlsx')}?{query}",
        }
    template = DASHBOARD + "#figures" if request.htmx else DASHBOARD
    return render(request, template, context)


def _board_for_funder(request):
    form, context = _board(request, funder=True)
    if "sections" not in context:
        raise Http404
    programme = context["programme"]
    name = programme.name if programme else request.staff.organisation.name
    filename = f"{slugify(name)}-{form.period.start:%Y%m%d}-{form.period.end:%Y%m%d}"
    return form, context, filename


@manager_required
@require_GET
def dashboard_pdf(request: HttpRequest) -> HttpResponse:
    """The dashboard as it leaves Parcours: small counts hidden, one section per page."""
    _form, context, filename = _board_for_funder(request)
    return render_pdf("reports/dashboard_pdf.html", context, request, filename + ".pdf")


@manager_required
@require_GET
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    form, context, filename = _board_for_funder(request)
    programme = context["programme"]
    out = [
        [_("Programme dashboard")],
        [programme.name if programme else _("All programmes of the organisation"),
         f"{form.period.start:%d/%m/%Y} – {form.period.end:%d/%m/%Y}"],
        [context["legend"]],
    ]  # fmt: skip
    for item in context["sections"]:
        out += [[], [str(item["section"].title)], [str(item["section"].note)]]
        out += [[str(row.label), exports.number(shown)] for row, _url, shown in item["rows"]]
    return exports.workbook_response(
        out, _("Programme dashboard"), filename, widths={"A": 50, "B": 30}
    )


def _display(figures: dict, limit: int, link=None) -> dict:
    """A report's figures as the page and the PDF show them: small counts hidden, and what
    would give them away (reports.suppression), at threshold `limit`."""
    hidden = funder_suppressed(figures, limit)

    def cell(key, link_key=None):
        # Nobody behind a zero: no link to an empty list. Staff who may see the people still
        # open the list behind a hidden count.
        count = hidden.counts.get(key, 0)
        url = link(link_key or key) if link and count else ""
        return {"shown": hidden.shown(key), "url": url}

    rows = []
    for row in figures.get("rows", []):
        code = row["code"]
        columns = {
            column: cell(f"{code}|{column}") if column in row else {"shown": "—", "url": ""}
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
                "not_yet_known": cell(f"{code}|not_yet_known"),
                "rule": row.get("rule"),
                "target": row["target"],
                "achieved": _achieved(
                    hidden, f"{code}|cumulative", row["cumulative"], row["target"]
                ),
                "milestone": milestone
                and {
                    "due": datetime.date.fromisoformat(milestone[0]),
                    "target": milestone[1],
                    "achieved": _achieved(
                        hidden, f"{code}|cumulative", row["cumulative"], milestone[1]
                    ),
                },
                "breakdowns": [
                    (
                        str(BREAKDOWNS.get(dimension, dimension)),
                        [
                            (
                                label,
                                cell(
                                    f"{code}|{dimension}|{category}",
                                    f"{code}|period|{dimension}|{category}",
                                ),
                            )
                            for category, label, _count in cells
                        ],
                    )  # fmt: skip
                    for dimension, cells in row["breakdowns"].items()
                ],
            }
        )
    beside = [
        (label, cell(key))
        for key, (label, _count) in flat_figures(figures).items()
        if key.startswith(("not_counted|", "helpful|"))
    ]
    targets = [
        (label, target, _decimal(target_shown(hidden, key, actual, *count)),
         link(f"target|{key}") if link else "")
        for key, label, target, actual, *count in figures.get("targets", [])
    ]  # fmt: skip
    # A hidden count is drawn at the threshold: a bar as long as the true count would give
    # away what "< 5" hides.
    charts = [
        bar_chart(
            [(row["code"], limit if hidden.is_hidden(key) or hidden.shown(key) != str(count)
              else count, hidden.shown(key))
             for row in figures.get("rows", [])
             for key, count in [(f"{row['code']}|period", row["period"])]],
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
        "legend": legend(limit),
        "hidden_legend": HIDDEN_LEGEND % {"n": limit},
    }


def _decimal(text: str) -> str:
    """A stored rate ("58.3 %") written as the current language writes decimals."""
    return text.replace(".", ",") if translation.get_language() in {"fr", "nl"} else text


def changes_shown(stored: dict, fresh: dict, limit: int) -> list[tuple[str, str, str]]:
    """What differs between a stored report and the same report counted again today, each
    value hidden as its own table hides it: no small count, and no pair of exact values
    whose difference is one."""
    before, after = flat_figures(stored), flat_figures(fresh)
    hidden = {"before": funder_suppressed(stored, limit), "after": funder_suppressed(fresh, limit)}
    shown_rows = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key, (None, None)), after.get(key, (None, None))
        if old[1] == new[1]:
            continue
        values = []
        for which, value in (("before", old), ("after", new)):
            result = hidden[which]
            if value[1] is None:
                values.append("—")
            elif key.startswith("target|"):
                values.append(_decimal(target_shown(result, key.split("|", 1)[1], value[1],
                                                    *result_count(result, key))))  # fmt: skip
            else:
                values.append(result.shown(key))
        shown_rows.append((new[0] or old[0], *values))
    return shown_rows


def result_count(result, key: str) -> list[int]:
    return [result.counts[key]] if key in result.counts else []


def _achieved(hidden, key: str, count, target) -> str:
    """How far a figure is towards its target, as a share: hidden with its count."""
    if count is None or not target or hidden.rate_hidden(count, target, key):
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
            languages=settings.STAFF_LANGUAGES,
            report=_display(
                stored_figures(report),
                small_count_limit(),
                link=_people_urls("funder", form),
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
    form = SnapshotForm(request.POST, staff=request.staff)
    if form.is_valid():
        try:
            snapshot = services.funder_snapshot_request(
                programme=form.cleaned_data["programme"],
                period=form.period,
                by=request.user,
                language=form.cleaned_data["language"],
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
            # The figure's own query as a subquery: its people are not read on their own.
            ids, label = figure.who, figure.label
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
        with translation.override(snapshot.language):
            fresh = stored_figures(
                funder_report(
                    snapshot.programme,
                    Period(snapshot.period_start, snapshot.period_end),
                    **snapshot_options(snapshot),
                )
            )
        context.update(
            report=_display(snapshot.figures, snapshot.small_count),
            changes=changes_shown(snapshot.figures, fresh, snapshot.small_count),
        )
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
    # Every word in the report's language, whoever downloads it.
    with translation.override(snapshot.language):
        context = {"snapshot": snapshot, "report": _display(snapshot.figures,
                                                             snapshot.small_count)}  # fmt: skip
        return render_pdf(FUNDER_PDF, context, request, _filename(snapshot) + ".pdf")


@manager_required
@require_GET
def snapshot_csv(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _ready_snapshot(request, pk)
    separator = request.GET.get("separator")
    semicolon = {"semicolon": True, "comma": False}.get(separator)
    return exports.csv_response(snapshot, _filename(snapshot), semicolon)


@manager_required
@require_GET
def snapshot_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = _ready_snapshot(request, pk)
    return exports.xlsx_response(snapshot, _filename(snapshot))


@manager_or_administrator_required
def project_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """The project-level indicators (AMIF O.2.1, O.2.2…) the manager enters for a period."""
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
