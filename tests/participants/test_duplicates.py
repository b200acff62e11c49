"""A person already on file in the organisation: the same register number is refused, the
same names and birth date must be confirmed, and the warning links only to files the user may
open."""

import datetime

import pytest
from django.urls import reverse

from participants.forms import ParticipantForm
from participants.models import Participant
from tests.factories import make_participant
from tests.helpers import EMPTY_LANGUAGES, row_counts

pytestmark = pytest.mark.django_db

SAME_NUMBER = "A person with this register number is already on file in your organisation."
SAME_NAMES = (
    "A person with the same names and date of birth is already on file. "
    "Open their file below, or tick the box if this really is someone else."
)


def form_data(**overrides) -> dict:
    data = {
        "first_name": "Selam",
        "last_name": "Haile",
        "birth_date": "1985-07-30",
        "gender": "woman",
        "national_number": "",
        "portal_language": "fr",
        "children": "0",
    }
    data.update(overrides)
    return data


def test_the_same_register_number_is_refused(participant, coach):
    form = ParticipantForm(
        form_data(first_name="Other", last_name="Name", national_number="85.07.30-033.28"),
        staff=coach,
    )
    assert not form.is_valid()
    assert form.errors["national_number"] == [SAME_NUMBER]
    assert form.duplicates == [participant]


def test_the_same_register_number_is_refused_even_when_confirmed(participant, coach):
    form = ParticipantForm(
        form_data(national_number="85073003328", different_person="on"), staff=coach
    )
    assert not form.is_valid()
    assert form.errors["national_number"] == [SAME_NUMBER]


def test_the_same_names_and_birth_date_need_a_confirmation(participant, coach):
    form = ParticipantForm(form_data(first_name="SELAM", last_name=" haile"), staff=coach)
    assert not form.is_valid()
    assert form.non_field_errors() == [SAME_NAMES]
    assert form.duplicates == [participant]


def test_the_confirmation_lets_a_namesake_through(participant, coach):
    form = ParticipantForm(form_data(different_person="on"), staff=coach)
    assert form.is_valid(), form.errors


def test_another_birth_date_is_no_duplicate(participant, coach):
    form = ParticipantForm(form_data(birth_date="1985-07-31"), staff=coach)
    assert form.is_valid(), form.errors
    assert form.duplicates == []


def test_another_organisation_does_not_collide(participant, outsider):
    form = ParticipantForm(form_data(national_number="85073003328"), staff=outsider)
    assert form.is_valid(), form.errors
    assert form.duplicates == []


def test_editing_a_file_does_not_collide_with_itself(participant, coach):
    form = ParticipantForm(
        form_data(national_number="85.07.30-033.28", version="1"), instance=participant, staff=coach
    )
    assert form.is_valid(), form.errors


def test_the_form_page_refuses_a_duplicate_number_and_writes_nothing(participant, coach_client):
    before = row_counts()
    response = coach_client.post(
        reverse("participants:create"),
        {**form_data(first_name="Other", national_number="85.07.30-033.28"), **EMPTY_LANGUAGES},
    )
    assert response.status_code == 200
    assert SAME_NUMBER in response.content.decode()
    assert row_counts() == before


def test_the_form_page_asks_for_the_confirmation_then_creates(participant, coach_client):
    url = reverse("participants:create")
    response = coach_client.post(url, {**form_data(), **EMPTY_LANGUAGES})
    assert response.status_code == 200
    html = response.content.decode()
    assert SAME_NAMES in html
    assert 'name="different_person"' in html
    assert Participant.objects.count() == 1

    response = coach_client.post(url, {**form_data(different_person="on"), **EMPTY_LANGUAGES})
    assert response.status_code == 302
    assert Participant.objects.filter(first_name="Selam", last_name="Haile").count() == 2


def test_the_warning_links_only_to_files_the_coach_may_open(participant, colleague, coach_client):
    namesake = make_participant(
        organisation=participant.organisation,
        coach=colleague.user,
        first_name="Selam",
        last_name="Haile",
        birth_date=datetime.date(1985, 7, 30),
    )

    response = coach_client.post(reverse("participants:create"), {**form_data(), **EMPTY_LANGUAGES})

    html = response.content.decode()
    assert f'href="{participant.get_absolute_url()}"' in html
    assert f'href="{namesake.get_absolute_url()}"' not in html
    assert "Not on your caseload. Referent coach: Pieter Claes." in html


def test_the_warning_links_a_manager_to_every_file(participant, colleague, manager_client):
    namesake = make_participant(
        organisation=participant.organisation,
        coach=colleague.user,
        first_name="Selam",
        last_name="Haile",
        birth_date=datetime.date(1985, 7, 30),
    )

    response = manager_client.post(
        reverse("participants:create"), {**form_data(), **EMPTY_LANGUAGES}
    )

    html = response.content.decode()
    assert f'href="{participant.get_absolute_url()}"' in html
    assert f'href="{namesake.get_absolute_url()}"' in html
    assert "Not on your caseload" not in html
