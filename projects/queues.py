"""Work queues: what each editor and reviewer should pick up next.

Selectors only (querysets, no writes): the admin's start page, the
changelist filters and ``send_review_reminders`` all ask here, so "overdue"
or "awaiting my review" means the same thing everywhere.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import workflow
from .choices import ReviewAction, Status
from .models import Project, ProjectRevision, add_months


def review_due_cutoff(today: datetime.date | None = None) -> datetime.date:
    """Live pages last reviewed before this date are overdue today."""
    return add_months(today or timezone.localdate(), -settings.REVIEW_INTERVAL_MONTHS)


def overdue(queryset: QuerySet | None = None) -> QuerySet:
    queryset = Project.objects.all() if queryset is None else queryset
    return queryset.filter(is_live=True, last_reviewed__lt=review_due_cutoff())


def due_within(days: int, queryset: QuerySet | None = None) -> QuerySet:
    """Live pages that become overdue in the next ``days`` days."""
    queryset = Project.objects.all() if queryset is None else queryset
    today = timezone.localdate()
    return queryset.filter(
        is_live=True,
        last_reviewed__gte=review_due_cutoff(today),
        last_reviewed__lt=review_due_cutoff(today + datetime.timedelta(days=days)),
    )


def never_checked(queryset: QuerySet | None = None) -> QuerySet:
    """Live pages nobody has checked against their source since publishing."""
    queryset = Project.objects.all() if queryset is None else queryset
    return queryset.filter(is_live=True).exclude(review_events__action=ReviewAction.REVIEWED)


def helped_write(user) -> Q:
    """Projects ``user`` wrote or submitted since their last approval, which
    they may not approve (the workflow's four-eyes rule, as a query)."""
    wrote = ProjectRevision.objects.filter(
        project=OuterRef("pk"), created_by=user,
        number__gt=Coalesce(OuterRef("live_revision__number"), 0),
    )
    return Q(Exists(wrote)) | Q(submitted_by=user) | Q(last_edited_by=user)


def awaiting_review(user=None) -> QuerySet:
    """In review, oldest submission first; for ``user``, only those they may approve."""
    queryset = Project.objects.filter(status=Status.IN_REVIEW).order_by("updated_at", "pk")
    return queryset.exclude(helped_write(user)) if user is not None else queryset


def sent_back_to(user) -> QuerySet:
    return Project.objects.filter(
        Q(last_edited_by=user) | Q(submitted_by=user), status=Status.CHANGES_REQUESTED
    ).order_by("updated_at")


def drafts_of(user) -> QuerySet:
    return Project.objects.filter(status=Status.DRAFT, last_edited_by=user).order_by("-updated_at")


def source_changed() -> QuerySet:
    return Project.objects.filter(is_live=True, source_changed_at__isnull=False).order_by(
        "source_changed_at"
    )


def owned_by(user) -> Q:
    """The editor answerable for a page: whoever last wrote or submitted it."""
    return Q(last_edited_by=user) | Q(submitted_by=user)


@dataclass(frozen=True)
class Queue:
    title: str
    projects: list
    count: int
    url: str  # the full list in the changelist


def start_page_queues(user, size: int = 5) -> list[Queue]:
    """The queues on ``user``'s start page, by what their groups let them do."""
    changelist = reverse("admin:projects_project_changelist")
    queues = []

    def add(title, queryset, query):
        queues.append(Queue(title, list(queryset[:size]), queryset.count(), f"{changelist}?{query}"))

    if user.has_perm(workflow.REVIEW_PERMISSION):
        add(_("Awaiting your review"), awaiting_review(user), "queue=mine")
        add(_("Source record changed since the last review"), source_changed(), "source_changed=yes")
    if user.has_perm(workflow.SUBMIT_PERMISSION):
        add(_("Sent back to you"), sent_back_to(user), "queue=sent_back")
        add(_("Your drafts"), drafts_of(user), "queue=drafts")
    if user.has_perm(workflow.REVIEW_PERMISSION) or user.has_perm(workflow.SUBMIT_PERMISSION):
        add(_("Due for re-review"), overdue().order_by("last_reviewed"), "review_due=overdue")
    return queues
