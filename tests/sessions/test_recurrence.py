import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from sessions import recurrence, services
from sessions.models import Attendance, Place, Series, Session
from tests.factories import make_organisation, make_participant
from tests.sessions.factories import (
    add_member,
    get_kind,
    make_closure_day,
    make_group,
)

pytestmark = pytest.mark.django_db
D = datetime.date
T = datetime.time
MON, TUE, WED, THU = "0", "1", "2", "3"


def plan(programme, **overrides) -> Series:
    data = {
        "programme": programme,
        "kind": get_kind("language_practice"),
        "topic": "Conversation",
        "start_time": T(9),
        "end_time": T(12),
        "place": Place.ONLINE,
        "frequency": Series.Frequency.WEEKLY,
        "interval": 1,
        "weekdays": TUE,
        "starts_on": D(2026, 9, 1),
    }
    data.update(overrides)
    return services.series_create(data=data)


def dates(series: Series) -> list[datetime.date]:
    return list(series.sessions.order_by("date").values_list("date", flat=True))


def test_a_weekly_series_plans_every_tuesday_from_nine_to_noon(programme):
    series = plan(programme, ends_on=D(2026, 9, 29))

    tuesdays = [D(2026, 9, 1), D(2026, 9, 8), D(2026, 9, 15), D(2026, 9, 22), D(2026, 9, 29)]
    assert dates(series) == tuesdays
    for session in series.sessions.all():
        assert (session.start_time, session.end_time) == (T(9), T(12))
        assert session.topic == "Conversation"
        assert session.date.weekday() == 1


def test_armistice_day_is_skipped(programme):
    # 11 November 2026 is a Wednesday.
    series = plan(programme, weekdays=WED, starts_on=D(2026, 11, 4), ends_on=D(2026, 11, 25))
    assert dates(series) == [D(2026, 11, 4), D(2026, 11, 18), D(2026, 11, 25)]


def test_easter_monday_is_skipped(programme):
    series = plan(programme, weekdays=MON, starts_on=D(2027, 3, 22), ends_on=D(2027, 4, 5))
    assert dates(series) == [D(2027, 3, 22), D(2027, 4, 5)]


def test_a_closure_day_of_the_organisation_is_skipped(programme, organisation):
    make_closure_day(organisation=organisation, date=D(2026, 9, 15))
    # Another organisation's closure day is none of this series' business.
    make_closure_day(organisation=make_organisation(), date=D(2026, 9, 22))

    series = plan(programme, ends_on=D(2026, 9, 29))

    assert dates(series) == [D(2026, 9, 1), D(2026, 9, 8), D(2026, 9, 22), D(2026, 9, 29)]


def test_every_two_weeks(programme):
    series = plan(programme, interval=2, count=4)
    assert dates(series) == [D(2026, 9, 1), D(2026, 9, 15), D(2026, 9, 29), D(2026, 10, 13)]


def test_twice_a_week_on_monday_and_thursday(programme):
    series = plan(programme, weekdays="0,3", starts_on=D(2026, 9, 7), count=4)
    assert dates(series) == [D(2026, 9, 7), D(2026, 9, 10), D(2026, 9, 14), D(2026, 9, 17)]


def test_the_second_thursday_of_each_month(programme):
    series = plan(
        programme,
        frequency=Series.Frequency.MONTHLY,
        weekdays=THU,
        week_of_month=2,
        starts_on=D(2026, 9, 1),
        count=4,
    )
    assert dates(series) == [D(2026, 9, 10), D(2026, 10, 8), D(2026, 11, 12), D(2026, 12, 10)]


def test_the_last_friday_of_each_month(programme):
    series = plan(
        programme,
        frequency=Series.Frequency.MONTHLY,
        weekdays="4",
        week_of_month=-1,
        starts_on=D(2026, 9, 1),
        count=3,
    )
    assert dates(series) == [D(2026, 9, 25), D(2026, 10, 30), D(2026, 11, 27)]


def test_a_series_ending_on_a_date_includes_that_date(programme):
    series = plan(programme, weekdays=WED, starts_on=D(2026, 11, 4), ends_on=D(2026, 11, 18))
    assert dates(series) == [D(2026, 11, 4), D(2026, 11, 18)]


