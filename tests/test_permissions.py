"""The permission matrix, as a specification: who may do what to a project
in each state, through the admin and through the workflow.

Expected outcomes are written out below as data, not derived from the
code under test, so a change to the rules has to change this table too.
"""

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from projects import editing, revisions, workflow
from projects.models import Project

from .test_admin import form_data, project_fields

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "changes_requested", "scheduled", "live", "live_with_draft"]
ROLES = ["anonymous", "staff_without_groups", "editor", "reviewer", "superuser"]


@pytest.fixture
def people(editor, reviewer, superuser):
    plain = User.objects.create_user("plainstaff", password="pw-for-tests-1", is_staff=True)
    return {"editor": editor, "reviewer": reviewer, "superuser": superuser, "staff_without_groups": plain}


@pytest.fixture
def in_state(make_project, editor, other_reviewer):
    """A project in ``state``, written and submitted by the editor only."""

    def make(state):
        project = make_project(
            last_edited_by=editor, start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 1, 1),
        )
        if state == "draft":
            return project
        workflow.submit(project, editor)
        if state == "changes_requested":
            workflow.send_back(project, other_reviewer, "Shorter")
        elif state == "scheduled":
            workflow.approve(project, other_reviewer, go_live_at=timezone.now() + datetime.timedelta(days=1))
        elif state in ("live", "live_with_draft"):
            workflow.approve(project, other_reviewer)
            if state == "live_with_draft":
                editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": "New"})
        project.refresh_from_db()
        return project

    return make


def _login(client, people, role):
    if role != "anonymous":
        client.force_login(people[role])


# GET of each admin page: 200 allowed, 302 to login, 403 refused.
PAGE_EXPECTED = {
    "anonymous": 302, "staff_without_groups": 403, "editor": 200, "reviewer": 200, "superuser": 200,
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["change", "preview", "versions"])
def test_who_may_open_each_admin_page(client, people, in_state, role, state, page):
    project = in_state(state)
    _login(client, people, role)
    response = client.get(reverse(f"admin:projects_project_{page}", args=[project.pk]))
    assert response.status_code == PAGE_EXPECTED[role]


#: States in which a save of the change form is accepted, per role.
SAVE_ALLOWED = {
    "editor": {"draft", "changes_requested", "live", "live_with_draft"},
    "superuser": {"draft", "changes_requested", "live", "live_with_draft"},
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_save_content_in_each_state(client, people, in_state, superuser, role, state):
    project = in_state(state)
    url = reverse("admin:projects_project_change", args=[project.pk])
    reader = client.__class__()
    reader.force_login(superuser)
    data = form_data(reader, url, **project_fields(
        project.sponsor, nih_application_id=project.nih_application_id, lay_summary="Changed by the matrix",
    ), base_version=project.version)
    if state in ("live", "live_with_draft"):  # source facts are not on a live page's form
        for name in ("study_type", "official_title", "nih_application_id", "nih_project_number",
                     "funding_mechanism", "research_status", "sponsor"):
            data.pop(name, None)
    _login(client, people, role)
    response = client.post(url, data)
    saved = revisions.draft_content(Project.objects.get(pk=project.pk))["lay_summary"] == "Changed by the matrix"
    if state in SAVE_ALLOWED.get(role, set()):
        assert response.status_code == 302 and saved, getattr(response, "context", None) and response.context["adminform"].form.errors
    else:
        assert response.status_code in {200, 302, 403} and not saved
        if role == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"]


#: (action, state) -> roles that may take it. Projects here were written and
#: submitted by the editor, so the superuser may approve them.
ACTION_ALLOWED = {
    ("submit", "draft"): {"editor", "superuser"},
    ("submit", "changes_requested"): {"editor", "superuser"},
    ("submit", "live_with_draft"): {"editor", "superuser"},
    ("approve", "in_review"): {"reviewer", "superuser"},
    ("send_back", "in_review"): {"reviewer", "superuser"},
    ("send_back", "scheduled"): {"reviewer", "superuser"},
    ("withdraw", "live"): {"reviewer", "superuser"},
    ("withdraw", "live_with_draft"): {"reviewer", "superuser"},
    ("record_check", "live"): {"editor", "reviewer", "superuser"},
    ("record_check", "live_with_draft"): {"editor", "reviewer", "superuser"},
    ("archive", "live"): {"reviewer", "superuser"},
    ("archive", "live_with_draft"): {"reviewer", "superuser"},
}
ACTIONS = ["submit", "approve", "send_back", "withdraw", "record_check", "archive"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ["staff_without_groups", "editor", "reviewer", "superuser"])
@pytest.mark.parametrize("action", ACTIONS)
def test_who_may_take_each_workflow_step_in_each_state(people, in_state, action, role, state):
    project = in_state(state)
    before = Project.objects.values_list("status", "is_live", "archived_at").get(pk=project.pk)
    events = project.review_events.count()
    allowed = role in ACTION_ALLOWED.get((action, state), set())
    try:
        workflow.run(action, project, people[role], "A comment for the record")
    except workflow.WorkflowError:
        assert not allowed, f"{role} should be able to {action} a {state} project"
        assert Project.objects.values_list("status", "is_live", "archived_at").get(pk=project.pk) == before
        assert project.review_events.count() == events
    else:
        assert allowed, f"{role} must not {action} a {state} project"
        assert project.review_events.count() == events + 1


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_the_offered_buttons_match_the_matrix(people, in_state, action, state):
    project = in_state(state)
    for role in ("editor", "reviewer", "superuser"):
        offered = action in workflow.available_actions(project, people[role])
        assert offered == (role in ACTION_ALLOWED.get((action, state), set())), (role, action, state)
