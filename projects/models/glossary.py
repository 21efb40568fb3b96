"""The jargon glossary: words an editor should replace, with plain wording.

The change form flags these in every plain-language field (see
``projects/readability.py``); editors and reviewers keep the list in the admin.
"""

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class GlossaryQuerySet(models.QuerySet):
    def as_dict(self) -> dict[str, str]:
        """term -> plain wording, what ``projects.readability`` takes."""
        return dict(self.values_list("term", "plain"))


class GlossaryTerm(models.Model):
    term = models.CharField(max_length=100, help_text=_('e.g. "randomized"'))
    plain = models.CharField(
        _("plain wording"), max_length=255, help_text=_('e.g. "assigned by chance"')
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = GlossaryQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                Lower("term"), name="glossary_term_unique_ignoring_case",
                violation_error_message=_("This term is already in the glossary."),
            ),
            models.CheckConstraint(
                condition=~models.Q(term="") & ~models.Q(plain=""),
                name="glossary_term_and_plain_wording_given",
            ),
        ]

    def __str__(self):
        return f"{self.term} → {self.plain}"

    def save(self, *args, **kwargs):
        self.term = " ".join(self.term.lower().split())
        super().save(*args, **kwargs)
