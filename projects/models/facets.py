"""Facet counts: how many listed projects have each condition, country,
state, sponsor, study type, funding type, status and word.

The public listing's choice lists, its "N projects found" for a single
filter and the search's spelling vocabulary all read this small table
(STYLE.md 14), so no request counts over the whole project table.
``projects.facets`` keeps it exact: it records what each listed project
contributes (``ProjectFacets``) and applies the difference whenever a
project, its conditions or its sites change.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacetKind(models.TextChoices):
    ALL = "all", _("All listed projects")
    CONDITION = "condition", _("Condition")
    COUNTRY = "country", _("Country")
    STATE = "state", _("State or region")
    SPONSOR = "sponsor", _("Sponsor or institution")
    STUDY_TYPE = "study_type", _("Study type")
    FUNDING = "funding", _("Funding type or phase")
    STATUS = "status", _("Status")
    SEX = "sex", _("Open to")
    HEALTHY = "healthy", _("Accepts healthy volunteers")
    WORD = "word", _("Word in a title, summary or condition")


class Facet(models.Model):
    """One value of one facet and the number of listed projects that have it.

    ``key`` is what the URL carries (a slug, a code, a place name, a word);
    ``label`` is what a person reads. A row whose count drops to zero is
    deleted, so every row leads to at least one project.
    """

    kind = models.CharField(max_length=20, choices=FacetKind.choices)
    key = models.CharField(max_length=255)
    label = models.CharField(max_length=255)
    count = models.PositiveIntegerField(default=0)
    #: The condition's or organization's primary key, so a filter can name
    #: it directly (the planner then knows how common it is).
    record_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="facet_unique_key"),
        ]
        indexes = [
            # The top entries of one facet ("the 30 most common conditions").
            models.Index(fields=["kind", "-count", "key"], name="facet_top"),
            # A typed name ("breast cancer") resolved without its slug.
            models.Index(fields=["kind", "label"], name="facet_label"),
        ]
        # The vocabulary's trigram index (misspellings) is PostgreSQL-only:
        # migration 0011_scale_search creates it.

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label} ({self.count})"


class ProjectFacets(models.Model):
    """What one listed project adds to the facet counts, as "kind:key"
    strings: the difference between this and its new values is what a
    change applies. Projects that are not listed have no row. It also keeps
    the summary of the project's sites that its listing card shows."""

    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="facet_entry",
    )
    keys = models.JSONField(default=list)
    # What a listing card says about the sites ("25 sites in 3 countries"),
    # kept with the counts so a card needs no aggregate over the sites.
    site_count = models.PositiveIntegerField(default=0)
    country_count = models.PositiveIntegerField(default=0)
    first_city = models.CharField(max_length=120, blank=True)
    first_state = models.CharField(max_length=120, blank=True)
    first_country = models.CharField(max_length=120, blank=True)
    # What the project's page says about the sites of a study with more
    # than ``SITES_ON_PAGE`` ("United States: 310 sites / Alabama 4 ..."):
    # [country, state, sites, recruiting, with a contact] for each place
    # (``models.project.site_areas``), [] for a smaller one. Kept here so
    # the page of a big trial does not count its hundreds of links; null
    # until ``facets.refresh`` first fills it (the page counts them then).
    site_areas = models.JSONField(null=True, blank=True)

    def __str__(self):
        return f"Facets of project {self.project_id}"
