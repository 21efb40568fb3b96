"""A listed study's places (how many of its sites are in each country and
state), kept on its facet row so the page of a trial with hundreds of sites
does not count them (``ProjectFacets.site_areas``). A project with at most
25 sites (``models.SITES_ON_PAGE`` when this was written) lists its sites
instead: its row gets [] here. A bigger one's stays null, and its page
counts its sites, until ``facets.refresh`` next reads it
(``manage.py refresh_facets`` does them all)."""

from django.db import migrations, models


def mark_small_projects(apps, schema_editor):
    ProjectFacets = apps.get_model("projects", "ProjectFacets")
    ProjectFacets.objects.filter(site_count__lte=25).update(site_areas=[])


class Migration(migrations.Migration):

    dependencies = [
        ("projects", "0016_term_leaders"),
    ]

    operations = [
        migrations.AddField(
            model_name="projectfacets",
            name="site_areas",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(mark_small_projects, migrations.RunPython.noop),
    ]
