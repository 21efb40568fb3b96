"""Organizations (sponsors, grant holders, affiliations) and sites (where
research happens). Both are shared by many projects and matched on a
normalized key, so an import of "MASSACHUSETTS GENERAL HOSPITAL, BOSTON"
finds the "Massachusetts General Hospital" an editor already linked."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..choices import CoordinatesSource
from ..normalize import match_key
from .base import NamedSlugModel


class Organization(NamedSlugModel):
    """A sponsor, a collaborator, or the institution that receives an NIH grant."""

    city = models.CharField(max_length=120, blank=True)
    state = models.CharField(_("state or region"), max_length=120, blank=True)
    zip_code = models.CharField(_("ZIP or postal code"), max_length=20, blank=True)
    country = models.CharField(max_length=120, blank=True)
    match_key = models.CharField(max_length=400, unique=True, editable=False, default="")

    class Meta(NamedSlugModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name=""), name="organization_has_name",
                violation_error_message=_("An organization needs a name."),
            ),
        ]

    @staticmethod
    def key_for(name: str, city: str = "") -> str:
        """Organizations are one record per normalized name and city."""
        return match_key(name, city)

    def save(self, *args, **kwargs):
        self.match_key = self.key_for(self.name, self.city)
        super().save(*args, **kwargs)

    def validate_unique(self, exclude=None):
        self.match_key = self.key_for(self.name, self.city)
        super().validate_unique(exclude)

    def get_absolute_url(self):
        """The institution's public page (only reachable while it holds listed projects)."""
        return reverse("browse:institution", kwargs={"slug": self.slug})

    @property
    def place(self) -> str:
        """"Boston, Massachusetts, United States" with empty parts left out."""
        return ", ".join(part for part in (self.city, self.state, self.country) if part)


class Site(models.Model):
    """A place where research happens: one institution in one city."""

    institution = models.CharField(max_length=255)
    city = models.CharField(max_length=120)
    state = models.CharField(_("state or region"), max_length=120, blank=True)
    zip_code = models.CharField(_("ZIP or postal code"), max_length=20, blank=True)
    country = models.CharField(max_length=120)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    coordinates_source = models.CharField(
        max_length=10, choices=CoordinatesSource.choices, blank=True
    )
    match_key = models.CharField(max_length=600, unique=True, editable=False, default="")

    class Meta:
        ordering = ["country", "state", "city", "institution"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(latitude__isnull=True, longitude__isnull=True)
                    | models.Q(
                        latitude__gte=-90, latitude__lte=90,
                        longitude__gte=-180, longitude__lte=180,
                    )
                ),
                name="site_coordinates_valid",
                violation_error_message=_(
                    "Give both latitude (-90 to 90) and longitude (-180 to 180), or neither."
                ),
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="site_coordinates")]

    def __str__(self):
        return f"{self.institution}, {self.place}"

    @staticmethod
    def key_for(institution: str, city: str, state: str = "", country: str = "") -> str:
        """Sites are one record per normalized institution, city, state and country."""
        return match_key(institution, city, state, country)

    def save(self, *args, **kwargs):
        self.match_key = self.key_for(self.institution, self.city, self.state, self.country)
        super().save(*args, **kwargs)

    def validate_unique(self, exclude=None):
        self.match_key = self.key_for(self.institution, self.city, self.state, self.country)
        super().validate_unique(exclude)

    @property
    def place(self) -> str:
        """"Boston, Massachusetts, United States" with empty parts left out."""
        return ", ".join(part for part in (self.city, self.state, self.country) if part)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None
