"""A funder report as a spreadsheet (CSV and XLSX), from a stored snapshot, in the report's
language, with the small counts hidden as every other output hides them (reports.suppression)
at the threshold the snapshot was generated with.

Numbers stay numbers (a hidden count is the text "< 5" or "×"). A Belgian office opens the
CSV in Excel: in French and Dutch the cells are separated by ";" and decimals written with a
comma, as Excel there expects; in English "," and a point. The choice is the user's on the
export, defaulting from the report's language.

Cells a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
return): in the CSV they get a leading apostrophe (a CSV cannot say "text"); in the XLSX they
are stored as text cells, shown as typed.
"""

import csv
import io
import re

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from programme.indicators import BREAKDOWNS
from reports.funder import flat_figures
from reports.suppression import funder_suppressed, legend, target_shown

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_LIMIT = 31  # Excel's limit
PERCENT = re.compile(r"^(\d+(?:\.\d+)?) %$")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_name(text: str) -> str:
    """Within Excel's 31 characters, cut between words, without the characters it refuses."""
    text = re.sub(r"[\[\]:*?/\\]", " ", text).strip()
    if len(text) <= SHEET_NAME_LIMIT:
        return text
    cut = text[: SHEET_NAME_LIMIT + 1].rsplit(" ", 1)[0].rstrip(" ,;–-")
    return cut if 0 < len(cut) <= SHEET_NAME_LIMIT else text[:SHEET_NAME_LIMIT]


def number(text):
    """A count shown as "12" as the number 12, a rate ("58.3 %") as the number 58.3; a hidden
    one as its mark."""
    if str(text).isdigit():
        return int(text)
    found = PERCENT.match(str(text))
    return float(found.group(1)) if found else text


def rows(snapshot) -> list[list]:
    """The report's cells, in the snapshot's language: numbers as numbers, hidden counts as
    their marks, rates as numbers of percent."""
    parameters, figures = snapshot.parameters, snapshot.figures
    limit = snapshot.small_count
    hidden = funder_suppressed(figures, limit)
    with translation.override(snapshot.language):
        programmes = figures.get("programmes", [])
        out = [
            [_("Organisation"), parameters.get("organisation", "")],
            [_("Programme"), parameters.get("programme", "")],
            *([[_("Together with"), ", ".join(programmes[1:])]] if len(programmes) > 1 else []),
            [_("Indicator set"), parameters.get("indicator_set", "")],
            [_("Period"), f"{snapshot.period_start:%d/%m/%Y} – {snapshot.period_end:%d/%m/%Y}"],
            [legend(limit)],
            *([warning] for warning in figures.get("warnings", [])),
            [],
            [_("Code"), _("Funder"), _("Indicator"), _("Period"), _("Previous period"),
             _("Since the start"), _("Upon leaving, not yet known"), _("Target")],
        ]  # fmt: skip
        for row in figures.get("rows", []):
            code = row["code"]
            out.append([code, row.get("funder", ""), row["wording"],
                        *(hidden.value(f"{code}|{column}") if column in row else ""
                          for column in ("period", "previous", "cumulative", "not_yet_known")),
                        row["target"]])  # fmt: skip
        breakdowns = [
            [row["code"], str(BREAKDOWNS.get(dimension, dimension)), label,
             hidden.value(f"{row['code']}|{dimension}|{category}")]
            for row in figures.get("rows", [])
            for dimension, cells in row["breakdowns"].items()
            for category, label, _count in cells
        ]  # fmt: skip
        if breakdowns:
            out += [[], [_("Code"), _("Breakdown"), _("Category"), _("Period")], *breakdowns]
        beside = [
            [label, hidden.value(key)]
            for key, (label, _count) in flat_figures(figures).items()
            if key.startswith(("not_counted|", "helpful|"))
        ]
        if beside:
            out += [[], [_("Beside the indicators"), _("Period")], *beside]
        project = [
            [row["code"], row["wording"],
             *(row[column] if row[column] is not None else _("not entered")
               for column in ("period", "previous", "cumulative"))]
            for row in figures.get("project_figures", [])
        ]  # fmt: skip
        if project:
            out += [[], [_("Project-level indicators"), _("Indicator"), _("Period"),
                         _("Previous period"), _("Since the start")], *project]  # fmt: skip
        targets = [
            [label, target, number(target_shown(hidden, key, actual, *count))]
            for key, label, target, actual, *count in figures.get("targets", [])
        ]
        if targets:
            out += [[], [_("The programme's targets"), _("Aimed at"),
                         _("Reached since the start")], *targets]  # fmt: skip
    return out


def csv_response(snapshot, filename: str, semicolon: bool | None = None) -> HttpResponse:
    """`semicolon`: ";" between cells and a decimal comma (the default in French and Dutch)."""
    if semicolon is None:
        semicolon = snapshot.decimal_comma
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if semicolon else ",")
    for row in rows(snapshot):
        writer.writerow([_csv_cell(value, semicolon) for value in row])
    # The byte-order mark makes Excel read the file as UTF-8 (accents, ≥, –).
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _csv_cell(value, decimal_comma: bool):
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:g}"
        return text.replace(".", ",") if decimal_comma else text
    return safe_cell(value)


def xlsx_response(snapshot, filename: str) -> HttpResponse:
    # The funder and the period: readable in every language, and within 31 characters.
    title = (
        f"{snapshot.indicator_set.funder} {snapshot.period_start:%d.%m.%Y}–"
        f"{snapshot.period_end:%d.%m.%Y}"
    )
    return workbook_response(rows(snapshot), title, filename, widths={"A": 14, "B": 70})


def workbook_response(rows: list[list], title: str, filename: str, widths: dict) -> HttpResponse:
    """Rows as one sheet: numbers as numbers, rates as numbers of percent, formula-like text as
    text; a section's headings (the row after an empty one) in bold."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name(title)
    previous = None
    for number, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(number, column)
            cell.value = value
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                cell.data_type = "s"  # text, never a formula; shown without an apostrophe
                cell.quotePrefix = True
            elif isinstance(value, float):
                cell.number_format = '0.0" %"'
            if previous == [] and number > 1:
                cell.font = Font(bold=True)
        previous = values
    for column in "ABCDE":
        sheet.column_dimensions[column].width = widths.get(column, 16)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
