"""Versions in the admin: history, any-two comparison, restore as a draft,
and the reading-grade gate on submit."""

import pytest
from django.urls import reverse

from projects import editing, revisions, workflow
from projects.models import GlossaryTerm

from .test_admin import form_data, messages_of, project_fields

pytestmark = pytest.mark.django_db

LONG_SUMMARY = (
    "This multidisciplinary investigation characterizes immunological mechanisms underlying "
    "tumor-associated extracellular matrix remodeling, elucidating pathophysiological determinants "
    "of lymphocytic infiltration heterogeneity across histologically stratified malignancies."
)


def _url(name, project, *args):
    return reverse(f"admin:projects_project_{name}", args=[project.pk, *args])


def test_history_lists_every_version_and_compares_any_two(client, editor, make_project):
    project = make_project(lay_summary="One.")
    for text in ("Two.", "Three."):
        editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": text})
        project.refresh_from_db()
    client.force_login(editor)
    page = client.get(_url("versions", project))
    assert [v.number for v in page.context["versions"]] == [3, 2, 1]
    compare = client.get(_url("compare", project), {"from": 1, "to": 3})
    assert [c.name for c in compare.context["changes"]] == ["lay_summary"]
    assert "<del>One</del>" in compare.content.decode() and "<ins>Three</ins>" in compare.content.decode()
    assert client.get(_url("compare", project), {"from": 1, "to": 99}).status_code == 404
    assert client.get(_url("compare", project), {"from": "x"}).status_code == 400


def test_restore_from_the_admin_makes_a_draft_that_needs_approval(client, editor, make_project, publish):
    project = publish(make_project(lay_summary="Approved."))
    editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": "Worse."})
    project.refresh_from_db()
    client.force_login(editor)
    response = client.post(_url("restore", project, 1), {"base_version": project.version})
    assert any("needs a reviewer's approval" in m for m in messages_of(response))
    project.refresh_from_db()
    assert revisions.draft_content(project)["lay_summary"] == "Approved."
    assert project.status == "draft" and project.is_live


def test_restore_is_refused_while_in_review_and_to_reviewers(client, editor, reviewer, make_project):
    project = make_project()
    workflow.submit(project, editor)
    client.force_login(editor)
    assert client.post(_url("restore", project, 1)).status_code == 403
    client.force_login(reviewer)
    assert client.post(_url("restore", project, 1)).status_code == 403


def test_a_hard_summary_needs_a_reason_to_be_submitted(client, editor, make_project):
    GlossaryTerm.objects.create(term="infiltration", plain="moving into")
    project = make_project(lay_summary=LONG_SUMMARY, last_edited_by=editor)
    client.force_login(editor)
    page = client.get(_url("change", project)).content.decode()
    assert "Plain-language check" in page and "infiltration</strong> → moving into" in page
    url = _url("change", project)
    base = form_data(client, url, **project_fields(project.sponsor, nih_application_id=project.nih_application_id,
                                                   lay_summary=LONG_SUMMARY), _submit_for_review="1")
    response = client.post(url, {**base, "base_version": project.version})
    assert any("above the target of 8" in m for m in messages_of(response))
    project.refresh_from_db()
    assert project.status == "draft"
    response = client.post(url, {**base, "base_version": project.version,
                                 "readability_override": "Reviewed with the PI; the terms are defined below."})
    project.refresh_from_db()
    assert project.status == "in_review"
    details = project.review_events.first().details
    assert details["readability_override"].startswith("Reviewed with the PI") and details["reading_grade"] > 8
