"""reports.aggregates: LocalDate gives the local day Django's TruncDate gives, on either
database, around local midnight and the changes of the clocks (Europe/Brussels); Seconds
measures a session's length; select_over groups a query's groups again."""

import datetime

import pytest
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from participants.models import Enrolment
from programme.models import Programme
from reports.aggregates import LocalDate, Seconds, select_over
from reports.dashboard import dashboard
from reports.figures import Period
from sessions.models import Session
from tests.sessions.factories import make_session

D, T, UTC = datetime.date, datetime.datetime, datetime.UTC
INSTANTS = [  # in UTC, and the local day
    (T(2025, 1, 14, 22, 59, 59, tzinfo=UTC), D(2025, 1, 14)),  # 23:59:59 local, winter
    (T(2025, 1, 14, 23, 0, 0, tzinfo=UTC), D(2025, 1, 15)),  # midnight local
    (T(2025, 3, 29, 23, 30, tzinfo=UTC), D(2025, 3, 30)),  # the night the clocks go forward
    (T(2025, 3, 30, 1, 0, tzinfo=UTC), D(2025, 3, 30)),
    (T(2025, 7, 1, 21, 59, 59, 999999, tzinfo=UTC), D(2025, 7, 1)),  # 23:59:59.999999, summer
    (T(2025, 7, 1, 22, 0, tzinfo=UTC), D(2025, 7, 2)),
    (T(2025, 10, 25, 22, 30, tzinfo=UTC), D(2025, 10, 26)),  # the night the clocks go back
    (T(2025, 10, 26, 1, 30, tzinfo=UTC), D(2025, 10, 26)),
    (T(2025, 12, 31, 23, 0, tzinfo=UTC), D(2026, 1, 1)),
]


@pytest.mark.django_db
def test_local_date_is_truncdate(enrolment):
    for instant, day in INSTANTS:
        Enrolment.objects.filter(pk=enrolment.pk).update(waiting_since=instant)
        found = Enrolment.objects.filter(pk=enrolment.pk).values_list(
            LocalDate("waiting_since"), TruncDate("waiting_since")
        )
        assert found.get() == (day, day), instant
    Enrolment.objects.filter(pk=enrolment.pk).update(waiting_since=None)
    assert Enrolment.objects.values_list(LocalDate("waiting_since"), flat=True).get() is None


@pytest.mark.django_db
def test_seconds_between_two_times_of_day(programme):
    make_session(programme=programme, start_time=datetime.time(9, 0),
                 end_time=datetime.time(10, 30))  # fmt: skip
    make_session(programme=programme, start_time=datetime.time(13, 15, 30),
                 end_time=datetime.time(16, 0))  # fmt: skip
    length = Session.objects.aggregate(total=Sum(Seconds("end_time") - Seconds("start_time")))
    assert round(length["total"]) == 90 * 60 + 2 * 3600 + 44 * 60 + 30


@pytest.mark.django_db
def test_select_over_groups_the_groups_again_with_its_own_parameters_first(programme):
    for day in (D(2025, 3, 3), D(2025, 3, 3), D(2025, 3, 4)):
        make_session(programme=programme, date=day)
    per_day = Session.objects.order_by().values("date").annotate(n=Count("pk")).values("n")
    rows = select_over(
        "SELECT COUNT(*), SUM(CASE WHEN n > %s THEN 1 ELSE 0 END) FROM ({0}) AS days",
        per_day.filter(programme=programme),
        params=(1,),
    )
    assert [tuple(int(v) for v in row) for row in rows] == [(2, 1)]  # two days, one busy
    assert select_over("SELECT COUNT(*) FROM ({0}) AS none", per_day.filter(pk__in=[])) is None


@pytest.mark.django_db
def test_a_dashboard_over_no_programme_counts_nothing():
    board = dashboard(Programme.objects.none(), Period(D(2025, 1, 1), D(2025, 12, 31)))
    counts = {row.key: row.count for section in board.sections for row in section.rows}
    assert counts and not any(counts.values())
