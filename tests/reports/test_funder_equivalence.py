"""The funder report from flat rows grouped by person gives exactly what the computation it
replaced gave (tests/reports/old_funder.py, a frozen copy), on the demo dataset: every
indicator's people in the period, the previous period and since the start, its breakdowns
(by site too), target and milestone, who is not yet known, the figures entered for the
project, who is left out and why, the other answers, the programme's targets and the
warnings. The demo's programmes are also co-funded under ESF+ here, with every breakdown
asked for, so that every rule is counted."""

import datetime

import pytest

from demo import load as demo
from programme.indicators import ActivityCategory
from programme.models import (
    ActivityMapping,
    Indicator,
    IndicatorSet,
    IndicatorTarget,
    Organisation,
)
from reports.figures import Period
from reports.funder import BREAKDOWN_CATEGORIES, funder_report, report_figures
from reports.models import ProjectFigure
from sessions.models import Session
from tests.reports import old_funder

D = datetime.date
TODAY = D(2026, 3, 1)


def described(report) -> dict:
    return {
        "periods": (report.period, report.previous, report.since),
        "programmes": [p.pk for p in report.programmes],
        "rows": [
            (
                row.indicator.pk,
                row.funder,
                row.period,
                row.previous,
                row.cumulative,
                row.breakdowns,
                row.target,
                row.milestone,
                row.not_yet_known,
                row.entered,
            )
            for row in report.rows
        ],  # fmt: skip
        "not_counted": report.not_counted,
        "helpful_other": report.helpful_other,
        "targets": [
            (key, str(label), target, actual, ids)
            for key, label, target, actual, ids in report.targets
        ],  # fmt: skip
        "warnings": report.warnings,
        "sites": report.sites,
    }


def co_funded_with_every_rule():
    """Every programme co-funded under ESF+ (the demo funds them under AMIF only), every
    indicator split by every breakdown, targets and figures entered for the project, the
    group module counted as a language course (for R.2.8) and a kind of session never held
    counted as civic orientation (a warning)."""
    esf = IndicatorSet.objects.get(third_country_nationals_only=False)
    Indicator.objects.update(breakdowns=list(BREAKDOWN_CATEGORIES))
    for organisation in Organisation.objects.all():
        for programme in organisation.programmes.all():
            programme.co_funding_sets.add(esf)
            module = (
                Session.objects.filter(programme=programme, group__module__isnull=False)
                .values_list("group__module_id", flat=True)
                .first()
            )
            ActivityMapping.objects.create(programme=programme, module_id=module,
                                           category=ActivityCategory.LANGUAGE_COURSE)  # fmt: skip
            ActivityMapping.objects.create(programme=programme, session_kind_code="never_held",
                                           category=ActivityCategory.CIVIC_ORIENTATION)  # fmt: skip
            programme.target_participants = 30
            programme.target_completion_rate = 60
            programme.target_work_ready_rate = 40
            programme.save()
            for n, indicator in enumerate(Indicator.objects.order_by("pk")):
                IndicatorTarget.objects.create(programme=programme, indicator=indicator,
                                               target=10 + n)  # fmt: skip
                IndicatorTarget.objects.create(programme=programme, indicator=indicator,
                                               due_on=D(2025, 6, 30), target=n)  # fmt: skip
            for indicator in Indicator.objects.filter(rule="entered")[:2]:
                for start, end, value in [(D(2025, 1, 1), D(2025, 6, 30), 3),
                                          (D(2025, 7, 1), D(2025, 12, 31), 4),
                                          (D(2024, 1, 1), D(2024, 12, 31), 5)]:  # fmt: skip
                    ProjectFigure.objects.create(programme=programme, indicator=indicator,
                                                 period_start=start, period_end=end,
                                                 value=value)  # fmt: skip


@pytest.mark.django_db
def test_the_funder_report_counts_as_before():
    demo.load(today=TODAY)
    co_funded_with_every_rule()
    programmes = (
        list(Organisation.objects.order_by("pk").first().programmes.all())
        + [  # another organisation's programme, counted together with the first
            p for o in Organisation.objects.order_by("pk")[1:2] for p in o.programmes.all()
        ]
    )
    scopes = []
    for programme in {p for o in Organisation.objects.all() for p in o.programmes.all()}:
        scopes += [
            (programme, Period(D(2025, 1, 1), D(2025, 12, 31)), {}),  # last year
            (programme, Period(D(2025, 4, 1), D(2025, 6, 30)), {"by_site": True}),  # a quarter
            # This year so far: people who left less than four weeks ago are not yet known.
            (programme, Period(D(2026, 1, 1), D(2026, 2, 28)), {"by_site": True}),
            (programme, Period(D(2023, 1, 1), D(2026, 2, 28)), {}),  # everything so far
        ]
    scopes.append((programmes[0], Period(D(2025, 1, 1), D(2025, 12, 31)),
                   {"also": programmes[1:], "by_site": True}))  # fmt: skip
    counted = 0
    not_yet_known = 0
    improved = 0
    for programme, period, options in scopes:
        new = funder_report(programme, period, today=TODAY, **options)
        old = old_funder.funder_report(programme, period, today=TODAY, **options)
        assert described(new) == described(old), (programme, period, options)
        assert report_figures(new) == old_funder.report_figures(old)
        counted += sum(len(row.period) + len(row.cumulative) for row in new.rows)
        not_yet_known += sum(len(row.not_yet_known) for row in new.rows)
        improved += sum(len(row.period) for row in new.rows if row.indicator.code == "R.2.8")
    # The demo data is there and counted, in every kind of figure.
    assert counted > 1000
    assert not_yet_known > 0
    assert improved > 0
