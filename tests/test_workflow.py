"""Every workflow transition, and each one the rules forbid."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from projects import editing, revisions, workflow
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


def test_a_title_still_marked_for_rewriting_cannot_be_submitted(make_project, editor):
    project = make_project(lay_title=f"{workflow.REWRITE_MARK}The registry's own title")
    with pytest.raises(WorkflowError, match="Rewrite the plain-language title"):
        workflow.submit(project, editor, readability_override="Test text.")
    assert _status(project) == "draft"


@pytest.mark.parametrize("action", ["approve", "send_back"])
def test_review_actions_need_a_project_in_review(make_project, reviewer, action):
    project = make_project()
    with pytest.raises(WorkflowError, match="draft; it cannot be"):
        workflow.run(action, project, reviewer, "comment")


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
        workflow.run(action, project, reviewer, "   ")
    assert _status(project) == before


def test_withdraw_takes_a_page_offline(make_project, publish, reviewer):
    project = publish(make_project())
    workflow.withdraw(project, reviewer, "Sponsor ended the study")
    assert _status(project) == "draft"


def test_checks_are_recorded_on_live_pages_only_with_a_note_and_a_sane_date(make_project, publish, reviewer, editor):
    project = make_project()
    with pytest.raises(WorkflowError, match="not live"):
        workflow.record_check(project, reviewer, "Checked")
    publish(project, reviewed_on=datetime.date(2025, 1, 1))
    with pytest.raises(WorkflowError, match="comment is required"):
        workflow.record_check(project, editor, "  ")
    with pytest.raises(WorkflowError, match="future"):
        workflow.record_check(project, editor, "Checked", timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(WorkflowError, match="before the page was first published"):
        workflow.record_check(project, editor, "Checked", datetime.date(2000, 1, 1))
    event = workflow.record_check(project, editor, "Dates match RePORTER", timezone.localdate())
    project.refresh_from_db()
    assert project.last_reviewed == timezone.localdate() and project.last_reviewed_by == editor
    assert project.status == "published" and project.is_live
    assert (event.action, event.checked_on, event.comment) == ("reviewed", timezone.localdate(), "Dates match RePORTER")


def test_an_earlier_check_never_moves_last_reviewed_back(make_project, publish, editor):
    project = publish(make_project())
    workflow.record_check(project, editor, "Checked today")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Project.objects.filter(pk=project.pk).update(first_published_at=timezone.now() - datetime.timedelta(days=3))
    project.refresh_from_db()
    workflow.record_check(project, editor, "Forgot to log yesterday's check", yesterday)
    project.refresh_from_db()
    assert project.last_reviewed == timezone.localdate()


def test_only_a_reviewers_check_clears_the_source_changed_flag(make_project, publish, editor, reviewer):
    project = publish(make_project())
    Project.objects.filter(pk=project.pk).update(source_changes=["end date"], source_changed_at=timezone.now())
    project.refresh_from_db()
    workflow.record_check(project, editor, "Looked at it")
    project.refresh_from_db()
    assert project.source_changes == ["end date"]
    workflow.record_check(project, reviewer, "The new end date is on the page")
    project.refresh_from_db()
    assert project.source_changes == [] and project.source_changed_at is None


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
    assert workflow.available_actions(project, reviewer) == ["withdraw", "record_check"]
    assert workflow.available_actions(project, editor) == ["record_check"]
    assert workflow.can_edit_content(project)  # a live page is edited as a new draft


# Four eyes: everyone who wrote the version since the last approval -------------

def test_an_author_cannot_approve_after_another_editor_submits(make_project, editor, superuser):
    """Issue: a user in both groups writes a draft, another editor adds a
    space and submits, and the author approves. Not any more."""
    project = make_project()
    editing.save_content(project, superuser, content={**revisions.snapshot(project), "lay_summary": "Written by the boss."})
    editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": "Written by the boss. "})
    workflow.submit(project, editor)
    with pytest.raises(WorkflowError, match="helped write"):
        workflow.approve(project, superuser)
    assert _status(project) == "in_review"


def test_authors_of_earlier_rounds_can_review_after_an_approval(make_project, editor, superuser, reviewer):
    project = make_project()
    editing.save_content(project, superuser, content={**revisions.snapshot(project), "lay_summary": "First text."})
    workflow.submit(project, editor)
    workflow.approve(project, reviewer)
    project.refresh_from_db()
    editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": "Second text."})
    workflow.submit(project, editor)
    workflow.approve(project, superuser)  # the boss wrote only the version already approved
    project.refresh_from_db()
    assert project.lay_summary == "Second text."


# Live pages: the approved text stays public until the next approval ------------

def test_a_draft_of_a_live_page_goes_live_only_when_approved(make_project, publish, editor, reviewer):
    project = publish(make_project(lay_summary="The approved summary."))
    editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": "A draft summary."})
    project.refresh_from_db()
    assert project.is_live and project.status == "draft"
    assert project.lay_summary == "The approved summary."
    workflow.submit(project, editor)
    project.refresh_from_db()
    assert project.lay_summary == "The approved summary."
    workflow.approve(project, reviewer, expected_revision=revisions.latest(project).number)
    project.refresh_from_db()
    assert project.lay_summary == "A draft summary." and project.status == "published"
    assert project.live_revision == revisions.latest(project)


def test_nothing_to_submit_on_a_live_page_without_changes(make_project, publish, editor):
    project = publish(make_project())
    with pytest.raises(WorkflowError, match="cannot be submitted"):
        workflow.submit(project, editor)


def test_approving_a_stale_view_is_refused(make_project, publish, editor, reviewer):
    """The reviewer approves exactly the version they were shown."""
    project = publish(make_project())
    editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": "v2"})
    workflow.submit(project, editor)
    shown = revisions.latest(project).number
    workflow.send_back(project, reviewer, "Shorter")
    editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": "v3"})
    workflow.submit(project, editor)
    with pytest.raises(WorkflowError, match="changed after you opened it"):
        workflow.approve(project, reviewer, expected_revision=shown)
    project.refresh_from_db()
    assert project.lay_summary != "v3" and project.status == "in_review"


def test_withdrawing_a_live_page_with_a_draft_keeps_the_draft_text(make_project, publish, editor, reviewer):
    project = publish(make_project(lay_summary="Live text."))
    editing.save_content(project, editor, content={**revisions.snapshot(project), "lay_summary": "Draft text."})
    workflow.withdraw(project, reviewer, "Sponsor asked")
    project.refresh_from_db()
    assert not project.is_live and project.lay_summary == "Draft text."


def test_scheduled_approval_goes_live_when_due(make_project, editor, reviewer):
    project = make_project()
    workflow.submit(project, editor)
    later = timezone.now() + datetime.timedelta(hours=2)
    event = workflow.approve(project, reviewer, go_live_at=later)
    project.refresh_from_db()
    assert event.action == "scheduled" and project.status == "scheduled" and not project.is_live
    assert not workflow.can_edit_content(project)
    assert workflow.publish_due(timezone.now()) == []
    events = workflow.publish_due(later + datetime.timedelta(seconds=1))
    project.refresh_from_db()
    assert [e.action for e in events] == ["went_live"] and project.is_live and project.status == "published"
    assert workflow.publish_due(later + datetime.timedelta(seconds=2)) == []


def test_archive_needs_an_ended_live_project(make_project, publish, reviewer, editor):
    ended = publish(make_project(start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2021, 1, 1)))
    running = publish(make_project(end_date=timezone.localdate() + datetime.timedelta(days=30)))
    with pytest.raises(WorkflowError, match="past its end date"):
        workflow.archive(running, reviewer)
    with pytest.raises(WorkflowError, match="permission"):
        workflow.archive(ended, editor)
    workflow.archive(ended, reviewer, "Grant ended in 2021")
    ended.refresh_from_db()
    assert ended.is_live and ended.archived_at
    assert ended not in Project.objects.listed() and ended in Project.objects.published()
