"""Every workflow transition, and each one the rules forbid."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from projects import workflow
from projects.models import Project, ReviewEvent
from projects.workflow import WorkflowError

pytestmark = pytest.mark.django_db


def _status(project):
    return Project.objects.values_list("status", flat=True).get(pk=project.pk)


def test_groups_exist_with_the_right_permissions():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    reviewers = set(Group.objects.get(name="Reviewers").permissions.values_list("codename", flat=True))
    assert {"add_project", "change_project", "submit_project"} <= editors
    assert "review_project" not in editors
    assert "review_project" in reviewers
    assert not {"change_project", "add_project", "submit_project"} & reviewers


def test_full_happy_path_is_recorded(make_project, editor, reviewer):
    project = make_project(last_edited_by=editor)
    workflow.submit(project, editor, "Ready")
    assert _status(project) == "in_review"
    assert project.submitted_by == editor
    workflow.send_back(project, reviewer, "Please simplify the summary.")
    assert _status(project) == "changes_requested"
    workflow.submit(project, editor)
    event = workflow.approve(project, reviewer, "Looks right")
    project.refresh_from_db()
    assert project.status == "published"
    assert project.last_reviewed == timezone.localdate()
    assert project.last_reviewed_by == reviewer
    assert project.first_published_at is not None
    assert event.from_status == "in_review" and event.to_status == "published"
    trail = list(project.review_events.order_by("pk").values_list("action", "actor__username", "comment"))
    assert trail == [
        ("submitted", "ed", "Ready"),
        ("sent_back", "rev", "Please simplify the summary."),
        ("submitted", "ed", ""),
        ("approved", "rev", "Looks right"),
    ]


def test_editor_cannot_approve_or_publish(make_project, editor):
    project = make_project()
    workflow.submit(project, editor)
    with pytest.raises(WorkflowError, match="permission"):
        workflow.approve(project, editor)
    assert _status(project) == "in_review"
    assert not ReviewEvent.objects.filter(action="approved").exists()


def test_reviewer_cannot_submit(make_project, reviewer):
    with pytest.raises(WorkflowError, match="permission"):
        workflow.submit(make_project(), reviewer)


def test_nobody_approves_what_they_submitted(make_project, superuser):
    project = make_project()
    workflow.submit(project, superuser)
    with pytest.raises(WorkflowError, match="cannot approve a draft you submitted"):
        workflow.approve(project, superuser)
    assert _status(project) == "in_review"


def test_nobody_approves_what_they_last_edited(make_project, editor, superuser):
    project = make_project(last_edited_by=superuser)
    workflow.submit(project, editor)
    with pytest.raises(WorkflowError, match="last edited"):
        workflow.approve(project, superuser)


def test_incomplete_draft_cannot_be_submitted(make_project, editor):
    project = make_project(lay_summary="  ", research_focus="")
    with pytest.raises(WorkflowError, match="summary, what this research studies"):
        workflow.submit(project, editor)
    assert _status(project) == "draft"


@pytest.mark.parametrize("action", ["approve", "send_back"])
def test_review_actions_need_a_project_in_review(make_project, reviewer, action):
    project = make_project()
    with pytest.raises(WorkflowError, match="draft; it cannot be"):
        workflow.TRANSITIONS[action](project, reviewer, "comment")


def test_cannot_submit_twice(make_project, editor):
    project = make_project()
    workflow.submit(project, editor)
    with pytest.raises(WorkflowError, match="in review"):
        workflow.submit(project, editor)


def test_stale_object_cannot_skip_the_database_status(make_project, editor, reviewer):
    """Two browser tabs: the second acts on an out-of-date copy and is refused."""
    project = make_project()
    workflow.submit(project, editor)
    stale = Project.objects.get(pk=project.pk)
    workflow.send_back(project, reviewer, "Needs work")
    with pytest.raises(WorkflowError):
        workflow.approve(stale, reviewer)
    assert _status(project) == "changes_requested"


@pytest.mark.parametrize("action", ["send_back", "withdraw"])
def test_sending_back_and_withdrawing_need_a_comment(make_project, editor, reviewer, publish, action):
    project = make_project()
    if action == "withdraw":
        publish(project)
    else:
        workflow.submit(project, editor)
    before = _status(project)
    with pytest.raises(WorkflowError, match="comment is required"):
        workflow.TRANSITIONS[action](project, reviewer, "   ")
    assert _status(project) == before


def test_withdraw_takes_a_page_offline(make_project, publish, reviewer):
    project = publish(make_project())
    workflow.withdraw(project, reviewer, "Sponsor ended the study")
    assert _status(project) == "draft"


def test_mark_reviewed_only_on_published_pages(make_project, publish, reviewer, editor):
    project = make_project()
    with pytest.raises(WorkflowError):
        workflow.mark_reviewed(project, reviewer)
    with pytest.raises(WorkflowError, match="permission"):
        workflow.mark_reviewed(project, editor)
    publish(project, reviewed_on=datetime.date(2025, 1, 1))
    workflow.mark_reviewed(project, reviewer)
    project.refresh_from_db()
    assert project.last_reviewed == timezone.localdate()
    assert project.status == "published"
    assert project.review_events.first().action == "reviewed"


def test_inactive_reviewer_cannot_act(make_project, editor, reviewer):
    project = make_project()
    workflow.submit(project, editor)
    reviewer.is_active = False
    with pytest.raises(WorkflowError):
        workflow.approve(project, reviewer)


def test_available_actions_match_the_rules(make_project, editor, reviewer, superuser):
    project = make_project(last_edited_by=superuser)
    assert workflow.available_actions(project, editor) == ["submit"]
    assert workflow.available_actions(project, reviewer) == []
    workflow.submit(project, editor)
    assert workflow.available_actions(project, editor) == []
    assert workflow.available_actions(project, reviewer) == ["approve", "send_back"]
    assert workflow.available_actions(project, superuser) == ["send_back"]
    workflow.approve(project, reviewer)
    assert workflow.available_actions(project, reviewer) == ["mark_reviewed", "withdraw"]
    assert not workflow.can_edit_content(project)
