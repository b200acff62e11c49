"""Administrators already in place get what the role now includes (programme.services
_grant_role): reading their organisation's audit log, and lifting their colleagues' sign-in
lock-outs. New administrators get it when their role is given."""

from django.db import migrations
from django.db.models import Q

OVERSIGHT = Q(content_type__app_label="audit", codename="view_event") | Q(
    content_type__app_label="axes",
    codename__in=["view_accessattempt", "delete_accessattempt"],
)


def grant(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Staff = apps.get_model("programme", "Staff")
    # On a new database the permissions come after the migrations, and there is no
    # administrator yet either: nothing to do.
    permissions = list(Permission.objects.filter(OVERSIGHT))
    if not permissions:
        return
    for staff in Staff.objects.filter(role="administrator").select_related("user"):
        staff.user.user_permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("programme", "0008_retention_years"),
        ("audit", "0002_append_only_trigger"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
