"""Every dashboard section on one small dataset built by hand, each figure known in advance.

The period is 2025 and the dashboard is looked at on 15 January 2026. Six people:
- Ana (Amina's) waited 30 days, active since 1 Feb, in Groupe A;
- Bilal (Amina's) waited 40 days, in from 1 Mar to 30 Sep (completed), in Groupe A;
- Chen (Pieter's) active since 1 May, in Groupe B (and in Groupe C only from 2026);
- Dana (Amina's) left on 31 Dec 2024, before the period: only her follow-up calls count;
- Wafa and Yonas, on the waiting list since 5 Nov and 16 Dec 2025.
"""

import datetime

import pytest
from django.utils import timezone

from participants.models import Enrolment
from programme import outcomes
from reports.dashboard import dashboard
from reports.figures import Period
from tests.evaluations.factories import make_assessment, make_call, make_evaluation
from tests.factories import make_enrolment, make_participant
from tests.reports.builders import person
from tests.sessions.factories import add_member, make_attendance, make_group, make_session
from tests.trajectory.factories import make_placement, make_referral
from trajectory.models import Placement, Referral

D = datetime.date
PERIOD = Period(D(2025, 1, 1), D(2025, 12, 31))
TODAY = D(2026, 1, 15)


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def waiting(organisation, programme, coach, *, since, first_name):
    participant = make_participant(organisation=organisation, coach=coach.user,
                                   first_name=first_name)  # fmt: skip
    make_enrolment(participant=participant, programme=programme,
                   status=Enrolment.Status.WAITING_LIST, referred_on=since,
                   waiting_since=at(since))  # fmt: skip
    return participant


@pytest.fixture
def world(organisation, programme, coach, colleague):
    people = {
        "ana": person(organisation, programme, started=D(2025, 2, 1), coach=coach.user,
                      first_name="Ana"),
        "bilal": person(organisation, programme, started=D(2025, 3, 1), exited=D(2025, 9, 30),
                        coach=coach.user, first_name="Bilal"),
        "chen": person(organisation, programme, started=D(2025, 5, 1), coach=colleague.user,
                       first_name="Chen"),
        "dana": person(organisation, programme, started=D(2024, 3, 1), exited=D(2024, 12, 31),
                       coach=coach.user, first_name="Dana"),
        "wafa": waiting(organisation, programme, coach, since=D(2025, 11, 5), first_name="Wafa"),
        "yonas": waiting(organisation, programme, coach, since=D(2025, 12, 16),
                         first_name="Yonas"),
    }  # fmt: skip
    people["ana"].enrolments.update(waiting_since=at(D(2025, 1, 2)))
    people["bilal"].enrolments.update(waiting_since=at(D(2025, 1, 20)))
    return people


def ids(world, *names):
    return {world[name].pk for name in names}


def enrolment_of(participant):
    return participant.enrolments.get()


def rows(board, key):
    section = next(s for s in board.sections if s.key == key)
    return {row.label: row for row in section.rows}


def figures(board, key):
    """label -> (the people behind it by name, what is shown)."""
    return {label: (row.ids, row.shown) for label, row in rows(board, key).items()}


def look(programme):
    return dashboard([programme], PERIOD, today=TODAY)


def test_waiting_list_and_waiting_time(programme, world):
    assert figures(look(programme), "waiting") == {
        "Waiting now": (ids(world, "wafa", "yonas"), "2"),
        # 71 and 30 days so far on 15 January 2026.
        "Median wait so far (days)": (ids(world, "wafa", "yonas"), "50.5"),
        "Admitted after waiting": (ids(world, "ana", "bilal"), "2"),
        # 30 and 40 days.
        "Median wait before admission (days)": (ids(world, "ana", "bilal"), "35"),
    }


