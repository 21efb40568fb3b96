"""Each project-site link says whether its project is listed and open now,
with an index of those links by site: "recruiting now" near a place reads
them alone instead of looking up each project at the sites in reach.
``facets.refresh`` keeps the flag; here it is set for the links there are."""

from django.db import migrations, models

OPEN_STATUSES = ["recruiting", "available"]  # choices.OPEN_STATUSES when this was written


def mark_recruiting_links(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ProjectSite = apps.get_model("projects", "ProjectSite")
    open_now = Project.objects.filter(
        is_live=True, archived_at__isnull=True, research_status__in=OPEN_STATUSES
    ).values("pk")
    ProjectSite.objects.filter(project_id__in=open_now).update(recruiting=True)


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0017_facet_site_areas"),
    ]

    operations = [
        migrations.AddField(
            model_name="projectsite",
            name="recruiting",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name="projectsite",
            index=models.Index(
                condition=models.Q(("recruiting", True)),
                fields=["site", "project"],
                name="recruiting_project_site",
            ),
        ),
        migrations.RunPython(mark_recruiting_links, migrations.RunPython.noop),
    ]