def test_a_number_of_sessions_counts_the_ones_that_take_place(programme):
    # Three sessions, although the second Wednesday is a holiday.
    series = plan(programme, weekdays=WED, starts_on=D(2026, 11, 4), count=3)
    assert dates(series) == [D(2026, 11, 4), D(2026, 11, 18), D(2026, 11, 25)]


def test_a_series_giving_no_session_is_refused_and_nothing_saved(programme):
    with pytest.raises(ValidationError) as refused:
        plan(programme, weekdays=WED, starts_on=D(2026, 11, 11), ends_on=D(2026, 11, 11))
    assert "These dates give no session" in refused.value.messages[0]
    assert not Series.objects.exists()
    assert not Session.objects.exists()


def test_an_invalid_schedule_is_refused(programme):
    with pytest.raises(ValidationError) as refused:
        plan(programme, weekdays="9", count=None)
    errors = refused.value.message_dict
    assert errors["weekdays"] == ["Choose at least one weekday."]
    assert errors["ends_on"] == ["Give a last day or a number of sessions."]

    with pytest.raises(ValidationError) as refused:
        plan(programme, end_time=T(8), count=4)
    assert refused.value.message_dict == {"end_time": ["The end must come after the start."]}
    assert not Series.objects.exists()


def test_nine_oclock_stays_nine_oclock_across_the_change_to_winter_time(programme):
    # Summer time ends on Sunday 25 October 2026.
    series = plan(programme, weekdays="4", starts_on=D(2026, 10, 16), count=3)
    sessions = list(series.sessions.order_by("date"))
    brussels = ZoneInfo("Europe/Brussels")

    assert [s.date for s in sessions] == [D(2026, 10, 16), D(2026, 10, 23), D(2026, 10, 30)]
    assert {s.start_time for s in sessions} == {T(9)}
    local = [s.starts_at().astimezone(brussels) for s in sessions]
    assert [moment.time() for moment in local] == [T(9), T(9), T(9)]
    assert [moment.utcoffset() for moment in local] == [
        datetime.timedelta(hours=2),
        datetime.timedelta(hours=2),
        datetime.timedelta(hours=1),
    ]
    utc = [s.starts_at().astimezone(datetime.UTC).time() for s in sessions]
    assert utc == [T(7), T(7), T(8)]
    assert sessions[-1].ends_at().astimezone(brussels).time() == T(12)


def test_a_group_series_expects_the_members_of_each_day(programme, coach):
    group = make_group(programme=programme, coaches=[coach.user])
    early = make_participant(organisation=programme.organisation)
    late = make_participant(organisation=programme.organisation)
    add_member(group=group, participant=early, joined_on=D(2026, 8, 1))
    add_member(group=group, participant=late, joined_on=D(2026, 9, 10))

    series = plan(programme, group=group, count=3)

    expected = {
        day: set(Attendance.objects.filter(session__date=day).values_list("participant", flat=True))
        for day in dates(series)
    }
    assert expected == {
        D(2026, 9, 1): {early.pk},
        D(2026, 9, 8): {early.pk},
        D(2026, 9, 15): {early.pk, late.pk},
    }
    assert set(Attendance.objects.values_list("status", flat=True)) == {"expected"}


# Extending ---------------------------------------------------------------------------------


def test_extending_adds_sessions_after_the_last_one(programme):
    series = plan(programme, count=3)

    added = services.series_extend(series=series, count=2)

    assert [s.date for s in added] == [D(2026, 9, 22), D(2026, 9, 29)]
    assert dates(series)[3:] == [D(2026, 9, 22), D(2026, 9, 29)]
    assert len(dates(series)) == 5
    series.refresh_from_db()
    assert series.ends_on == D(2026, 9, 29)
    assert series.count is None


def test_extending_skips_holidays_and_keeps_the_rhythm(programme):
    fortnightly = plan(programme, weekdays=WED, interval=2, starts_on=D(2026, 10, 14), count=2)
    assert dates(fortnightly) == [D(2026, 10, 14), D(2026, 10, 28)]

    added = services.series_extend(series=fortnightly, count=2)

    # 11 November is the next Wednesday of the rhythm, but a holiday.
    assert [s.date for s in added] == [D(2026, 11, 25), D(2026, 12, 9)]