def test_active_people_per_coach_and_per_group(programme, world):
    groups = {name: make_group(programme=programme, name=name, starts_on=D(2024, 1, 1))
              for name in ["Groupe A", "Groupe B", "Groupe C"]}  # fmt: skip
    add_member(group=groups["Groupe A"], participant=world["ana"], joined_on=D(2025, 2, 1))
    add_member(group=groups["Groupe A"], participant=world["bilal"], joined_on=D(2025, 3, 1),
               left_on=D(2025, 9, 30))  # fmt: skip
    add_member(group=groups["Groupe A"], participant=world["dana"], joined_on=D(2024, 3, 1),
               left_on=D(2024, 12, 31))  # fmt: skip
    add_member(group=groups["Groupe B"], participant=world["chen"], joined_on=D(2025, 5, 1),
               left_on=D(2025, 12, 31))  # fmt: skip
    add_member(group=groups["Groupe C"], participant=world["chen"], joined_on=D(2026, 1, 5))
    assert figures(look(programme), "caseloads") == {
        "Coach: Amina Benali": (ids(world, "ana", "bilal"), "2"),
        "Coach: Pieter Claes": (ids(world, "chen"), "1"),
        "Group: Groupe A": (ids(world, "ana", "bilal"), "2"),
        "Group: Groupe B": (ids(world, "chen"), "1"),
    }


def test_attendance(programme, world):
    def session(day, statuses, **fields):
        made = make_session(programme=programme, date=day, **fields)
        for name, status in statuses.items():
            make_attendance(session=made, participant=world[name], status=status)

    session(D(2025, 3, 10), {"ana": "present", "bilal": "late", "chen": "absent"})
    session(D(2025, 3, 17), {"ana": "present", "bilal": "excused", "chen": "absent"})
    # Left out: a cancelled session, one before the period, attendance not recorded yet, a
    # session during a pause.
    session(D(2025, 3, 24), {"ana": "absent"}, cancelled_at=at(D(2025, 3, 20)))
    session(D(2024, 12, 15), {"ana": "absent"})
    session(D(2025, 4, 1), {"ana": "expected"})
    session(D(2025, 4, 8), {"ana": "paused", "bilal": "paused"})
    assert figures(look(programme), "attendance") == {
        # 3 attended of 6 recorded; Ana 2 of 2, Bilal 1 of 2, Chen 0 of 2.
        "Attendance rate": (ids(world, "ana", "bilal", "chen"), "50 %"),
        "Attending less than 70 %": (ids(world, "bilal", "chen"), "2"),
    }


def test_progress_per_outcome_domain(programme, world):
    ana, bilal = enrolment_of(world["ana"]), enrolment_of(world["bilal"])
    make_evaluation(enrolment=ana, kind="baseline", held_on=D(2025, 2, 10),
                    scores={"oral_language": 1, "social_network": 2})  # fmt: skip
    make_evaluation(enrolment=ana, held_on=D(2025, 6, 1),
                    scores={"oral_language": 2, "social_network": 2})  # fmt: skip
    make_evaluation(enrolment=ana, held_on=D(2025, 9, 1), scores={"oral_language": 3})
    make_evaluation(enrolment=bilal, kind="baseline", held_on=D(2025, 3, 5),
                    scores={"oral_language": 2, "social_network": 3})  # fmt: skip
    make_evaluation(enrolment=bilal, kind="exit", held_on=D(2025, 9, 25),
                    scores={"oral_language": 2, "social_network": 4})  # fmt: skip
    # A mid-way review after the exit evaluation does not replace it.
    make_evaluation(enrolment=bilal, held_on=D(2025, 9, 28), scores={"oral_language": 1})
    # Chen has a baseline only; Dana was not active in the period.
    make_evaluation(enrolment=enrolment_of(world["chen"]), kind="baseline",
                    held_on=D(2025, 5, 5), scores={"oral_language": 2})  # fmt: skip
    dana = enrolment_of(world["dana"])
    make_evaluation(enrolment=dana, kind="baseline", held_on=D(2024, 3, 5),
                    scores={"oral_language": 1})  # fmt: skip
    make_evaluation(enrolment=dana, kind="exit", held_on=D(2024, 12, 20),
                    scores={"oral_language": 4})  # fmt: skip
    board = look(programme)
    assert figures(board, "evaluations") == {
        # Ana 1 → 3 (improved), Bilal 2 → 2 (the exit evaluation).
        "Speaking and understanding the national language": (
            ids(world, "ana", "bilal"), "1.5 → 2.5 · 50 % improved"),
        # Ana 2 → 2, Bilal 3 → 4 (improved).
        "Social network": (ids(world, "ana", "bilal"), "2.5 → 3 · 50 % improved"),
    }  # fmt: skip
    assert [row.bar for row in rows(board, "evaluations").values()] == [50, 50]


