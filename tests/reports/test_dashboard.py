"""The dashboard: figures on a hand-built dataset, the demo data's published shape, access and
a query count that does not grow with the data."""

import datetime
import io
import random
from pathlib import Path

import pytest
from django.urls import reverse

from demo import load as demo
from participants.models import Participant
from programme.models import Organisation
from reports.dashboard import dashboard
from reports.figures import Period
from tests.helpers import login_url
from tests.reports.builders import person

D = datetime.date
PERIOD = Period(D(2025, 1, 1), D(2025, 12, 31))
URL = "/reports/dashboard/"


def rows(board, key):
    section = next(s for s in board.sections if s.key == key)
    return {row.label: row for row in section.rows}


@pytest.fixture
def exits(organisation, programme):
    """Four exits in 2025: three completed (6, 9 and 12 months; one for a job), one drop-out
    for health; and one person still active."""
    made = []
    for months, reason, destination in [
        (6, "completed", "job"),
        (9, "completed", "volunteering"),
        (12, "completed", "none"),
        (3, "dropped_out", "none"),
    ]:
        started = D(2025, 12, 1) - datetime.timedelta(days=round(months * 30.44))
        p = person(organisation, programme, started=started, exited=D(2025, 12, 1))
        p.enrolments.update(
            exit_reason=reason,
            exit_destination=destination,
            drop_out_reason="health" if reason == "dropped_out" else "",
        )
        made.append(p)
    person(organisation, programme, started=D(2025, 6, 1))
    return made  # fmt: skip


def test_completion_length_and_destinations(programme, exits):
    board = dashboard([programme], PERIOD, today=D(2026, 1, 15))
    completion = rows(board, "completion")
    assert completion["Completed"].shown == "3 (75 %)"
    assert completion["Dropped out"].shown == "1 (25 %)"
    assert completion["Drop-out: Health"].ids == {exits[3].pk}
    length = rows(board, "length")
    assert length["Median (months)"].shown == "7.5"
    assert length["Average (months)"].shown == "7.5"
    ready = rows(board, "destinations")["Ready for work (of those who completed)"]
    assert (ready.ids, ready.shown) == ({exits[0].pk}, "1 (33.3 %)")
    funnel = rows(board, "funnel")
    assert funnel["Active"].count == 5
    assert funnel["Exited"].count == 4


def test_demo_data_has_the_published_shape(db):
    demo.load(today=D(2026, 3, 1))
    programmes = [p for o in Organisation.objects.all() for p in o.programmes.all()]
    board = dashboard(programmes, Period(D(2015, 1, 1), D(2026, 3, 1)), today=D(2026, 3, 1))
    completion = {row.label: row.count for row in next(
        s for s in board.sections if s.key == "completion").rows}  # fmt: skip
    left = completion["Completed"] + completion["Dropped out"] + completion["Transferred"]
    assert 0.65 <= completion["Completed"] / left <= 0.85  # about three quarters
    assert 0.05 <= completion["Dropped out"] / left <= 0.15  # about one in ten
    reasons = {k: v for k, v in completion.items() if k.startswith("Drop-out:")}
    assert max(reasons, key=reasons.get) == "Drop-out: Health"
    destinations = rows(board, "destinations")
    ready = destinations["Ready for work (of those who completed)"].count
    assert 0.2 <= ready / completion["Completed"] <= 0.4  # about three in ten
    antwerp = Organisation.objects.get(name__contains="Antwerpen").programmes.all()
    length = rows(dashboard(antwerp, Period(D(2015, 1, 1), D(2026, 3, 1))), "length")
    assert 7 <= float(length["Average (months)"].shown) <= 11  # planned 6, about nine


def test_manager_sees_the_dashboard(manager_client, programme, exits):
    response = manager_client.get(URL, {"programme": programme.pk, "start": "2025-01-01",
                                        "end": "2025-12-31"})  # fmt: skip
    assert response.status_code == 200
    assert "Completion and drop-out" in response.text
    assert "<svg" in response.text and "<script" not in response.text.split("<main")[1]


def test_a_figure_opens_the_people_behind_it(manager_client, programme, exits):
    query = {"source": "dashboard", "programme": programme.pk, "start": "2025-01-01",
             "end": "2025-12-31", "key": "completion.1"}  # fmt: skip
    response = manager_client.get(reverse("reports:people"), query)
    assert response.status_code == 200
    assert list(response.context["participants"]) == [exits[3]]


@pytest.mark.parametrize("who", ["coach_client", "administrator_client", "outsider_client"])
def test_others_get_404(request, who, programme):
    assert request.getfixturevalue(who).get(URL).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url == login_url(URL)


def test_post_is_refused(manager_client):
    assert manager_client.post(URL).status_code == 405


def test_another_organisations_programme_is_refused(outsider_manager_client, programme):
    response = outsider_manager_client.get(URL, {"programme": programme.pk, "start": "2025-01-01",
                                                 "end": "2025-12-31"})  # fmt: skip
    assert response.status_code == 200
    assert "sections" not in response.context
    query = {"source": "dashboard", "programme": programme.pk, "start": "2025-01-01",
             "end": "2025-12-31", "key": "funnel.0"}  # fmt: skip
    assert outsider_manager_client.get(reverse("reports:people"), query).status_code == 404


