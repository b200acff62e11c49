"""A funder report as rows for a spreadsheet (CSV and XLSX), from a stored snapshot.

Cells a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
return) get a leading apostrophe: wording edited in the administration must never become a
formula on the funder's computer.
"""

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _

from reports.figures import suppressed
from reports.funder import flat_figures

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _count(count: int):
    """A number stays a number in the spreadsheet unless it is hidden."""
    shown = suppressed(count)
    return count if shown == str(count) else shown


def rows(snapshot) -> list[list]:
    parameters, figures = snapshot.parameters, snapshot.figures
    out = [
        [_("Organisation"), parameters.get("organisation", "")],
        [_("Programme"), parameters.get("programme", "")],
        [_("Indicator set"), parameters.get("indicator_set", "")],
        [_("Period"), f"{snapshot.period_start:%d/%m/%Y} – {snapshot.period_end:%d/%m/%Y}"],
        [_("Counts below %(n)s shown as “< %(n)s”") % {"n": parameters.get("small_count", 5)}],
        [],
        [_("Code"), _("Indicator"), _("Period"), _("Since the start"), _("Target"),
         _("Breakdown"), _("Category"), _("Count")],
    ]  # fmt: skip
    for row in figures.get("rows", []):
        out.append([row["code"], row["wording"], _count(row["period"]),
                    _count(row["cumulative"]), row["target"] or ""])  # fmt: skip
        for dimension, cells in row["breakdowns"].items():
            for _code, label, count in cells:
                out.append([row["code"], "", "", "", "", dimension, label, _count(count)])
    flat = flat_figures(figures)
    for key, (label, count) in flat.items():
        if key.startswith(("not_counted|", "helpful|")):
            out.append(["", label, _count(count)])
    for _key, label, target, actual in figures.get("targets", []):
        out.append(["", label, actual, "", target])
    return [[safe_cell(value) for value in row] for row in out]


def csv_response(snapshot, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows(snapshot))
    # The byte-order mark makes Excel read the file as UTF-8 (accents, ≥, –).
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(snapshot, filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Funder report")[:31]
    for row in rows(snapshot):
        sheet.append(row)
    for cell in sheet[7]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
