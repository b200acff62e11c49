"""The people behind a figure: the heading says in words what the figure counts, and the page
runs the same queries whatever the number of people."""

import datetime

import pytest
from django.urls import reverse

from participants.models import Participant
from tests.reports.builders import amif, attended, person

D = datetime.date
URL = reverse("reports:people")
FUNDER = {"source": "funder", "start": "2025-01-01", "end": "2025-06-30"}
DASHBOARD = {"source": "dashboard", "start": "2025-01-01", "end": "2025-12-31"}


@pytest.fixture
def funded(organisation, programme):
    programme.starts_on = D(2024, 1, 1)
    programme.target_participants = 10
    programme.save()
    amif(programme)
    ana = person(organisation, programme, started=D(2025, 2, 1), gender="woman", first_name="Ana")
    attended(ana, programme, kind="information_session", on=D(2025, 2, 3))
    before = person(organisation, programme, started=D(2024, 3, 1), exited=D(2024, 12, 31),
                    gender="man", first_name="Before")  # fmt: skip
    attended(before, programme, kind="language_practice", on=D(2024, 3, 4))
    person(organisation, programme, started=D(2025, 2, 1), nationality="FR", first_name="Eu")
    return programme


def heading(client, programme, key):
    response = client.get(URL, {**FUNDER, "programme": programme.pk, "key": key})
    assert response.status_code == 200
    return response.context["label"], {p.first_name for p in response.context["participants"]}


@pytest.mark.parametrize(
    "key, label, names",
    [
        ("O.2.3|period",
         "O.2.3 Participants in support activities — in the period, 01/01/2025 to 30/06/2025",
         {"Ana"}),
        ("O.2.3|cumulative",
         "O.2.3 Participants in support activities — since the start, 01/01/2024 to "
         "30/06/2025", {"Ana", "Before"}),
        ("O.2.3|period|gender|woman",
         "O.2.3 Participants in support activities — in the period, 01/01/2025 to 30/06/2025"
         " · Gender: Woman", {"Ana"}),
        ("not_counted|not_third_country",
         "EU, EEA or Swiss nationals (not counted for AMIF)", {"Eu"}),
        ("target|participants", "Participants: 2 reached of 10 aimed at", {"Ana", "Before"}),
    ],
)  # fmt: skip
def test_the_heading_says_what_the_figure_counts(manager_client, funded, key, label, names):
    assert heading(manager_client, funded, key) == (label, names)
    page = manager_client.get(URL, {**FUNDER, "programme": funded.pk, "key": key}).text
    assert f"<strong>{label}</strong>" in page


@pytest.mark.parametrize(
    "key", ["O.9.9|period", "O.2.3|yearly", "O.2.3|period|gender|dragon", "target|x", "nonsense"]
)
def test_an_unknown_figure_is_a_404(manager_client, funded, key):
    response = manager_client.get(URL, {**FUNDER, "programme": funded.pk, "key": key})
    assert response.status_code == 404


def test_a_dashboard_figure_keeps_its_label(manager_client, funded):
    response = manager_client.get(URL, {**DASHBOARD, "programme": funded.pk, "key": "funnel.3"})
    assert response.context["label"] == "Active"


@pytest.mark.parametrize("extra", [0, 20])
def test_funder_people_queries_do_not_grow(
    manager_client, organisation, funded, extra, django_assert_num_queries
):
    for n in range(extra):
        extra_person = person(organisation, funded, started=D(2025, 3, 1), first_name=f"P{n}")
        attended(extra_person, funded, kind="information_session", on=D(2025, 3, 3))
    assert Participant.objects.count() == 3 + extra
    # session; user with their staff record and organisation (header); the chosen programme
    # (form); the co-funding sets, the indicators with the entered project figures, the
    # targets; enrolments with people, characteristics, the coaches' sites and exit answers,
    # activity mappings with the sessions held, attendance, events, language assessments,
    # follow-up calls; the people within reach with their coach.
    with django_assert_num_queries(13):
        response = manager_client.get(URL, {**FUNDER, "programme": funded.pk,
                                            "key": "O.2.3|period"})  # fmt: skip
    assert len(response.context["participants"]) == 1 + extra


@pytest.mark.parametrize("extra", [0, 20])
def test_dashboard_people_queries_do_not_grow(
    manager_client, organisation, programme, extra, django_assert_num_queries
):
    for n in range(1 + extra):
        person(organisation, programme, started=D(2025, 1, 1 + n % 28), first_name=f"P{n}")
    # session; user with their staff record and organisation (header); the organisation's
    # programmes (all of them are counted); the enrolments' facts (with the intake status
    # changes), the active people per coach and co-coach and per group (one query),
    # attendance, domain scores, language assessments, placements, referrals, follow-up
    # calls; the people within reach with their coach, the figure's people as a subquery.
    with django_assert_num_queries(12):
        response = manager_client.get(URL, {**DASHBOARD, "key": "funnel.3"})
    assert len(response.context["participants"]) == 1 + extra
