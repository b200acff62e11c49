import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evaluations.models import LanguageAssessment
from participants.models import Enrolment, Participant
from tests.evaluations.factories import make_assessment
from tests.factories import (
    make_enrolment,
    make_organisation,
    make_participant,
    make_programme,
    make_staff,
)
from tests.helpers import login_url, row_counts

pytestmark = pytest.mark.django_db
Status = Enrolment.Status


def url(participant) -> str:
    return reverse("evaluations:language", args=[participant.pk])


def assessment(**overrides) -> dict:
    data = {
        "assessed_on": timezone.localdate().isoformat(),
        "language": "fr",
        "oral": "a2",
        "reading": "a1",
        "writing": "pre_a1",
        "literacy": "limited",
        "schooling": "isced1",
        "notes": "Understands simple questions about the family.",
    }
    data.update(overrides)
    return data


def nothing_written() -> dict:
    return {**row_counts(), "LanguageAssessment": LanguageAssessment.objects.count()}


def use_scale(programme, scale: str) -> None:
    programme.language_scale = scale
    programme.save(update_fields=["language_scale"])


# The form ------------------------------------------------------------------------------------


def test_it_starts_from_the_file_and_the_organisations_language(participant, coach_client):
    Participant.objects.filter(pk=participant.pk).update(
        literacy="other_script", schooling="isced2"
    )

    response = coach_client.get(url(participant))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["language"].value() == "fr"
    assert form["literacy"].value() == "other_script"
    assert form["schooling"].value() == "isced2"
    assert form["assessed_on"].value() == timezone.localdate()
    # No programme with a local scale: the field is not offered.
    assert "local_level" not in form.fields
    assert 'name="local_level"' not in response.content.decode()
    assert "No language assessment recorded yet." in response.content.decode()


def test_a_dutch_speaking_organisation_tests_dutch(db):
    coach = make_staff(organisation=make_organisation(name="OCMW Gent", language="nl"))
    participant = make_participant(coach=coach.user)
    client = Client()
    client.force_login(coach.user)

    assert client.get(url(participant)).context["form"]["language"].value() == "nl"


def test_local_levels_are_those_of_the_programmes_scale(
    participant, programme, enrolment, coach_client
):
    use_scale(programme, "nt2")

    response = coach_client.get(url(participant))

    field = response.context["form"].fields["local_level"]
    assert field.label == "Level on the NT2 scale"
    assert [code for code, _label in field.choices] == ["", "alfa", "1.1", "1.2", "2", "3", "4"]
    assert 'name="local_level"' in response.content.decode()


def test_two_scales_are_offered_side_by_side(participant, programme, enrolment, coach_client):
    use_scale(programme, "nt2")
    french = make_programme(organisation=participant.organisation, language_scale="fle")
    make_enrolment(participant=participant, programme=french, status=Status.ACTIVE)

    field = coach_client.get(url(participant)).context["form"].fields["local_level"]

    groups = [label for label, _choices in field.choices[1:]]
    assert groups == [
        "French as a foreign language (alpha, FLE A1–C1)",
        "Dutch as a second language (NT2 1.1–4)",
    ]


def test_a_programme_the_person_was_not_admitted_to_gives_no_scale(
    participant, programme, coach_client
):
    use_scale(programme, "nt2")
    make_enrolment(participant=participant, programme=programme, status=Status.NOT_ADMITTED)

    assert "local_level" not in coach_client.get(url(participant)).context["form"].fields


# Recording -----------------------------------------------------------------------------------


def test_it_records_the_assessment(participant, programme, enrolment, coach, coach_client):
    use_scale(programme, "fle")

    response = coach_client.post(url(participant), assessment(local_level="fle_a2"))

    assert response.status_code == 302
    assert response.url == url(participant)
    recorded = LanguageAssessment.objects.get()
    assert (recorded.participant, recorded.assessed_by) == (participant, coach.user)
    assert (recorded.language, recorded.assessed_on) == ("fr", timezone.localdate())
    assert (recorded.oral, recorded.reading, recorded.writing) == ("a2", "a1", "pre_a1")
    assert (recorded.local_level, recorded.literacy, recorded.schooling) == (
        "fle_a2",
        "limited",
        "isced1",
    )
    assert recorded.notes == "Understands simple questions about the family."
    html = coach_client.get(response.url).content.decode()
    assert "Language assessment recorded." in html
    assert "FLE A2" in html


