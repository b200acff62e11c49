"""A small spreadsheet must not be able to make the import use a lot of memory or time.

The XLSX files are built by hand with `zipfile`, as an attacker would: a sheet may declare any
size, put one cell far down or far right, or unzip to far more than it weighs. Each upload goes
through the page as a coach; the test measures what the request costs (tracemalloc's peak, wall
time) and checks that nothing was written.
"""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants import imports
from tests.helpers import row_counts

URL = reverse("participants:import")
# Far above what a good file of MAX_ROWS people costs (a few MB), far below what the crafted files
# below cost when a reader fills the sheet's declared size (hundreds of MB to a MemoryError).
MEMORY_BOUND = 50 * 1024 * 1024
TIME_BOUND = 10  # seconds, on a busy CI machine

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{DOCUMENT}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOCUMENT}"><sheets>'
        '<sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{RELATIONSHIPS}"><Relationship Id="rId1" '
        f'Type="{DOCUMENT}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
HEADER = ["first_name", "last_name", "birth_date", "gender"]
PERSON = ["Nadia", "Karimi", "1985-07-30", "woman"]


def cells(number: int, texts: list[str]) -> str:
    return "".join(
        f'<c r="{letter}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
        for letter, text in zip("ABCD", texts, strict=False)
    )


def row(number: int, texts: list[str], more: str = "") -> str:
    return f'<row r="{number}">{cells(number, texts)}{more}</row>'


FAR_RIGHT = '<c r="XFD{}" t="inlineStr"><is><t>far right</t></is></c>'


