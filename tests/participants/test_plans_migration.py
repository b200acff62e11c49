"""Today's group memberships become module plans (participants 0013): a database at the schema
of before the plan, with memberships of groups that have a module, migrates forward with one
plan row per enrolment and module, running or done, dated from the memberships."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from participants.models import PlannedModule
from tests.factories import make_enrolment, make_module, make_participant, make_programme

BEFORE_THE_PLAN = [
    ("participants", "0011_trajectory_moves_out"),
    ("programme", "0015_templatestep_becomes_todotemplate"),
    ("activities", "0006_attendance_paused"),
]
D = datetime.date


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.fixture
def latest(transactional_db):
    """Whatever the test does, it leaves the database migrated to the latest state."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    yield leaves
    migrate(leaves)


def test_memberships_become_plan_rows(latest, organisation, coach):
    programme = make_programme(organisation=organisation, name="Interactief!")
    via = make_module(programme=programme, name="VIA")
    mi = make_module(programme=programme, name="M.I.")
    go = make_module(programme=programme, name="OCMW Go")
    amal = make_participant(organisation=organisation, first_name="Amal")
    dawit = make_participant(organisation=organisation, first_name="Dawit")
    karim = make_participant(organisation=organisation, first_name="Karim")
    amal_now = make_enrolment(
        participant=amal, programme=programme, status="active", referred_on=D(2026, 1, 2),
        started_on=D(2026, 1, 10),
    )  # fmt: skip
    dawit_gone = make_enrolment(
        participant=dawit, programme=programme, status="exited", referred_on=D(2025, 9, 1),
        started_on=D(2025, 9, 15), exited_on=D(2026, 2, 1), exit_reason="completed",
    )  # fmt: skip
    # Karim left once and came back: his second membership belongs to the second enrolment.
    karim_before = make_enrolment(
        participant=karim, programme=programme, status="exited", referred_on=D(2025, 1, 5),
        started_on=D(2025, 1, 10), exited_on=D(2025, 5, 30), exit_reason="dropped_out",
    )  # fmt: skip
    karim_now = make_enrolment(
        participant=karim, programme=programme, status="active", referred_on=D(2026, 3, 1),
        started_on=D(2026, 3, 2),
    )  # fmt: skip

    executor = migrate(BEFORE_THE_PLAN)
    apps = executor.loader.project_state(BEFORE_THE_PLAN).apps
    Group = apps.get_model("activities", "Group")
    Membership = apps.get_model("activities", "GroupMembership")

    def group(module, name):
        return Group.objects.create(
            programme_id=programme.pk, module_id=module.pk if module else None, name=name,
            starts_on=D(2025, 1, 1),
        )  # fmt: skip

    via_1, via_2, mi_1, go_1, loose = (
        group(via, "VIA 1"), group(via, "VIA 2"), group(mi, "M.I. 1"), group(go, "Go"),
        group(None, "Café"),
    )  # fmt: skip
    rows = [
        # Amal: moved from one VIA group to the other, still in it; M.I. ended.
        (via_1, amal, D(2026, 1, 12), D(2026, 2, 1)),
        (via_2, amal, D(2026, 2, 2), None),
        (mi_1, amal, D(2026, 1, 20), D(2026, 3, 1)),
        (loose, amal, D(2026, 1, 12), None),  # a group without a module: no plan row
        # Dawit: his membership was never closed, but he has exited.
        (go_1, dawit, D(2025, 9, 15), None),
        # Karim: one membership per enrolment.
        (via_1, karim, D(2025, 1, 12), D(2025, 5, 30)),
        (mi_1, karim, D(2026, 3, 3), None),
    ]
    for grp, person, joined, left in rows:
        Membership.objects.create(
            group_id=grp.pk, participant_id=person.pk, joined_on=joined, left_on=left
        )

    migrate(latest)

    plan = {
        (row.enrolment_id, row.module.name): (row.status, row.position, row.starts_on, row.ends_on)
        for row in PlannedModule.objects.select_related("module")
    }
    assert plan == {
        (amal_now.pk, "VIA"): ("running", 1, D(2026, 1, 12), None),
        (amal_now.pk, "M.I."): ("done", 2, D(2026, 1, 20), D(2026, 3, 1)),
        (dawit_gone.pk, "OCMW Go"): ("done", 1, D(2025, 9, 15), D(2026, 2, 1)),
        (karim_before.pk, "VIA"): ("done", 1, D(2025, 1, 12), D(2025, 5, 30)),
        (karim_now.pk, "M.I."): ("running", 1, D(2026, 3, 3), None),
    }
