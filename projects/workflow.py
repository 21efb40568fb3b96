"""The editorial workflow: the only code that changes a project's status
or whether it is live, and the only writer of the review trail.

    draft ──submit──▶ in review ──approve──▶ published (live)
      ▲                  │   └──approve, later──▶ scheduled ──(when due)──▶ published
      │              send back                                     │
      └── (edit) ◀── sent back                                     │
                                                                   ▼
    a live page keeps its approved text while a new draft of it goes round
    the same loop; ``withdraw`` takes a page offline, ``archive`` takes it out
    of the listing once the research has ended.

Editors write and submit; reviewers approve, send back, withdraw and
archive. Nobody approves a draft they submitted or helped write since the
last approval (four eyes). Every transition is declared once in
``TRANSITIONS``; the buttons an interface shows are derived from it. Each
step locks the project row, re-reads its state, changes it and records a
``ReviewEvent`` in one transaction.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import readability, revisions
from .choices import ReviewAction, Status
from .fields import EDITORIAL_TEXT_FIELDS
from .models import GlossaryTerm, Project, ProjectRevision, ReviewEvent

SUBMIT_PERMISSION = "projects.submit_project"
REVIEW_PERMISSION = "projects.review_project"

#: Fields that must be written before a draft can go to review.
REQUIRED_FOR_REVIEW = ("lay_title", "lay_summary", "research_focus")

#: Starts the plain-language title of an imported project: it is still the
#: registry's title, there for the editor to rewrite. Nothing with it is
#: submitted, so it never reaches the public.
REWRITE_MARK = "[Rewrite] "

#: Statuses in which an editor may change a project's content. A live page
#: with nothing pending is "published": editing it starts a new draft.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.PUBLISHED})


class WorkflowError(Exception):
    """A step the rules forbid; the message is shown to the user."""


class WorkflowPermissionError(WorkflowError, PermissionDenied):
    """The user may not take this step at all (HTTP 403 in an API)."""


class WorkflowConflict(WorkflowError):
    """The project is not in a state that allows this step, or it changed
    since the user looked at it (HTTP 409 in an API)."""


@dataclass(frozen=True)
class Transition:
    name: str
    source: frozenset
    permissions: tuple[str, ...]  # any one of them is enough
    action: ReviewAction
    button: str
    needs_comment: bool = False
    comment_hint: str = ""
    live_only: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit", frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), (SUBMIT_PERMISSION,),
            ReviewAction.SUBMITTED, _("Submit for review"),
        ),
        Transition(
            "approve", frozenset({Status.IN_REVIEW}), (REVIEW_PERMISSION,),
            ReviewAction.APPROVED, _("Approve and publish"),
        ),
        Transition(
            "send_back", frozenset({Status.IN_REVIEW, Status.SCHEDULED}), (REVIEW_PERMISSION,),
            ReviewAction.SENT_BACK, _("Send back to editor"), needs_comment=True,
            comment_hint=_("Say what the editor should change."),
        ),
        Transition(
            "withdraw", frozenset(Status), (REVIEW_PERMISSION,), ReviewAction.WITHDRAWN,
            _("Withdraw from public site"), needs_comment=True,
            comment_hint=_("Say why the page is being taken down."), live_only=True,
        ),
        Transition(
            "record_check", frozenset(Status), (SUBMIT_PERMISSION, REVIEW_PERMISSION),
            ReviewAction.REVIEWED, _("Record a check against the source"), needs_comment=True,
            comment_hint=_("Say what you checked and against which record."), live_only=True,
        ),
        Transition(
            "archive", frozenset(Status), (REVIEW_PERMISSION,), ReviewAction.ARCHIVED,
            _("Archive (research has ended)"), live_only=True,
        ),
    )
}


def can_edit_content(project: Project) -> bool:
    """Content is frozen while a reviewer looks at it and while an approved
    version waits to go live, so what was approved is what the public reads."""
    return project.pk is None or project.status in EDITABLE_STATUSES


def contributors(project: Project) -> set[int]:
    """Primary keys of everyone who changed the content since it was last
    approved, and whoever submitted it: none of them may approve it."""
    since = project.live_revision.number if project.live_revision_id else 0
    authors = set(
        project.revisions.filter(number__gt=since, created_by__isnull=False)
        .values_list("created_by", flat=True)
    )
    return authors | {pk for pk in (project.submitted_by_id, project.last_edited_by_id) if pk}


def available_actions(project: Project, user) -> list[str]:
    """Names of the transitions ``user`` may take now, for showing buttons.
    The step functions check again: this is only a hint for the interface."""
    names = []
    for transition in TRANSITIONS.values():
        try:
            _check(project, user, transition)
        except WorkflowError:
            continue
        if transition.name == "approve" and user.pk in contributors(project):
            continue
        if transition.name == "submit" and project.is_live and not revisions.has_pending_draft(project):
            continue
        if transition.name == "archive" and not project.end_date_has_passed:
            continue
        names.append(transition.name)
    return names


# The steps -----------------------------------------------------------------

def submit(
    project: Project, user, comment: str = "", *, readability_override: str = ""
) -> ReviewEvent:
    """Send the newest version to a reviewer.

    A summary that reads above the target grade goes only with a reason
    (``readability_override``); the grade and the reason are kept with the
    step, so the reviewer sees them.
    """
    transition = TRANSITIONS["submit"]
    with transaction.atomic():
        locked = _lock(project, user, transition)
        content = revisions.draft_content(locked)
        missing = [
            str(Project._meta.get_field(name).verbose_name)
            for name in REQUIRED_FOR_REVIEW
            if not str(content.get(name, "")).strip()
        ]
        if missing:
            raise WorkflowError(f"Write these before submitting: {', '.join(missing)}.")
        if str(content.get("lay_title", "")).startswith(REWRITE_MARK.strip()):
            raise WorkflowError(
                "Rewrite the plain-language title before submitting: it is still the "
                f"registry's title, marked “{REWRITE_MARK.strip()}”."
            )
        if locked.is_live and not revisions.has_pending_draft(locked):
            raise WorkflowConflict("There are no changes to the live page to submit.")
        return _step(
            project, locked, user, transition, Status.IN_REVIEW, comment,
            revision=revisions.latest(locked), submitted_by=user,
            details=_readability_check(content, readability_override),
        )


def approve(
    project: Project, user, comment: str = "", *,
    expected_revision: int | None = None, go_live_at: datetime.datetime | None = None,
) -> ReviewEvent:
    """Publish the version in review now, or at ``go_live_at``.

    ``expected_revision`` is the version the reviewer was shown; if the
    draft changed since, nothing is approved.
    """
    transition = TRANSITIONS["approve"]
    with transaction.atomic():
        locked = _lock(project, user, transition)
        if user.pk in contributors(locked):
            raise WorkflowPermissionError(
                "You cannot approve a draft you submitted or last edited, or any draft "
                "you helped write since the last approval; another reviewer must approve it."
            )
        revision = revisions.latest(locked)
        if expected_revision is not None and (revision.number if revision else 0) != expected_revision:
            raise WorkflowConflict(
                "The draft changed after you opened it. Reload the page and review the "
                "changes before approving."
            )
        now = timezone.now()
        approval = {"last_reviewed": timezone.localdate(), "last_reviewed_by": user}
        if revision:
            ProjectRevision.objects.filter(pk=revision.pk).update(approved_at=now, approved_by=user)
        if go_live_at and go_live_at > now:
            return _step(
                project, locked, user, transition, Status.SCHEDULED, comment,
                action=ReviewAction.SCHEDULED, revision=revision,
                details={"go_live_at": go_live_at.isoformat()}, go_live_at=go_live_at, **approval,
            )
        changes = _go_live_changes(locked, revision, now)
        return _step(
            project, locked, user, transition, Status.PUBLISHED, comment,
            revision=revision, **approval, **changes,
        )


def send_back(project: Project, user, comment: str) -> ReviewEvent:
    transition = TRANSITIONS["send_back"]
    with transaction.atomic():
        locked = _lock(project, user, transition, comment)
        return _step(
            project, locked, user, transition, Status.CHANGES_REQUESTED, comment,
            revision=revisions.latest(locked), go_live_at=None,
        )


def withdraw(project: Project, user, comment: str) -> ReviewEvent:
    """Take a live page offline. Its newest text stays as the draft."""
    transition = TRANSITIONS["withdraw"]
    with transaction.atomic():
        locked = _lock(project, user, transition, comment)
        changes = {"is_live": False, "archived_at": None}
        if revisions.has_pending_draft(locked):
            # Offline, the row holds the newest text again (nothing is live to protect).
            revisions.apply(locked, revisions.latest(locked).content)
            changes.update({name: getattr(locked, name) for name in _content_row_fields()})
        to_status = Status.DRAFT if locked.status == Status.PUBLISHED else locked.status
        return _step(project, locked, user, transition, to_status, comment, **changes)


def record_check(
    project: Project, user, note: str, checked_on: datetime.date | None = None
) -> ReviewEvent:
    """Someone re-checked a live page against its source record. It changes
    no content, so it needs no approval; it moves "last reviewed" forward.
    A reviewer's check also clears the "source changed" flag."""
    transition = TRANSITIONS["record_check"]
    today = timezone.localdate()
    checked_on = checked_on or today
    with transaction.atomic():
        locked = _lock(project, user, transition, note)
        if checked_on > today:
            raise WorkflowError("A check cannot be dated in the future.")
        first = timezone.localdate(locked.first_published_at)
        if checked_on < first:
            raise WorkflowError(
                f"A check cannot be dated before the page was first published ({first:%B %-d, %Y})."
            )
        changes = {}
        if locked.last_reviewed is None or checked_on > locked.last_reviewed:
            changes.update(last_reviewed=checked_on, last_reviewed_by=user)
        if user.has_perm(REVIEW_PERMISSION):
            changes.update(source_changes=[], source_changed_at=None)
        return _step(
            project, locked, user, transition, locked.status, note,
            checked_on=checked_on, **changes,
        )


