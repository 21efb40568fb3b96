"""The editorial trail: every workflow step, check and correction."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import ReviewAction, Status
from .project import Project


class ReviewEvent(models.Model):
    """One step of the editorial workflow: who did what, when, and why.

    Rows are only ever added (by projects.workflow and the services it
    trusts), never edited. ``actor`` is empty for steps the system takes on
    its own (a scheduled page going live, an import flagging a change).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="review_events")
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="review_events",
    )
    comment = models.TextField(blank=True)
    revision = models.ForeignKey(
        "projects.ProjectRevision", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="review_events",
        help_text=_("The version submitted, approved or restored."),
    )
    checked_on = models.DateField(
        _("date checked"), null=True, blank=True,
        help_text=_("For a check against the source: the day it was made."),
    )
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ReviewAction.values), name="review_action_valid"
            ),
            models.CheckConstraint(
                condition=~Q(action=ReviewAction.REVIEWED) | Q(checked_on__isnull=False),
                name="review_check_has_date",
                violation_error_message=_("A check against the source needs its date."),
            ),
        ]

    def __str__(self):
        who = self.actor or _("the system")
        return f"{self.get_action_display()} by {who} on {self.created_at:%Y-%m-%d %H:%M}"


class ReviewReminder(models.Model):
    """One reminder email to an editor about their overdue pages; at most
    one a day, so ``send_review_reminders`` is safe to run as often as cron
    likes."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_reminders"
    )
    sent_on = models.DateField()
    project_count = models.PositiveIntegerField()

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="one_reminder_a_day"),
        ]

    def __str__(self):
        return f"{self.user} on {self.sent_on}: {self.project_count} overdue"
