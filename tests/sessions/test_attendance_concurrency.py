"""Two coaches tapping the same person's attendance from the same page: the second tap is
refused and shown the first one's value, never applied over it."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from sessions import services
from sessions.models import Attendance
from tests.factories import (
    make_enrolment,
    make_organisation,
    make_participant,
    make_programme,
    make_staff,
)
from tests.sessions.factories import make_session

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(session, participant) -> str:
    return reverse("sessions:attendance-record", args=[session.pk, participant.pk])


def test_the_second_tap_from_the_same_version_is_refused(session, member, coach, manager):
    seen = Attendance.objects.get(session=session, participant=member).version

    services.attendance_record(
        session=session, participant=member, status="present", version=seen, by=coach.user
    )
    with pytest.raises(services.StaleAttendance) as stale:
        services.attendance_record(
            session=session, participant=member, status="absent", version=seen, by=manager.user
        )

    assert stale.value.current.status == "present"
    # Who recorded it, and when, so the two coaches can sort it out.
    at = timezone.localtime(stale.value.current.recorded_at).strftime("%H:%M")
    name = coach.user.get_full_name()
    assert stale.value.messages == [
        f"Selam Haile was just recorded as “Present” by someone else ({name}, {at}). "
        "Check and tap again if needed."
    ]
    row = Attendance.objects.get(session=session, participant=member)
    assert (row.status, row.recorded_by, row.version) == ("present", coach.user, seen + 1)


def test_a_tap_from_the_new_version_goes_through(session, member, coach, manager):
    services.attendance_record(
        session=session, participant=member, status="present", version=1, by=coach.user
    )
    row = services.attendance_record(
        session=session, participant=member, status="late", version=2, by=manager.user
    )
    assert (row.status, row.recorded_by, row.version) == ("late", manager.user, 3)


def test_via_htmx_the_second_coach_sees_the_row_with_the_first_value(
    session, member, coach_client, manager_client
):
    first = coach_client.post(url(session, member), {"status": "present", "version": 1}, **HTMX)
    assert first.status_code == 200
    assert "someone else" not in first.content.decode()

    second = manager_client.post(url(session, member), {"status": "absent", "version": 1}, **HTMX)

    assert second.status_code == 200
    html = second.content.decode()
    assert html.lstrip().startswith('<li class="attendance-row status-present"')
    assert "was just recorded as “Present” by someone else" in html
    assert 'value="present" class="tap tap-present" aria-pressed="true"' in html
    # The refreshed row carries the current version, so a deliberate tap now goes through.
    assert 'name="version" value="2"' in html
    assert Attendance.objects.get(session=session, participant=member).status == "present"


def test_without_htmx_the_second_coach_is_sent_back_with_the_message(
    session, member, coach_client, manager_client
):
    coach_client.post(url(session, member), {"status": "present", "version": 1})

    response = manager_client.post(url(session, member), {"status": "absent", "version": 1})

    assert response.status_code == 302
    page = manager_client.get(response.url)
    assert "was just recorded as “Present” by someone else" in page.content.decode()
    assert Attendance.objects.get(session=session, participant=member).status == "present"


@pytest.mark.integrity
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks between threads need PostgreSQL; SQLite serialises the whole database.",
)
@pytest.mark.django_db(transaction=True)
def test_two_coaches_tapping_at_the_same_moment():
    organisation = make_organisation()
    coaches = [make_staff(organisation=organisation) for _ in range(2)]
    programme = make_programme(organisation=organisation)
    person = make_participant(organisation=organisation, coach=coaches[0].user)
    make_enrolment(participant=person, programme=programme)
    session = make_session(programme=programme, expected=[person])
    barrier = threading.Barrier(2)
    outcomes = []

    def tap(staff, status):
        try:
            barrier.wait()
            services.attendance_record(
                session=session, participant=person, status=status, version=1, by=staff.user
            )
            outcomes.append(("saved", status))
        except services.StaleAttendance as stale:
            outcomes.append(("stale", stale.current.status))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=tap, args=(coaches[0], "present")),
        threading.Thread(target=tap, args=(coaches[1], "absent")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(kind for kind, _status in outcomes) == ["saved", "stale"]
    saved = next(status for kind, status in outcomes if kind == "saved")
    row = Attendance.objects.get(session=session, participant=person)
    assert (row.status, row.version) == (saved, 2)
