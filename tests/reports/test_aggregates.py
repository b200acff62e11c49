"""reports.aggregates.LocalDate gives the local day Django's TruncDate gives, on either database,
around local midnight and the changes of the clocks (Europe/Brussels)."""

import datetime

import pytest
from django.db.models.functions import TruncDate

from participants.models import Enrolment
from reports.aggregates import LocalDate

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
