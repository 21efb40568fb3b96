"""Saved versions of a project's plain-language content.

Every save of the editorial text makes a revision: the full snapshot of
the editor-owned fields (``fields.EDITORIAL_FIELDS``), who saved it and
what changed. While a page is live its row holds the approved text and
the newest revision is the draft; approving copies that revision onto the
row (``projects.revisions.apply``). Revisions are never edited.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import RevisionKind
from .project import Project


class ProjectRevision(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=RevisionKind.choices, default=RevisionKind.SAVED)
    content = models.JSONField(help_text=_("The editorial fields as saved."))
    changed_fields = models.JSONField(
        default=list, blank=True,
        help_text=_("Names of the fields this save changed, source facts included."),
    )
    version = models.PositiveIntegerField(
        default=0, help_text=_("The project's version number after this save.")
    )
    based_on = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("The revision number the editor started from.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="project_revisions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="unique_revision_number_per_project"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RevisionKind.values), name="revision_kind_valid"
            ),
        ]

    def __str__(self):
        return f"Version {self.number} of {self.project.lay_title}"
