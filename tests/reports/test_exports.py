"""The funder report's outputs: every one hides small counts and what gives them away, at the
snapshot's own threshold, in the snapshot's language; the CSV as Belgian Excel reads it; the
XLSX cells' types; the PDF's text."""

import csv
import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from participants.models import Participant
from reports.exports import sheet_name
from reports.models import FunderSnapshot
from tests.reports.builders import amif, person
from tests.reports.test_funder_report import QUERY, URL, create, took_part

D = datetime.date


@pytest.fixture
def mixed(organisation, programme):
    """12 people who took part in the period: 8 men, 4 women. Women alone would be "< 5";
    12 − 8 must not give them back."""
    amif(programme)
    for n in range(12):
        took_part(person(organisation, programme, started=D(2025, 2, 1 + n), first_name=f"P{n}",
                         gender="woman" if n < 4 else "man"))  # fmt: skip
    return programme


def snapshot_of(client, programme, language="en"):
    create(client, programme, language)
    return FunderSnapshot.objects.latest("pk")


def get(client, name, snapshot, **query):
    return client.get(reverse(name, args=[snapshot.pk]), query)


def belgian_rows(content: bytes) -> list[list[str]]:
    """The CSV as Excel set to Belgian French reads it: UTF-8 with its mark, ";" between
    cells."""
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_page_hides_the_complement_of_a_small_count(manager_client, mixed):
    report = manager_client.get(URL, {"programme": mixed.pk, **QUERY}).context["report"]
    gender = dict(dict(report["rows"][0]["breakdowns"])["Gender"])
    assert report["rows"][0]["period"]["shown"] == "12"
    assert gender["Woman"]["shown"] == "< 5" and gender["Man"]["shown"] == "×"
    assert gender["Woman"]["url"]  # staff still open the people behind it


def test_the_csv_in_french_opens_in_belgian_excel(manager_client, mixed):
    snapshot = snapshot_of(manager_client, mixed, "fr")
    rows = belgian_rows(get(manager_client, "reports:snapshot-csv", snapshot).content)
    assert rows[0] == ["Organisation", mixed.organisation.name]
    o23 = next(row for row in rows if row[:1] == ["O.2.3"])
    # code, funder, wording, period, previous period, since the start, not yet known, target
    wording = "Participants aux activités de soutien"
    assert o23 == ["O.2.3", "AMIF", wording, "12", "0", "12", "0", ""]
    breakdown = [row for row in rows if row[:1] == ["O.2.3"] and len(row) == 4]
    labels = {row[2]: row[3] for row in breakdown}
    # French category words, not the English "Woman" nor the code "gender".
    assert "Woman" not in labels and "gender" not in {row[1] for row in breakdown}
    assert sorted(labels.values()).count("< 5") >= 1 and "×" in labels.values()
    assert "8" not in labels.values() and "4" not in labels.values()


def test_the_csv_header_states_the_threshold_its_cells_used(manager_client, settings, mixed):
    settings.REPORT_SMALL_COUNT = 10
    snapshot = snapshot_of(manager_client, mixed, "fr")
    settings.REPORT_SMALL_COUNT = 3  # changed since: the file keeps the snapshot's
    rows = belgian_rows(get(manager_client, "reports:snapshot-csv", snapshot).content)
    assert "10" in rows[4][0]
    o23 = next(row for row in rows if row[:1] == ["O.2.3"] and len(row) > 4)
    assert o23[3] == "12"
    breakdown = {row[2]: row[3] for row in rows if row[:1] == ["O.2.3"] and len(row) == 4}
    assert breakdown["Femme"] == "< 10"  # 4 women, hidden at the snapshot's threshold of 10


def test_the_csv_choice_on_the_export(manager_client, mixed):
    snapshot = snapshot_of(manager_client, mixed, "fr")
    text = get(manager_client, "reports:snapshot-csv", snapshot, separator="comma").text
    assert "O.2.3,AMIF,Participants aux activités de soutien,12,0,12,0" in text
    english = snapshot_of(manager_client, mixed, "en")
    lines = get(manager_client, "reports:snapshot-csv", english).text.splitlines()
    o23 = next(line for line in lines if line.startswith("O.2.3,AMIF,"))
    assert ";" not in o23


def test_a_rate_is_written_with_a_decimal_comma_in_french(manager_client, mixed):
    mixed.target_completion_rate = 80
    mixed.save()
    for n in range(7):  # seven leave, all complete: 100 %; base of 7 is shown
        p = Participant.objects.get(first_name=f"P{n}")
        p.enrolments.update(exited_on=D(2025, 5, 1), exit_reason="completed", status="exited")
    snapshot = snapshot_of(manager_client, mixed, "fr")
    rows = belgian_rows(get(manager_client, "reports:snapshot-csv", snapshot).content)
    assert rows[-1][1:] == ["80", "100"]


