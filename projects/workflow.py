"""The editorial workflow: the only code that changes a project's status.

    draft ──submit──▶ in review ──approve──▶ published
      ▲                  │                      │
      │              send back                withdraw
      │                  ▼                      │
      └── (edit) ◀── sent back ◀────────────────┘ (to draft)

Editors write and submit; reviewers approve, send back, withdraw and mark
pages reviewed. Nobody approves a draft they submitted or last edited.
The rules live here, not in the admin, so every caller (admin views,
management commands, the shell) is held to them; each step is saved with
a ReviewEvent in one transaction.
"""

from django.db import transaction
from django.utils import timezone

from .choices import ReviewAction, Status
from .models import Project, ReviewEvent

SUBMIT_PERMISSION = "projects.submit_project"
REVIEW_PERMISSION = "projects.review_project"

#: Fields that must be written before a draft can go to review.
REQUIRED_FOR_REVIEW = ("lay_title", "lay_summary", "research_focus")

#: Statuses in which an editor may change a project's content.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})


class WorkflowError(Exception):
    """A transition that the rules forbid; the message is shown to the user."""


def can_edit_content(project: Project) -> bool:
    """Content is frozen while in review and while live, so what a reviewer
    approved is exactly what the public sees."""
    return project.pk is None or project.status in EDITABLE_STATUSES


def available_actions(project: Project, user) -> list[str]:
    """Names of the transitions ``user`` may take now, for showing buttons.
    The functions below check again: this is only a hint for the interface."""
    actions = []
    if project.status in EDITABLE_STATUSES and user.has_perm(SUBMIT_PERMISSION):
        actions.append("submit")
    if user.has_perm(REVIEW_PERMISSION):
        if project.status == Status.IN_REVIEW:
            if not _is_author(project, user):
                actions.append("approve")
            actions.append("send_back")
        elif project.status == Status.PUBLISHED:
            actions += ["mark_reviewed", "withdraw"]
    return actions


def submit(project: Project, user, comment: str = "") -> ReviewEvent:
    _require_permission(user, SUBMIT_PERMISSION, "submit projects for review")
    missing = [
        str(Project._meta.get_field(name).verbose_name)
        for name in REQUIRED_FOR_REVIEW
        if not getattr(project, name).strip()
    ]
    if missing:
        raise WorkflowError(f"Write these before submitting: {', '.join(missing)}.")
    return _transition(
        project, user, ReviewAction.SUBMITTED, EDITABLE_STATUSES, Status.IN_REVIEW,
        comment, submitted_by=user,
    )


def approve(project: Project, user, comment: str = "") -> ReviewEvent:
    _require_permission(user, REVIEW_PERMISSION, "approve projects")
    if _is_author(project, user):
        raise WorkflowError(
            "You cannot approve a draft you submitted or last edited; "
            "another reviewer must approve it."
        )
    return _transition(
        project, user, ReviewAction.APPROVED, {Status.IN_REVIEW}, Status.PUBLISHED, comment,
        last_reviewed=timezone.localdate(), last_reviewed_by=user,
        first_published_at=project.first_published_at or timezone.now(),
    )


def send_back(project: Project, user, comment: str) -> ReviewEvent:
    _require_permission(user, REVIEW_PERMISSION, "send projects back")
    _require_comment(comment, "Say what the editor should change.")
    return _transition(
        project, user, ReviewAction.SENT_BACK, {Status.IN_REVIEW},
        Status.CHANGES_REQUESTED, comment,
    )


def withdraw(project: Project, user, comment: str) -> ReviewEvent:
    _require_permission(user, REVIEW_PERMISSION, "withdraw published projects")
    _require_comment(comment, "Say why the page is being taken down.")
    return _transition(
        project, user, ReviewAction.WITHDRAWN, {Status.PUBLISHED}, Status.DRAFT, comment
    )


def mark_reviewed(project: Project, user, comment: str = "") -> ReviewEvent:
    """A reviewer confirms a live page is still accurate, as of today."""
    _require_permission(user, REVIEW_PERMISSION, "mark projects reviewed")
    return _transition(
        project, user, ReviewAction.REVIEWED, {Status.PUBLISHED}, Status.PUBLISHED, comment,
        last_reviewed=timezone.localdate(), last_reviewed_by=user,
    )


#: Name -> function, for interfaces that dispatch on a submitted action name.
TRANSITIONS = {
    "submit": submit,
    "approve": approve,
    "send_back": send_back,
    "withdraw": withdraw,
    "mark_reviewed": mark_reviewed,
}


def _is_author(project: Project, user) -> bool:
    return user.pk in {project.submitted_by_id, project.last_edited_by_id}


def _require_permission(user, permission: str, what: str) -> None:
    if not (user.is_active and user.has_perm(permission)):
        raise WorkflowError(f"You do not have permission to {what}.")


def _require_comment(comment: str, message: str) -> None:
    if not comment.strip():
        raise WorkflowError(f"A comment is required. {message}")


def _transition(project, user, action, allowed_from, to_status, comment, **changes):
    """Move ``project`` to ``to_status`` if the database says it is in one of
    ``allowed_from``; set ``changes`` on it; record the step."""
    with transaction.atomic():
        # Lock the row and read the status the database holds, so two
        # reviewers clicking at once cannot both act on a stale page.
        current = Project.objects.select_for_update().values_list("status", flat=True).get(
            pk=project.pk
        )
        if current not in allowed_from:
            raise WorkflowError(
                f"This project is {Status(current).label.lower()}; "
                f"it cannot be {ReviewAction(action).label.lower()} now."
            )
        changes["status"] = to_status
        for field, value in changes.items():
            setattr(project, field, value)
        project.save(update_fields=[*changes, "updated_at"])
        return ReviewEvent.objects.create(
            project=project, action=action, from_status=current, to_status=to_status,
            actor=user, comment=comment.strip(),
        )
