"""The dashboard computed by the database gives exactly what the Python computation it
replaced gave (tests/reports/old_dashboard.py, a frozen copy), on the demo dataset: every
figure's label, count, shown value, bar and people, every section's sums and bases, and what
an output for a funder hides."""

import datetime

import pytest

from demo import load as demo
from programme.models import Organisation
from reports.dashboard import dashboard
from reports.figures import Period
from reports.suppression import dashboard_shown
from tests.reports import old_dashboard

D = datetime.date
TODAY = D(2026, 3, 1)


def described(board) -> list:
    return [
        (
            section.key,
            [(row.key, row.label, row.count, row.shown, row.bar, row.ids) for row in section.rows],
            [(total.key, [part.key for part in parts]) for total, parts in section.sums],
            section.bases,
        )
        for section in board.sections
    ]


@pytest.mark.django_db
def test_the_database_computes_the_same_dashboard_as_python():
    demo.load(today=TODAY)
    organisations = list(Organisation.objects.order_by("pk"))
    scopes = []
    for organisation in organisations:
        programmes = list(organisation.programmes.order_by("pk"))
        scopes += [
            (programmes, Period(D(2015, 1, 1), TODAY)),  # everything so far
            (programmes, Period(D(2026, 1, 1), TODAY)),  # this year so far
            (programmes[:1], Period(D(2025, 1, 1), D(2025, 12, 31))),  # one programme's year
            (programmes, Period(D(2025, 4, 1), D(2025, 6, 30))),  # a quarter
        ]
    checked = 0
    for programmes, period in scopes:
        new = dashboard(programmes, period, today=TODAY)
        old = old_dashboard.dashboard(programmes, period, today=TODAY)
        assert described(new) == described(old), (programmes, period)
        assert dashboard_shown(new, 5) == dashboard_shown(old, 5)
        checked += sum(row.count for section in new.sections for row in section.rows)
    assert checked > 1000  # the demo data is there and counted


@pytest.mark.django_db
def test_every_figures_people_are_read_in_one_query(django_assert_num_queries):
    demo.load(today=TODAY)
    programmes = list(Organisation.objects.order_by("pk").first().programmes.all())
    period = Period(D(2025, 1, 1), D(2025, 12, 31))
    board = dashboard(programmes, period, today=TODAY)
    with django_assert_num_queries(1):
        board.read_people()
        people = [row.ids for section in board.sections for row in section.rows]
    old = old_dashboard.dashboard(programmes, period, today=TODAY)
    assert people == [row.ids for section in old.sections for row in section.rows]
    assert any(people)
