"""The attendance kept per person, programme and month for the reports (sessions.months): the
services keep it equal to a fresh count after each change, and `per_person` reads any period,
whole months from the kept rows and the days at its edges from the attendance."""

import datetime
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command

from sessions import months, services
from sessions.models import Attendance, AttendanceMonth
from tests.factories import make_participant
from tests.sessions.factories import make_group, make_session

pytestmark = pytest.mark.django_db
D = datetime.date


def kept() -> Counter:
    return Counter(
        AttendanceMonth.objects.values_list(
            "participant_id", "programme_id", "month", "kind_id", "module_id", "recorded",
            "attended", "first_attended",
        )
    )  # fmt: skip


def fresh() -> Counter:
    """The kept rows as a count from scratch would give them."""
    return Counter(months.counted(Attendance.objects.all()))


@pytest.fixture
def people(organisation):
    return [make_participant(organisation=organisation, first_name=n) for n in ("Ana", "Bilal")]


def test_every_service_that_changes_recorded_attendance_keeps_the_months(programme, coach, people):
    ana, bilal = people
    first = make_session(programme=programme, date=D(2026, 3, 30), expected=people)
    second = make_session(programme=programme, date=D(2026, 4, 2), expected=people)
    group_session = make_session(
        programme=programme, date=D(2026, 4, 9), expected=[ana],
        group=make_group(programme=programme),
    )  # fmt: skip
    services.attendance_record(
        session=first, participant=ana, status="present", version=1, by=coach.user
    )
    assert kept() == fresh()
    services.attendance_record_session(
        session=second, marks={ana.pk: "late", bilal.pk: "absent"}, by=coach.user
    )
    services.attendance_record_session(
        session=group_session, marks={ana.pk: "excused"}, reasons={ana.pk: "ill"}, by=coach.user
    )
    assert kept() == fresh()
    assert AttendanceMonth.objects.filter(participant=ana).count() == 2  # March and April
    # Cancelled with its attendance kept: counted nowhere; put back: counted again.
    services.session_cancel(session=second, reason="Strike", recorded="keep")
    assert kept() == fresh()
    assert not AttendanceMonth.objects.filter(participant=bilal).exists()
    services.session_uncancel(session=second)
    assert kept() == fresh()
    # Moved to another month: its rows move with it.
    services.session_move(
        session=first, date=D(2026, 5, 4), start_time=first.start_time, end_time=first.end_time
    )
    assert kept() == fresh()
    assert AttendanceMonth.objects.filter(participant=ana, month=D(2026, 5, 1)).exists()


def test_per_person_reads_whole_months_kept_and_the_edges_counted(programme, coach, people):
    ana, bilal = people
    days = [D(2026, 1, 20), D(2026, 2, 3), D(2026, 2, 27), D(2026, 3, 2), D(2026, 3, 16)]
    for n, day in enumerate(days):
        session = make_session(programme=programme, date=day, expected=people)
        marks = {ana.pk: "present", bilal.pk: "absent" if n % 2 else "late"}
        services.attendance_record_session(session=session, marks=marks, by=coach.user)
    for start, end in [
        (D(2026, 1, 1), D(2026, 12, 31)),  # whole months only
        (D(2026, 1, 25), D(2026, 3, 10)),  # edges on both sides, February whole
        (D(2026, 2, 10), D(2026, 2, 28)),  # no whole month
        (D(2026, 2, 1), D(2026, 3, 31)),
    ]:
        read = defaultdict(lambda: [0, 0])
        for person, recorded, attended in months.per_person([programme], start, end):
            read[person][0] += recorded
            read[person][1] += attended
        expected = defaultdict(lambda: [0, 0])
        for row in Attendance.objects.filter(
            session__date__range=(start, end), status__in=Attendance.RECORDED
        ):
            expected[row.participant_id][0] += 1
            expected[row.participant_id][1] += row.status in Attendance.ATTENDED
        assert dict(read) == dict(expected), (start, end)


def test_whole_months():
    assert months.whole_months(D(2026, 1, 1), D(2026, 12, 8)) == (D(2026, 1, 1), D(2026, 11, 30))
    assert months.whole_months(D(2026, 1, 15), D(2026, 3, 31)) == (D(2026, 2, 1), D(2026, 3, 31))
    assert months.whole_months(D(2024, 2, 1), D(2024, 2, 29)) == (D(2024, 2, 1), D(2024, 2, 29))
    assert months.whole_months(D(2024, 2, 1), D(2024, 2, 28)) is None
    assert months.whole_months(D(2026, 1, 15), D(2026, 2, 10)) is None


def test_rebuilding_for_a_few_people_is_two_statements(programme, coach, people,
                                                       django_assert_num_queries):  # fmt: skip
    for day in (D(2026, 1, 5), D(2026, 2, 5), D(2026, 3, 5)):
        session = make_session(programme=programme, date=day, expected=people)
        services.attendance_record_session(
            session=session, marks={p.pk: "present" for p in people}, by=coach.user
        )
    with django_assert_num_queries(2):
        months.rebuild(participant_ids=[p.pk for p in people], programme_id=programme.pk)
    assert kept() == fresh()


def test_the_command_counts_everything_again(programme, coach, people):
    session = make_session(programme=programme, date=D(2026, 1, 5), expected=people)
    services.attendance_record_session(
        session=session, marks={p.pk: "present" for p in people}, by=coach.user
    )
    AttendanceMonth.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_attendance_months", stdout=out)
    assert out.getvalue() == "2 monthly rows counted again.\n"
    assert kept() == fresh() and len(kept()) == 2
