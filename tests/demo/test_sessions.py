"""The sessions demo data: groups on each programme design's rhythm with people within their
trajectory, talks with their coach, attendance in the published shape, and what the demo coach
needs on the day the demo is shown. How close each programme comes to its published design:
test_fidelity.py."""

import datetime
import random
from collections import Counter, defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from demo import designs
from demo import load as demo
from demo import sessions as sessions_demo
from participants.access import participants_for
from participants.models import Enrolment
from programme.models import Programme, Room
from sessions import access, services
from sessions.models import Attendance, Group, GroupMembership, Series, Session

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)  # a Monday: MOVE UP! meets that day


@pytest.fixture
def demo_data():
    return demo.load(today=TODAY)


def group_rows():
    """(participant, group) -> dates of their rows at the group's sessions."""
    rows = defaultdict(list)
    for participant, group, day in Attendance.objects.filter(
        session__group__isnull=False
    ).values_list("participant_id", "session__group_id", "session__date"):
        rows[(participant, group)].append(day)
    return rows


def test_each_trajectory_is_in_its_designs_groups_within_its_start_and_end(demo_data):
    enrolment = {e.participant_id: e for e in Enrolment.objects.filter(started_on__isnull=False)}
    rows = group_rows()
    memberships = list(GroupMembership.objects.select_related("group__module", "group__programme"))
    assert memberships
    for membership in memberships:
        trajectory = enrolment[membership.participant_id]
        assert membership.group.programme_id == trajectory.programme_id
        assert membership.joined_on >= trajectory.started_on
        if trajectory.exited_on:
            assert membership.left_on is not None
            assert membership.joined_on <= membership.left_on <= trajectory.exited_on
        # A module followed from the first day to the end (AMIE's weekly group, MOVE UP!'s
        # collective module) holds the person exactly that long.
        track = designs.for_name(membership.group.module.name, membership.group.programme.code)
        if track.joins == "start" and track.delay_days == (0, 0) and track.weeks is None:
            assert membership.joined_on == trajectory.started_on
            if trajectory.exited_on:
                assert membership.left_on == trajectory.exited_on
        # Expected at every session of the group while a member, at none outside.
        during = Session.objects.filter(group=membership.group, date__gte=membership.joined_on)
        if membership.left_on:
            during = during.filter(date__lte=membership.left_on)
        days = rows.pop((membership.participant_id, membership.group_id), [])
        assert sorted(days) == list(during.order_by("date").values_list("date", flat=True))
    assert not rows  # nobody at a group's session without being a member
    # Who is in no group: a few people who started lately and wait for one, never someone
    # who has left.
    unplaced = Enrolment.objects.filter(started_on__isnull=False).exclude(
        participant__group_memberships__isnull=False
    )
    assert unplaced.exists()
    assert not unplaced.exclude(status=Enrolment.Status.ACTIVE).exists()
    running = Enrolment.objects.filter(status=Enrolment.Status.ACTIVE).count()
    assert unplaced.count() <= max(10, running // 5)


def test_groups_meet_on_their_programmes_rhythm_as_the_series_service_plans_it(demo_data):
    for series in Series.objects.select_related("group__module", "programme__organisation"):
        track = designs.for_name(series.group.module.name, series.programme.code)
        assert (series.weekday_list(), series.interval) == (
            list(track.weekdays),
            track.every_weeks,
        )
        assert (series.start_time.hour, series.end_time.hour) == (
            track.hour,
            track.hour + track.hours,
        )
        assert series.kind.code == track.kind
        assert series.starts_on == series.group.starts_on
        # Until eight weeks ahead; a group whose people have all left ended with the last one.
        if series.group.ends_on:
            assert series.ends_on == series.group.ends_on < TODAY
            last = series.group.memberships.order_by("-left_on").first().left_on
            assert series.group.ends_on == last
            assert not series.group.memberships.filter(left_on__isnull=True).exists()
        else:
            assert series.ends_on == TODAY + datetime.timedelta(weeks=8)
        # The same dates the service gives (public holidays skipped), one session each.
        sessions = series.sessions.order_by("date")
        assert list(sessions.values_list("date", flat=True)) == services.series_dates(series)
        coaches = set(series.group.coaches.values_list("pk", flat=True))
        assert set(series.facilitators.values_list("pk", flat=True)) == coaches
        first = sessions.first()
        assert set(first.facilitators.values_list("pk", flat=True)) == coaches
        assert (first.room_id, first.kind_id) == (series.room_id, series.kind_id)
    # Never more people expected than the group holds; rooms not shared at the same hour.
    biggest = Session.objects.filter(group__isnull=False).annotate(n=Count("attendances"))
    assert all(n <= capacity for n, capacity in biggest.values_list("n", "group__capacity"))
    assert Series.objects.count() == Group.objects.count() == Room.objects.count()


def test_a_district_programme_has_its_designs_rhythm():
    assert designs.for_code("amie-3") is designs.for_code("amie")
    assert designs.for_code("move-up-5") is designs.for_code("move-up")
    collective = designs.for_name("Module collectif", "move-up")
    assert collective.weekdays == (0, 1, 2)  # three days a week
    assert designs.for_code("elsewhere") is designs.DESIGNS[0]


def test_talks_on_the_designs_rhythm_within_each_trajectory(demo_data):
    talks = Attendance.objects.filter(session__kind__code="individual_coaching")
    by_person = defaultdict(list)
    for participant, day in talks.values_list("participant_id", "session__date"):
        by_person[participant].append(day)
    for enrolment in Enrolment.objects.filter(started_on__isnull=False).select_related("programme"):
        # The design's longest gap, and a weekend or holiday moving a talk a few days earlier.
        talks = designs.for_code(enrolment.programme.code).talks
        longest = max(high for _until, (_low, high) in talks)
        days = sorted(by_person.get(enrolment.participant_id, []))
        end = enrolment.exited_on or TODAY + datetime.timedelta(weeks=5)
        assert all(enrolment.started_on <= day <= end for day in days)
        if (end - enrolment.started_on).days > 60:
            assert days
            gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False)]
            assert all(gap <= longest + 5 for gap in gaps)
    places = Counter(Session.objects.filter(group__isnull=True).values_list("place", flat=True))
    assert {"online", "phone", "home", "outside"} <= set(places)


