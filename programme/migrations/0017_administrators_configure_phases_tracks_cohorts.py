"""Administrators already in place get what the role now includes (programme.services
ADMINISTRATOR_MODELS): the programme's phases, tracks and cohorts, edited with its modules.
New administrators get it when their role is given."""

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
    # The content types and permissions of models created in this run do not exist before
    # post_migrate: made here as post_migrate makes them (it then finds them in place).
    ContentType = apps.get_model("contenttypes", "ContentType")
    permissions = []
    for model in MODELS:
        content_type, _created = ContentType.objects.get_or_create(
            app_label="programme", model=model
        )
        for action in ("add", "change", "delete", "view"):
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {model}"},
            )
            permissions.append(permission)
    for staff in administrators:
        staff.user.user_permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0016_phases_tracks_cohorts_structured_rhythm"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
