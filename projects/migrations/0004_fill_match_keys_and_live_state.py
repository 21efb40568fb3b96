"""Fill what 0003 added for the rows that already exist.

- match keys for organizations, sites and investigators;
- ``is_live`` for published pages, and when their live content went live;
- one saved version of each project's plain-language content, which is the
  live version for published pages (revisions start here).
"""

from django.db import migrations

from projects.normalize import match_key

EDITORIAL_TEXT_FIELDS = (
    "lay_title", "lay_summary", "research_focus", "good_fit", "not_a_fit",
    "potential_benefit", "similar_studies",
)


def forwards(apps, schema_editor):
    Organization = apps.get_model("projects", "Organization")
    Site = apps.get_model("projects", "Site")
    Investigator = apps.get_model("projects", "Investigator")
    Project = apps.get_model("projects", "Project")
    ProjectRevision = apps.get_model("projects", "ProjectRevision")

    for org in Organization.objects.all():
        org.match_key = match_key(org.name, org.city)
        org.save(update_fields=["match_key"])
    for site in Site.objects.all():
        site.match_key = match_key(site.institution, site.city, site.state, site.country)
        site.save(update_fields=["match_key"])
    for person in Investigator.objects.all():
        person.match_key = match_key(person.name, str(person.organization_id or ""))
        person.save(update_fields=["match_key"])

    for project in Project.objects.all():
        conditions = list(project.conditions.order_by("name"))
        content = {name: getattr(project, name) for name in EDITORIAL_TEXT_FIELDS}
        content["conditions"] = [c.pk for c in conditions]
        revision = ProjectRevision.objects.create(
            project=project, number=1, version=1, kind="saved", content=content,
            changed_fields=[*EDITORIAL_TEXT_FIELDS, "conditions"],
            created_by_id=project.last_edited_by_id,
        )
        project.version = 1
        project.search_conditions = " ".join(c.name for c in conditions)
        if project.status == "published":
            project.is_live = True
            project.last_published_at = project.first_published_at
            project.live_revision = revision
            revision.approved_at = project.first_published_at
            revision.approved_by_id = project.last_reviewed_by_id
            revision.save(update_fields=["approved_at", "approved_by"])
        project.save(update_fields=[
            "version", "search_conditions", "is_live", "last_published_at", "live_revision",
        ])


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_sources_revisions_eligibility")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