def test_a_new_assessment_keeps_the_earlier_ones(participant, coach_client):
    first = make_assessment(participant=participant, assessed_on=datetime.date(2025, 1, 6))
    coach_client.post(url(participant), assessment())
    assert LanguageAssessment.objects.count() == 2
    assert LanguageAssessment.objects.filter(pk=first.pk).exists()


def test_a_manager_may_record_one(participant, manager, manager_client):
    assert manager_client.post(url(participant), assessment()).status_code == 302
    assert LanguageAssessment.objects.get().assessed_by == manager.user


def test_the_coach_of_one_enrolment_may_record_one(participant, colleague, colleague_client):
    make_enrolment(participant=participant, coach=colleague.user)
    assert colleague_client.post(url(participant), assessment()).status_code == 302
    assert LanguageAssessment.objects.get().assessed_by == colleague.user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"assessed_on": "2999-01-01"},
            "assessed_on",
            "Record an assessment once it has taken place.",
        ),
        ({"assessed_on": ""}, "assessed_on", "This field is required."),
        (
            {"oral": ""},
            "oral",
            "Choose a level for each skill: pre-A1 if the person cannot do it yet.",
        ),
        (
            {"writing": ""},
            "writing",
            "Choose a level for each skill: pre-A1 if the person cannot do it yet.",
        ),
        (
            {"reading": "d1"},
            "reading",
            "Select a valid choice. d1 is not one of the available choices.",
        ),
        (
            # FLE B2 matches about B2: two steps above the oral A2.
            {"local_level": "fle_b2"},
            "local_level",
            "Level FLE B2 matches about B2, more than one step away from the oral level A2. "
            "Check both levels.",
        ),
        (
            {"local_level": "alpha", "oral": "b1"},
            "local_level",
            "Level Alpha matches about Pre-A1 (literacy), more than one step away from the "
            "oral level B1. Check both levels.",
        ),
        (
            # Only the scale of the person's programme is offered.
            {"local_level": "1.2"},
            "local_level",
            "Select a valid choice. 1.2 is not one of the available choices.",
        ),
        (
            {"local_level": "fle_a2", "language": "nl"},
            "local_level",
            "The FLE scale measures French, not the language tested.",
        ),
    ],
)
def test_it_explains_bad_input_and_writes_nothing(
    participant, programme, enrolment, coach_client, overrides, field, message
):
    use_scale(programme, "fle")
    before = nothing_written()

    response = coach_client.post(url(participant), assessment(**overrides))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    assert "Nothing was saved." in html
    assert message.replace("'", "&#x27;") in html
    assert nothing_written() == before


def test_a_local_level_one_step_from_the_oral_level_is_accepted(
    participant, programme, enrolment, coach_client
):
    use_scale(programme, "nt2")
    response = coach_client.post(
        url(participant), assessment(language="nl", oral="a2", local_level="2")
    )
    assert response.status_code == 302
    assert LanguageAssessment.objects.get().local_level == "2"


def test_a_local_level_is_ignored_when_no_programme_uses_a_scale(participant, coach_client):
    coach_client.post(url(participant), assessment(local_level="fle_c1"))
    assert LanguageAssessment.objects.get().local_level == ""


# History -------------------------------------------------------------------------------------


