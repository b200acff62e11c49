import datetime

import pytest
from django.urls import reverse

from sessions import services
from sessions.models import Attendance
from tests.helpers import login_url
from tests.sessions.factories import messages_of, session_row_counts

pytestmark = pytest.mark.django_db


def url(series) -> str:
    return reverse("sessions:series-extend", args=[series.pk])


def test_it_adds_sessions_after_the_last_one(series, member, coach_client):
    last = series.sessions.order_by("date").last()

    response = coach_client.post(url(series), {"count": 2})

    assert response.status_code == 302
    assert response.url == reverse("sessions:series", args=[series.pk])
    assert messages_of(response) == ["2 sessions added."]
    added = list(series.sessions.filter(date__gt=last.date).order_by("date"))
    assert len(added) == 2
    assert all(s.date.weekday() == last.date.weekday() for s in added)
    assert added[0].date - last.date >= datetime.timedelta(weeks=1)
    assert Attendance.objects.filter(session__in=added, participant=member).count() == 2


def test_a_manager_may_extend_a_series(series, manager_client):
    manager_client.post(url(series), {"count": 1})
    assert series.sessions.count() == 5


@pytest.mark.parametrize("count", ["0", "101", "two", ""])
def test_a_bad_number_is_refused(series, coach_client, count):
    before = session_row_counts()
    response = coach_client.post(url(series), {"count": count})
    assert messages_of(response) == ["Give a number of sessions between 1 and 100."]
    assert session_row_counts() == before


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(series, colleague_client):
    assert colleague_client.post(url(series), {"count": 2}).status_code == 404
    assert series.sessions.count() == 4


def test_another_organisation_gets_a_404(series, outsider_client, outsider_manager_client):
    assert outsider_client.post(url(series), {"count": 2}).status_code == 404
    assert outsider_manager_client.post(url(series), {"count": 2}).status_code == 404
    assert series.sessions.count() == 4


def test_an_administrator_gets_a_404(series, administrator_client):
    assert administrator_client.post(url(series), {"count": 2}).status_code == 404
    assert series.sessions.count() == 4


def test_it_requires_login(series, client):
    response = client.post(url(series), {"count": 2})
    assert response.status_code == 302
    assert response.url == login_url(url(series))
    assert series.sessions.count() == 4


def test_it_rejects_get(series, coach_client):
    assert coach_client.get(url(series)).status_code == 405


def test_a_schedule_replaced_from_a_date_is_not_extended(series, coach, coach_client):
    from_date = series.sessions.order_by("date")[2].date
    new = services.series_change_from(
        series=series,
        from_date=from_date,
        data={"start_time": datetime.time(14), "end_time": datetime.time(16)},
        facilitators=[coach.user],
    )
    before = session_row_counts()

    response = coach_client.post(url(series), {"count": 2})

    assert response.url == reverse("sessions:series", args=[new.pk])
    assert messages_of(response) == [
        f"This schedule was replaced from {from_date:%d/%m/%Y}: add sessions to the schedule "
        "in force instead."
    ]
    assert session_row_counts() == before
    page = coach_client.get(reverse("sessions:series", args=[series.pk])).content.decode()
    assert "Add sessions to the schedule in force" in page
    assert url(series) not in page
