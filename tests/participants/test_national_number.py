import datetime

import pytest
from django.core.exceptions import ValidationError
from stdnum.be import nn

from participants.forms import ParticipantForm
from participants.models import (
    birth_date_in_national_number,
    format_national_number,
    national_number_for,
    normalise_national_number,
    validate_national_number,
)

INVALID_MESSAGE = "This is not a valid national register number: check the 11 digits."


def with_check_digits(first_nine: str, *, born_from_2000: bool = False) -> str:
    """The register number rule: 97 minus the remainder of the first nine digits (prefixed
    with a 2 for a birth from 2000 on) divided by 97."""
    base = int(("2" if born_from_2000 else "") + first_nine)
    return f"{first_nine}{97 - base % 97:02d}"


def test_it_accepts_a_number_born_before_2000():
    validate_national_number("85073003328")
    assert birth_date_in_national_number("85073003328") == datetime.date(1985, 7, 30)


def test_it_formats_and_normalises_a_number():
    assert format_national_number("85073003328") == "85.07.30-033.28"
    assert normalise_national_number("85.07.30-033.28") == "85073003328"
    assert normalise_national_number(" 85 07 30 033 28 ") == "85073003328"
    assert format_national_number("") == ""


def test_it_accepts_a_number_born_from_2000():
    number = with_check_digits("050315123", born_from_2000=True)
    # The same nine digits with the pre-2000 check digits would be another (invalid) number.
    assert number != with_check_digits("050315123")
    validate_national_number(number)
    assert birth_date_in_national_number(number) == datetime.date(2005, 3, 15)


@pytest.mark.parametrize("month_offset", [20, 40])
def test_it_accepts_a_bis_number(month_offset):
    number = with_check_digits(f"85{7 + month_offset:02d}30033")
    validate_national_number(number)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("85073003329", id="check digits off by one"),
        pytest.param("8507300332", id="ten digits"),
        pytest.param("850730033288", id="twelve digits"),
        pytest.param("85O73003328", id="letter O for a zero"),
        pytest.param("abcdefghijk", id="letters"),
    ],
)
def test_it_rejects_an_invalid_number(value):
    with pytest.raises(ValidationError) as caught:
        validate_national_number(value)
    assert caught.value.messages == [INVALID_MESSAGE]
    assert caught.value.code == "invalid_national_number"


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Selam",
        "last_name": "Haile",
        "birth_date": "1985-07-30",
        "gender": "woman",
        "national_number": "85.07.30-033.28",
        "portal_language": "fr",
        "children": "0",
    }
    data.update(overrides)
    return data


def test_the_form_accepts_the_formatted_number_and_stores_digits(coach):
    form = ParticipantForm(form_data(), staff=coach)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["national_number"] == "85073003328"


def test_the_form_rejects_a_number_for_another_birth_date(coach):
    form = ParticipantForm(form_data(birth_date="1985-07-31"), staff=coach)
    assert not form.is_valid()
    assert form.errors["national_number"] == [
        "This number belongs to someone born on 30/07/1985, not on the date of birth above."
    ]


def test_the_form_rejects_invalid_check_digits_with_a_plain_message(coach):
    form = ParticipantForm(form_data(national_number="85.07.30-033.29"), staff=coach)
    assert not form.is_valid()
    assert form.errors["national_number"] == [INVALID_MESSAGE]


def test_the_form_accepts_no_number(coach):
    form = ParticipantForm(form_data(national_number=""), staff=coach)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["national_number"] == ""


def test_the_form_accepts_a_bis_number_for_its_birth_date(coach):
    number = with_check_digits("852730033")  # born 30 July 1985, month + 20
    form = ParticipantForm(form_data(national_number=number), staff=coach)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["national_number"] == number


@pytest.mark.parametrize(
    ("birth_date", "sequence", "gender"),
    [
        (datetime.date(1985, 7, 30), 33, "M"),
        (datetime.date(1999, 12, 31), 998 - 2, "F"),
        (datetime.date(2003, 2, 1), 1, "M"),
        (datetime.date(2000, 1, 1), 2, "F"),
    ],
)
def test_national_number_for_gives_the_number_of_that_birth_and_sequence(
    birth_date, sequence, gender
):
    number = national_number_for(birth_date, sequence)

    validate_national_number(number)
    assert nn.get_birth_date(number) == birth_date
    assert nn.get_gender(number) == gender
    assert number[6:9] == f"{sequence:03d}"