def test_a_rate_on_fewer_than_the_threshold_is_hidden(manager_client, mixed):
    mixed.target_completion_rate = 80
    mixed.save()
    p = Participant.objects.get(first_name="P0")
    p.enrolments.update(exited_on=D(2025, 5, 1), exit_reason="completed", status="exited")
    snapshot = snapshot_of(manager_client, mixed, "fr")
    rows = belgian_rows(get(manager_client, "reports:snapshot-csv", snapshot).content)
    assert rows[-1][1:] == ["80", "×"]
    page = manager_client.get(snapshot.get_absolute_url())
    assert "100 %" not in page.text


def test_xlsx_cells_are_typed_and_formulas_are_text(manager_client, mixed):
    from openpyxl import load_workbook

    mixed.target_participants = 20
    mixed.save()
    mixed.indicator_set.indicators.filter(code="O.2.5").update(wording="=HYPERLINK(1)", wordings={})
    snapshot = snapshot_of(manager_client, mixed, "fr")
    response = get(manager_client, "reports:snapshot-xlsx", snapshot)
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.title == "AMIF 01.01.2025–30.06.2025"
    by_code = {}
    for row in sheet.iter_rows(min_row=8):
        by_code.setdefault(row[0].value, row)  # the indicator's line, before its breakdowns
    o23 = by_code["O.2.3"]
    assert (o23[3].value, o23[3].data_type) == (12, "n")
    formula = by_code["O.2.5"][2]
    assert (formula.value, formula.data_type) == ("=HYPERLINK(1)", "s")
    targets = [row for row in sheet.iter_rows() if row[1].value == 20]
    assert targets and targets[0][1].data_type == "n" and targets[0][2].data_type == "n"
    hidden = [c.value for row in sheet.iter_rows() for c in row if c.value in ("< 5", "×")]
    assert "< 5" in hidden and "×" in hidden


def test_sheet_names_are_cut_between_words():
    assert sheet_name("Rapport pour le bailleur de fonds européen") == "Rapport pour le bailleur de"
    assert sheet_name("Funder report") == "Funder report"
    assert len(sheet_name("x" * 40)) == 31


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) missing")
def test_the_pdf_is_in_the_report_language_and_hides_small_counts(manager_client, mixed, tmp_path):
    snapshot = snapshot_of(manager_client, mixed, "fr")
    manager_client.get("/", headers={"Accept-Language": "en"})
    pdf = get(manager_client, "reports:snapshot-pdf", snapshot).content
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Période" in text and "Woman" not in text
    assert "Participants aux activités de soutien" in text  # the indicator's wording too
    assert "< 5" in text and "×" in text


def test_what_changed_shows_no_exact_small_value(manager_client, organisation, mixed):
    snapshot = snapshot_of(manager_client, mixed, "en")
    took_part(person(organisation, mixed, started=D(2025, 3, 1), gender="woman"))  # women: 4 → 5
    changes = manager_client.get(snapshot.get_absolute_url()).context["changes"]
    women = next(row for row in changes if row[0].startswith("O.2.3 · Woman"))
    assert women[1:] == ("< 5", "5")
    assert all(value not in {"1", "2", "3", "4"} for row in changes for value in row[1:])


def test_esf_rows_and_the_total_s_breakdown_are_hidden_together(manager_client, organisation,
                                                                 programme):  # fmt: skip
    """The issue's example: 20 participants, ISCED 0–2 11, 3–4 7, 5–8 2, none unrecorded.
    EECO10 (its own row) and the total's ISCED 5–8 cell count the same two people."""
    from programme.models import IndicatorSet

    programme.indicator_set = IndicatorSet.objects.get(funder="ESF+", version="2021-2027")
    programme.save()
    for n, schooling in enumerate(["isced1"] * 11 + ["isced3"] * 7 + ["isced6"] * 2):
        person(organisation, programme, started=D(2025, 2, 1), first_name=f"E{n}",
               schooling=schooling)  # fmt: skip
    report = manager_client.get(URL, {"programme": programme.pk, **QUERY}).context["report"]
    rows = {row["code"]: row for row in report["rows"]}
    education = dict(dict(rows["ESF-TOTAL"]["breakdowns"])["Education at entry"])
    shown = {label: cell["shown"] for label, cell in education.items()}
    assert shown == {"ISCED 0–2": "11", "ISCED 3–4": "×", "ISCED 5–8": "< 5", "Not recorded": "0"}
    assert rows["EECO10"]["period"]["shown"] == "< 5"
    assert rows["EECO09"]["period"]["shown"] == "×"  # else 20 − 11 − 7 − 0 gives EECO10 back
