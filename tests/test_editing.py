"""The one save path: no lost update, no stale write of workflow fields,
no change to a live page without review."""

import pytest
from django.utils import timezone

from projects import editing, revisions, workflow
from projects.choices import RevisionKind
from projects.models import Condition, Organization, Project, unique_slugs

pytestmark = pytest.mark.django_db


def _content(project, **changes):
    return {**revisions.snapshot(project), **changes}


def test_a_save_from_an_old_version_is_refused_and_names_who_changed_what(make_project, editor, superuser):
    project = make_project()
    loaded_at = project.version
    editing.save_content(project, superuser, content=_content(project, lay_summary="The boss's words."),
                         base_version=loaded_at)
    with pytest.raises(editing.EditConflict) as conflict:
        editing.save_content(project, editor, content=_content(project, lay_summary="Mine."),
                             base_version=loaded_at)
    assert "boss saved this page after you opened it" in str(conflict.value)
    assert "summary" in str(conflict.value)
    assert [c.name for c in conflict.value.changes] == ["lay_summary"]
    project.refresh_from_db()
    assert project.lay_summary == "The boss's words."  # nothing lost
    # Having seen the change, the editor saves from the current version: kept.
    editing.save_content(project, editor, content=_content(project, lay_summary="Mine."),
                         base_version=conflict.value.current_version)
    project.refresh_from_db()
    assert project.lay_summary == "Mine."
    assert [r.content["lay_summary"] for r in project.revisions.order_by("number")][-2:] == ["The boss's words.", "Mine."]


def test_a_save_never_writes_workflow_fields(make_project, editor, reviewer):
    """Issue: a stale form's full-row save wrote back the old status."""
    project = make_project()
    stale = Project.objects.get(pk=project.pk)
    workflow.submit(project, editor)
    workflow.send_back(project, reviewer, "Shorter please")
    stale.status = "draft"
    editing.save_content(stale, editor, content=_content(stale, lay_summary="Shorter."))
    project.refresh_from_db()
    assert project.status == "changes_requested" and project.submitted_by == editor
    assert project.lay_summary == "Shorter."


def test_content_submitted_meanwhile_is_not_overwritten(make_project, editor):
    project = make_project()
    loaded = Project.objects.get(pk=project.pk)
    workflow.submit(project, editor)
    with pytest.raises(editing.NotEditable, match="in review"):
        editing.save_content(loaded, editor, content=_content(loaded, lay_summary="Late edit"),
                             base_version=loaded.version)
    project.refresh_from_db()
    assert project.lay_summary == "A plain summary of the research." and project.status == "in_review"


def test_a_live_pages_edit_waits_in_a_draft(client, make_project, publish, editor):
    project = publish(make_project(lay_summary="Approved words."))
    before = client.get(project.get_absolute_url()).content
    editing.save_content(project, editor, content=_content(project, lay_summary="Unreviewed words."))
    assert client.get(project.get_absolute_url()).content == before
    assert revisions.has_pending_draft(Project.objects.get(pk=project.pk))


def test_source_facts_of_a_live_page_are_not_changed_by_a_save(make_project, publish, editor):
    project = publish(make_project(official_title="Original"))
    with pytest.raises(editing.NotEditable, match="source record"):
        editing.save_content(project, editor, content=_content(project), source_values={"official_title": "Changed"})
    project.refresh_from_db()
    assert project.official_title == "Original"


def test_source_facts_of_an_imported_draft_change_only_with_its_registry_record(
    make_project, editor
):
    project = make_project(official_title="As registered")
    Project.objects.filter(pk=project.pk).update(imported_at=timezone.now())
    project.refresh_from_db()
    with pytest.raises(editing.NotEditable, match="next import of that record"):
        editing.save_content(
            project, editor, content=_content(project), source_values={"official_title": "Typed"}
        )
    editing.save_content(project, editor, content=_content(project, lay_summary="Editors' words."))
    project.refresh_from_db()
    assert (project.official_title, project.lay_summary) == ("As registered", "Editors' words.")


def test_restore_makes_an_old_version_the_new_draft(make_project, publish, editor, reviewer):
    project = publish(make_project(lay_summary="First."))
    editing.save_content(project, editor, content=_content(project, lay_summary="Second."))
    first = project.revisions.get(number=1)
    new = editing.restore(project, editor, first)
    project.refresh_from_db()
    assert new.kind == "restored" and new.number == 3
    assert revisions.draft_content(project)["lay_summary"] == "First."
    assert project.lay_summary == "First."  # still the live text: the restore is only a draft
    assert project.review_events.first().action == "restored"
    workflow.submit(project, editor)
    assert [c.name for c in revisions.diff(project.live_revision.content, new.content)] == []


def test_creating_many_projects_at_once_makes_the_same_rows_as_one_at_a_time(editor):
    sponsor = Organization.objects.create(name="Example University")
    condition = Condition.objects.create(name="Asthma")
    one = Project(
        study_type="nih_research", nih_application_id=1, official_title="One", lay_title="Same title",
        funding_mechanism="research_grant", sponsor=sponsor,
    )
    editing.create_project(one, editor, conditions=[condition], kind=RevisionKind.IMPORTED)
    slugs = unique_slugs(Project, ["Same title NIH 2", "Same title NIH 3"], 120)
    many = [
        {
            "study_type": "nih_research", "nih_application_id": n, "official_title": "Many",
            "lay_title": "Same title", "funding_mechanism": "research_grant",
            "sponsor_id": sponsor.pk, "slug": slug,
        }
        for n, slug in zip((2, 3), slugs, strict=True)
    ]
    pks = editing.create_projects(
        many, editor, conditions=[[condition], []], kind=RevisionKind.IMPORTED
    )
    first, second = Project.objects.filter(pk__in=pks).order_by("pk")
    created = [first.revisions.get(), second.revisions.get()]
    assert [p.slug for p in Project.objects.order_by("pk")] == [
        "same-title-nih-1", "same-title-nih-2", "same-title-nih-3",
    ]
    assert (first.version, first.status, first.last_edited_by) == (1, "draft", editor)
    assert list(first.conditions.all()) == [condition] and first.search_conditions == "Asthma"
    assert [r.number for r in created] == [1, 1]
    assert created[0].content == one.revisions.get().content
    assert created[0].changed_fields == one.revisions.get().changed_fields
    assert second.revisions.get().content["conditions"] == []
