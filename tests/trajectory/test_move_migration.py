"""The move of the action plan, placements and referrals from participants to trajectory, and
the rename of TemplateStep to TodoTemplate, keep every row: a database at the schema of before
them, with a trajectory in it, migrates forward with the same rows, and the trajectory app
reads and writes them."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programme.models import TodoTemplate
from tests.factories import make_enrolment, make_participant, make_partner
from tests.trajectory.factories import make_consent, started
from trajectory import services
from trajectory.models import ActionStep, Goal, Placement, Referral

BEFORE_THE_MOVE = [
    ("participants", "0008_referral_source_transfer"),
    ("trajectory", None),
    ("programme", "0011_api_key_lifetime"),  # TodoTemplate was TemplateStep
]
MOVED = {"goal": Goal, "step": ActionStep, "placement": Placement, "referral": Referral}
# Fields added to the moved models later, with the value the migration gives existing rows.
ADDED_SINCE = {"placement": {"module_id": None, "weekdays": "", "starts_at": None, "ends_at": None}}


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh one knows what is applied now


def stored(model) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def rows_before_the_move(apps, enrolment, partner, consent) -> dict:
    """A trajectory written with the models as they were, in participants."""
    Goal = apps.get_model("participants", "Goal")
    Step = apps.get_model("participants", "Step")
    Placement = apps.get_model("participants", "Placement")
    Referral = apps.get_model("participants", "Referral")
    today = datetime.date(2026, 3, 2)
    goal = Goal.objects.create(
        enrolment_id=enrolment.pk, text="Read the letters from the commune", domain="autonomy"
    )
    Goal.objects.create(
        enrolment_id=enrolment.pk, text="Talk to the doctor", status="revised", revises=goal
    )
    Step.objects.create(goal=goal, text="Bring a letter each week", who="together", position=1)
    Step.objects.create(
        goal=goal, text="Join the reading café", who="participant", status="done", done_on=today
    )
    Placement.objects.create(
        enrolment_id=enrolment.pk,
        kind="volunteering",
        host_id=partner.pk,
        role="Kitchen help",
        hours_per_week="7.5",
        starts_on=today,
        status="ongoing",
        version=3,
    )
    Referral.objects.create(
        enrolment_id=enrolment.pk,
        partner_id=partner.pk,
        kind="legal",
        sent_on=today,
        reason="Family reunification",
        shares_personal_data=True,
        consent_id=consent.pk,
        status="waiting_list",
    )
    models = {"goal": Goal, "step": Step, "placement": Placement, "referral": Referral}
    apps.get_model("programme", "TemplateStep").objects.create(
        programme_id=enrolment.programme_id, kind="midway", offset_weeks=13, repeat_every_weeks=13
    )
    return {name: stored(model) for name, model in models.items()}


@pytest.fixture
def latest(transactional_db):
    """Whatever the test does, it leaves the database migrated to the latest state."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    yield leaves
    migrate(leaves)


def test_the_move_keeps_every_row_and_the_content_types(latest, organisation, coach):
    participant = make_participant(organisation=organisation, coach=coach.user)
    enrolment = started(make_enrolment(participant=participant))
    partner = make_partner(organisation=organisation, hosts_volunteers=True)
    consent = make_consent(participant=participant, partner=partner)
    step_type = ContentType.objects.get_for_model(ActionStep)
    permissions = set(step_type.permission_set.values_list("pk", flat=True))
    assert permissions

    executor = migrate(BEFORE_THE_MOVE)
    # Before the move the content type is participants' again: the same row, its permissions.
    assert ContentType.objects.get(app_label="participants", model="step").pk == step_type.pk
    apps = executor.loader.project_state([node for node in BEFORE_THE_MOVE if node[1]]).apps
    before = rows_before_the_move(apps, enrolment, partner, consent)

    migrate(latest)

    after = {name: stored(model) for name, model in MOVED.items()}
    # Columns added since the move hold their defaults in the rows it carried.
    for name, added in ADDED_SINCE.items():
        for row in after[name]:
            assert {field: row.pop(field) for field in added} == added
    assert after == before
    assert {name: len(rows) for name, rows in after.items()} == {
        "goal": 2,
        "step": 2,
        "placement": 1,
        "referral": 1,
    }
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(ActionStep).pk == step_type.pk
    assert not ContentType.objects.filter(app_label="participants", model__in=MOVED).exists()
    assert permissions <= set(step_type.permission_set.values_list("pk", flat=True))

    # The trajectory app works on the rows it inherited.
    goal = Goal.objects.get(revises__isnull=True)
    assert goal.revised_by.text == "Talk to the doctor"
    assert [step.text for step in goal.steps.filter(status=ActionStep.Status.OPEN)] == [
        "Bring a letter each week"
    ]
    placement = Placement.objects.get()
    assert (placement.host, placement.hours_per_week, placement.version) == (partner, 7.5, 3)
    referral = Referral.objects.get()
    assert (referral.consent, referral.status) == (consent, Referral.Status.WAITING_LIST)
    services.step_mark_done(step=goal.steps.get(status="todo"), by=coach.user)
    assert not goal.steps.filter(status=ActionStep.Status.OPEN).exists()
    assert enrolment.placements.get() == placement
    line = enrolment.programme.template_steps.get()
    assert (line.kind, line.offset_weeks, line.repeat_every_weeks) == (
        TodoTemplate.Kind.MIDWAY,
        13,
        13,
    )
