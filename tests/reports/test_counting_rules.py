"""Which period a figure belongs to (decision 18), on a dataset built by hand with every edge
case the funder checks: the person who attended nothing, results observed after exit, the
exit on the period's last day with its four-week call in the next period, events before entry
or after their window, evaluations after the period's end, a person in two programmes."""

import datetime

import pytest

from evaluations.models import ExitReview, FollowUpCall, LanguageAssessment
from participants.models import ParticipantEvent
from programme.models import ActivityMapping, IndicatorSet, IndicatorTarget
from reports.figures import Period
from reports.funder import funder_report, previous_period, report_figures
from reports.models import ProjectFigure
from tests.factories import make_programme
from tests.reports.builders import amif, attended, enrol, person

D = datetime.date
YEAR = Period(D(2025, 1, 1), D(2025, 12, 31))
LATER = D(2026, 3, 1)  # generated when every four-week window of 2025 is over


def call(participant, *, on, weeks, situation="employed", helped=""):
    return FollowUpCall.objects.create(
        enrolment=participant.enrolments.order_by("-started_on").first(),
        weeks_after_exit=weeks, due_on=on, status="reached", situation=situation,
        needs_help=False, helped_integration=helped, completed_on=on,
    )  # fmt: skip


def event(participant, kind, on):
    ParticipantEvent.objects.create(participant=participant, kind=kind, happened_on=on)


@pytest.fixture
def world(organisation, programme):
    programme.starts_on = D(2023, 1, 1)
    programme.save()
    amif(programme)
    programme.co_funding_sets.add(IndicatorSet.objects.get(funder="ESF+"))
    p = {}
    # Entered on the period's last day and attended nothing: enrolled, not "in an activity".
    p["nothing"] = person(organisation, programme, started=D(2025, 12, 31))
    # Took part in a civic orientation session, and helped with family reunification twice:
    # before entry (not the programme's) and during the enrolment.
    p["civic"] = person(organisation, programme, started=D(2025, 3, 1))
    attended(p["civic"], programme, kind="information_session", on=D(2025, 3, 10))
    event(p["civic"], "family_reunification_help", D(2025, 2, 1))
    event(p["civic"], "family_reunification_help", D(2025, 4, 1))
    # Only the help before entry: counts nowhere.
    p["before_entry"] = person(organisation, programme, started=D(2025, 5, 1))
    event(p["before_entry"], "family_reunification_help", D(2025, 4, 20))
    # Left in 2024: the six-month job, the long-term-residence application after leaving
    # and the "yes" at the first follow-up call all happen in 2025.
    p["left_2024"] = person(organisation, programme, started=D(2024, 1, 10), exited=D(2024, 10, 15))
    call(p["left_2024"], on=D(2025, 1, 5), weeks=12, situation="looking", helped="yes")
    call(p["left_2024"], on=D(2025, 4, 20), weeks=26)  # 187 days after exit: employed
    event(p["left_2024"], "long_term_residence", D(2025, 3, 1))
    # Left in 2023; applied for recognition two years later: outside its window.
    p["long_gone"] = person(organisation, programme, started=D(2023, 2, 1), exited=D(2023, 6, 30))
    event(p["long_gone"], "qualification_recognition", D(2025, 6, 1))
    # Leaves on the period's last day for a training; the four-week call finds them looking
    # for work in January: job searching upon leaving, in 2025.
    p["last_day"] = person(organisation, programme, started=D(2025, 1, 6), exited=D(2025, 12, 31))
    p["last_day"].enrolments.update(exit_destination="training")
    call(p["last_day"], on=D(2026, 1, 20), weeks=4, situation="looking")
    # Leaves in June registered as a job seeker: job searching upon leaving, at exit.
    p["job_seeker"] = person(organisation, programme, started=D(2025, 1, 6), exited=D(2025, 6, 2))
    p["job_seeker"].enrolments.update(exit_destination="job_seeker")
    # A language course, left in December, tested again in January: the progress belongs to
    # 2026 (an evaluation after the period's end never changes it).
    p["late_test"] = person(organisation, programme, started=D(2025, 1, 6), exited=D(2025, 12, 20))
    attended(p["late_test"], programme, kind="language_practice", on=D(2025, 2, 3))
    for day, level in [(D(2024, 12, 20), "a1"), (D(2026, 1, 15), "a2")]:
        LanguageAssessment.objects.create(participant=p["late_test"], language="fr",
                                          assessed_on=day, oral=level, reading="a1",
                                          writing="a1")  # fmt: skip
    # Said "no" at exit, "yes" at the call: the first answer counts.
    p["no_then_yes"] = person(organisation, programme, started=D(2025, 1, 6), exited=D(2025, 5, 5))
    ExitReview.objects.create(
        enrolment=p["no_then_yes"].enrolments.get(), strengths="-", next_step="-",
        contact_person="-", helped_integration="no",
    )  # fmt: skip
    call(p["no_then_yes"], on=D(2025, 5, 30), weeks=4, situation="looking", helped="yes")
    return p


