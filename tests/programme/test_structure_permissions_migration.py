"""An administrator already in place on a database from before the programme structure gets
the permissions for its phases, tracks and cohorts when the database is migrated
(programme/migrations/0017): those models' content types and permissions do not exist yet
then, since Django makes them only after the migrations."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from programme.models import Staff
from tests.factories import make_staff

BEFORE = [
    ("programme", "0015_templatestep_becomes_todotemplate"),
    ("participants", "0011_trajectory_moves_out"),
    ("activities", "0006_attendance_paused"),
]
MODELS = ["phase", "track", "cohort"]


@pytest.mark.django_db(transaction=True)
def test_an_administrator_in_place_may_configure_the_structure():
    administrator = make_staff(role=Staff.Role.ADMINISTRATOR)
    coach = make_staff()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    # As on a database that never had these models: no content type, no permission.
    ContentType.objects.filter(app_label="programme", model__in=MODELS).delete()
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    granted = set(
        User.objects.get(pk=administrator.user_id)
        .user_permissions.filter(content_type__model__in=MODELS)
        .values_list("codename", flat=True)
    )
    assert granted == {f"{action}_{model}" for action in ("add", "change", "delete", "view")
                       for model in MODELS}  # fmt: skip
    assert (
        not User.objects.get(pk=coach.user_id)
        .user_permissions.filter(content_type__model__in=MODELS)
        .exists()
    )
    assert Permission.objects.filter(content_type__model__in=MODELS).count() == 12
