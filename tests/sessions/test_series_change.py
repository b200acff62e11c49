import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Attendance, Series, Session
from tests.helpers import login_url
from tests.sessions.factories import messages_of, session_row_counts

pytestmark = pytest.mark.django_db
T = datetime.time


def url(series) -> str:
    return reverse("sessions:series-change", args=[series.pk])


def change(series, from_date, **extra):
    """Afternoons, on the next weekday, from `from_date` on."""
    data = {
        "from_date": from_date.isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "days": [str((series.weekday_list()[0] + 1) % 7)],
    }
    return {**data, **extra}


def schedule():
    return list(Session.objects.order_by("date").values_list("pk", "date", "start_time"))


def test_it_changes_this_and_the_following_sessions(series, member, coach, coach_client):
    first, second, third, _fourth = series.sessions.order_by("date")

    response = coach_client.post(url(series), change(series, third.date))

    new = Series.objects.exclude(pk=series.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("sessions:series", args=[new.pk])
    assert messages_of(response) == [f"The schedule changes from {third.date:%d/%m/%Y} on."]
    assert list(series.sessions.order_by("date")) == [first, second]
    assert {s.start_time for s in series.sessions.all()} == {T(9)}
    assert new.previous == series
    assert new.sessions.count() == 2
    assert {(s.start_time, s.end_time) for s in new.sessions.all()} == {(T(14), T(16))}
    assert {s.date.weekday() for s in new.sessions.all()} == {(third.date.weekday() + 1) % 7}
    assert all(s.date > third.date for s in new.sessions.all())
    assert list(new.facilitators.all()) == [coach.user]
    assert Attendance.objects.filter(session__series=new, participant=member).count() == 2


def test_a_manager_may_change_a_series(series, manager_client):
    response = manager_client.post(url(series), change(series, timezone.localdate()))
    assert response.status_code == 302
    assert Series.objects.count() == 2


def test_a_date_in_the_past_is_refused(series, coach_client):
    before, sessions = session_row_counts(), schedule()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    response = coach_client.post(url(series), change(series, yesterday))

    assert response.url == reverse("sessions:series", args=[series.pk])
    assert messages_of(response) == ["Past sessions stay as they were: choose today or later."]
    assert (session_row_counts(), schedule()) == (before, sessions)


def test_it_is_refused_once_attendance_is_recorded_after_the_date(series, member, coach_client):
    last = series.sessions.order_by("date").last()
    # Announced in advance: an excused absence at the last session.
    Attendance.objects.filter(session=last).update(status="excused", reason="Job interview")
    before, sessions = session_row_counts(), schedule()

    response = coach_client.post(url(series), change(series, timezone.localdate()))

    assert messages_of(response) == [
        "Attendance was already recorded after this date: change from a later date."
    ]
    assert (session_row_counts(), schedule()) == (before, sessions)


def test_a_schedule_giving_no_session_is_refused(series, coach_client):
    last = series.sessions.order_by("date").last()
    Series.objects.filter(pk=series.pk).update(count=None, ends_on=last.date)
    before, sessions = session_row_counts(), schedule()

    # From the last session on, but on another weekday: no day left before the end.
    response = coach_client.post(url(series), change(series, last.date))

    assert response.url == reverse("sessions:series", args=[series.pk])
    assert messages_of(response) == [
        "These dates give no session (holidays and closure days are skipped)."
    ]
    assert (session_row_counts(), schedule()) == (before, sessions)


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"days": []}, "Choose at least one weekday."),
        ({"end_time": "13:00"}, "The end must come after the start."),
        ({"start_time": "later"}, "Enter a valid time."),
    ],
)
def test_bad_input_is_refused_with_a_message(series, coach_client, extra, message):
    before, sessions = session_row_counts(), schedule()

    response = coach_client.post(url(series), change(series, timezone.localdate(), **extra))

    assert messages_of(response) == [message]
    assert (session_row_counts(), schedule()) == (before, sessions)


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(series, colleague_client):
    sessions = schedule()
    response = colleague_client.post(url(series), change(series, timezone.localdate()))
    assert response.status_code == 404
    assert schedule() == sessions


def test_another_organisation_gets_a_404(series, outsider_client, outsider_manager_client):
    sessions = schedule()
    for client in (outsider_client, outsider_manager_client):
        response = client.post(url(series), change(series, timezone.localdate()))
        assert response.status_code == 404
    assert schedule() == sessions


def test_an_administrator_gets_a_404(series, administrator_client):
    response = administrator_client.post(url(series), change(series, timezone.localdate()))
    assert response.status_code == 404
    assert Series.objects.count() == 1


def test_it_requires_login(series, client):
    response = client.post(url(series), change(series, timezone.localdate()))
    assert response.status_code == 302
    assert response.url == login_url(url(series))
    assert Series.objects.count() == 1


def test_it_rejects_get(series, coach_client):
    assert coach_client.get(url(series)).status_code == 405