def rows(programme, period=YEAR, today=LATER, **kwargs):
    report = funder_report(programme, period, today=today, **kwargs)
    return report, {row.indicator.code: row for row in report.rows}


def ids(world, *names):
    return {world[name].pk for name in names}


def test_o23_counts_only_people_who_took_part(programme, world):
    _report, row = rows(programme)
    assert row["O.2.3"].period == ids(world, "civic", "late_test")
    assert world["nothing"].pk in row["ESF-TOTAL"].period  # enrolled, so a participant for ESF+
    assert row["O.2.3.1"].period == ids(world, "late_test")
    assert row["O.2.3.2"].period == ids(world, "civic")


def test_dated_events_count_inside_their_window_only(programme, world):
    _report, row = rows(programme)
    assert row["O.2.5"].period == ids(world, "civic")  # not the help before entry
    assert row["R.2.10"].period == set()  # two years after exit
    assert row["R.2.11"].period == ids(world, "left_2024")  # after leaving, within 6 months


def test_results_after_exit_reach_the_period_in_which_they_are_observed(programme, world):
    _report, row = rows(programme)
    assert row["EECR05"].period == ids(world, "left_2024")
    assert row["EECR05"].previous == set()
    assert row["R.2.9"].period == ids(world, "left_2024")  # "yes" at the first call, in 2025
    assert world["no_then_yes"].pk not in row["R.2.9"].cumulative  # "no" came first


def test_upon_leaving_reads_four_weeks_after_an_exit_on_the_last_day(programme, world):
    _report, row = rows(programme)
    assert row["EECR01"].period == ids(world, "last_day", "job_seeker", "no_then_yes")
    assert row["EECR02"].period == set()  # training at exit, then looking for work
    assert row["EECR01"].not_yet_known == set()


def test_a_report_generated_within_the_four_weeks_shows_not_yet_known(programme, world):
    _report, row = rows(programme, today=D(2026, 1, 10))
    assert world["last_day"].pk not in row["EECR01"].period
    assert row["EECR01"].not_yet_known == ids(world, "last_day", "late_test")
    figures = report_figures(_report)
    eecr01 = next(r for r in figures["rows"] if r["code"] == "EECR01")
    assert eecr01["not_yet_known"] == 2


def test_evaluations_after_the_period_end_never_change_it(programme, world):
    _report, row = rows(programme)
    assert row["R.2.8"].period == set()
    _report, row = rows(programme, Period(D(2026, 1, 1), D(2026, 12, 31)))
    assert row["R.2.8"].period == ids(world, "late_test")


def test_a_period_reads_nothing_dated_after_its_end(programme, world):
    first_half = Period(D(2025, 1, 1), D(2025, 6, 30))
    before = report_figures(funder_report(programme, first_half, today=LATER))
    event(world["civic"], "family_reunification_help", D(2025, 7, 2))
    call(world["civic"], on=D(2025, 7, 3), weeks=4, helped="yes")
    LanguageAssessment.objects.create(participant=world["civic"], language="fr",
                                      assessed_on=D(2025, 8, 1), oral="b1", reading="b1",
                                      writing="b1")  # fmt: skip
    assert report_figures(funder_report(programme, first_half, today=LATER)) == before


