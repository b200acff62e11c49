"""The funder report pages: live figures, snapshots built in the background with progress,
the PDF and spreadsheets drawn from the stored figures, and what changed since."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.urls import reverse

from participants.models import Participant
from reports import services, tasks
from reports.exports import safe_cell
from reports.figures import Period
from reports.models import FunderSnapshot
from tests.helpers import login_url
from tests.reports.builders import amif, attended, person

D = datetime.date
QUERY = {"start": "2025-01-01", "end": "2025-06-30"}
URL = "/reports/funder/"


@pytest.fixture
def funded(organisation, programme):
    amif(programme)
    programme.target_participants = 10
    programme.save()
    for n in range(6):
        took_part(person(organisation, programme, started=D(2025, 2, 1 + n), first_name=f"P{n}"))
    return programme


def took_part(participant):
    """In a civic orientation session: counted in O.2.3."""
    programme = participant.enrolments.get().programme
    attended(participant, programme, kind="information_session", on=D(2025, 3, 3))


def create(client, programme, language="en"):
    return client.post(
        reverse("reports:snapshot-create"),
        {"programme": programme.pk, "language": language, **QUERY},
    )


def test_the_page_shows_the_indicators(manager_client, funded):
    response = manager_client.get(URL, {"programme": funded.pk, **QUERY})
    assert response.status_code == 200
    assert "O.2.3" in response.text and "R.2.11" in response.text
    assert "P0" not in response.text  # aggregates only


def test_generating_keeps_a_snapshot_ready_at_once_in_development(manager_client, manager, funded):
    response = create(manager_client, funded)
    snapshot = FunderSnapshot.objects.get()
    assert response.status_code == 302 and response.url == snapshot.get_absolute_url()
    assert (snapshot.status, snapshot.progress, snapshot.created_by) == ("ready", 100, manager.user)
    assert snapshot.figures["rows"][0]["period"] == 6
    page = manager_client.get(snapshot.get_absolute_url())
    assert "The report is ready." in page.text and "every figure is the same" in page.text


def test_with_a_worker_the_page_shows_progress_until_ready(monkeypatch, manager_client, funded):
    # A worker that has not picked the task up yet: enqueuing only records it.
    queued = []
    monkeypatch.setattr(tasks, "build_funder_snapshot", SimpleNamespace(enqueue=queued.append))
    create(manager_client, funded)
    snapshot = FunderSnapshot.objects.get()
    assert queued == [snapshot.pk] and snapshot.status == "pending"
    page = manager_client.get(snapshot.get_absolute_url(), headers={"HX-Request": "true"})
    assert "<progress" in page.text and 'hx-trigger="every 2s"' in page.text
    tasks.funder_snapshot_build(snapshot_id=snapshot.pk)  # what the worker does
    page = manager_client.get(snapshot.get_absolute_url(), headers={"HX-Request": "true"})
    assert "The report is ready." in page.text and "<progress" not in page.text


def test_a_stored_snapshot_stays_the_same_and_shows_what_changed(
    manager_client, organisation, funded
):
    create(manager_client, funded)
    snapshot = FunderSnapshot.objects.get()
    csv_before = manager_client.get(reverse("reports:snapshot-csv", args=[snapshot.pk])).content
    took_part(person(organisation, funded, started=D(2025, 3, 1)))  # a late record
    assert manager_client.get(reverse("reports:snapshot-csv", args=[snapshot.pk])).content == (
        csv_before
    )
    page = manager_client.get(snapshot.get_absolute_url())
    assert ("O.2.3 (period)", "6", "7") in page.context["changes"]


def test_pdf_and_xlsx(manager_client, funded):
    from openpyxl import load_workbook

    create(manager_client, funded)
    snapshot = FunderSnapshot.objects.get()
    pdf = manager_client.get(reverse("reports:snapshot-pdf", args=[snapshot.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = manager_client.get(reverse("reports:snapshot-xlsx", args=[snapshot.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B2"].value == funded.name
    o23 = next([c.value for c in row] for row in sheet.iter_rows() if row[0].value == "O.2.3")
    # code, funder, wording, period, previous period, since the start
    assert o23[:4] == ["O.2.3", "AMIF", "Participants in support activities", 6]
    assert o23[5] == 6


@pytest.mark.parametrize("text", ["=1+2", "+32", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_cells_are_escaped(text):
    assert safe_cell(text) == "'" + text
    assert safe_cell("Participants") == "Participants"
    assert safe_cell(5) == 5


def test_wording_that_looks_like_a_formula_is_escaped_in_the_csv(manager_client, funded):
    funded.indicator_set.indicators.filter(code="O.2.3").update(wording="=HYPERLINK(1)")
    create(manager_client, funded)
    snapshot = FunderSnapshot.objects.get()
    text = manager_client.get(reverse("reports:snapshot-csv", args=[snapshot.pk])).content
    assert b",'=HYPERLINK(1)," in text


def test_small_counts_are_hidden_in_the_outputs(manager_client, settings, funded):
    settings.REPORT_SMALL_COUNT = 10
    create(manager_client, funded)
    snapshot = FunderSnapshot.objects.get()
    text = manager_client.get(reverse("reports:snapshot-csv", args=[snapshot.pk])).text
    o23 = next(line.split(",") for line in text.splitlines() if line.startswith("O.2.3,"))
    assert o23[:4] == ["O.2.3", "AMIF", "Participants in support activities", "< 10"]
    assert o23[5] == "< 10"


def test_a_programme_without_indicator_set_is_refused(manager_client, programme):
    response = create(manager_client, programme)
    assert response.status_code == 400
    assert "no indicator set yet" in response.text
    assert FunderSnapshot.objects.count() == 0


@pytest.mark.parametrize("who", ["coach_client", "administrator_client", "outsider_manager_client"])
def test_others_get_404_on_a_snapshot(request, who, manager_client, funded):
    create(manager_client, funded)
    snapshot = FunderSnapshot.objects.get()
    client = request.getfixturevalue(who)
    for name in ["reports:snapshot", "reports:snapshot-pdf", "reports:snapshot-csv"]:
        assert client.get(reverse(name, args=[snapshot.pk])).status_code == 404
    assert client.get(URL).status_code == 404 or who == "outsider_manager_client"


def test_anonymous_and_wrong_methods(client, manager_client):
    assert client.get(URL).url == login_url(URL)
    assert manager_client.post(URL).status_code == 405
    assert manager_client.get(reverse("reports:snapshot-create")).status_code == 405


def test_service_refuses_a_programme_without_a_set(programme, manager):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.funder_snapshot_request(
            programme=programme, period=Period(D(2025, 1, 1), D(2025, 6, 30)), by=manager.user
        )


@pytest.mark.parametrize("extra", [0, 20])
def test_queries_do_not_grow(manager_client, organisation, funded, extra,
                             django_assert_num_queries):  # fmt: skip
    for _n in range(extra):
        took_part(person(organisation, funded, started=D(2025, 3, 1)))
    assert Participant.objects.count() == 6 + extra
    # session; user with their staff record and organisation (header); the chosen
    # programme; the sets it is co-funded under, the indicators with the figures entered for
    # the project, the targets; enrolments with people, their coaches' sites and exit answers,
    # activity mappings with whether a session of theirs was held, attendance, events,
    # language assessments, follow-up calls; the page: the programme choices (once: the
    # select has no empty option to require), the snapshots list.
    with django_assert_num_queries(15):
        manager_client.get(URL, {"programme": funded.pk, **QUERY})


@pytest.mark.parametrize("extra", [0, 20])
def test_snapshot_page_queries_do_not_grow(manager_client, organisation, funded, extra,
                                           django_assert_num_queries):  # fmt: skip
    for _n in range(extra):
        took_part(person(organisation, funded, started=D(2025, 3, 1)))
    create(manager_client, funded)
    snapshot = FunderSnapshot.objects.get()
    took_part(person(organisation, funded, started=D(2025, 2, 1)))  # a late record: one change
    # session; user with their staff record and organisation (header); the snapshot with
    # its programme (and the programme's set), its set and author; counted again today: the
    # indicators, the targets, enrolments with people (and their exit answers), activity
    # mappings, attendance, events, language assessments, follow-up calls.
    with django_assert_num_queries(12):
        response = manager_client.get(snapshot.get_absolute_url())
    assert [row[1:] for row in response.context["changes"]][:1] == [
        (str(6 + extra), str(7 + extra))
    ]


def test_a_zero_opens_no_empty_list(manager_client, funded):
    report = manager_client.get(URL, {"programme": funded.pk, **QUERY}).context["report"]
    first = report["rows"][0]
    assert first["period"]["shown"] == "6" and "key=O.2.3%7Cperiod" in first["period"]["url"]
    gender = dict(first["breakdowns"])["Gender"]
    assert dict(gender)["Man"] == {"shown": "0", "url": ""}


def test_the_chart_does_not_give_away_a_hidden_small_count():
    from reports.views import _display

    def chart(count):
        row = {"code": "O.2.5", "wording": "-", "kind": "output", "period": count,
               "cumulative": count, "target": None, "breakdowns": {}}  # fmt: skip
        other = {**row, "code": "O.2.3", "period": 40}
        return _display({"rows": [other, row]}, 5)["charts"][0]

    assert chart(1) == chart(3) == chart(4) != chart(5)
    assert "&lt; 5" in chart(1)


NO_WORKER = "No report worker has started this job yet; tell your IT contact."


def queued_snapshot(monkeypatch, client, programme, *, waiting: datetime.timedelta):
    """A snapshot that no worker has taken, requested `waiting` ago (the clock moved back
    rather than waited for)."""
    monkeypatch.setattr(tasks, "build_funder_snapshot", SimpleNamespace(enqueue=lambda pk: None))
    create(client, programme)
    snapshot = FunderSnapshot.objects.get()
    FunderSnapshot.objects.filter(pk=snapshot.pk).update(created_at=snapshot.created_at - waiting)
    return snapshot


def test_the_page_warns_when_no_worker_took_the_job_after_a_minute(
    monkeypatch, manager_client, funded
):
    snapshot = queued_snapshot(
        monkeypatch, manager_client, funded, waiting=datetime.timedelta(seconds=61)
    )
    for headers in [{}, {"HX-Request": "true"}]:
        page = manager_client.get(snapshot.get_absolute_url(), headers=headers)
        assert NO_WORKER in page.text
        # It keeps asking: the warning goes once a worker starts.
        assert 'hx-trigger="every 2s"' in page.text


def test_the_page_does_not_warn_in_the_first_minute(monkeypatch, manager_client, funded):
    snapshot = queued_snapshot(
        monkeypatch, manager_client, funded, waiting=datetime.timedelta(seconds=50)
    )
    page = manager_client.get(snapshot.get_absolute_url())
    assert "<progress" in page.text and NO_WORKER not in page.text


def test_the_page_does_not_warn_once_a_worker_counts(monkeypatch, manager_client, funded):
    snapshot = queued_snapshot(
        monkeypatch, manager_client, funded, waiting=datetime.timedelta(minutes=10)
    )
    FunderSnapshot.objects.filter(pk=snapshot.pk).update(status=FunderSnapshot.Status.RUNNING)
    page = manager_client.get(snapshot.get_absolute_url())
    assert "<progress" in page.text and NO_WORKER not in page.text


def test_several_programmes_split_by_site_and_drill_down_equal_to_the_figure(
    manager_client, organisation, funded
):
    from tests.factories import make_programme

    second = amif(make_programme(organisation=organisation, starts_on=D(2025, 1, 1)))
    both = Participant.objects.get(first_name="P0")
    from tests.reports.builders import enrol

    enrol(both, second, started=D(2025, 3, 1))
    attended(both, second, kind="information_session", on=D(2025, 3, 4))
    took_part(person(organisation, second, started=D(2025, 2, 1), first_name="Second"))
    query = {"programme": funded.pk, "also": [second.pk], "by_site": "on", **QUERY}
    report = manager_client.get(URL, query).context["report"]
    first = report["rows"][0]
    assert first["period"]["shown"] == "7"  # six + one of the second; P0 once
    assert dict(dict(first["breakdowns"])["Site"])["No site recorded"]["shown"] == "7"
    people = manager_client.get(first["period"]["url"])
    assert len(people.context["participants"]) == 7
    # The snapshot keeps the programmes it counted, and counts them the same way again.
    manager_client.post(reverse("reports:snapshot-create"), query)
    snapshot = FunderSnapshot.objects.get()
    assert snapshot.parameters["also"] == [second.pk]
    assert snapshot.figures["rows"][0]["period"] == 7
    assert manager_client.get(snapshot.get_absolute_url()).context["changes"] == []


def test_a_mapping_that_matches_nothing_is_shown_as_a_warning(manager_client, funded):
    page = manager_client.get(URL, {"programme": funded.pk, **QUERY})
    warnings = page.context["report"]["warnings"]
    assert "O.2.3.1: no session of a mapped kind in 01/01/2025 – 30/06/2025" in warnings
    assert "O.2.3.3: no module or session kind is counted as this activity" in warnings
    assert "O.2.3.1: no session of a mapped kind" in page.text


def test_another_organisations_programme_cannot_be_added(manager_client, funded, other_programme):
    query = {"programme": funded.pk, "also": [other_programme.pk], **QUERY}
    page = manager_client.get(URL, query)
    assert "report" not in page.context and "also" in page.context["form"].errors
