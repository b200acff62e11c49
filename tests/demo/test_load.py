import datetime

import pytest
from django.core.management import call_command
from django.db.models import F
from stdnum.be import nn

from demo import load as demo
from demo import people
from participants.models import Enrolment, Participant
from programme.models import Organisation, Programme, Staff

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def test_it_builds_the_five_programme_designs():
    counts = demo.load(today=TODAY)
    assert counts["organisations"] == 5
    assert counts["participants"] == 200
    assert counts["enrolments"] == 200
    # The apps above add theirs: groups with weekly series, attendance, assessments.
    assert counts["groups"] >= 5
    assert counts["attendance"] > 0
    assert counts["language assessments"] > 0
    programmes = {p.code: p for p in Programme.objects.prefetch_related("criteria", "modules")}
    assert set(programmes) == {"amie", "interactief", "activ-up", "mod-actions", "move-up"}
    # The designs differ: AMIE has the longest list of criteria, MOD'ACTIONS none at all.
    assert len(programmes["amie"].criteria.all()) == 9
    assert len(programmes["mod-actions"].criteria.all()) == 0
    assert programmes["move-up"].entry_mode == Programme.EntryMode.COHORT
    assert all(p.modules.all() for p in programmes.values())
    assert Staff.objects.filter(role=Staff.Role.MANAGER).count() == 5


def test_every_status_history_ends_in_the_enrolment_status():
    demo.load(today=TODAY)
    for enrolment in Enrolment.objects.prefetch_related("changes"):
        changes = list(enrolment.changes.all())
        assert changes[0].to_status == Enrolment.Status.REFERRED
        assert changes[-1].to_status == enrolment.status
        for before, after in zip(changes, changes[1:], strict=False):
            assert after.from_status == before.to_status
            assert Enrolment(status=before.to_status).can_become(after.to_status)


def test_admitted_people_keep_the_day_they_joined_the_waiting_list():
    demo.load(today=TODAY)
    for enrolment in Enrolment.objects.prefetch_related("changes"):
        joined = [c.changed_at for c in enrolment.changes.all() if c.to_status == "waiting_list"]
        assert enrolment.waiting_since == (joined[0] if joined else None)


def test_at_national_scale_each_organisation_runs_its_design_in_five_districts(monkeypatch):
    # The national layout without its size: from scale 1 on, for this test.
    monkeypatch.setattr(people, "NATIONAL_SCALE", 1)
    counts = demo.load(today=TODAY)
    assert counts["programmes"] == 25 and counts["participants"] == 200
    codes = set(Programme.objects.values_list("code", flat=True))
    assert {"amie", "amie-2", "amie-5", "move-up", "move-up-5"} <= codes
    assert Programme.objects.get(code="amie-3").name == "AMIE Zuid"
    # Every programme has people, followed by coaches of its own organisation.
    assert not Programme.objects.filter(enrolments__isnull=True).exists()
    assert not Enrolment.objects.exclude(
        coach__staff__organisation=F("programme__organisation")
    ).exists()
    # Each district's programme has its design's structure: phases, tracks, cohorts.
    move_up_3 = Programme.objects.get(code="move-up-3")
    assert move_up_3.phases.count() == 3 and move_up_3.cohorts.exists()
    assert not Enrolment.objects.filter(
        programme=move_up_3, started_on__isnull=False, cohort__isnull=True
    ).exists()
    assert Programme.objects.get(code="amie-4").tracks.count() == 2


def test_register_numbers_are_valid_and_unique():
    demo.load(scale=3, today=TODAY)
    numbers = list(
        Participant.objects.exclude(national_number="").values_list("national_number", flat=True)
    )
    assert len(numbers) > 300
    assert all(nn.is_valid(number) for number in numbers)
    assert len(numbers) == len(set(numbers))


# --reset flushes the database, which PostgreSQL refuses inside the test's transaction.
@pytest.mark.django_db(transaction=True)
def test_the_same_seed_gives_the_same_people():
    demo.load(today=TODAY)
    first = list(
        Participant.objects.order_by("pk").values_list("first_name", "last_name", "birth_date")
    )
    call_command("load_demo_data", "--reset", stdout=None)
    # --reset rebuilds from today's date; names and their order depend on the seed alone.
    again = list(Participant.objects.order_by("pk").values_list("first_name", "last_name"))
    assert [row[:2] for row in first] == again


def test_the_command_can_run_twice(capsys):
    call_command("load_demo_data")
    call_command("load_demo_data")
    assert "already loaded" in capsys.readouterr().out
    assert Organisation.objects.count() == 5


def test_demo_logins_name_one_user_per_role(capsys):
    call_command("load_demo_data")
    call_command("demo_logins", "--url", "http://127.0.0.1:8123/")
    out = capsys.readouterr().out
    for username in ("coach", "manager", "admin"):
        assert f" {username} " in out
    assert "http://127.0.0.1:8123/" in out
