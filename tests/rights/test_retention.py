"""The retention rule: manage.py apply_retention anonymises the files whose period is over,
dry-run by default; funder reports already produced render the same afterwards."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from participants.models import Participant
from reports.models import FunderSnapshot
from rights import services
from rights.models import Erasure
from tests.reports.builders import amif, person

D = datetime.date


@pytest.fixture
def funded(organisation, programme):
    amif(programme)
    for n in range(4):
        person(organisation, programme, started=D(2019, 2, 1 + n), exited=D(2019, 9, 1),
               first_name=f"Gone{n}")  # fmt: skip
    person(organisation, programme, started=D(2019, 3, 1), first_name="Still-here")
    return programme


def run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def test_dry_run_by_default(funded):
    output = run()
    assert "4 file(s) to anonymise" in output and "Dry run" in output
    assert not Erasure.objects.exists()


def test_apply_anonymises_only_the_expired_files(funded):
    output = run("--apply")
    assert "4 file(s) anonymised" in output
    assert set(Participant.objects.values_list("first_name", flat=True)) == {
        "Erased", "Still-here"
    }  # fmt: skip
    assert set(Erasure.objects.values_list("reason", flat=True)) == {"retention"}
    assert "0 file(s) to anonymise" in run()  # nothing twice


def test_the_programme_sets_the_period(funded):
    funded.retention_years = 10
    funded.save()
    assert services.retention_expired(D(2029, 12, 31)) == []
    assert len(services.retention_expired(D(2030, 1, 1))) == 4


def test_funder_reports_render_the_same_afterwards(manager_client, funded):
    query = {"programme": funded.pk, "start": "2019-01-01", "end": "2019-12-31"}
    manager_client.post(reverse("reports:snapshot-create"), query)
    snapshot = FunderSnapshot.objects.get()
    csv_url = reverse("reports:snapshot-csv", args=[snapshot.pk])
    before = manager_client.get(csv_url).content
    page_before = manager_client.get(snapshot.get_absolute_url()).context["report"]
    run("--apply")
    assert Erasure.objects.count() == 4
    assert manager_client.get(csv_url).content == before
    assert manager_client.get(snapshot.get_absolute_url()).context["report"] == page_before
