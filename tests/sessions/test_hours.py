import datetime

import pytest
from django.urls import reverse

from participants.models import Enrolment
from sessions import services
from sessions.models import Attendance
from tests.factories import make_enrolment, make_participant, make_programme
from tests.helpers import login_url
from tests.sessions.factories import make_group, make_session
from tests.trajectory.factories import make_host, make_placement

pytestmark = pytest.mark.django_db
URL = reverse("sessions:hours")
# A month in the past: sessions there can be recorded.
MONTH = datetime.date(2026, 10, 1)


@pytest.fixture
def intensive(programme):
    programme.min_hours_per_week = 21
    programme.save()
    return programme


@pytest.fixture
def week_of_two_sessions(kinds, intensive, participant, enrolment, coach):
    """Week 41 of 2026: two sessions of 3 hours, one attended, one late (both count)."""
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.ACTIVE)
    for day, status in [
        (datetime.date(2026, 10, 6), "present"),
        (datetime.date(2026, 10, 8), "late"),
    ]:
        session = make_session(programme=intensive, date=day, expected=[participant])
        services.attendance_record(
            session=session, participant=participant, status=status, version=1, by=coach.user
        )
    excused = make_session(
        programme=intensive, date=datetime.date(2026, 10, 13), expected=[participant]
    )
    services.attendance_record(
        session=excused,
        participant=participant,
        status="excused",
        reason="Doctor",
        version=1,
        by=coach.user,
    )


def test_it_counts_hours_per_week_against_the_minimum(
    week_of_two_sessions, intensive, coach_client
):
    response = coach_client.get(URL, {"programme": intensive.pk, "month": "2026-10"})
    assert response.status_code == 200
    row = response.context["rows"][0]
    weeks = response.context["weeks"]
    assert weeks[0] == (2026, 40)
    by_week = dict(zip(weeks, row["cells"], strict=True))
    assert by_week[(2026, 41)] == (6.0, True)  # 6 of the 21 hours asked
    assert by_week[(2026, 42)] == (0, True)  # an excused absence gives no hours
    assert row["total"] == 6.0
    assert "This programme asks for at least 21 hours a week" in response.content.decode()


def test_weeks_before_the_start_and_unfinished_weeks_are_not_judged(
    week_of_two_sessions, intensive, enrolment, coach_client
):
    Enrolment.objects.filter(pk=enrolment.pk).update(started_on=datetime.date(2026, 10, 5))
    response = coach_client.get(URL, {"programme": intensive.pk, "month": "2026-10"})
    by_week = dict(
        zip(response.context["weeks"], response.context["rows"][0]["cells"], strict=True)
    )
    assert by_week[(2026, 40)] == (0, False)  # before the trajectory started
    assert by_week[(2026, 41)] == (6.0, True)
    # This month's current week is not over yet: never marked.
    response = coach_client.get(URL, {"programme": intensive.pk})
    assert response.context["rows"][0]["cells"][-1][1] is False


def test_a_week_across_two_months_is_shown_whole(week_of_two_sessions, intensive, coach_client):
    """Week 44 runs from Monday 26 October to Sunday 1 November: both months show all of it."""
    october = coach_client.get(URL, {"programme": intensive.pk, "month": "2026-10"})
    november = coach_client.get(URL, {"programme": intensive.pk, "month": "2026-11"})
    assert october.context["weeks"][-1] == november.context["weeks"][0] == (2026, 44)


def test_the_month_total_counts_only_the_days_of_the_month(
    kinds, intensive, participant, enrolment, coach, coach_client
):
    """A session on Monday 2 November sits in a week October shows, but not in October's total."""
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.ACTIVE)
    for day in (datetime.date(2026, 10, 30), datetime.date(2026, 11, 2)):
        session = make_session(programme=intensive, date=day, expected=[participant])
        services.attendance_record(
            session=session, participant=participant, status="present", version=1, by=coach.user
        )
    october = coach_client.get(URL, {"programme": intensive.pk, "month": "2026-10"}).context[
        "rows"
    ][0]
    assert october["total"] == 3.0
    # Week 44 (26 October to 1 November) holds only the 30th.
    assert october["cells"][-1][0] == 3.0
    november = coach_client.get(URL, {"programme": intensive.pk, "month": "2026-11"}).context[
        "rows"
    ][0]
    assert november["total"] == 3.0


