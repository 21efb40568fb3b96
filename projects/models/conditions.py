"""Health conditions in plain words, shared by many projects."""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import NamedSlugModel


class Condition(NamedSlugModel):
    """A health condition in plain words (e.g. "Breast cancer")."""

    class Meta(NamedSlugModel.Meta):
        constraints = [
            models.UniqueConstraint(
                Lower("name"), name="condition_name_unique_ignoring_case",
                violation_error_message=_("A condition with this name already exists."),
            ),
        ]

    def get_absolute_url(self):
        """The condition's public page (only reachable while it has listed projects)."""
        return reverse("browse:condition", kwargs={"slug": self.slug})
