"""Each project-site link says whether its project is listed, with an index
of the listed links by site: the projects near a place, with no other
filter, are read from it instead of checking every link's project.
``facets.refresh`` keeps the flag; here it is set for the links there are."""

from django.db import migrations, models


def mark_listed_links(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ProjectSite = apps.get_model("projects", "ProjectSite")
    listed = Project.objects.filter(is_live=True, archived_at__isnull=True).values("pk")
    ProjectSite.objects.filter(project_id__in=listed).update(listed=True)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0014_listed_id_eligibility'),
    ]

    operations = [
        migrations.AddField(
            model_name='projectsite',
            name='listed',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddIndex(
            model_name='projectsite',
            index=models.Index(condition=models.Q(('listed', True)), fields=['site', 'project'], name='listed_project_site_by_site'),
        ),
        migrations.RunPython(mark_listed_links, migrations.RunPython.noop),
    ]