def test_it_shows_the_history_newest_first_with_progress(participant, coach_client):
    first = make_assessment(
        participant=participant,
        assessed_on=datetime.date(2025, 1, 6),
        oral="a1",
        reading="pre_a1",
        writing="pre_a1",
        literacy="limited",
    )
    second = make_assessment(
        participant=participant,
        assessed_on=datetime.date(2025, 3, 3),
        oral="a1",
        reading="a1",
        writing="pre_a1",
    )
    latest = make_assessment(
        participant=participant,
        assessed_on=datetime.date(2025, 6, 2),
        oral="b1",
        reading="a1",
        writing="a1",
        notes="Ready for the B1 group.",
    )

    response = coach_client.get(url(participant))

    history = response.context["history"]
    assert [row["assessment"] for row in history] == [latest, second, first]
    assert [str(change) for change in history[0]["progress"]] == [
        "oral A1 → B1 (+2)",
        "reading pre-A1 → A1 (+1)",
        "writing pre-A1 → A1 (+1)",
    ]
    assert [str(change) for change in history[1]["progress"]] == [
        "oral A1 → A1 (0)",
        "reading pre-A1 → A1 (+1)",
        "writing pre-A1 → pre-A1 (0)",
    ]
    assert history[2]["progress"] == []
    html = response.content.decode()
    assert html.index("02/06/2025") < html.index("03/03/2025") < html.index("06/01/2025")
    assert "oral A1 → B1 (+2)" in html
    assert "First assessment" in html
    assert "Ready for the B1 group." in html
    assert "Reads and writes a little" in html
    assert "Amina Benali" in html


def test_a_step_back_shows_as_negative(participant, coach_client):
    make_assessment(participant=participant, assessed_on=datetime.date(2025, 1, 6), oral="a2")
    make_assessment(participant=participant, assessed_on=datetime.date(2025, 2, 3), oral="a1")
    history = coach_client.get(url(participant)).context["history"]
    assert str(history[0]["progress"][0]) == "oral A2 → A1 (-1)"


def test_it_shows_only_this_persons_assessments(participant, coach, coach_client):
    other = make_participant(coach=coach.user)
    make_assessment(participant=other, notes="Someone else")
    html = coach_client.get(url(participant)).content.decode()
    assert "Someone else" not in html


@pytest.mark.parametrize("size", [1, 20])
def test_the_number_of_queries_does_not_grow_with_the_history(
    participant, programme, enrolment, coach_client, size, django_assert_num_queries
):
    use_scale(programme, "nt2")
    for n in range(size):
        make_assessment(
            participant=participant,
            assessed_on=timezone.localdate() - datetime.timedelta(days=n),
            local_level="1.1",
        )
    # 1. the session  2. the user with their staff record and organisation (default
    #    language, page header)
    # 3. the participant with their referent coach, within the user's reach
    # 4. the local scales of the person's programmes
    # 5. the assessments with their assessor
    with django_assert_num_queries(5):
        response = coach_client.get(url(participant))
    assert len(response.context["history"]) == size


# Access --------------------------------------------------------------------------------------


def test_a_colleague_who_does_not_coach_the_person_gets_a_404(participant, colleague_client):
    assert colleague_client.get(url(participant)).status_code == 404
    assert colleague_client.post(url(participant), assessment()).status_code == 404
    assert not LanguageAssessment.objects.exists()


def test_another_organisation_gets_a_404(participant, outsider_client, outsider_manager_client):
    for client in (outsider_client, outsider_manager_client):
        assert client.get(url(participant)).status_code == 404
        assert client.post(url(participant), assessment()).status_code == 404
    assert not LanguageAssessment.objects.exists()


def test_an_administrator_gets_a_404(participant, administrator_client):
    assert administrator_client.get(url(participant)).status_code == 404
    assert administrator_client.post(url(participant), assessment()).status_code == 404
    assert not LanguageAssessment.objects.exists()


def test_an_unknown_participant_is_a_404(coach_client):
    assert coach_client.get(reverse("evaluations:language", args=[999999])).status_code == 404


def test_it_requires_login(participant, client):
    response = client.post(url(participant), assessment())
    assert response.status_code == 302
    assert response.url == login_url(url(participant))
    assert not LanguageAssessment.objects.exists()


def test_it_rejects_put(participant, coach_client):
    assert coach_client.put(url(participant)).status_code == 405


def test_the_participant_file_links_to_it(participant, coach_client):
    html = coach_client.get(participant.get_absolute_url()).content.decode()
    assert f'href="{url(participant)}"' in html
