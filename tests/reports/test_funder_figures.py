"""The funder report's counting rules on a dataset built by hand, every figure known in
advance: the period is the first half of 2025, the programme started in 2024."""

import datetime

import pytest

from evaluations.models import ExitReview, FollowUpCall, LanguageAssessment
from participants.models import EntryCharacteristics, ParticipantEvent
from programme import indicators
from programme.models import ActivityMapping
from reports.figures import Period, suppressed
from reports.funder import RULES, funder_report, report_figures
from tests.reports.builders import amif, attended, enrol, person

D = datetime.date
PERIOD = Period(D(2025, 1, 1), D(2025, 6, 30))


@pytest.fixture
def people(organisation, programme):
    programme.starts_on = D(2024, 1, 1)
    programme.save()
    amif(programme)
    # Enrolled twice in the period: counts once.
    twice = person(organisation, programme, started=D(2025, 1, 10), exited=D(2025, 2, 20),
                   gender="woman", first_name="Twice")  # fmt: skip
    enrol(twice, programme, started=D(2025, 4, 1))
    attended(twice, programme, kind="information_session", on=D(2025, 4, 8))
    attended(twice, programme, kind="information_session", on=D(2025, 4, 15))
    # Leaves on the period's last day, for a job, after a language course with progress.
    last_day = person(organisation, programme, started=D(2024, 10, 1), exited=D(2025, 6, 30),
                      gender="man", first_name="LastDay", schooling="isced3")  # fmt: skip
    last_day.enrolments.update(exit_destination="job")
    attended(last_day, programme, kind="language_practice", on=D(2025, 3, 3))
    for day, level in [(D(2024, 10, 5), "a1"), (D(2025, 6, 20), "a2")]:
        LanguageAssessment.objects.create(participant=last_day, language="fr", assessed_on=day,
                                          oral=level, reading="a1", writing="a1")  # fmt: skip
    ExitReview.objects.create(enrolment=last_day.enrolments.get(), strengths="-", next_step="-",
                              contact_person="-", helped_integration="yes")  # fmt: skip
    # 17 when entering in March 2025, 18 in May: under 18 for the funder.
    minor = person(organisation, programme, started=D(2025, 3, 1), gender="non_binary",
                   birth_date=D(2007, 5, 15), first_name="Minor")  # fmt: skip
    ParticipantEvent.objects.create(participant=minor, kind="long_term_residence",
                                    happened_on=D(2025, 5, 2))  # fmt: skip
    EntryCharacteristics.objects.create(participant=minor, rural_area=True)
    # An EU national: not counted for AMIF, shown beside.
    person(organisation, programme, started=D(2025, 2, 1), nationality="FR", first_name="EU")
    # Left before the period: only in the cumulative figure.
    person(organisation, programme, started=D(2024, 3, 1), exited=D(2024, 12, 31),
           first_name="Before")  # fmt: skip
    # Left in March; the six-month call is not due yet, the 4-week one said "partly".
    early = person(organisation, programme, started=D(2024, 9, 1), exited=D(2025, 3, 31),
                   gender="man", first_name="Early")  # fmt: skip
    enrolment = early.enrolments.get()
    FollowUpCall.objects.create(enrolment=enrolment, weeks_after_exit=26, due_on=D(2025, 9, 29))
    FollowUpCall.objects.create(
        enrolment=enrolment, weeks_after_exit=4, due_on=D(2025, 4, 28), status="reached",
        situation="looking", needs_help=False, helped_integration="partly",
        completed_on=D(2025, 4, 25),
    )  # fmt: skip
    # Personal guidance talks: Minor, Early and Before took part in a support activity.
    ActivityMapping.objects.create(programme=programme, category="professional_guidance",
                                   session_kind_code="individual_coaching")  # fmt: skip
    for first_name, day in [("Minor", D(2025, 3, 5)), ("Early", D(2025, 1, 15)),
                            ("Before", D(2024, 5, 1))]:  # fmt: skip
        attended(organisation.participants.get(first_name=first_name), programme,
                 kind="individual_coaching", on=day)  # fmt: skip
    return {p.first_name: p.pk for p in organisation.participants.all()}


def figures(programme):
    report = funder_report(programme, PERIOD)
    return report, {row.indicator.code: row for row in report.rows}


def test_every_amif_figure(programme, people):
    report, rows = figures(programme)
    ids = {name: pk for name, pk in people.items()}
    counted = {ids["Twice"], ids["LastDay"], ids["Minor"], ids["Early"]}
    assert rows["O.2.3"].period == counted
    assert rows["O.2.3"].cumulative == counted | {ids["Before"]}
    assert rows["O.2.3.1"].period == {ids["LastDay"]}
    assert rows["O.2.3.2"].period == {ids["Twice"]}  # two sessions, one person
    assert rows["O.2.3.3"].period == {ids["Minor"], ids["Early"]}
    assert rows["O.2.5"].period == set()
    assert rows["R.2.8"].period == {ids["LastDay"]}  # A1 → A2 oral, left on the last day
    assert rows["R.2.9"].period == {ids["LastDay"]}
    assert rows["R.2.10"].period == set()
    assert rows["R.2.11"].period == {ids["Minor"]}
    assert report.not_counted["not_third_country"] == {ids["EU"]}
    assert report.helpful_other == {"partly": {ids["Early"]}, "no": set()}


def test_breakdowns_take_age_at_entry(programme, people):
    _report, rows = figures(programme)
    cells = {
        dim: {code: ids for code, _label, ids in c} for dim, c in rows["O.2.3"].breakdowns.items()
    }
    assert cells["age"]["under_18"] == {people["Minor"]}
    assert cells["gender"]["non_binary"] == {people["Minor"]}
    assert cells["gender"]["man"] == {people["LastDay"], people["Early"]}
    assert cells["education"]["3-4"] == {people["LastDay"]}


def test_esf_results(programme, people):
    from programme.models import IndicatorSet

    programme.indicator_set = IndicatorSet.objects.get(funder="ESF+")
    programme.save()
    _report, rows = figures(programme)
    assert rows["ESF-TOTAL"].period == {
        people[n] for n in ["Twice", "LastDay", "Minor", "Early", "EU"]
    }
    assert rows["EECO05"].period == {people["Minor"]}
    assert rows["EECO17"].period == {people["Minor"]}
    assert rows["EECR04"].period == {people["LastDay"]}  # job at exit
    assert rows["EECR01"].period == {people["Early"]}  # looking for work at the 4-week call
    assert rows["EECR05"].period == set()  # the six-month call is not due yet


def test_snapshot_figures_hold_counts_only(programme, people):
    stored = report_figures(funder_report(programme, PERIOD))
    row = stored["rows"][0]
    assert (row["code"], row["period"], row["cumulative"]) == ("O.2.3", 4, 5)
    assert "ids" not in str(stored)


def test_every_rule_is_implemented():
    assert set(RULES) == {name for name, _label in indicators.RULE_CHOICES}
    assert indicators.RULE_ARGUMENTS["event"] == set(ParticipantEvent.Kind.values)


@pytest.mark.parametrize(("count", "shown"), [(0, "0"), (1, "< 5"), (4, "< 5"), (5, "5")])
def test_small_counts_are_hidden(count, shown):
    assert suppressed(count) == shown