def test_progress_reads_nothing_held_after_the_period_and_keeps_a_retired_domain(programme, world):
    ana = enrolment_of(world["ana"])
    make_evaluation(enrolment=ana, kind="baseline", held_on=D(2025, 2, 10),
                    scores={"oral_language": 1, "wellbeing": 1})  # fmt: skip
    make_evaluation(enrolment=ana, held_on=D(2025, 10, 1),
                    scores={"oral_language": 2, "wellbeing": 2})  # fmt: skip
    # Held after the end of the period (the dashboard is looked at in January 2026).
    make_evaluation(enrolment=ana, kind="exit", held_on=D(2026, 1, 10),
                    scores={"oral_language": 4, "wellbeing": 1})  # fmt: skip
    # Well-being is no longer scored in the programme: its progress still shows, last.
    programme.outcome_domains = ["oral_language", "social_network"]
    programme.save()

    assert figures(look(programme), "evaluations") == {
        "Speaking and understanding the national language": (
            ids(world, "ana"), "1 → 2 · 100 % improved"),
        str(outcomes.BY_CODE["wellbeing"].name): (ids(world, "ana"), "1 → 2 · 100 % improved"),
    }  # fmt: skip


def test_language_levels(programme, world):
    def tested(name, day, oral, reading="a1", writing="a1"):
        make_assessment(participant=world[name], assessed_on=day, oral=oral, reading=reading,
                        writing=writing)  # fmt: skip

    tested("ana", D(2025, 2, 5), "a1")
    tested("ana", D(2025, 11, 1), "a2")  # up a level
    tested("bilal", D(2025, 3, 2), "a2")
    tested("bilal", D(2025, 6, 2), "b1", reading="pre_a1")  # up in one skill, down in another
    tested("bilal", D(2025, 9, 20), "a2")  # the latest: back where he started
    tested("chen", D(2025, 5, 2), "a1")
    tested("chen", D(2026, 1, 5), "b1")  # after the period
    tested("dana", D(2024, 3, 2), "a1")
    tested("dana", D(2024, 12, 2), "b1")  # not active in the period
    assert figures(look(programme), "language") == {
        "Tested once": (ids(world, "chen"), "1"),
        "Tested at least twice": (ids(world, "ana", "bilal"), "2"),
        "Up at least one level": (ids(world, "ana"), "1 (50 %)"),
    }


def test_placements(programme, world):
    make_placement(enrolment=enrolment_of(world["ana"]), starts_on=D(2025, 4, 1))
    make_placement(enrolment=enrolment_of(world["bilal"]), kind=Placement.Kind.JOB_TASTING,
                   starts_on=D(2025, 5, 1), ended_on=D(2025, 5, 8),
                   status=Placement.Status.ENDED, outcome=Placement.Outcome.JOB)  # fmt: skip
    # Left out: over before the period, cancelled, and a person not active in the period.
    make_placement(enrolment=enrolment_of(world["bilal"]), kind=Placement.Kind.INTERNSHIP,
                   starts_on=D(2024, 1, 1), ended_on=D(2024, 6, 30),
                   status=Placement.Status.ENDED, outcome=Placement.Outcome.STOPPED)  # fmt: skip
    make_placement(enrolment=enrolment_of(world["chen"]), starts_on=D(2025, 6, 1),
                   status=Placement.Status.CANCELLED)  # fmt: skip
    make_placement(enrolment=enrolment_of(world["dana"]), starts_on=D(2024, 5, 1))
    assert figures(look(programme), "placements") == {
        "Volunteering": (ids(world, "ana"), "1"),
        "Job tasting (about a week)": (ids(world, "bilal"), "1"),
        "Initiation internship (about three months)": (set(), "0"),
        "Ended: Led to a job": (ids(world, "bilal"), "1"),
    }


