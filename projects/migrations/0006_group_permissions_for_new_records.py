"""Give the editorial groups their permissions on the records 0003 added.

Editors write contacts, site links and the glossary, and read revisions.
Reviewers may now correct shared records (sites, people, organizations,
conditions) that appear on live pages: editors may not, so such a change
is always made, and recorded, by a reviewer (see projects/shared_records.py).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = {
    "projectsite": ["add", "change", "delete", "view"],
    "contact": ["add", "change", "delete", "view"],
    "grantlink": ["view"],
    "projectrevision": ["view"],
    "glossaryterm": ["add", "change", "view"],
}
REVIEWER_PERMISSIONS = {
    "projectsite": ["view"],
    "contact": ["view"],
    "grantlink": ["view"],
    "projectrevision": ["view"],
    "glossaryterm": ["add", "change", "view"],
    "site": ["change"],
    "investigator": ["change"],
    "organization": ["change"],
    "condition": ["change"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("projects")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, per_model in (("Editors", EDITOR_PERMISSIONS), ("Reviewers", REVIEWER_PERMISSIONS)):
        codenames = [f"{action}_{model}" for model, actions in per_model.items() for action in actions]
        permissions = Permission.objects.filter(
            content_type__app_label="projects", codename__in=codenames
        )
        assert permissions.count() == len(codenames), "missing permissions"
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_match_keys_unique_and_project_rules"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
