"""Planned against delivered hours per module and phase, and people longer in a phase than
expected (reports.structure), on a dataset whose figures are worked out by hand."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.models import Enrolment
from programme.models import Phase
from reports.figures import Period
from reports.structure import phase_overruns, planned_and_delivered, structure
from sessions.models import GroupMembership
from tests.factories import make_enrolment, make_module, make_participant, make_programme
from tests.sessions.factories import make_group, make_session

pytestmark = pytest.mark.django_db
D = datetime.date
T = datetime.time
PERIOD = Period(D(2026, 1, 5), D(2026, 2, 1))  # four weeks
TODAY = D(2026, 3, 1)


@pytest.fixture
def phases(programme):
    return (
        Phase.objects.create(programme=programme, name="Orientation", position=0,
                             min_weeks=4, max_weeks=6),
        Phase.objects.create(programme=programme, name="Workshops", position=1),
    )  # fmt: skip


@pytest.fixture
def held(programme, phases):
    """Workshops: 6 h a week, one group for the whole period: 24 h planned; seven 3-hour
    sessions held (21 h), one cancelled and one after the period not counted.
    Art: no hours per week (nothing planned to compare with); two 2-hour sessions (4 h).
    Taster: 3 h a week for 2 weeks from 12 January: 6 h planned; one 3-hour session held."""
    workshops = make_module(programme=programme, name="Workshops", kind="workshop",
                            phase=phases[1], hours_per_week=6)  # fmt: skip
    art = make_module(programme=programme, name="Art", kind="workshop")
    taster = make_module(programme=programme, name="Taster", kind="workshop", phase=phases[1],
                         hours_per_week=3, length_weeks=2, position=2)  # fmt: skip
    group = make_group(programme=programme, module=workshops, starts_on=D(2026, 1, 5))
    for week in range(7):
        make_session(programme=programme, group=group,
                     date=D(2026, 1, 6) + datetime.timedelta(days=4 * week),
                     start_time=T(9), end_time=T(12))  # fmt: skip
    make_session(programme=programme, group=group, date=D(2026, 1, 30),
                 cancelled_at=timezone.now())  # fmt: skip
    make_session(programme=programme, group=group, date=D(2026, 2, 3))
    art_group = make_group(programme=programme, module=art, starts_on=D(2026, 1, 5))
    for day in (7, 14):
        make_session(programme=programme, group=art_group, date=D(2026, 1, day),
                     start_time=T(14), end_time=T(16))  # fmt: skip
    taster_group = make_group(programme=programme, module=taster, starts_on=D(2026, 1, 12))
    make_session(programme=programme, group=taster_group, date=D(2026, 1, 13))
    make_group(programme=programme, name="No module")
    return group


def test_planned_against_delivered_per_module_and_phase(programme, held):
    modules, phases = planned_and_delivered([programme], PERIOD)
    rows = {row.label: (row.planned, row.delivered, row.gap, row.share) for row in modules}
    assert rows == {
        "Workshops": (24.0, 21.0, -3.0, 88),
        "Art": (None, 4.0, None, None),
        "Taster": (6.0, 3.0, -3.0, 50),
    }
    assert [(row.label, row.planned, row.delivered) for row in phases] == [
        ("Workshops", 30.0, 24.0)
    ]
    assert [row.label for row in modules] == ["Art", "Workshops", "Taster"]  # by position
    assert modules[1].gap_text == "-3 h" and modules[0].planned_text == "—"


def test_over_several_programmes_each_row_names_its_programme(programme, held):
    second = make_programme(organisation=programme.organisation, name="Second")
    phase = Phase.objects.create(programme=second, name="Workshops", position=0)
    module = make_module(programme=second, name="Workshops", kind="workshop", phase=phase,
                         hours_per_week=2)  # fmt: skip
    make_session(
        programme=second,
        group=make_group(programme=second, module=module, starts_on=D(2026, 1, 5)),
        date=D(2026, 1, 8),
        start_time=T(9),
        end_time=T(11),
    )
    modules, phases = planned_and_delivered([programme, second], PERIOD)
    name = programme.name
    assert [(row.label, row.delivered) for row in modules] == [
        (f"{name} — Art", 4.0), (f"{name} — Workshops", 21.0), (f"{name} — Taster", 3.0),
        ("Second — Workshops", 2.0),
    ]  # fmt: skip
    assert [row.label for row in phases] == [f"{name} — Workshops", "Second — Workshops"]


def test_a_group_that_ended_plans_nothing_after(programme, held):
    held.ends_on = D(2026, 1, 18)  # two weeks inside the period
    held.save()
    modules, _phases = planned_and_delivered([programme], PERIOD)
    assert modules[1].planned == 12.0


def test_another_programme_counts_nothing(programme, other_programme, held):
    assert planned_and_delivered([other_programme], PERIOD) == ([], [])


def active(programme, coach, started_on, status=Enrolment.Status.ACTIVE) -> Enrolment:
    person = make_participant(organisation=programme.organisation, coach=coach.user)
    return make_enrolment(participant=person, programme=programme, status=status,
                          started_on=started_on, referred_on=started_on)  # fmt: skip


def test_people_longer_in_orientation_than_expected(programme, phases, held, coach):
    late = active(programme, coach, D(2026, 1, 1))  # 8 weeks in orientation: flagged
    active(programme, coach, D(2026, 2, 1))  # 4 weeks: within the expected length
    moved_on = active(programme, coach, D(2026, 1, 1))
    GroupMembership.objects.create(group=held, participant=moved_on.participant,
                                   joined_on=D(2026, 1, 20))  # fmt: skip
    active(programme, coach, D(2025, 12, 1), status=Enrolment.Status.PAUSED)
    overruns = phase_overruns([programme], TODAY)
    assert [(o.enrolment, o.phase.name, o.since, o.weeks) for o in overruns] == [
        (late, "Orientation", D(2026, 1, 1), 8)
    ]


def test_exactly_the_longest_length_is_not_yet_too_long(programme, phases, coach):
    active(programme, coach, TODAY - datetime.timedelta(weeks=6))
    assert phase_overruns([programme], TODAY) == []
    active(programme, coach, TODAY - datetime.timedelta(weeks=6, days=1))
    assert len(phase_overruns([programme], TODAY)) == 1


@pytest.mark.parametrize("size", [1, 20])
def test_queries_do_not_grow(programme, phases, coach, size, django_assert_num_queries):
    for n in range(size):
        module = make_module(programme=programme, name=f"Module {n}", phase=phases[n % 2],
                             hours_per_week=3)  # fmt: skip
        group = make_group(programme=programme, module=module, starts_on=D(2026, 1, 5))
        make_session(programme=programme, group=group, date=D(2026, 1, 6))
        enrolment = active(programme, coach, D(2026, 1, 1))
        GroupMembership.objects.create(group=group, participant=enrolment.participant,
                                       joined_on=D(2026, 1, 5))  # fmt: skip
    # 1. the groups of a module, with module, phase and the length of their sessions held;
    # 2. the phases; 3. the active enrolments as rows with their people's memberships of
    # groups in a phase; 4. the enrolments overrunning their phase, with participant and coach
    with django_assert_num_queries(4):
        board = structure([programme], PERIOD, TODAY)
    assert len(board.modules) == size
    assert len(board.overruns) == (size + 1) // 2  # whose latest group is in orientation


URL = reverse("reports:dashboard")


def test_the_dashboard_shows_the_hours_and_the_overruns(
    manager_client, programme, phases, held, coach
):
    late = active(programme, coach, timezone.localdate() - datetime.timedelta(weeks=10))
    query = {"programme": programme.pk, "start": "2026-01-05", "end": "2026-02-01"}
    html = manager_client.get(URL, query).content.decode()
    assert "Planned and delivered hours" in html
    assert "24 h" in html and "21 h" in html and "(88 %)" in html
    assert "Longer in a phase than expected" in html
    assert late.participant.full_name in html


def test_the_funder_view_leaves_the_structure_out(manager_client, programme, held):
    query = {"programme": programme.pk, "start": "2026-01-05", "end": "2026-02-01",
             "funder": "on"}  # fmt: skip
    response = manager_client.get(URL, query)
    assert "structure" not in response.context
    assert "Planned and delivered hours" not in response.content.decode()


def test_a_coach_has_no_dashboard(coach_client, programme, held):
    query = {"programme": programme.pk, "start": "2026-01-05", "end": "2026-02-01"}
    assert coach_client.get(URL, query).status_code == 404


def test_another_organisations_manager_cannot_choose_the_programme(
    outsider_manager_client, programme, held
):
    query = {"programme": programme.pk, "start": "2026-01-05", "end": "2026-02-01"}
    response = outsider_manager_client.get(URL, query)
    assert response.context["form"].errors["programme"]
    assert "structure" not in response.context
    assert "Workshops" not in response.content.decode()
