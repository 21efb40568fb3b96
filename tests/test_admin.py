"""The editorial workflow as people use it: through the Django admin."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from projects import workflow
from projects.models import Investigator, Organization, Project, Site

from .conftest import BOSTON

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:projects_project_add")
CHANGELIST_URL = reverse("admin:projects_project_changelist")


def change_url(project):
    return reverse("admin:projects_project_change", args=[project.pk])


def transition_url(project):
    return reverse("admin:projects_project_transition", args=[project.pk])


def preview_url(project):
    return reverse("admin:projects_project_preview", args=[project.pk])


def form_data(client, url, **fields):
    """What the browser would post for the admin form at ``url``: the
    inline management forms as the page rendered them, plus ``fields``."""
    page = client.get(url)
    assert page.status_code == 200
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[f"{management.prefix}-{name}"] = management[name].value()
    data.update(fields)
    return data


def project_fields(sponsor, **overrides):
    fields = {
        "lay_title": "Helping tired hearts",
        "lay_summary": "A plain summary.",
        "research_focus": "What it studies.",
        "study_type": "nih_research",
        "official_title": "Cardiac Energetics in HFpEF",
        "nih_application_id": "10999999",
        "nih_project_number": "1R01HL999999-01",
        "funding_mechanism": "research_grant",
        "research_status": "active",
        "sponsor": sponsor.pk,
    }
    fields.update(overrides)
    return fields


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_editor_writes_and_reviewer_publishes_end_to_end(client, editor, reviewer):
    sponsor = Organization.objects.create(name="Duke University")
    site = Site.objects.create(**BOSTON)
    person = Investigator.objects.create(name="Kevin O'Rourke, MD")

    client.force_login(editor)
    data = form_data(client, ADD_URL, **project_fields(sponsor))
    data.update({
        "project_investigators-TOTAL_FORMS": "1",
        "project_investigators-0-investigator": person.pk,
        "project_investigators-0-role": "pi",
        "project_investigators-0-order": "0",
        "project_sites-TOTAL_FORMS": "1",
        "project_sites-0-site": site.pk,
        "project_sites-0-order": "0",
    })
    response = client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(nih_application_id=10999999)
    assert project.status == "draft"
    assert project.last_edited_by == editor
    assert list(project.sites.all()) == [site]
    assert project.project_investigators.get().investigator == person
    assert client.get(project.get_absolute_url()).status_code == 404

    page = client.get(change_url(project)).content.decode()
    assert 'name="_submit_for_review"' in page and 'value="approve"' not in page
    data = form_data(client, change_url(project), **project_fields(sponsor), review_note="Ready",
                     base_version=project.version, _submit_for_review="1")
    data.update({
        "project_investigators-TOTAL_FORMS": "1", "project_investigators-INITIAL_FORMS": "1",
        "project_investigators-0-id": project.project_investigators.get().pk,
        "project_investigators-0-project": project.pk,
        "project_investigators-0-investigator": person.pk, "project_investigators-0-role": "pi",
        "project_investigators-0-order": "0",
        "project_sites-TOTAL_FORMS": "1", "project_sites-INITIAL_FORMS": "1",
        "project_sites-0-id": project.project_sites.get().pk, "project_sites-0-project": project.pk,
        "project_sites-0-site": site.pk, "project_sites-0-order": "0",
    })
    response = client.post(change_url(project), data)
    assert response.status_code == 302 and response["Location"] == change_url(project)
    project.refresh_from_db()
    assert project.status == "in_review"

    client.force_login(reviewer)
    page = client.get(change_url(project)).content.decode()
    assert 'value="approve"' in page and 'value="send_back"' in page
    client.post(transition_url(project), {"action": "approve", "comment": "Accurate"})
    project.refresh_from_db()
    assert project.status == "published"
    assert project.last_reviewed == timezone.localdate()

    client.logout()
    public = client.get(project.get_absolute_url())
    assert public.status_code == 200
    assert "Kevin O&#x27;Rourke, MD" in public.content.decode()

    client.force_login(reviewer)
    history = client.get(change_url(project)).content.decode()
    assert "Review history" in history and "Accurate" in history and "Ready" in history


def test_forged_status_in_the_edit_form_is_ignored(client, editor, make_project):
    project = make_project(lay_title="Draft page")
    client.force_login(editor)
    data = form_data(
        client, change_url(project), **project_fields(project.sponsor, nih_application_id=project.nih_application_id),
        status="published", last_reviewed="2026-01-01", last_edited_by="",
    )
    assert client.post(change_url(project), data).status_code == 302
    project.refresh_from_db()
    assert project.status == "draft"
    assert project.last_reviewed is None
    assert project.lay_title == "Helping tired hearts"
    assert project.last_edited_by == editor


def test_editor_posting_approve_is_refused(client, editor, make_project):
    project = make_project()
    workflow.submit(project, editor)
    client.force_login(editor)
    response = client.post(transition_url(project), {"action": "approve"})
    assert response.status_code == 302
    assert any("do not have permission" in m for m in messages_of(response))
    project.refresh_from_db()
    assert project.status == "in_review"


def test_self_approval_is_refused_in_the_admin(client, superuser, make_project):
    project = make_project()
    client.force_login(superuser)
    data = form_data(client, change_url(project), **project_fields(project.sponsor, nih_application_id=project.nih_application_id))
    client.post(change_url(project), data)
    client.post(transition_url(project), {"action": "submit"})
    page = client.get(change_url(project)).content.decode()
    assert 'value="approve"' not in page
    response = client.post(transition_url(project), {"action": "approve"})
    assert any("cannot approve a draft you submitted" in m for m in messages_of(response))
    project.refresh_from_db()
    assert project.status == "in_review"


def test_content_is_locked_while_in_review(client, editor, make_project):
    project = make_project()
    workflow.submit(project, editor)
    client.force_login(editor)
    page = client.get(change_url(project))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert "content is locked" in html
    for inline in page.context["inline_admin_formsets"]:
        assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)
    data = form_data(client, change_url(project), **project_fields(
        project.sponsor, nih_application_id=project.nih_application_id, lay_title="Sneaky change",
    ), base_version=project.version)
    response = client.post(change_url(project), data)
    assert response.status_code == 200  # refused, with the typed text kept in the form
    assert "its content is locked" in response.content.decode()
    assert 'value="Sneaky change"' in response.content.decode()
    project.refresh_from_db()
    assert project.lay_title == "A plain title"


def test_reviewer_cannot_add_or_edit_content(client, reviewer, make_project):
    client.force_login(reviewer)
    assert client.get(ADD_URL).status_code == 403
    project = make_project()
    assert client.post(change_url(project), {"lay_title": "x"}).status_code == 403


def test_send_back_needs_a_comment_and_the_editor_sees_it(client, editor, reviewer, make_project):
    project = make_project()
    workflow.submit(project, editor)
    client.force_login(reviewer)
    response = client.post(transition_url(project), {"action": "send_back", "comment": ""})
    assert any("comment is required" in m for m in messages_of(response))
    client.post(transition_url(project), {"action": "send_back", "comment": "Define TROP2 in plain words."})
    project.refresh_from_db()
    assert project.status == "changes_requested"
    client.force_login(editor)
    page = client.get(change_url(project)).content.decode()
    assert "Define TROP2 in plain words." in page
    assert 'name="_save"' in page  # editable again


@pytest.mark.parametrize("method, data, status", [
    ("get", None, 405),
    ("post", {"action": "delete_everything"}, 400),
    ("post", {}, 400),
])
def test_bad_transition_requests(client, reviewer, make_project, method, data, status):
    project = make_project()
    client.force_login(reviewer)
    response = getattr(client, method)(transition_url(project), data)
    assert response.status_code == status
    project.refresh_from_db()
    assert project.status == "draft"


@pytest.mark.parametrize("object_id", ["999999", "abc", "1 OR 1=1"])
def test_workflow_urls_with_missing_or_malformed_ids_are_404(client, reviewer, object_id):
    client.force_login(reviewer)
    response = client.post(reverse("admin:projects_project_transition", args=[object_id]), {"action": "approve"})
    assert response.status_code == 404
    assert client.get(reverse("admin:projects_project_preview", args=[object_id])).status_code == 404


def test_anonymous_users_cannot_use_the_workflow_or_preview(client, make_project):
    project = make_project()
    for url in (transition_url(project), preview_url(project)):
        response = client.post(url, {"action": "submit"}) if url.endswith("transition/") else client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    project.refresh_from_db()
    assert project.status == "draft"


def test_staff_preview_of_a_draft(client, editor, make_project):
    project = make_project(lay_title="Draft about sleep")
    client.force_login(editor)
    response = client.get(preview_url(project))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview" in html and "is not visible to the public" in html
    assert "Draft about sleep" in html
    client.logout()
    assert client.get(project.get_absolute_url()).status_code == 404


def test_view_on_site_only_for_published(client, editor, make_project, publish):
    draft, live = make_project(), publish(make_project())
    client.force_login(editor)
    assert draft.get_absolute_url() not in client.get(change_url(draft)).content.decode()
    assert live.get_absolute_url() in client.get(change_url(live)).content.decode()


def test_review_date_is_recorded_one_page_at_a_time_with_a_note(client, reviewer, make_project, publish):
    """No bulk "mark reviewed today": a review date is a claim of accuracy,
    made on the page itself with a note saying what was checked."""
    live = publish(make_project(), reviewed_on=datetime.date(2025, 1, 1))
    client.force_login(reviewer)
    assert "mark_reviewed" not in client.get(CHANGELIST_URL).content.decode()
    response = client.post(transition_url(live), {"action": "record_check", "comment": " "})
    assert any("comment is required" in m for m in messages_of(response))
    live.refresh_from_db()
    assert live.last_reviewed == datetime.date(2025, 1, 1)
    client.post(transition_url(live), {
        "action": "record_check", "comment": "Dates and sites match RePORTER.",
        "checked_on": timezone.localdate().isoformat(),
    })
    live.refresh_from_db()
    assert live.last_reviewed == timezone.localdate()
    assert live.review_events.first().comment == "Dates and sites match RePORTER."


def test_form_errors_explain_cross_field_rules(client, editor):
    sponsor = Organization.objects.create(name="Lab")
    client.force_login(editor)
    data = form_data(client, ADD_URL, **project_fields(sponsor, sex_eligibility="all", funding_mechanism="phase_3"))
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sex, age and healthy-volunteer eligibility apply to studies that enrol people" in html
    assert "Pick an NIH funding type for NIH-funded research" in html
    assert not Project.objects.exists()


@pytest.mark.parametrize("term", ["abc", "11012296", "NCT01234567", "'; DROP TABLE x; --"])
def test_changelist_search_accepts_any_text(client, editor, make_project, term):
    make_project(nih_application_id=11012296)
    client.force_login(editor)
    assert client.get(CHANGELIST_URL, {"q": term}).status_code == 200


def test_changelist_filters_by_status(client, editor, make_project, publish):
    publish(make_project(lay_title="Live page"))
    make_project(lay_title="Draft page")
    client.force_login(editor)
    response = client.get(CHANGELIST_URL, {"status__exact": "draft"})
    assert [p.lay_title for p in response.context["cl"].result_list] == ["Draft page"]


def test_reviewers_list_pages_whose_source_changed_and_see_which_fields(client, reviewer, make_project, publish):
    flagged = publish(make_project(lay_title="Flagged page"))
    publish(make_project(lay_title="Quiet page"))
    locked = Project.objects.select_for_update().get(pk=flagged.pk)
    workflow.flag_source_changes(locked, ["End date", "Sites"], "The registry record changed.", {})
    client.force_login(reviewer)
    response = client.get(CHANGELIST_URL, {"source_changed": "yes"})
    assert [p.lay_title for p in response.context["cl"].result_list] == ["Flagged page"]
    assert "End date, Sites" in response.content.decode()
    response = client.get(CHANGELIST_URL, {"source_changed": "no"})
    assert [p.lay_title for p in response.context["cl"].result_list] == ["Quiet page"]
