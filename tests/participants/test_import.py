"""Spreadsheet import: upload → preview → confirm; nothing written unless the whole file is
valid (issue 8, item 6)."""

import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants import imports
from participants.models import Enrolment, EnrolmentStatusChange, Participant
from tests.factories import make_participant, make_programme
from tests.helpers import login_url, row_counts

URL = reverse("participants:import")
CONFIRM = reverse("participants:import-confirm")
TEMPLATE = reverse("participants:import-template")

HEADER = ["first_name", "last_name", "birth_date", "gender", "national_number", "programme"]


def national_number(born: datetime.date, serial: int = 33) -> str:
    """A valid register number for a birth date (the check digits are 97 minus the rest)."""
    body = f"{born:%y%m%d}{serial:03d}"
    base = int(("2" if born.year >= 2000 else "") + body)
    return f"{body}{97 - base % 97:02d}"


def csv_bytes(rows, *, sep=";", bom=False, header=HEADER) -> bytes:
    text = "\r\n".join(sep.join(cells) for cells in [header, *rows]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in [header, *rows]:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows(count=3, programme="vivre-ensemble"):
    rows = []
    for i in range(count):
        born = datetime.date(1980 + i % 20, 1 + i % 12, 1 + i % 28)
        rows.append(
            [f"Nadia{i}", f"Karimi{i}", born.isoformat(), "woman", national_number(born, 10 + i),
             programme]
        )  # fmt: skip
    return rows


def upload(client, content: bytes, name="people.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def payload_of(response) -> str:
    return re.search(r'name="payload" value="([^"]+)"', response.content.decode()).group(1)


def errors_of(response) -> list[str]:
    return imports.errors_of(response.context["rows"]) if response.context else []


# -- happy paths -----------------------------------------------------------------------------


def test_it_previews_then_imports_a_good_csv(coach_client, coach, programme):
    before = row_counts()
    response = upload(coach_client, csv_bytes(good_rows(3)))
    assert response.status_code == 200
    assert response.context["errors"] == []
    assert "Nadia0 Karimi0" in response.content.decode()
    assert row_counts() == before  # the preview writes nothing

    response = coach_client.post(CONFIRM, {"payload": payload_of(response)})
    assert response.status_code == 302
    assert response.url == reverse("participants:caseload")
    people = Participant.objects.filter(first_name__startswith="Nadia").order_by("first_name")
    assert [p.first_name for p in people] == ["Nadia0", "Nadia1", "Nadia2"]
    assert all(p.coach == coach.user for p in people)
    enrolments = Enrolment.objects.filter(participant__in=people)
    assert enrolments.count() == 3
    assert {e.status for e in enrolments} == {Enrolment.Status.REFERRED}
    assert EnrolmentStatusChange.objects.filter(enrolment__in=enrolments).count() == 3


@pytest.mark.parametrize("sep", [";", ","])
@pytest.mark.parametrize("bom", [True, False])
def test_it_reads_csv_with_either_separator_and_bom(coach_client, programme, sep, bom):
    rows = good_rows(2)
    rows[0][0] = "Zoë"
    response = upload(coach_client, csv_bytes(rows, sep=sep, bom=bom))
    assert response.context["errors"] == []
    assert response.context["rows"][0].participant["first_name"] == "Zoë"
    assert response.context["rows"][0].participant["birth_date"] == datetime.date(1980, 1, 1)


def test_it_reads_windows_1252_csv(coach_client, programme):
    content = csv_bytes(good_rows(1)).replace(b"Nadia0", "Zoë".encode("cp1252"))
    response = upload(coach_client, content)
    assert response.context["rows"][0].participant["first_name"] == "Zoë"


def test_it_imports_an_xlsx_with_real_dates_and_numbers(manager_client, coach, programme):
    born = datetime.date(1985, 7, 30)
    rows = [["Selam", "Haile", datetime.datetime(1985, 7, 30), "Woman", int("85073003328"),
             "Vivre ensemble"]]  # fmt: skip
    header = [*HEADER, "coach"]
    rows[0].append("amina")
    response = upload(manager_client, xlsx_bytes(rows, header=header), name="people.xlsx")
    assert response.context["errors"] == []
    row = response.context["rows"][0]
    assert row.participant["birth_date"] == born
    assert row.participant["national_number"] == "85073003328"
    assert row.participant["gender"] == "woman"
    manager_client.post(CONFIRM, {"payload": payload_of(response)})
    person = Participant.objects.get(last_name="Haile")
    assert person.coach == coach.user
    assert person.enrolments.get().programme == programme


def test_a_row_without_programme_creates_the_person_only(coach_client, programme):
    rows = good_rows(1, programme="")
    response = upload(coach_client, csv_bytes(rows))
    coach_client.post(CONFIRM, {"payload": payload_of(response)})
    assert Participant.objects.filter(first_name="Nadia0").exists()
    assert not Enrolment.objects.exists()


def test_formula_like_cells_are_kept_as_text(coach_client, programme):
    rows = good_rows(1)
    rows[0][0] = '=HYPERLINK("http://evil.example","click")'
    rows[0][1] = "=1+1"
    response = upload(coach_client, xlsx_bytes(rows), name="people.xlsx")
    assert response.context["errors"] == []
    coach_client.post(CONFIRM, {"payload": payload_of(response)})
    person = Participant.objects.get()
    assert person.first_name == '=HYPERLINK("http://evil.example","click")'
    assert person.last_name == "=1+1"


def test_the_template_downloads_and_imports_as_is(coach_client, programme):
    response = coach_client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    response = upload(coach_client, content)
    assert response.context["errors"] == []


def test_the_documented_template_matches_the_downloaded_one():
    documented = Path(__file__).resolve().parents[2] / "docs" / "import-template.csv"
    assert documented.read_bytes().decode("utf-8-sig") == imports.template_csv()


# -- bad rows: a clear message each, nothing written -----------------------------------------


BAD_ROWS = [
    # (column to change, bad value, words the message must contain)
    (4, "85.07.30-033.29", "Row 2, national register number “85.07.30-033.29”"),
    (2, "31/02/1990", "not a date"),
    (2, "2999-01-01", "cannot be in the future"),
    (3, "alien", "not one of the values"),
    (0, "", "the first name is missing"),
    (0, "x" * 101, "at most 100 characters"),
    (5, "No such programme", "no programme of your organisation"),
]


@pytest.mark.parametrize(("column", "value", "message"), BAD_ROWS)
def test_each_kind_of_bad_row_is_explained(coach_client, programme, column, value, message):
    rows = good_rows(1)
    rows[0][column] = value
    if column == 2:
        rows[0][4] = ""  # so that the register number does not contradict the date
    response = upload(coach_client, csv_bytes(rows))
    assert response.status_code == 200
    errors = response.context["errors"]
    assert len(errors) == 1, errors
    assert message in errors[0]
    assert errors[0].startswith("Row 2")
    assert b'name="payload"' not in response.content  # no way to confirm


def test_a_number_that_does_not_match_the_birth_date_is_refused(coach_client, programme):
    rows = good_rows(1)
    rows[0][4] = "85073003328"
    assert (
        "belongs to someone born on" in upload(coach_client, csv_bytes(rows)).context["errors"][0]
    )


def test_other_columns_are_checked(coach_client, programme):
    header = [*HEADER, "phone", "nationality", "integration_income", "coach"]
    rows = [good_rows(1)[0] + ["12", "Atlantis", "maybe", "nobody"]]
    errors = upload(coach_client, csv_bytes(rows, header=header)).context["errors"]
    assert len(errors) == 4
    assert "not a valid phone number" in errors[0]
    assert "not a country" in errors[1]
    assert "write yes or no" in errors[2]
    assert "no coach of your organisation" in errors[3]


def test_duplicates_within_the_file_are_found(coach_client, programme):
    rows = good_rows(2)
    third = list(rows[0])
    third[4] = ""  # same names and birth date, no number
    rows.append(third)
    fourth = list(rows[1])
    fourth[0] = "Other"
    rows.append(fourth)  # same number as row 3
    errors = upload(coach_client, csv_bytes(rows)).context["errors"]
    assert errors == [
        "Row 4: the same person as row 2 (same names and date of birth).",
        "Row 5: the same register number as row 3.",
    ]


def test_duplicates_on_file_are_found(coach_client, participant, programme):
    rows = good_rows(2)
    rows[0][:5] = ["Someone", "Else", "1985-07-30", "man", "85073003328"]
    rows[1][4] = ""
    make_participant(
        organisation=participant.organisation,
        first_name="nadia1",
        last_name="KARIMI1",
        birth_date=datetime.date(1981, 2, 2),
    )
    errors = upload(coach_client, csv_bytes(rows)).context["errors"]
    assert "already on file (Selam Haile)" in errors[0]
    assert errors[1].startswith("Row 3: Nadia1 Karimi1") or "is already on file" in errors[1]


def test_people_of_another_organisation_are_not_duplicates(coach_client, programme, outsider):
    make_participant(organisation=outsider.organisation, national_number="85073003328",
                     birth_date=datetime.date(1985, 7, 30))  # fmt: skip
    rows = [["Selam", "Haile", "1985-07-30", "woman", "85073003328", ""]]
    assert upload(coach_client, csv_bytes(rows)).context["errors"] == []


def test_a_programme_of_another_organisation_is_unknown(coach_client, programme, other_programme):
    rows = good_rows(1, programme="samen-op-weg")
    errors = upload(coach_client, csv_bytes(rows)).context["errors"]
    assert "no programme of your organisation" in errors[0]


def test_a_mixed_file_writes_nothing_even_when_confirmed_with_a_forged_payload(
    coach_client, programme
):
    rows = good_rows(5)
    rows[3][4] = "12345678901"
    before = row_counts()
    response = upload(coach_client, csv_bytes(rows))
    assert len(response.context["errors"]) == 1
    # The page offers no confirmation; posting the rows anyway is checked again and refused.
    from django.core import signing

    from participants.import_views import _salt

    request = type("R", (), {"user": response.wsgi_request.user})
    cells = [dict(zip(HEADER, r, strict=True)) for r in rows]
    forged = signing.dumps(cells, salt=_salt(request), compress=True)
    response = coach_client.post(CONFIRM, {"payload": forged})
    assert response.status_code == 200
    assert "Row 5" in response.content.decode()
    assert row_counts() == before


def test_a_person_added_between_preview_and_confirm_rolls_back_the_whole_file(
    coach_client, coach, programme
):
    rows = good_rows(3)
    response = upload(coach_client, csv_bytes(rows))
    before = row_counts()
    # Someone adds the third person by hand while the preview is open.
    make_participant(organisation=coach.organisation, first_name="Nadia2", last_name="Karimi2",
                     birth_date=datetime.date(1982, 3, 3))  # fmt: skip
    response = coach_client.post(CONFIRM, {"payload": payload_of(response)})
    assert response.status_code == 200
    assert "Row 4" in response.content.decode()
    assert row_counts()["Participant"] == before["Participant"] + 1
    assert row_counts()["Enrolment"] == before["Enrolment"]


def test_a_tampered_payload_is_refused(coach_client, programme):
    response = upload(coach_client, csv_bytes(good_rows(1)))
    payload = payload_of(response)
    response = coach_client.post(CONFIRM, {"payload": payload[:-2] + "xx"})
    assert response.status_code == 302
    assert response.url == URL
    assert not Participant.objects.exists()


def test_another_users_payload_is_refused(coach_client, manager_client, programme):
    response = upload(coach_client, csv_bytes(good_rows(1)))
    response = manager_client.post(CONFIRM, {"payload": payload_of(response)})
    assert response.status_code == 302
    assert not Participant.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"\r\n;;\r\n", "blank.csv", "The file is empty."),
        (b"first_name;surname\r\nA;B\r\n", "x.csv", "Unknown columns: surname"),
        (b"first_name;last_name\r\nA;B\r\n", "x.csv", "Missing columns: birth_date, gender"),
        (b"PK\x03\x04garbage", "x.xlsx", "cannot be read as an XLSX"),
        (b"\x00\x01\x02", "x.csv", "not a CSV or XLSX"),
    ],
)
def test_unreadable_files_are_explained(coach_client, content, name, message):
    response = upload(coach_client, content, name=name)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])