def archive(project: Project, user, comment: str = "") -> ReviewEvent:
    """Take an ended project out of the listing; its page stays, marked as ended."""
    transition = TRANSITIONS["archive"]
    with transaction.atomic():
        locked = _lock(project, user, transition, comment)
        if locked.archived_at:
            raise WorkflowConflict("This page is already archived.")
        if not locked.end_date_has_passed:
            raise WorkflowError("Only research past its end date can be archived.")
        return _step(
            project, locked, user, transition, locked.status, comment,
            archived_at=timezone.now(),
        )


def publish_due(now: datetime.datetime | None = None) -> list[ReviewEvent]:
    """Put every approved version whose go-live time has come on the public
    site. Safe to run as often as you like (e.g. every minute from cron)."""
    now = now or timezone.now()
    events = []
    due = Project.objects.filter(status=Status.SCHEDULED, go_live_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            locked = Project.objects.select_for_update().get(pk=pk)
            if locked.status != Status.SCHEDULED or locked.go_live_at > now:
                continue  # someone sent it back meanwhile
            revision = revisions.latest(locked)
            changes = _go_live_changes(locked, revision, now)
            events.append(_record_change(
                locked, None, ReviewAction.WENT_LIVE, Status.PUBLISHED,
                "Went live at its scheduled time.", revision=revision, **changes,
            ))
    return events


def run(name: str, project: Project, user, comment: str = "", **options) -> ReviewEvent:
    """Take the transition called ``name`` (for interfaces that dispatch on
    a submitted action name); unknown names are a ``KeyError``."""
    steps = {
        "submit": submit, "approve": approve, "send_back": send_back, "withdraw": withdraw,
        "record_check": record_check, "archive": archive,
    }
    return steps[name](project, user, comment, **options)


def begin_draft(locked: Project) -> None:
    """A live page with nothing pending gets its first unapproved change:
    its editorial state becomes "draft" while the approved text stays live.
    Called by ``projects.editing`` with the row already locked."""
    if locked.status == Status.PUBLISHED:
        locked.status = Status.DRAFT
        locked.save(update_fields=["status"])


def record(
    project: Project, user, action: ReviewAction, comment: str = "", **fields
) -> ReviewEvent:
    """Add a step to the trail that changes no status (a restore, a
    correction of a linked record, a flagged source change)."""
    return ReviewEvent.objects.create(
        project=project, action=action, from_status=project.status,
        to_status=project.status, actor=user, comment=comment.strip(), **fields,
    )


def flag_source_changes(
    locked: Project, labels: list[str], comment: str, changes: dict
) -> ReviewEvent:
    """An import changed source facts of a live page: add ``labels`` (the
    changed fields, as people read them) to its "source changed since the
    last review" flag and record the step. The flag accumulates over
    imports until a reviewer records a check or approves a new version.
    The caller (``importers.upsert``) holds the row lock."""
    locked.source_changes = list(dict.fromkeys([*locked.source_changes, *labels]))
    locked.source_changed_at = timezone.now()
    locked.save(update_fields=["source_changes", "source_changed_at"])
    return record(locked, None, ReviewAction.SOURCE_CHANGED, comment, details={"changes": changes})


# Internals -----------------------------------------------------------------

def _check(project: Project, user, transition: Transition, comment: str | None = None) -> None:
    if not (user.is_active and any(user.has_perm(p) for p in transition.permissions)):
        raise WorkflowPermissionError(
            f"You do not have permission to {transition.button.lower()}."
        )
    if transition.live_only and not project.is_live:
        raise WorkflowConflict(
            f"This project is not live; it cannot be {transition.action.label.lower()}."
        )
    if project.status not in transition.source:
        raise WorkflowConflict(
            f"This project is {Status(project.status).label.lower()}; "
            f"it cannot be {transition.action.label.lower()} now."
        )
    if transition.needs_comment and comment is not None and not comment.strip():
        raise WorkflowError(f"A comment is required. {transition.comment_hint}")


def _lock(project: Project, user, transition: Transition, comment: str | None = None) -> Project:
    """Lock the row and check the transition against the state the database
    holds, so two people clicking at once cannot both act on a stale page."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    _check(locked, user, transition, comment if transition.needs_comment else None)
    return locked


def _go_live_changes(locked: Project, revision: ProjectRevision | None, now) -> dict:
    if revision and revision.pk != locked.live_revision_id:
        revisions.apply(locked, revision.content)
    return {
        **{name: getattr(locked, name) for name in _content_row_fields()},
        "is_live": True, "go_live_at": None, "live_revision": revision,
        "first_published_at": locked.first_published_at or now, "last_published_at": now,
        "source_changes": [], "source_changed_at": None,
    }


def _content_row_fields() -> tuple[str, ...]:
    return (*EDITORIAL_TEXT_FIELDS, "search_conditions")


def _readability_check(content: revisions.Snapshot, override: str) -> dict:
    report = readability.measure(content.get("lay_summary", ""), GlossaryTerm.objects.as_dict())
    target = settings.READING_GRADE_TARGET
    if not readability.is_above_target(report, target):
        return {"reading_grade": report.grade}
    if not override.strip():
        raise WorkflowError(
            f"The summary reads at grade {report.grade}, above the target of {target:g}. "
            "Simplify it, or give a reason to submit it as it is."
        )
    return {"reading_grade": report.grade, "readability_override": override.strip()}


def _step(project, locked, user, transition, to_status, comment, *, action=None, **changes):
    event = _record_change(locked, user, action or transition.action, to_status, comment, **changes)
    # The caller's copy now matches the database.
    for name in ("status", *changes):
        if name in {"revision", "details", "checked_on"}:
            continue
        setattr(project, name, getattr(locked, name))
    return event


def _record_change(locked, user, action, to_status, comment, *, revision=None, details=None,
                   checked_on=None, **changes):
    from_status = locked.status
    changes["status"] = to_status
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*changes, "updated_at"])
    return ReviewEvent.objects.create(
        project=locked, action=action, from_status=from_status, to_status=to_status,
        actor=user, comment=(comment or "").strip(), revision=revision,
        details=details or {}, checked_on=checked_on,
    )
