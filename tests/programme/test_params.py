"""The readers of hand-read parameters answer a value, the default, or a 400 (BadRequest), and
never let ValueError or OverflowError through (a 500)."""

import datetime

import pytest
from django.core.exceptions import BadRequest
from django.http import QueryDict

from programme import params

DEFAULT_DAY = datetime.date(2026, 3, 1)


def query(text: str) -> QueryDict:
    return QueryDict(text)


@pytest.mark.parametrize("text, expected", [("1", 1), ("42", 42), (str(2**63 - 1), 2**63 - 1)])
def test_an_id_is_ascii_digits_within_a_database_column(text, expected):
    assert params.parse_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "²",  # isdigit() is true, int() refuses it
        "١٢",  # Arabic-Indic digits: int() reads 12, but no link of ours writes them
        "１２",  # full-width digits, the same
        "9" * 30,  # beyond a 64-bit column
        str(2**63),
        "0",
        "-1",
        "+1",
        "1.0",
        "1e3",
        " ",
        "abc",
        "1_000",
        "9" * 5000,  # int() itself refuses more than 4300 digits
    ],
)
def test_anything_else_is_a_bad_request(text):
    with pytest.raises(BadRequest):
        params.parse_id(text)


def test_an_absent_or_empty_id_is_the_default():
    assert params.id_param(query(""), "group") is None
    assert params.id_param(query("group="), "group", default=7) == 7
    assert params.id_param(query("group=12"), "group") == 12
    with pytest.raises(BadRequest):
        params.id_param(query("group=%C2%B2"), "group")


def test_repeated_ids_are_each_checked():
    assert params.ids_param(query("p=3&p=8&p="), "p") == [3, 8]
    assert params.ids_param(query(""), "p") == []
    with pytest.raises(BadRequest):
        params.ids_param(query("p=3&p=" + "9" * 30), "p")
    assert params.ids_param(query("p=3&p=%C2%B2&p=abc"), "p", lenient=True) == [3]


@pytest.mark.parametrize(
    "text, expected", [("", 3), ("5", 5), ("0", 1), ("-4", 1), ("99", 20), ("9" * 19, 20)]
)
def test_a_bounded_number_is_brought_within_its_bounds(text, expected):
    assert params.int_param(query(f"n={text}"), "n", 3, minimum=1, maximum=20) == expected


@pytest.mark.parametrize("text", ["²", "9" * 30, "1.5", "abc", "--1", "-"])
def test_a_bounded_number_that_is_no_number_is_a_bad_request(text):
    with pytest.raises(BadRequest):
        params.int_param({"n": text}, "n", 3, minimum=1, maximum=20)


def test_a_month_is_its_first_day():
    assert params.month_param(query("month=2026-02"), "month", DEFAULT_DAY) == datetime.date(
        2026, 2, 1
    )
    assert params.month_param(query(""), "month", DEFAULT_DAY) == DEFAULT_DAY


@pytest.mark.parametrize(
    "text", ["9999-12", "0001-01", "0000-00", "2026-13", "2026-1x", "²", "1899-12", "3000-01"]
)
def test_a_month_outside_the_calendar_the_application_uses_is_a_bad_request(text):
    with pytest.raises(BadRequest):
        params.month_param({"month": text}, "month", DEFAULT_DAY)


def test_a_date_is_read_in_iso_form():
    assert params.date_param(query("d=2026-02-28"), "d", None) == datetime.date(2026, 2, 28)
    assert params.date_param(query(""), "d", DEFAULT_DAY) == DEFAULT_DAY


@pytest.mark.parametrize(
    "text", ["2026-02-30", "9999-12-31", "0001-01-01", "99999-01-01", "20260228", "2026-W09-6"]
)
def test_a_date_outside_the_calendar_or_in_another_form_is_a_bad_request(text):
    with pytest.raises(BadRequest):
        params.date_param({"d": text}, "d", None)


def test_a_lenient_reader_answers_the_default_for_what_it_cannot_read():
    assert params.id_param({"g": "²"}, "g", 4, lenient=True) == 4
    assert params.int_param({"n": "²"}, "n", 3, minimum=1, maximum=9, lenient=True) == 3
    assert params.month_param({"m": "9999-12"}, "m", DEFAULT_DAY, lenient=True) == DEFAULT_DAY
    assert params.date_param({"d": "0001-01-01"}, "d", DEFAULT_DAY, lenient=True) == DEFAULT_DAY


def test_a_bad_request_becomes_a_400_page(coach_client):
    # The people picker reads the ticked ids with ids_param: Django answers BadRequest with 400.
    response = coach_client.get("/participants/pick/", {"participants": "²", "q": "a"})
    assert response.status_code == 400