def test_too_many_rows_are_refused(coach_client, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    response = upload(coach_client, csv_bytes(good_rows(3)))
    assert "more than 2 rows" in str(response.context["form"].errors["file"])


def test_no_file_is_a_form_error(coach_client):
    response = coach_client.post(URL, {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


# -- queries: the preview reads the same whatever the number of rows -------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_the_preview_query_count_does_not_grow_with_rows(
    coach_client, programme, django_assert_num_queries, count
):
    content = csv_bytes(good_rows(count))
    # session; user with their staff record (access helper) and organisation (its default
    # language for the participant pages); the organisation's coaches; its programmes;
    # possible duplicates
    with django_assert_num_queries(5):
        response = upload(coach_client, content)
    assert len(response.context["rows"]) == count


# -- who may import --------------------------------------------------------------------------


def test_the_upload_page_shows(coach_client):
    response = coach_client.get(URL)
    assert response.status_code == 200
    assert reverse("participants:import-template") in response.content.decode()


@pytest.mark.parametrize("url", [URL, CONFIRM, TEMPLATE])
def test_anonymous_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == login_url(url)


@pytest.mark.parametrize("url", [URL, CONFIRM, TEMPLATE])
def test_administrators_get_404(administrator_client, url):
    assert administrator_client.get(url).status_code == 404
    assert administrator_client.post(url).status_code == 404


def test_outsiders_import_into_their_own_organisation_only(outsider_client, outsider, programme):
    # The outsider's organisation has no programme "vivre-ensemble": the name is unknown to them.
    errors = upload(outsider_client, csv_bytes(good_rows(1))).context["errors"]
    assert "no programme of your organisation" in errors[0]
    make_programme(organisation=outsider.organisation, name="vivre-ensemble", code="x")
    response = upload(outsider_client, csv_bytes(good_rows(1)))
    outsider_client.post(CONFIRM, {"payload": payload_of(response)})
    assert Participant.objects.get().organisation == outsider.organisation


def test_a_colleague_coach_cannot_name_a_coach_of_another_organisation(
    colleague_client, programme, outsider
):
    header = [*HEADER, "coach"]
    rows = [good_rows(1)[0] + [outsider.user.username]]
    errors = upload(colleague_client, csv_bytes(rows, header=header)).context["errors"]
    assert "no coach of your organisation" in errors[0]


def test_a_manager_must_name_the_coach_for_a_referral(manager_client, programme):
    errors = upload(manager_client, csv_bytes(good_rows(1))).context["errors"]
    assert "a referral needs a coach" in errors[0]


@pytest.mark.parametrize("method", ["put", "delete"])
def test_wrong_methods_are_refused(coach_client, method):
    assert getattr(coach_client, method)(URL).status_code == 405
    assert getattr(coach_client, method)(CONFIRM).status_code == 405


def test_confirm_refuses_get(coach_client):
    assert coach_client.get(CONFIRM).status_code == 405


def test_template_refuses_post(coach_client):
    assert coach_client.post(TEMPLATE).status_code == 405


def test_a_null_character_refuses_its_row_instead_of_reaching_the_database(coach, programme):
    # PostgreSQL refuses NUL in text outright: it must be a plain message, never a server error.
    rows = imports.check_rows(
        [{"first_name": "Se\x00lam", "last_name": "Haile", "birth_date": "1985-07-30",
          "gender": "woman"}],
        staff=coach,
    )  # fmt: skip
    assert any("Null characters are not allowed." in error for error in imports.errors_of(rows))
    assert "\x00" not in rows[0].cells["first_name"]