def test_previous_period_beside_the_current_one(programme, world):
    report, row = rows(programme)
    assert report.previous == Period(D(2024, 1, 1), D(2024, 12, 31))
    assert row["ESF-TOTAL"].previous == ids(world, "left_2024")
    assert previous_period(Period(D(2025, 4, 1), D(2025, 6, 30))) == Period(
        D(2025, 1, 1), D(2025, 3, 31)
    )
    assert previous_period(Period(D(2025, 1, 10), D(2025, 1, 19))) == Period(
        D(2024, 12, 31), D(2025, 1, 9)
    )


def test_amif_and_esf_side_by_side(programme, world):
    report, _row = rows(programme)
    funders = [row.funder for row in report.rows]
    assert funders.index("ESF+") > funders.index("AMIF") and set(funders) == {"AMIF", "ESF+"}


def test_a_person_in_two_programmes_counts_once(organisation, programme, world):
    second = make_programme(organisation=organisation, starts_on=D(2024, 1, 1))
    ActivityMapping.objects.create(programme=second, category="civic_orientation",
                                   session_kind_code="information_session")  # fmt: skip
    enrol(world["civic"], second, started=D(2025, 6, 1))
    attended(world["civic"], second, kind="information_session", on=D(2025, 6, 10))
    both = person(organisation, second, started=D(2025, 2, 1))
    attended(both, second, kind="information_session", on=D(2025, 2, 10))
    _report, row = rows(programme, also=[second])
    assert row["O.2.3"].period == ids(world, "civic", "late_test") | {both.pk}
    assert row["O.2.3.2"].period == ids(world, "civic") | {both.pk}


def test_split_by_site(organisation, programme, world, coach):
    site = organisation.sites.create(name="Antenne Nord")
    coach.site = site
    coach.save()
    world["civic"].coach = coach.user
    world["civic"].save()
    report, row = rows(programme, by_site=True)
    cells = {code: people for code, _label, people in row["O.2.3"].breakdowns["site"]}
    assert cells == {str(site.pk): ids(world, "civic"), "none": ids(world, "late_test")}


def test_targets_and_milestones(programme, world):
    o23 = programme.indicator_set.indicators.get(code="O.2.3")
    IndicatorTarget.objects.create(programme=programme, indicator=o23, target=40)
    IndicatorTarget.objects.create(programme=programme, indicator=o23, target=8,
                                   due_on=D(2025, 12, 31))  # fmt: skip
    IndicatorTarget.objects.create(programme=programme, indicator=o23, target=25,
                                   due_on=D(2026, 12, 31))  # fmt: skip
    _report, row = rows(programme)
    assert (row["O.2.3"].target, row["O.2.3"].milestone) == (40, (D(2025, 12, 31), 8))


def test_project_level_figures_are_entered_not_counted(programme, world, manager):
    o21 = programme.indicator_set.indicators.get(code="O.2.1")
    _report, row = rows(programme)
    assert row["O.2.1"].entered == {"period": None, "previous": None, "cumulative": None}
    for start, end, value in [(D(2024, 1, 1), D(2024, 12, 31), 3),
                              (D(2025, 1, 1), D(2025, 12, 31), 5)]:  # fmt: skip
        ProjectFigure.objects.create(programme=programme, indicator=o21, period_start=start,
                                     period_end=end, value=value)  # fmt: skip
    _report, row = rows(programme)
    assert row["O.2.1"].entered == {"period": 5, "previous": 3, "cumulative": 8}


def test_a_mapping_that_matches_no_session_is_a_warning(programme, world):
    report, _row = rows(programme)
    # Sessions of both mapped kinds were held; nothing is mapped to professional guidance.
    assert report.warnings == ["O.2.3.3: no module or session kind is counted as this activity"]
    report, _row = rows(programme, Period(D(2026, 1, 1), D(2026, 12, 31)))
    assert "O.2.3.1: no session of a mapped kind in 2026" in report.warnings
    assert "R.2.8: no session of a mapped kind in 2026" in report.warnings
