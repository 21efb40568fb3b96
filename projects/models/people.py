"""Investigators (who runs the research) and contacts (whom to call to
take part). Investigators are shared across projects and matched on their
NIH RePORTER profile ID, else on normalized name and organization."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from ..choices import ContactRole
from ..normalize import match_key
from .base import initial_field
from .places import Organization, Site


class Investigator(models.Model):
    name = models.CharField(max_length=255)
    title = models.CharField(
        max_length=255, blank=True, help_text=_('e.g. "Assistant Professor of Medicine"')
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="investigators",
    )
    profile_url = models.URLField(_("profile link"), blank=True)
    nih_profile_id = models.PositiveBigIntegerField(
        _("NIH profile ID"), null=True, blank=True, unique=True,
        help_text=_("The investigator's profile number in NIH RePORTER, where known."),
    )
    match_key = models.CharField(max_length=700, editable=False, db_index=True, default="")
    initial = initial_field()

    class Meta:
        ordering = ["name"]
        # A letter of the public researchers A-to-Z page, in name order (projects.directory).
        indexes = [models.Index(fields=["initial", "name"], name="investigator_initial_name")]
        constraints = [
            models.UniqueConstraint(
                fields=["match_key"], condition=Q(nih_profile_id__isnull=True),
                name="investigator_unique_name_and_organization",
                violation_error_message=_(
                    "This person is already recorded at this organization."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organization})" if self.organization else self.name

    @staticmethod
    def key_for(name: str, organization_id: int | None) -> str:
        return match_key(name, str(organization_id or ""))

    def save(self, *args, **kwargs):
        self.match_key = self.key_for(self.name, self.organization_id)
        super().save(*args, **kwargs)

    def validate_unique(self, exclude=None):
        self.match_key = self.key_for(self.name, self.organization_id)
        super().validate_unique(exclude)

    @property
    def url_slug(self) -> str:
        """The name in the page address; the ID is what finds the person."""
        return slugify(self.name)[:80].strip("-") or "researcher"

    def get_absolute_url(self):
        """The researcher's public page (only reachable while they are on listed projects)."""
        return reverse("browse:researcher", kwargs={"pk": self.pk, "slug": self.url_slug})


class Contact(models.Model):
    """Whom to ask about taking part: a study's central contact, or a site's.

    Only studies on ClinicalTrials.gov have contacts; they come from the
    record's ``centralContacts`` and each location's ``contacts``.
    """

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="contacts")
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="contacts",
        help_text=_("Empty for the study's central contact."),
    )
    name = models.CharField(max_length=255, blank=True)
    role = models.CharField(max_length=20, choices=ContactRole.choices, default=ContactRole.CENTRAL)
    phone = models.CharField(max_length=60, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="", phone="", email=""), name="contact_has_a_way_to_reach",
                violation_error_message=_("A contact needs a name, a phone number or an email."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=ContactRole.values), name="contact_role_valid"
            ),
        ]

    def __str__(self):
        return self.name or self.email or self.phone
