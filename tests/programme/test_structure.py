"""Phases, a module's structured rhythm, tracks and cohorts (programme.models), and the
programme's configuration in the admin and on its page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programme.models import Cohort, Module, Phase, Track
from tests.factories import make_module, make_programme

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_phase_expects_a_length_in_order(programme):
    phase = Phase(programme=programme, name="Orientation", min_weeks=6, max_weeks=4)
    with pytest.raises(ValidationError) as error:
        phase.full_clean()
    assert "max_weeks" in error.value.error_dict
    Phase(programme=programme, name="Orientation", min_weeks=4, max_weeks=6).full_clean()


def test_a_module_sits_in_a_phase_of_its_own_programme(programme, other_programme):
    foreign = Phase.objects.create(programme=other_programme, name="Elsewhere")
    module = Module(programme=programme, name="Workshop", kind="workshop", phase=foreign)
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert error.value.message_dict["phase"] == ["This phase belongs to another programme."]


def test_the_rhythm_is_structured(programme):
    phase = Phase.objects.create(programme=programme, name="Workshops", position=1)
    module = make_module(
        programme=programme,
        phase=phase,
        sessions_per_week=2,
        hours_per_week=6,
        weekdays="3,1",
        length_weeks=13,
        rhythm="two half-days a week",
    )
    module.full_clean()
    assert module.weekday_list() == [1, 3]
    assert module.rhythm_text() == "2 sessions a week · 6 h a week · Tue, Thu · 13 weeks"
    assert module.planned_hours(13) == 78.0
    assert make_module(programme=programme).planned_hours(13) is None


@pytest.mark.parametrize("weekdays", ["7", "mon", "1,,x"])
def test_weekdays_use_the_series_encoding(programme, weekdays):
    module = Module(programme=programme, name="Group", kind="group", weekdays=weekdays)
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert "Monday = 0" in error.value.message_dict["weekdays"][0]


def test_no_more_weekdays_than_sessions(programme):
    module = Module(
        programme=programme, name="Group", kind="group", weekdays="0,2", sessions_per_week=1
    )
    with pytest.raises(ValidationError) as error:
        module.full_clean()
    assert error.value.message_dict["weekdays"] == ["More weekdays than sessions per week."]


def cohort(programme, **kwargs) -> Cohort:
    kwargs.setdefault("name", f"Cohort {Cohort.objects.count() + 1}")
    kwargs.setdefault("intake_opens_on", D(2026, 1, 1))
    kwargs.setdefault("intake_closes_on", D(2026, 2, 15))
    kwargs.setdefault("starts_on", D(2026, 3, 2))
    kwargs.setdefault("ends_on", D(2026, 8, 28))
    return Cohort(programme=programme, **kwargs)


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ({"intake_closes_on": D(2025, 12, 1)}, "intake_closes_on",
         "The intake cannot close before it opens."),
        ({"starts_on": D(2025, 12, 1)}, "starts_on",
         "The cohort cannot start before its intake opens."),
        ({"ends_on": D(2026, 3, 2)}, "ends_on", "The cohort must end after it starts."),
    ],
)  # fmt: skip
def test_cohort_dates_in_the_wrong_order_are_refused(programme, dates, field, message):
    with pytest.raises(ValidationError) as error:
        cohort(programme, **dates).full_clean()
    assert error.value.message_dict[field] == [message]


def test_a_cohorts_track_is_of_its_programme(programme, other_programme):
    track = Track.objects.create(programme=other_programme, name="Short", length_months=3)
    with pytest.raises(ValidationError) as error:
        cohort(programme, track=track).full_clean()
    assert error.value.message_dict["track"] == ["This track belongs to another programme."]


def test_the_next_cohort_is_the_one_taking_people(programme):
    spring = cohort(programme, name="Spring")
    spring.save()
    autumn = cohort(
        programme,
        name="Autumn",
        intake_opens_on=D(2026, 7, 1),
        intake_closes_on=D(2026, 8, 15),
        starts_on=D(2026, 9, 7),
        ends_on=D(2027, 2, 26),
    )
    autumn.save()
    cohorts = Cohort.objects.filter(programme=programme)
    assert cohorts.next_for_admission(D(2026, 1, 20)) == spring  # its intake is open
    assert cohorts.next_for_admission(D(2026, 2, 20)) == autumn  # between windows: next to start
    assert cohorts.next_for_admission(D(2026, 7, 2)) == autumn
    assert cohorts.next_for_admission(D(2026, 10, 1)) is None


ADMIN_FORMSETS = [
    "modules", "criteria", "template_steps", "activity_mappings", "indicator_targets",
    "phases", "tracks", "cohorts",
]  # fmt: skip


def programme_post(programme, **rows) -> dict:
    data = {
        "organisation": programme.organisation_id,
        "name": programme.name,
        "code": programme.code,
        "starts_on": "2025-01-01",
        "planned_length_months": "6",
        "entry_mode": "cohort",
        "module_path": "chosen",
        "outcome_domains": ["oral_language"],
        "follow_up_weeks": "4, 13",
        "follow_up_max_attempts": "3",
        "retention_years": "5",
    }
    for prefix in ADMIN_FORMSETS:
        forms = rows.get(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = str(len(forms))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for n, form in enumerate(forms):
            data.update({f"{prefix}-{n}-{key}": value for key, value in form.items()})
    return data


def test_an_administrator_sets_phases_tracks_and_cohorts(administrator_client, programme):
    url = reverse("admin:programme_programme_change", args=[programme.pk])
    assert administrator_client.get(url).status_code == 200
    data = programme_post(
        programme,
        phases=[{"position": "0", "name": "Orientation", "min_weeks": "4", "max_weeks": "6"}],
        tracks=[{"position": "0", "name": "Intensive", "length_months": "3"},
                {"position": "1", "name": "Intercultural", "length_months": "9"}],
        cohorts=[{"name": "Spring 2026", "intake_opens_on": "2026-01-01",
                  "intake_closes_on": "2026-02-15", "starts_on": "2026-03-02",
                  "ends_on": "2026-08-28"}],
        modules=[{"position": "0", "name": "Workshops", "kind": "workshop",
                  "sessions_per_week": "3", "hours_per_week": "9", "weekdays": "0,1,3",
                  "length_weeks": "", "rhythm": "three days a week",
                  "trial_sessions": "0", "evaluated_at": ""}],
    )  # fmt: skip
    response = administrator_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(programme.phases.values_list("name", "min_weeks", "max_weeks")) == [
        ("Orientation", 4, 6)
    ]
    assert list(programme.tracks.values_list("name", "length_months")) == [
        ("Intensive", 3), ("Intercultural", 9)
    ]  # fmt: skip
    assert programme.cohorts.get().starts_on == D(2026, 3, 2)
    module = programme.modules.get()
    assert (module.sessions_per_week, module.weekdays, module.rhythm) == (
        3, "0,1,3", "three days a week"
    )  # fmt: skip


def test_cohort_dates_in_the_wrong_order_write_nothing(administrator_client, programme):
    url = reverse("admin:programme_programme_change", args=[programme.pk])
    data = programme_post(
        programme,
        tracks=[{"position": "0", "name": "Intensive", "length_months": "3"}],
        cohorts=[{"name": "Backwards", "intake_opens_on": "2026-03-01",
                  "intake_closes_on": "2026-02-01", "starts_on": "2026-03-02",
                  "ends_on": "2026-08-28"}],
    )  # fmt: skip
    response = administrator_client.post(url, data)
    assert response.status_code == 200
    assert "The intake cannot close before it opens." in response.content.decode()
    assert not Cohort.objects.exists() and not Track.objects.exists()


def test_the_programme_page_shows_its_structure(coach_client, programme):
    phase = Phase.objects.create(programme=programme, name="Orientation", min_weeks=4, max_weeks=6)
    make_module(programme=programme, name="Intake talks", phase=phase, hours_per_week=2)
    Track.objects.create(programme=programme, name="Intensive", length_months=3)
    cohort(programme, name="Spring 2026").save()
    html = coach_client.get(reverse("programme:detail", args=[programme.pk])).content.decode()
    assert "Orientation" in html and "4 to 6 weeks" in html
    assert "Intensive" in html and "3 months" in html
    assert "Spring 2026" in html and "2 h a week" in html
    assert "waiting to start" not in html  # nobody admitted to the cohort yet


def test_an_outsider_does_not_see_the_programme(outsider_client, programme):
    url = reverse("programme:detail", args=[programme.pk])
    assert outsider_client.get(url).status_code == 404


def test_a_track_name_is_unique_in_its_programme(programme):
    Track.objects.create(programme=programme, name="Short", length_months=3)
    Track.objects.create(programme=make_programme(), name="Short", length_months=3)
    with pytest.raises(ValidationError):
        Track(programme=programme, name="Short", length_months=4).full_clean()


@pytest.mark.parametrize("size", [1, 20])
def test_the_programme_page_does_not_grow_with_its_structure(
    coach_client, programme, size, django_assert_num_queries
):
    for n in range(size):
        phase = Phase.objects.create(programme=programme, name=f"Phase {n}", position=n)
        make_module(programme=programme, name=f"Module {n}", phase=phase, hours_per_week=3)
        track = Track.objects.create(programme=programme, name=f"Track {n}", length_months=3)
        cohort(programme, name=f"Cohort {n}", track=track).save()
    # 1. session; 2. user with staff; 3. the programme with its counts; 4. its organisation
    # (for the partners); 5. the sites; 6. the criteria; 7. the modules with their phase;
    # 8. the phases; 9. the tracks; 10. the cohorts with their track and how many wait for
    # each; 11. the partners
    with django_assert_num_queries(11):
        response = coach_client.get(reverse("programme:detail", args=[programme.pk]))
    assert response.content.decode().count("Cohort ") >= size
