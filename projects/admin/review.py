"""What a reviewer (and an editor) sees around the form: the review
trail, the changes to review, the editor's note, reading scores."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import readability, revisions, workflow
from ..choices import ReviewAction, Status
from ..fields import LAY_TEXT_FIELDS
from ..models import Condition, GlossaryTerm, Project, ReviewEvent


class ReadOnlyAdminMixin:
    """The trail and the versions are written by the services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReviewEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The project's review trail, newest first; it can only be read."""

    model = ReviewEvent
    fields = ["created_at", "action", "actor", "from_status", "to_status", "checked_on", "comment"]
    readonly_fields = fields
    extra = 0
    verbose_name = _("review step")
    verbose_name_plural = _("Review history")


def conditions_of(content: revisions.Snapshot) -> list[Condition]:
    return list(Condition.objects.filter(pk__in=content.get("conditions", [])).order_by("name"))


@dataclass(frozen=True)
class FieldReading:
    label: str
    report: readability.ReadabilityReport


def readability_reports(content: revisions.Snapshot) -> list[FieldReading]:
    """Reading grade, words and jargon of each plain-language field."""
    terms = GlossaryTerm.objects.as_dict()
    return [
        FieldReading(
            str(Project._meta.get_field(name).verbose_name).capitalize(),
            readability.measure(content.get(name, ""), terms),
        )
        for name in LAY_TEXT_FIELDS
    ]


def panel_context(request, project: Project, adminform) -> dict:
    """Everything the workflow panel above the form shows."""
    user = request.user
    latest = revisions.latest(project)
    draft = latest.content if latest else revisions.snapshot(project)
    events = list(project.review_events.select_related("actor")[:20])
    last = {}
    for event in events:  # newest first: keep the newest of each kind
        last.setdefault(event.action, event)
    can_edit = workflow.can_edit_content(project) and user.has_perm("projects.change_project")
    actions = [
        (name, workflow.TRANSITIONS[name])
        for name in workflow.available_actions(project, user)
        if not (name == "submit" and can_edit)  # the form's save-and-submit button does it
    ]
    context = {
        "workflow_actions": actions,
        "content_locked": not workflow.can_edit_content(project),
        "can_save_and_submit": can_edit and "submit" in workflow.available_actions(project, user),
        "latest_revision": latest,
        "has_pending_draft": revisions.has_pending_draft(project),
        "last_submission": last.get(ReviewAction.SUBMITTED),
        "last_send_back": last.get(ReviewAction.SENT_BACK),
        "contributor_names": sorted(
            _user_names(workflow.contributors(project))
        ) if project.status == Status.IN_REVIEW else [],
        "reading_target": settings.READING_GRADE_TARGET,
        "readability": readability_reports(draft),
        "today": timezone.localdate(),
        "form_conflict": getattr(getattr(adminform, "form", None), "conflict", None),
    }
    context.update(review_changes(project, latest, last.get(ReviewAction.SENT_BACK)))
    return context


def review_changes(project: Project, latest, last_send_back) -> dict:
    """The changes a reviewer is asked to approve: against the live version
    for a live page, else against the version they last sent back."""
    if latest is None:
        return {"review_changes": None}
    if project.live_revision_id and project.live_revision_id != latest.pk:
        base, label = project.live_revision, _("Changes since the live version")
    elif not project.is_live and last_send_back and last_send_back.revision_id:
        base, label = last_send_back.revision, _("Changes since it was sent back")
    elif not project.is_live:
        return {"review_changes": None, "review_is_new_page": True}
    else:
        return {"review_changes": None}
    if base.pk == latest.pk:
        return {"review_changes": [], "review_changes_label": label}
    return {
        "review_changes": revisions.diff(base.content, latest.content),
        "review_changes_label": label, "review_base": base,
    }


def _user_names(pks) -> list[str]:
    users = get_user_model().objects.filter(pk__in=pks)
    return [user.get_full_name() or user.get_username() for user in users]
