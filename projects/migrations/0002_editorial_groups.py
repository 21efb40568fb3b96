"""Create the "Editors" and "Reviewers" groups with their permissions.

Permissions are normally created after all migrations run; creating them
here first lets a fresh database have working groups straight away.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
REVIEWERS = "Reviewers"

#: model -> actions, for the people who write pages.
EDITOR_PERMISSIONS = {
    "project": ["add", "change", "view"],
    "projectinvestigator": ["add", "change", "delete", "view"],
    "investigator": ["add", "change", "view"],
    "site": ["add", "change", "view"],
    "organization": ["add", "change", "view"],
    "condition": ["add", "change", "view"],
    "reviewevent": ["view"],
}
EDITOR_EXTRA = ["submit_project"]

#: Reviewers read everything and act through the workflow; they do not
#: rewrite content, so what they approve is what the editor wrote.
REVIEWER_PERMISSIONS = {model: ["view"] for model in EDITOR_PERMISSIONS}
REVIEWER_EXTRA = ["review_project"]


def _codenames(per_model, extra):
    return [f"{action}_{model}" for model, actions in per_model.items() for action in actions] + extra


def create_groups(apps, schema_editor):
    app_config = apps.get_app_config("projects")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, per_model, extra in (
        (EDITORS, EDITOR_PERMISSIONS, EDITOR_EXTRA),
        (REVIEWERS, REVIEWER_PERMISSIONS, REVIEWER_EXTRA),
    ):
        codenames = _codenames(per_model, extra)
        permissions = Permission.objects.filter(
            content_type__app_label="projects", codename__in=codenames
        )
        assert permissions.count() == len(codenames), "missing permissions"
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITORS, REVIEWERS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
