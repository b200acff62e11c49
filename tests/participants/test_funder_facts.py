"""The participant's facts for the funder: dated events and characteristics at entry, with
disability and minority only on the person's explicit consent."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from participants import services
from participants.models import EntryCharacteristics, ParticipantEvent
from tests.helpers import login_url

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
RECOGNITION = ParticipantEvent.Kind.QUALIFICATION_RECOGNITION


def page(participant):
    return reverse("participants:funder-facts", args=[participant.pk])


def add_url(participant):
    return reverse("participants:event-add", args=[participant.pk])


def characteristics_url(participant):
    return reverse("participants:characteristics-update", args=[participant.pk])


def make_event(participant, kind=RECOGNITION, happened_on=YESTERDAY, **fields):
    return ParticipantEvent.objects.create(
        participant=participant, kind=kind, happened_on=happened_on, **fields
    )


def counts():
    return (ParticipantEvent.objects.count(), EntryCharacteristics.objects.count())


ANSWERS = {
    "foreign_background": True,
    "rural_area": False,
    "special_categories_consent_on": None,
    "disability": None,
    "minority": None,
}


# --- the services ------------------------------------------------------------------------------


def test_an_event_is_recorded_with_its_author(participant, coach):
    event = services.participant_event_record(
        participant=participant, kind=RECOGNITION, happened_on=YESTERDAY, note=" NARIC ",
        by=coach.user,
    )  # fmt: skip
    assert (event.kind, event.happened_on, event.note, event.recorded_by) == (
        RECOGNITION, YESTERDAY, "NARIC", coach.user
    )  # fmt: skip


@pytest.mark.parametrize(
    "kind, happened_on, field",
    [
        (RECOGNITION, TODAY + datetime.timedelta(days=1), "happened_on"),
        ("lottery_win", YESTERDAY, "kind"),
        (RECOGNITION, datetime.date(1980, 1, 1), "happened_on"),  # before birth (1985)
    ],
)
def test_a_bad_event_is_refused(participant, coach, kind, happened_on, field):
    with pytest.raises(ValidationError) as refused:
        services.participant_event_record(
            participant=participant, kind=kind, happened_on=happened_on, by=coach.user
        )
    assert field in refused.value.error_dict
    assert not ParticipantEvent.objects.exists()


def test_the_same_event_on_the_same_day_is_on_file_once(participant, coach):
    make_event(participant)
    with pytest.raises(ValidationError, match="already on file"):
        services.participant_event_record(
            participant=participant, kind=RECOGNITION, happened_on=YESTERDAY, by=coach.user
        )
    # Another day is another fact.
    services.participant_event_record(
        participant=participant, kind=RECOGNITION, happened_on=TODAY, by=coach.user
    )
    assert ParticipantEvent.objects.count() == 2


def test_an_event_is_deleted(participant, coach):
    event = make_event(participant)
    services.participant_event_delete(event=event, by=coach.user)
    assert not ParticipantEvent.objects.exists()


def test_characteristics_are_created_then_updated(participant, coach, manager):
    first = services.entry_characteristics_update(participant=participant, by=coach.user,
                                                  **ANSWERS)  # fmt: skip
    assert (first.foreign_background, first.rural_area, first.disability) == (True, False, None)
    second = services.entry_characteristics_update(
        participant=participant,
        by=manager.user,
        **{**ANSWERS, "special_categories_consent_on": YESTERDAY, "disability": True,
           "minority": False},
    )  # fmt: skip
    assert second.pk == first.pk and second.updated_by == manager.user
    assert (second.disability, second.minority) == (True, False)


@pytest.mark.parametrize("field", ["disability", "minority"])
@pytest.mark.parametrize("answer", [True, False])
def test_special_categories_need_a_consent_date(participant, coach, field, answer):
    with pytest.raises(ValidationError) as refused:
        services.entry_characteristics_update(
            participant=participant, by=coach.user, **{**ANSWERS, field: answer}
        )
    assert field in refused.value.error_dict
    assert counts() == (0, 0)


def test_a_consent_in_the_future_is_refused(participant, coach):
    with pytest.raises(ValidationError) as refused:
        services.entry_characteristics_update(
            participant=participant,
            by=coach.user,
            **{**ANSWERS, "special_categories_consent_on": TODAY + datetime.timedelta(days=1)},
        )
    assert "special_categories_consent_on" in refused.value.error_dict
    assert counts() == (0, 0)


def test_a_refused_update_keeps_what_was_on_file(participant, coach):
    services.entry_characteristics_update(
        participant=participant,
        by=coach.user,
        **{**ANSWERS, "special_categories_consent_on": YESTERDAY, "disability": True},
    )
    # The consent date is cleared but the answer kept: refused, the record stays as it was.
    with pytest.raises(ValidationError):
        services.entry_characteristics_update(
            participant=participant, by=coach.user, **{**ANSWERS, "disability": True}
        )
    kept = EntryCharacteristics.objects.get()
    assert (kept.special_categories_consent_on, kept.disability) == (YESTERDAY, True)


# --- the pages ---------------------------------------------------------------------------------


def test_the_participant_file_links_to_the_page(participant, coach_client):
    html = coach_client.get(reverse("participants:detail", args=[participant.pk])).text
    assert page(participant) in html


def test_the_page_shows_events_and_characteristics(participant, coach, coach_client):
    make_event(participant, note="Diploma of nursing", recorded_by=coach.user)
    EntryCharacteristics.objects.create(
        participant=participant, special_categories_consent_on=YESTERDAY, disability=True
    )
    response = coach_client.get(page(participant))
    assert response.status_code == 200
    html = response.text
    assert "Applied to have a qualification or skills recognised" in html
    assert "Diploma of nursing" in html and "recorded by Amina Benali" in html
    assert "---------" not in html  # no radio button for the empty choice
    assert "Last changed on" in html
    # The saved answers are the ones checked in the form.
    assert 'name="disability" value="True" id="id_disability_1" checked' in html


def test_a_coach_records_an_event(participant, coach_client):
    response = coach_client.post(
        add_url(participant),
        {"kind": "family_reunification_help", "happened_on": YESTERDAY.isoformat(), "note": ""},
    )
    assert response.status_code == 302 and response.url == page(participant)
    event = ParticipantEvent.objects.get()
    assert (event.participant, event.kind, event.happened_on) == (
        participant, "family_reunification_help", YESTERDAY
    )  # fmt: skip


@pytest.mark.parametrize(
    "data, message",
    [
        ({"happened_on": YESTERDAY.isoformat()}, "Choose what happened."),
        ({"kind": "long_term_residence"}, "Give the date it happened."),
        ({"kind": "long_term_residence", "happened_on": "soon"}, "Enter a valid date."),
        (
            {
                "kind": "long_term_residence",
                "happened_on": (TODAY + datetime.timedelta(days=3)).isoformat(),
            },
            "Record an event once it has happened.",
        ),  # fmt: skip
    ],
)
def test_a_bad_event_says_why_and_writes_nothing(participant, coach_client, data, message):
    response = coach_client.post(add_url(participant), data)
    assert response.status_code == 200
    assert message in response.text
    assert "Nothing was saved." in response.text
    assert counts() == (0, 0)


def test_a_duplicate_event_says_why(participant, coach_client):
    make_event(participant)
    response = coach_client.post(
        add_url(participant), {"kind": RECOGNITION, "happened_on": YESTERDAY.isoformat()}
    )
    assert "This event is already on file for that day." in response.text
    assert ParticipantEvent.objects.count() == 1


def test_a_coach_removes_an_event(participant, coach_client):
    event = make_event(participant)
    response = coach_client.post(reverse("participants:event-delete", args=[event.pk]))
    assert response.url == page(participant)
    assert not ParticipantEvent.objects.exists()


def test_a_coach_saves_the_characteristics(participant, coach, coach_client):
    response = coach_client.post(
        characteristics_url(participant),
        {"foreign_background": "True", "rural_area": "", "disability": "False",
         "minority": "", "special_categories_consent_on": YESTERDAY.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    saved = EntryCharacteristics.objects.get()
    assert (saved.foreign_background, saved.rural_area, saved.disability, saved.minority) == (
        True, None, False, None
    )  # fmt: skip
    assert (saved.special_categories_consent_on, saved.updated_by) == (YESTERDAY, coach.user)


@pytest.mark.parametrize("field", ["disability", "minority"])
def test_special_categories_without_consent_say_why_and_write_nothing(
    participant, coach_client, field
):
    response = coach_client.post(
        characteristics_url(participant),
        {"foreign_background": "True", field: "True", "special_categories_consent_on": ""},
    )
    assert response.status_code == 200
    assert "Only with the person&#x27;s explicit consent" in response.text
    assert field in response.context["characteristics_form"].errors
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    "who",
    ["administrator_client", "outsider_client", "outsider_manager_client", "colleague_client"],
)
def test_people_out_of_reach_get_a_404_and_write_nothing(participant, who, request):
    client = request.getfixturevalue(who)
    event = make_event(participant)
    assert client.get(page(participant)).status_code == 404
    event_data = {"kind": RECOGNITION, "happened_on": TODAY.isoformat()}
    assert client.post(add_url(participant), event_data).status_code == 404
    answers = {"foreign_background": "True"}
    assert client.post(characteristics_url(participant), answers).status_code == 404
    assert client.post(reverse("participants:event-delete", args=[event.pk])).status_code == 404
    assert counts() == (1, 0)


def test_a_manager_sees_and_records(participant, manager_client):
    assert manager_client.get(page(participant)).status_code == 200
    response = manager_client.post(
        characteristics_url(participant),
        {"minority": "True", "special_categories_consent_on": YESTERDAY.isoformat()},
    )
    assert response.status_code == 302
    assert EntryCharacteristics.objects.get().minority is True


def test_a_colleague_coaching_the_person_in_a_programme_sees_it(
    participant, programme, colleague, colleague_client
):
    from tests.factories import make_enrolment

    make_enrolment(participant=participant, programme=programme, coach=colleague.user)
    assert colleague_client.get(page(participant)).status_code == 200


def test_anonymous_users_are_sent_to_log_in(participant, client):
    event = make_event(participant)
    assert client.get(page(participant)).url == login_url(page(participant))
    delete = reverse("participants:event-delete", args=[event.pk])
    assert client.post(delete).url == login_url(delete)
    assert ParticipantEvent.objects.count() == 1


def test_wrong_methods(participant, coach_client):
    event = make_event(participant)
    assert coach_client.post(page(participant)).status_code == 405
    assert coach_client.get(add_url(participant)).status_code == 405
    assert coach_client.get(characteristics_url(participant)).status_code == 405
    assert (
        coach_client.get(reverse("participants:event-delete", args=[event.pk])).status_code == 405
    )
    assert ParticipantEvent.objects.count() == 1


@pytest.mark.parametrize("size", [1, 20])
def test_the_page_runs_the_same_queries_whatever_the_number(
    participant, coach, coach_client, size, django_assert_num_queries
):
    for n in range(size):
        make_event(participant, happened_on=YESTERDAY - datetime.timedelta(days=n),
                   recorded_by=coach.user)  # fmt: skip
    EntryCharacteristics.objects.create(participant=participant, updated_by=coach.user)
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the participant, within reach
    # 4. the characteristics at entry with who last changed them
    # 5. the events with who recorded them
    with django_assert_num_queries(5):
        response = coach_client.get(page(participant))
    assert len(response.context["events"]) == size
