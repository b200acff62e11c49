import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import Attendance
from tests.factories import make_participant
from tests.helpers import login_url
from tests.sessions.factories import get_kind, make_closure_day, make_series, make_session

pytestmark = pytest.mark.django_db


def url(series) -> str:
    return reverse("sessions:series", args=[series.pk])


def test_it_lists_the_sessions_with_their_attendance(series, member, coach_client):
    first, second, third, _fourth = series.sessions.order_by("date")
    Attendance.objects.filter(session=first).update(status="excused", reason="Ill")
    services.session_move(
        session=second,
        date=second.date + datetime.timedelta(days=1),
        start_time=datetime.time(13),
        end_time=datetime.time(15),
    )
    services.session_cancel(session=third, reason="Strike")

    response = coach_client.get(url(series))

    assert response.status_code == 200
    assert len(response.context["sessions"]) == 4
    html = response.content.decode()
    assert "Conversation" in html
    assert "09:00–12:00" in html
    assert "1 of 1 recorded" in html
    assert html.count("0 of 1 recorded") == 3
    assert "13:00–15:00" in html
    assert "(moved)" in html
    assert "Cancelled" in html
    assert first.get_absolute_url() in html
    assert reverse("sessions:series-extend", args=[series.pk]) in html
    assert reverse("sessions:series-change", args=[series.pk]) in html


def test_a_session_moved_past_the_next_one_is_listed_by_its_new_date(series, coach_client):
    first, second, _third, _fourth = series.sessions.order_by("date")
    services.session_move(
        session=first,
        date=second.date + datetime.timedelta(days=1),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
    )
    listed = list(coach_client.get(url(series)).context["sessions"])
    assert [s.date for s in listed] == sorted(s.date for s in listed)
    assert listed[1].pk == first.pk


def test_a_changed_series_links_to_the_earlier_schedule(series, coach, coach_client):
    from_date = series.sessions.order_by("date")[2].date
    new = services.series_change_from(
        series=series,
        from_date=from_date,
        data={"start_time": datetime.time(14), "end_time": datetime.time(16)},
        facilitators=[coach.user],
    )

    html = coach_client.get(url(new)).content.decode()

    assert "earlier schedule" in html
    assert url(series) in html


def test_the_change_form_starts_from_the_schedule(series, coach_client):
    form = coach_client.get(url(series)).context["change_form"]
    assert form.initial["start_time"] == datetime.time(9)
    assert form.initial["days"] == [series.weekdays]
    assert form.initial["from_date"] == timezone.localdate()


def test_a_colleague_who_leads_one_of_its_sessions_may_open_it(series, colleague, colleague_client):
    series.sessions.first().facilitators.add(colleague.user)
    assert colleague_client.get(url(series)).status_code == 200


def test_a_colleague_who_has_nothing_to_do_with_it_gets_a_404(series, colleague_client):
    assert colleague_client.get(url(series)).status_code == 404


def test_a_manager_opens_any_series_of_the_organisation(series, manager_client):
    assert manager_client.get(url(series)).status_code == 200


def test_another_organisation_gets_a_404(series, outsider_client, outsider_manager_client):
    assert outsider_client.get(url(series)).status_code == 404
    assert outsider_manager_client.get(url(series)).status_code == 404


def test_an_administrator_gets_a_404(series, administrator_client):
    assert administrator_client.get(url(series)).status_code == 404


def test_it_requires_login(series, client):
    response = client.get(url(series))
    assert response.status_code == 302
    assert response.url == login_url(url(series))


def test_it_rejects_post(series, coach_client):
    assert coach_client.post(url(series)).status_code == 405


@pytest.mark.parametrize("size", [1, 20])
def test_the_number_of_queries_does_not_grow_with_the_sessions(
    kinds, programme, group, room, coach, coach_client, size, django_assert_num_queries
):
    people = [make_participant(coach=coach.user) for _ in range(3)]
    series = make_series(programme=programme, group=group, room=room, facilitators=[coach.user])
    start = datetime.date(2026, 9, 1)
    for week in range(size):
        session = make_session(
            programme=programme,
            group=group,
            series=series,
            room=room if week % 2 else None,
            date=start + datetime.timedelta(weeks=week),
            facilitators=[coach.user],
            expected=people,
        )
        Attendance.objects.filter(session=session, participant=people[0]).update(status="present")

    # 1. the login session  2. the user with their staff record and organisation (page header)
    # 3. the series, within the coach's reach, with programme, group, kind and room
    # 4. its facilitators
    # 5. the schedule that replaced it, if any (to offer "add sessions" on the one in force)
    # 6. the first and last dates of its sessions  7. the organisation's closure days in
    # that range (the skipped dates and why)
    # 8. its sessions with kind and room, and their expected and recorded people
    with django_assert_num_queries(8):
        response = coach_client.get(url(series))

    assert len(response.context["sessions"]) == size
    assert response.content.decode().count("1 of 3 recorded") == size


def test_it_lists_the_skipped_dates_and_why(kinds, programme, group, organisation, coach_client):
    # Fridays from 18 December 2026: Christmas (a public holiday) and New Year's Day are
    # skipped, and 8 January is a closure day of the organisation.
    make_closure_day(organisation=organisation, date=datetime.date(2027, 1, 8), reason="Inventory")
    series = services.series_create(
        data={
            "programme": programme,
            "group": group,
            "kind": get_kind("workshop"),
            "start_time": datetime.time(9),
            "end_time": datetime.time(12),
            "place": "online",
            "weekdays": "4",
            "starts_on": datetime.date(2026, 12, 18),
            "count": 3,
        }
    )

    skipped = coach_client.get(url(series)).context["skipped"]

    assert [(day.date, bool(day.reason)) for day in skipped] == [
        (datetime.date(2026, 12, 25), True),
        (datetime.date(2027, 1, 1), True),
        (datetime.date(2027, 1, 8), True),
    ]
    assert skipped[2].reason == "Inventory"
    assert [s.date for s in series.sessions.all()] == [
        datetime.date(2026, 12, 18),
        datetime.date(2027, 1, 15),
        datetime.date(2027, 1, 22),
    ]