def test_placement_hours_count_as_activity(
    week_of_two_sessions, intensive, enrolment, coach_client
):
    """Seven hours a week of volunteering from Wednesday 7 October 2026: a seventh of them a
    day, added to the sessions attended, and the month's share shown apart."""
    make_placement(
        enrolment=enrolment,
        hours_per_week=7,
        starts_on=datetime.date(2026, 10, 7),
        ended_on=datetime.date(2026, 10, 20),
        status="ended",
        outcome="continued",
    )
    response = coach_client.get(URL, {"programme": intensive.pk, "month": "2026-10"})
    row = response.context["rows"][0]
    by_week = dict(zip(response.context["weeks"], row["cells"], strict=True))
    assert by_week[(2026, 40)] == (0, True)
    assert by_week[(2026, 41)] == (11.0, True)  # 6 in sessions, 5 days of the placement
    assert by_week[(2026, 42)] == (7.0, True)  # a whole week of placement
    assert by_week[(2026, 43)] == (2.0, True)  # ended on Tuesday the 20th
    assert row["placement"] == 14.0
    assert row["total"] == 20.0


def test_a_cancelled_placement_counts_no_hours(
    week_of_two_sessions, intensive, enrolment, coach_client
):
    make_placement(enrolment=enrolment, starts_on=datetime.date(2026, 10, 1), status="cancelled")
    row = coach_client.get(URL, {"programme": intensive.pk, "month": "2026-10"}).context["rows"][0]
    assert row["placement"] == 0
    assert row["total"] == 6.0


def test_another_organisations_programme_is_a_404(outsider_client, intensive):
    assert outsider_client.get(URL, {"programme": intensive.pk}).status_code == 404


def test_it_shows_only_the_users_reach(week_of_two_sessions, intensive, colleague_client):
    response = colleague_client.get(URL, {"programme": intensive.pk, "month": "2026-10"})
    assert response.context["rows"] == []


def test_a_bad_month_falls_back_to_this_month(intensive, coach_client):
    response = coach_client.get(URL, {"programme": intensive.pk, "month": "soon"})
    assert response.context["month"].day == 1


def test_an_administrator_gets_a_404(administrator_client):
    assert administrator_client.get(URL).status_code == 404


def test_it_requires_login(client):
    assert client.get(URL).url == login_url(URL)


def test_it_rejects_post(coach_client):
    assert coach_client.post(URL).status_code == 405


@pytest.mark.parametrize("size", [1, 20])
def test_the_number_of_queries_does_not_grow(
    kinds, coach, coach_client, size, django_assert_num_queries
):
    programme = make_programme(organisation=coach.organisation)
    people = []
    for n in range(size):
        person = make_participant(coach=coach.user, last_name=f"Hours{n}")
        make_enrolment(participant=person, programme=programme, status="active")
        people.append(person)
    group = make_group(programme=programme, coaches=[coach.user])
    make_session(programme=programme, group=group, date=datetime.date(2026, 10, 6), expected=people)
    host = make_host(organisation=coach.organisation)
    for enrolment in Enrolment.objects.filter(programme=programme):
        make_placement(enrolment=enrolment, host=host, starts_on=datetime.date(2026, 9, 1))
    # 1. the session  2. the user with their staff record and organisation (page header)
    # 3. the programme asked for  4. the page's enrolments count
    # 5. the enrolments with their participant
    # 6. the hours attended per day of the whole weeks (weeks and month add up these days)
    # 7. the placements of these enrolments that touch the weeks shown
    # 8. the programme's groups  9. their attendance totals  10. the programmes for the menu
    with django_assert_num_queries(10):
        response = coach_client.get(URL, {"programme": programme.pk, "month": "2026-10"})
    assert len(response.context["rows"]) == size


def test_weeks_and_month_add_up_the_same_days(kinds, programme, member, enrolment, coach_client):
    """A session on 30 November 2026 (a Monday) lies in week 49, which ends in December:
    December's page shows it in week 49 (marked as straddling) but not in the month's total;
    November's page counts it in both."""
    Enrolment.objects.filter(pk=enrolment.pk).update(status="active")
    session = make_session(programme=programme, date=datetime.date(2026, 11, 30), expected=[member])
    Attendance.objects.filter(session=session).update(status="present")

    december = coach_client.get(URL, {"programme": programme.pk, "month": "2026-12"})
    november = coach_client.get(URL, {"programme": programme.pk, "month": "2026-11"})

    (row,) = december.context["rows"]
    assert row["cells"][0][0] == 3 and row["total"] == 0
    assert december.context["headers"][0] == (49, True)
    assert "appears in both months" in december.content.decode()
    (row,) = november.context["rows"]
    assert row["cells"][-1][0] == 3 and row["total"] == 3