def test_extending_a_fortnightly_sunday_series_keeps_the_rhythm(programme):
    series = plan(programme, weekdays="6", interval=2, starts_on=D(2026, 9, 6), count=2)
    assert dates(series) == [D(2026, 9, 6), D(2026, 9, 20)]

    added = services.series_extend(series=series, count=1)

    assert [s.date for s in added] == [D(2026, 10, 4)]


def test_extending_a_monthly_series(programme):
    series = plan(
        programme,
        frequency=Series.Frequency.MONTHLY,
        weekdays=THU,
        week_of_month=2,
        starts_on=D(2026, 11, 1),
        count=2,
    )
    added = services.series_extend(series=series, count=2)
    assert [s.date for s in added] == [D(2027, 1, 14), D(2027, 2, 11)]


def test_extending_a_group_series_expects_the_members(programme, coach, participant):
    group = make_group(programme=programme, coaches=[coach.user])
    add_member(group=group, participant=participant, joined_on=D(2026, 8, 1))
    series = plan(programme, group=group, count=1)

    added = services.series_extend(series=series, count=2)

    for session in added:
        assert list(session.attendances.values_list("participant", "status")) == [
            (participant.pk, "expected")
        ]


def test_extending_by_nothing_is_refused(programme):
    series = plan(programme, count=2)
    with pytest.raises(ValidationError) as refused:
        services.series_extend(series=series, count=0)
    assert refused.value.messages == ["Add at least one session."]
    assert series.sessions.count() == 2


# Changing from a date on -------------------------------------------------------------------


@pytest.fixture
def weekly(programme, coach, participant):
    """Six Tuesdays 9–12 from 1 September 2026, for a group of one."""
    group = make_group(programme=programme, coaches=[coach.user])
    add_member(group=group, participant=participant, joined_on=D(2026, 8, 1))
    return plan(programme, group=group, count=6)


def attendance_on(day: datetime.date) -> Attendance:
    return Attendance.objects.get(session__date=day)


def record(day: datetime.date, status: str) -> None:
    Attendance.objects.filter(session__date=day).update(status=status, version=2)


def test_changing_from_a_date_leaves_earlier_sessions_alone(weekly, coach):
    record(D(2026, 9, 1), "present")
    record(D(2026, 9, 8), "excused")
    earlier = list(weekly.sessions.filter(date__lt=D(2026, 9, 15)).order_by("date"))

    new = services.series_change_from(
        series=weekly,
        from_date=D(2026, 9, 15),
        data={"start_time": T(14), "end_time": T(16), "weekdays": THU},
        facilitators=[coach.user],
    )

    weekly.refresh_from_db()
    assert list(weekly.sessions.order_by("date")) == earlier
    assert [(s.start_time, s.end_time) for s in weekly.sessions.all()] == [(T(9), T(12))] * 2
    assert attendance_on(D(2026, 9, 1)).status == "present"
    assert attendance_on(D(2026, 9, 8)).status == "excused"
    assert weekly.ends_on == D(2026, 9, 14)
    assert weekly.count is None
    # Six in all: two kept, four on the new schedule.
    assert new.previous == weekly
    assert dates(new) == [D(2026, 9, 17), D(2026, 9, 24), D(2026, 10, 1), D(2026, 10, 8)]
    assert {(s.start_time, s.end_time) for s in new.sessions.all()} == {(T(14), T(16))}
    assert list(new.facilitators.all()) == [coach.user]
    assert not Session.objects.filter(date__gte=D(2026, 9, 15), start_time=T(9)).exists()
    # The members are expected at the new sessions.
    assert Attendance.objects.filter(session__series=new, status="expected").count() == 4


def test_changing_from_a_date_is_refused_once_attendance_is_recorded_after_it(weekly, coach):
    record(D(2026, 9, 22), "absent")
    before = list(Session.objects.values_list("pk", "date", "start_time"))

    with pytest.raises(ValidationError) as refused:
        services.series_change_from(
            series=weekly,
            from_date=D(2026, 9, 15),
            data={"start_time": T(14), "end_time": T(16), "weekdays": THU},
            facilitators=[coach.user],
        )

    assert refused.value.messages == [
        "Attendance was already recorded after this date: change from a later date."
    ]
    assert list(Session.objects.values_list("pk", "date", "start_time")) == before
    assert Series.objects.count() == 1
    assert attendance_on(D(2026, 9, 22)).status == "absent"