def test_a_manager_never_sees_another_organisations_people(
    outsider_manager_client, outsider_manager, other_programme, programme, exits
):
    query = {"source": "dashboard", "start": "2025-01-01", "end": "2025-12-31",
             "key": "funnel.3"}  # fmt: skip
    response = outsider_manager_client.get(reverse("reports:people"), query)
    assert list(response.context["participants"]) == []


@pytest.mark.parametrize("extra", [0, 20])
def test_queries_do_not_grow(manager_client, manager, organisation, programme, extra,
                             django_assert_num_queries):  # fmt: skip
    rng = random.Random(1)
    for n in range(1 + extra):
        person(organisation, programme, started=D(2025, 1, 1 + n % 28),
               exited=D(2025, 9, 1) if rng.random() < 0.5 else None)  # fmt: skip
    assert Participant.objects.count() == 1 + extra
    # session; user with their staff record and organisation (header); the organisation's
    # programmes (all of them are shown, and the form's select shows the same rows); the
    # enrolments' facts (funnel, waiting list, completion, length, destinations, with the
    # intake status changes), the active people per coach and co-coach and per group (one
    # query), attendance, domain scores, language assessments, placements, referrals,
    # follow-up calls; the structure block (reports.structure): the groups of a module (none
    # here, so no sessions are read) and the phases (none with a longest length, so no
    # enrolments are read).
    with django_assert_num_queries(13):
        manager_client.get(URL, {"start": "2025-01-01", "end": "2025-12-31"})
    # As a funder sees it: the same without the structure block, and every figure's people in
    # one query for the small-count rule.
    with django_assert_num_queries(12):
        manager_client.get(URL, {"start": "2025-01-01", "end": "2025-12-31", "funder": "on"})


def test_drop_out_reasons_are_shares_of_the_drop_outs(programme, exits):
    completion = rows(dashboard([programme], PERIOD, today=D(2026, 1, 15)), "completion")
    assert completion["Drop-out: Health"].shown == "1 (100 % of drop-outs)"


EXPORT_QUERY = {"programme": "", "start": "2025-01-01", "end": "2025-12-31"}


def test_the_funder_view_hides_small_counts_and_rates_on_them(manager_client, programme, exits):
    query = {**EXPORT_QUERY, "programme": programme.pk}
    plain = manager_client.get(URL, query).context["sections"]
    shown = {row.label: text for item in plain for row, _url, text in item["rows"]}
    assert shown["Completed"] == "3 (75 %)"
    funder = manager_client.get(URL, {**query, "funder": "on"}).context["sections"]
    shown = {row.label: text for item in funder for row, _url, text in item["rows"]}
    assert shown["Exited"] == "< 5" and shown["Completed"] == "×"
    assert shown["Median (months)"] == "×"  # the lengths of four people's trajectories


def test_the_xlsx_of_the_dashboard_hides_small_counts(manager_client, programme, exits):
    from openpyxl import load_workbook

    response = manager_client.get(
        reverse("reports:dashboard-xlsx"), {**EXPORT_QUERY, "programme": programme.pk}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}
    assert values["Exited"] == "< 5" and values["Completed"] == "×"
    assert values["Waiting now"] == 0 and sheet["A1"].font.bold is False


def test_the_pdf_of_the_dashboard_hides_small_counts(manager_client, programme, exits, tmp_path):
    import shutil
    import subprocess

    response = manager_client.get(
        reverse("reports:dashboard-pdf"), {**EXPORT_QUERY, "programme": programme.pk}
    )
    assert response["Content-Type"] == "application/pdf"
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) missing")
    (tmp_path / "d.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "d.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    assert "< 5" in text and "75 %" not in text and "Programme" in text


def test_the_page_prints_without_its_form_one_section_per_page(manager_client):
    from django.contrib.staticfiles import finders

    page = manager_client.get(URL)
    assert 'class="report-filter"' in page.text and "report-section" in page.text
    css = Path(finders.find("css/parcours.css")).read_text()
    printed = css[css.index("/* The dashboard printed") :]
    assert ".report-filter" in printed.split("}")[0] and "break-before: page" in printed


def test_a_co_coach_counts_the_people_they_coach_beside_the_lead(
    organisation, programme, coach, colleague
):
    from participants.models import EnrolmentCoach

    p = person(organisation, programme, started=D(2025, 2, 1), coach=coach.user)
    enrolment = p.enrolments.get()
    enrolment.coach = coach.user
    enrolment.save()
    EnrolmentCoach.objects.create(
        enrolment=enrolment, coach=colleague.user, role="activation_coach", since=D(2025, 2, 1)
    )
    shown = rows(dashboard([programme], PERIOD, today=D(2026, 1, 1)), "caseloads")
    assert shown["Coach: Pieter Claes"].ids == shown["Coach: Amina Benali"].ids == {p.pk}
