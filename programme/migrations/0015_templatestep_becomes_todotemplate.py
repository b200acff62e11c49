"""A line of the programme's trajectory template becomes to-dos, so it is called TodoTemplate
(no longer TemplateStep, too close to the action plan's steps). The table is renamed; Django
renames the content type; the permissions' codenames follow here, so administrators keep the
rights they were given on it."""

from django.db import migrations

ACTIONS = ["add", "change", "delete", "view"]


def _rename_permissions(apps, schema_editor, old: str, new: str) -> None:
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(schema_editor.connection.alias).filter(
        content_type__app_label="programme"
    )
    for action in ACTIONS:
        if not permissions.filter(codename=f"{action}_{new}").exists():
            permissions.filter(codename=f"{action}_{old}").update(codename=f"{action}_{new}")


def forwards(apps, schema_editor):
    _rename_permissions(apps, schema_editor, "templatestep", "todotemplate")


def backwards(apps, schema_editor):
    _rename_permissions(apps, schema_editor, "todotemplate", "templatestep")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("programme", "0014_indicator_wordings"),
    ]

    operations = [
        migrations.RenameModel(old_name="TemplateStep", new_name="TodoTemplate"),
        migrations.RunPython(forwards, backwards, elidable=True),
    ]