def test_a_moved_session_is_detached_and_survives_a_change_of_its_series(weekly, coach):
    moved = weekly.sessions.get(date=D(2026, 9, 29))

    services.session_move(session=moved, date=D(2026, 9, 30), start_time=T(13), end_time=T(15))
    moved.refresh_from_db()
    assert moved.detached
    assert (moved.date, moved.start_time, moved.end_time) == (D(2026, 9, 30), T(13), T(15))
    assert moved.attendances.count() == 1

    new = services.series_change_from(
        series=weekly,
        from_date=D(2026, 9, 15),
        data={"start_time": T(14), "end_time": T(16), "weekdays": THU},
        facilitators=[],
    )

    moved.refresh_from_db()
    assert moved.series == weekly
    assert (moved.date, moved.start_time) == (D(2026, 9, 30), T(13))
    assert moved.attendances.count() == 1
    assert D(2026, 9, 30) not in dates(new)


def test_a_cancelled_session_keeps_its_attendance_rows(weekly):
    cancelled = weekly.sessions.get(date=D(2026, 9, 8))

    services.session_cancel(session=cancelled, reason="  Coach ill  ")

    cancelled.refresh_from_db()
    assert cancelled.is_cancelled
    assert cancelled.cancel_reason == "Coach ill"
    assert cancelled.attendances.count() == 1
    assert weekly.sessions.count() == 6


def test_cancelling_needs_a_reason_and_happens_once(weekly):
    session = weekly.sessions.first()
    with pytest.raises(ValidationError) as refused:
        services.session_cancel(session=session, reason="  ")
    assert refused.value.message_dict == {"cancel_reason": ["Say why the session is cancelled."]}
    session.refresh_from_db()
    assert not session.is_cancelled

    services.session_cancel(session=session, reason="Strike")
    with pytest.raises(ValidationError) as refused:
        services.session_cancel(session=session, reason="Again")
    assert refused.value.messages == ["This session is already cancelled."]


# The rule itself, whatever the dates --------------------------------------------------------


@given(
    starts_on=st.dates(min_value=D(2025, 1, 1), max_value=D(2030, 12, 31)),
    weekdays=st.sets(st.integers(0, 6), min_size=1, max_size=3),
    interval=st.integers(1, 4),
    # At most (20 + 10) × 4 weeks: well within the three-year horizon.
    count=st.integers(1, 20),
    skip=st.sets(st.dates(min_value=D(2025, 1, 1), max_value=D(2033, 12, 31)), max_size=10),
)
def test_a_weekly_rule_gives_count_dates_on_the_chosen_days_and_never_a_skipped_one(
    starts_on, weekdays, interval, count, skip
):
    days = recurrence.dates(
        frequency="weekly",
        interval=interval,
        weekdays=weekdays,
        starts_on=starts_on,
        count=count,
        skip=skip,
    )
    assert len(days) == count
    assert days == sorted(set(days))
    assert days[0] >= starts_on
    assert all(day.weekday() in weekdays for day in days)
    assert not set(days) & skip


def test_a_rule_without_end_stops_at_the_horizon():
    days = recurrence.dates(
        frequency="weekly", interval=1, weekdays=[0], starts_on=D(2026, 1, 5), count=None
    )
    assert days[-1] <= D(2026, 1, 5) + recurrence.HORIZON < days[-1] + datetime.timedelta(weeks=1)


def test_changing_to_a_schedule_giving_no_session_is_refused(programme, coach):
    series = plan(programme, ends_on=D(2026, 9, 29))
    before = list(Session.objects.values_list("pk", "date"))

    with pytest.raises(ValidationError) as refused:
        # From the last Tuesday on, but on Thursdays: no day left before the end.
        services.series_change_from(
            series=series,
            from_date=D(2026, 9, 29),
            data={"weekdays": THU},
            facilitators=[coach.user],
        )

    assert refused.value.messages == [
        "These dates give no session (holidays and closure days are skipped)."
    ]
    assert list(Session.objects.values_list("pk", "date")) == before
    assert Series.objects.count() == 1
    series.refresh_from_db()
    assert series.ends_on == D(2026, 9, 29)