def test_referrals_and_waiting_times(programme, world):
    make_referral(enrolment=enrolment_of(world["ana"]), kind=Referral.Kind.LEGAL,
                  sent_on=D(2025, 2, 10), status=Referral.Status.STARTED,
                  started_on=D(2025, 3, 12))  # fmt: skip
    # Still waiting: 289 days on 15 January 2026.
    make_referral(enrolment=enrolment_of(world["bilal"]), kind=Referral.Kind.LEGAL,
                  sent_on=D(2025, 4, 1), status=Referral.Status.WAITING_LIST)  # fmt: skip
    make_referral(enrolment=enrolment_of(world["chen"]), kind=Referral.Kind.HOUSING,
                  sent_on=D(2025, 6, 1), status=Referral.Status.REFUSED)  # fmt: skip
    make_referral(enrolment=enrolment_of(world["wafa"]), kind=Referral.Kind.HOUSING,
                  sent_on=D(2025, 11, 10), status=Referral.Status.ACCEPTED)  # fmt: skip
    make_referral(enrolment=enrolment_of(world["dana"]), kind=Referral.Kind.LEGAL,
                  sent_on=D(2024, 11, 1))  # before the period  # fmt: skip
    board = look(programme)
    assert figures(board, "referrals") == {
        "Legal advice": (ids(world, "ana", "bilal"), "2 · median wait 159.5 days"),
        # Refused, and accepted but not started: no wait to count.
        "Housing": (ids(world, "chen", "wafa"), "2"),
    }
    assert [row.bar for row in rows(board, "referrals").values()] == [2, 2]


def test_follow_up_results_per_interval(programme, world):
    bilal, dana = enrolment_of(world["bilal"]), enrolment_of(world["dana"])
    make_call(enrolment=bilal, weeks_after_exit=4, due_on=D(2025, 10, 28), status="reached",
              situation="employed", needs_help=False, completed_on=D(2025, 10, 27))  # fmt: skip
    make_call(enrolment=bilal, weeks_after_exit=13, due_on=D(2025, 12, 30))  # still to call
    make_call(enrolment=bilal, weeks_after_exit=26, due_on=D(2026, 3, 31))  # not due yet
    make_call(enrolment=dana, weeks_after_exit=4, due_on=D(2025, 1, 28), status="unreachable")
    make_call(enrolment=dana, weeks_after_exit=13, due_on=D(2025, 4, 1), status="reached",
              situation="looking", needs_help=True, completed_on=D(2025, 4, 2))  # fmt: skip
    make_call(enrolment=dana, weeks_after_exit=26, due_on=D(2025, 7, 1))  # still to call
    make_call(enrolment=dana, weeks_after_exit=52, due_on=D(2025, 12, 30), status="cancelled")
    assert figures(look(programme), "follow_up") == {
        "4 weeks: due": (ids(world, "bilal", "dana"), "2"),
        "4 weeks: reached": (ids(world, "bilal"), "1"),
        "4 weeks: unreachable": (ids(world, "dana"), "1"),
        "4 weeks: still to call": (set(), "0"),
        "4 weeks: in work or training": (ids(world, "bilal"), "1 (100 %)"),
        "4 weeks: needs help": (set(), "0"),
        "3 months: due": (ids(world, "bilal", "dana"), "2"),
        "3 months: reached": (ids(world, "dana"), "1"),
        "3 months: unreachable": (set(), "0"),
        "3 months: still to call": (ids(world, "bilal"), "1"),
        "3 months: in work or training": (set(), "0 (0 %)"),
        "3 months: needs help": (ids(world, "dana"), "1"),
        "6 months: due": (ids(world, "dana"), "1"),
        "6 months: reached": (set(), "0"),
        "6 months: unreachable": (set(), "0"),
        "6 months: still to call": (ids(world, "dana"), "1"),
        "6 months: in work or training": (set(), "0 (—)"),
        "6 months: needs help": (set(), "0"),
    }


def test_calls_due_after_today_are_left_out_of_a_period_still_running(programme, world):
    make_call(enrolment=enrolment_of(world["bilal"]), weeks_after_exit=13,
              due_on=D(2025, 12, 30))  # fmt: skip
    board = dashboard([programme], PERIOD, today=D(2025, 12, 1))
    assert figures(board, "follow_up") == {}


def test_waiting_now_is_today_whatever_the_period(programme, world):
    # Wafa and Yonas were referred in November and December 2025: a dashboard of 2024 still
    # shows who is waiting today, and nobody's wait before admission in 2024.
    board = dashboard([programme], Period(D(2024, 1, 1), D(2024, 12, 31)), today=TODAY)
    waiting = figures(board, "waiting")
    assert waiting["Waiting now"] == (ids(world, "wafa", "yonas"), "2")
    assert waiting["Admitted after waiting"] == (set(), "0")