def xlsx(sheet_data: str, dimension: str = "A1:XFD1048576") -> bytes:
    """A workbook of one sheet holding `sheet_data`, declaring the whole sheet by default."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def upload_measured(client, content: bytes, name: str):
    """Upload through the page twice: the response, its peak memory in bytes (tracemalloc's,
    which slows every allocation, so it is measured on a second run) and its seconds."""
    started = time.monotonic()
    response = client.post(URL, {"file": SimpleUploadedFile(name, content)})
    seconds = time.monotonic() - started
    tracemalloc.start()
    try:
        client.post(URL, {"file": SimpleUploadedFile(name, content)})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, peak, seconds


def refusal(response) -> str:
    assert response.status_code == 200
    assert "rows" not in response.context  # no preview: the file was refused
    return str(response.context["form"].errors["file"])


# -- XLSX --------------------------------------------------------------------------------------


def test_a_declared_sheet_size_is_not_trusted(coach_client):
    # The whole sheet declared, and one formatted blank row at its very end (as Excel writes
    # when a row is given a height): a reader that fills the gaps makes a million rows.
    content = xlsx(row(1, HEADER) + row(2, PERSON) + '<row r="1048576" ht="20" customHeight="1"/>')
    assert len(content) < 5 * 1024
    before = row_counts()
    response, peak, seconds = upload_measured(coach_client, content, "people.xlsx")
    assert response.status_code == 200
    assert [r.participant["first_name"] for r in response.context["rows"]] == ["Nadia"]
    assert peak < MEMORY_BOUND
    assert seconds < TIME_BOUND
    assert row_counts() == before  # the preview writes nothing


@pytest.mark.parametrize(
    "sheet_data, message",
    [
        (row(1, HEADER) + row(2, PERSON) + row(1048576, ["far down"]), "Row 1048576 is filled"),
        (row(1, HEADER) + row(2, PERSON) + row(3000, PERSON), "Row 3000 is filled in"),
        (row(1, HEADER, FAR_RIGHT.format(1)) + row(2, PERSON), "beyond column 50"),
        (row(1, HEADER) + row(2, PERSON, FAR_RIGHT.format(2)), "beyond column 50"),
    ],
    ids=["A1048576", "A3000", "XFD1", "XFD2"],
)
def test_a_cell_far_down_or_right_is_refused(coach_client, sheet_data, message):
    content = xlsx(sheet_data)
    assert len(content) < 5 * 1024
    before = row_counts()
    response, peak, seconds = upload_measured(coach_client, content, "people.xlsx")
    assert message in refusal(response)
    assert peak < MEMORY_BOUND
    assert seconds < TIME_BOUND
    assert row_counts() == before


def test_a_sheet_that_unzips_to_an_absurd_size_is_refused_before_parsing(coach_client):
    # 9 MB of blank rows, which deflate to a few kilobytes.
    blank_rows = "<row/>" * (9 * 1024 * 1024 // len("<row/>"))
    content = xlsx(row(1, HEADER) + row(2, PERSON) + blank_rows)
    assert len(content) < 64 * 1024
    before = row_counts()
    response, peak, seconds = upload_measured(coach_client, content, "people.xlsx")
    assert "far bigger once unzipped" in refusal(response)
    assert peak < MEMORY_BOUND
    assert seconds < TIME_BOUND
    assert row_counts() == before


def test_a_sheet_of_countless_empty_cells_is_refused_while_reading(coach_client):
    # Under the size limit once unzipped, but more cells than any list of people.
    empty_cells = "<c/>" * (imports.MAX_SHEET_ELEMENTS + 1)
    content = xlsx(row(1, HEADER) + '<row r="2">' + empty_cells + "</row>", dimension="A1")
    before = row_counts()
    response, peak, seconds = upload_measured(coach_client, content, "people.xlsx")
    assert "far more cells" in refusal(response)
    assert peak < MEMORY_BOUND
    assert seconds < TIME_BOUND
    assert row_counts() == before


def test_too_many_people_in_an_xlsx_are_refused_while_reading(coach_client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    content = xlsx(row(1, HEADER) + "".join(row(n, PERSON) for n in range(2, 7)))
    assert "more than 3 rows" in refusal(upload_measured(coach_client, content, "p.xlsx")[0])


# -- CSV ---------------------------------------------------------------------------------------


def csv_of(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_csv_larger_than_the_limit_is_refused(coach_client):
    content = csv_of(";".join(HEADER), ";".join(PERSON)) + b" " * imports.MAX_BYTES
    before = row_counts()
    response, peak, seconds = upload_measured(coach_client, content, "people.csv")
    assert "larger than 2 MB" in refusal(response)
    assert peak < MEMORY_BOUND
    assert row_counts() == before


def test_a_csv_of_countless_lines_is_refused_before_parsing(coach_client):
    # Just under 2 MB, nearly all of it blank lines.
    blank_lines = ["" for _ in range((imports.MAX_BYTES - 100) // 2)]
    content = csv_of(";".join(HEADER), ";".join(PERSON), *blank_lines)
    assert len(content) <= imports.MAX_BYTES
    before = row_counts()
    response, peak, seconds = upload_measured(coach_client, content, "people.csv")
    assert "more than 20000 lines" in refusal(response)
    assert peak < MEMORY_BOUND
    assert seconds < TIME_BOUND
    assert row_counts() == before


def test_a_csv_line_far_down_is_refused(coach_client):
    content = csv_of(";".join(HEADER), ";".join(PERSON), *[""] * 5000, ";".join(PERSON))
    before = row_counts()
    response, peak, seconds = upload_measured(coach_client, content, "people.csv")
    assert "Row 5003 is filled in" in refusal(response)
    assert row_counts() == before


def test_a_csv_with_a_cell_far_right_is_refused(coach_client):
    content = csv_of(";".join(HEADER), ";".join(PERSON) + ";" * 100_000 + "x")
    assert "beyond column 50" in refusal(upload_measured(coach_client, content, "p.csv")[0])


def test_a_csv_with_countless_empty_cells_is_read_quickly(coach_client):
    content = csv_of(";".join(HEADER), ";".join(PERSON) + ";" * 1_000_000)
    response, peak, seconds = upload_measured(coach_client, content, "people.csv")
    assert [r.participant["first_name"] for r in response.context["rows"]] == ["Nadia"]
    assert peak < MEMORY_BOUND
    assert seconds < TIME_BOUND


def test_a_csv_cell_longer_than_the_limit_is_refused(coach_client):
    content = csv_of(";".join(HEADER), ";".join([*PERSON[:3], "w" * 10_000]))
    assert "longer than 5000 characters" in refusal(
        upload_measured(coach_client, content, "p.csv")[0]
    )


def test_too_many_people_in_a_csv_are_refused(coach_client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    content = csv_of(";".join(HEADER), *[";".join(PERSON)] * 5)
    assert "more than 3 rows" in refusal(upload_measured(coach_client, content, "p.csv")[0])
