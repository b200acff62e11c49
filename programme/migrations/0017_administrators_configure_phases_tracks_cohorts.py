"""Administrators already in place get what the role now includes (programme.services
ADMINISTRATOR_MODELS): the programme's phases, tracks and cohorts, edited with its modules.
New administrators get it when their role is given."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["phase", "track", "cohort"]


def grant(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Staff = apps.get_model("programme", "Staff")
    administrators = list(Staff.objects.filter(role="administrator").select_related("user"))
    # On a new database there is no administrator yet: the permissions come after the
    # migrations, as usual.
    if not administrators:
        return
    # The permissions of models created in this run do not exist before post_migrate.
    create_permissions(apps.get_app_config("programme"), apps=apps, verbosity=0)
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="programme", content_type__model__in=MODELS
        )
    )
    for staff in administrators:
        staff.user.user_permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0016_phases_tracks_cohorts_structured_rhythm"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