def test_attendance_has_the_published_shape(demo_data):
    past = Attendance.objects.filter(session__date__lt=TODAY, session__cancelled_at__isnull=True)
    statuses = Counter(past.values_list("status", flat=True))
    total = sum(statuses.values())
    share = {status: 100 * count / total for status, count in statuses.items()}
    assert "expected" not in share  # everything before today was recorded
    assert 72 <= share["present"] <= 82
    assert 4 <= share["late"] <= 8
    assert 7 <= share["excused"] <= 11
    assert 5 <= share["absent"] <= 11
    assert not past.filter(status="excused", reason="").exists()
    assert not past.exclude(status="excused").exclude(reason="").exists()
    # Recorded by the session's facilitator at noon that day.
    for row in past.select_related("session").order_by("?")[:50]:
        assert row.version == 2
        assert timezone.localtime(row.recorded_at) == timezone.make_aware(
            datetime.datetime.combine(row.session.date, datetime.time(12))
        )
        assert row.recorded_by in row.session.facilitators.all()
    # Today's and later sessions are still to take.
    coming = Attendance.objects.filter(session__date__gte=TODAY)
    assert coming.exists() and not coming.exclude(status="expected").exists()
    cancelled = Session.objects.filter(cancelled_at__isnull=False)
    assert 0 < cancelled.count() < Session.objects.filter(group__isnull=False).count() / 20
    assert not cancelled.filter(cancel_reason="").exists()
    assert not cancelled.filter(date=TODAY).exists()


def test_drop_outs_come_less_in_their_last_weeks(demo_data):
    first, last = Counter(), Counter()
    dropped = Enrolment.objects.filter(exit_reason="dropped_out")
    assert dropped.exists()
    for enrolment in dropped:
        rows = Attendance.objects.filter(
            participant=enrolment.participant, session__cancelled_at__isnull=True
        ).values_list("session__date", "status")
        for day, status in rows:
            came = status in Attendance.ATTENDED
            if (day - enrolment.started_on).days < 28:
                first[came] += 1
            elif (enrolment.exited_on - day).days < 28:
                last[came] += 1
    assert first[True] / sum(first.values()) > 0.75
    assert last[True] / sum(last.values()) < 0.6


def test_attendance_figures_are_those_the_service_computes(demo_data):
    open_ = Enrolment.objects.open().filter(started_on__isnull=False)
    figures = {e.pk: (e.attendance_rate, e.consecutive_absences, e.last_attended_on) for e in open_}
    assert sum(1 for rate, _n, _day in figures.values() if rate is not None) > 20
    for programme in Programme.objects.all():
        people = list(open_.filter(programme=programme).values_list("participant_id", flat=True))
        services.refresh_attendance_figures(participant_ids=people, programme_id=programme.pk)
    again = {e.pk: (e.attendance_rate, e.consecutive_absences, e.last_attended_on) for e in open_}
    assert again == figures


def test_the_demo_coach_has_a_day_to_show(demo_data):
    coach = get_user_model().objects.get(username="coach").staff
    reach = access.sessions_for(coach)
    today = reach.filter(date=TODAY)
    assert today.filter(group__isnull=False).exists()  # MOVE UP! meets on Mondays
    assert today.filter(group__isnull=True).exists()  # and a talk or two
    assert reach.filter(date__range=(TODAY, TODAY + datetime.timedelta(days=6))).count() > 3
    assert Attendance.objects.filter(session__in=today, status="expected").exists()
    recorded = Attendance.objects.filter(session__in=reach, session__date__lt=TODAY)
    assert recorded.exclude(status="expected").exists()
    caseload = Enrolment.objects.filter(participant__in=participants_for(coach))
    assert services.needs_attention(enrolments=caseload).exists()
    move_up = Programme.objects.get(code="move-up")
    assert access.waiting_to_be_placed(coach, move_up).exists()
    assert Group.objects.filter(programme=move_up, coaches=coach.user).exists()


def snapshot():
    sessions = Session.objects.values_list(
        "date", "start_time", "group__name", "place", "cancel_reason"
    ).order_by("date", "start_time", "group__name", "pk")
    fields = ["session__date", "session__start_time", "session__group__name", "participant_id"]
    rows = Attendance.objects.values_list(*fields, "status", "reason").order_by(*fields)
    return list(sessions), list(rows)


def test_the_same_seed_gives_the_same_sessions(demo_data):
    def again():
        Attendance.objects.all().delete()
        Session.objects.all().delete()
        Group.objects.all().delete()
        sessions_demo.load(random.Random(7), TODAY)
        return snapshot()

    assert again() == again()
