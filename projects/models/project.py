"""The project: one NIH-funded research project or study on
ClinicalTrials.gov, with its plain-language page.

The ``Project`` row is the live public version (STYLE.md 11): while a page
is live, an editor's changes wait in a revision (``models/revisions.py``)
until a reviewer approves them. Rules that must always hold are database
constraints, so no import, admin form or shell session can break them.
Which fields belong to the source record and which to the editors is
declared once, in ``projects/fields.py``.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import (
    LAB_RESEARCH_STATUSES,
    NIH_MECHANISMS,
    OPEN_STATUSES,
    REGISTRY_STATUSES,
    OPENING_STATUSES,
    REGISTRY_STUDY_TYPES,
    TRIAL_PHASES,
    EnrollmentType,
    FundingMechanism,
    InvestigatorRole,
    ResearchStatus,
    SexEligibility,
    Status,
    StudyType,
)
from ..statements import Statement, attach
from .base import unique_slug
from .conditions import Condition
from .people import Contact, Investigator
from .places import Organization, Site

NCT_ID_PATTERN = r"^NCT[0-9]{8}$"
FISCAL_YEAR_RANGE = (1950, 2100)
#: Ages are kept in months; 150 years is older than anyone eligible.
MAX_AGE_MONTHS = 150 * 12


#: The columns a listing card reads.
CARD_FIELDS = (
    "pk", "slug", "lay_title", "lay_summary", "study_type", "funding_mechanism",
    "research_status", "archived_at", "sponsor__name", "sponsor__slug",
)
#: The rows of the public listing (``ProjectQuerySet.listed``), as an index condition.
LISTED = Q(is_live=True, archived_at__isnull=True)


class ProjectQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: pages a reviewer approved and that are live.

        Archived pages stay reachable (their page says the research has
        ended) but leave the listing: see ``listed()``.
        """
        return self.filter(is_live=True)

    def listed(self):
        """Live pages that appear in the listing, search, feeds and the API."""
        return self.published().filter(archived_at__isnull=True)

    def for_listing_cards(self):
        """What a listing card reads, and nothing more, in one query: the
        long texts of the page (criteria, source abstracts) stay in the
        database, and the conditions come with the row (``condition_list``,
        read by ``page_conditions``)."""
        return self.select_related("sponsor").only(*CARD_FIELDS).with_condition_list()

    def for_public_pages(self):
        """A project's public page, in few queries: the row with its sponsor, its
        conditions (``condition_list``) and the NIH grants it names with their
        live pages here (``grant_pages``), read in the same query;
        ``load_page_records`` then loads the other lists the page shows
        (all the sites, or how many each place has: ``site_count`` decides)."""
        return (
            self.select_related("sponsor")
            .with_grant_pages()
            .with_condition_list()
            .with_site_count()
        )

    def with_site_count(self):
        """Each project's ``site_count``, read with the row (its links' key index)."""
        links = (
            ProjectSite.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(site_count=Coalesce(Subquery(links), 0))

    def with_grant_pages(self):
        """Each project's ``grant_pages``: the NIH grants its registry record
        names (``GrantLink``), each with the slug of the grant's live page here
        or None, as a list of ``{"number": ..., "slug": ...}`` (None without
        grants). One correlated subquery instead of two more queries."""
        live_page = (
            Project.objects.published()
            .filter(nih_core_project_number=OuterRef("core_project_number"))
            .order_by("pk")
            .values("slug")[:1]
        )
        grants = (
            GrantLink.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(
                pages=_JSONArrayAgg(JSONObject(number="core_project_number", slug=live_page))
            )
            .values("pages")
        )
        return self.annotate(grant_pages=Subquery(grants, output_field=models.JSONField()))


    def with_condition_list(self):
        """Each project's ``condition_list``: the id, name and slug of each of
        its conditions as a JSON list (None without conditions), read with the
        row instead of one more query; ``page_conditions`` reads it."""
        rows = (
            Project.conditions.through.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(
                items=_JSONArrayAgg(
                    JSONObject(id="condition_id", name="condition__name", slug="condition__slug")
                )
            )
            .values("items")
        )
        return self.annotate(condition_list=Subquery(rows, output_field=models.JSONField()))


class _JSONArrayAgg(models.Aggregate):
    """The grouped values as one JSON array: JSONB_AGG on PostgreSQL,
    JSON_GROUP_ARRAY on SQLite (Django 5.2 has no portable one)."""

    function = "JSONB_AGG"
    output_field = models.JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class Project(models.Model):
    """One NIH-funded research project or clinical study, with its
    plain-language summary and its place in the editorial workflow."""

    # Identity and source records ----------------------------------------
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    study_type = models.CharField(
        max_length=20, choices=StudyType.choices, default=StudyType.NIH_RESEARCH
    )
    nih_application_id = models.PositiveBigIntegerField(
        _("NIH application ID"), null=True, blank=True, unique=True,
        help_text=_("The number in the NIH RePORTER address, e.g. 11012296."),
    )
    nih_project_number = models.CharField(
        _("NIH project number"), max_length=40, blank=True,
        help_text=_("e.g. 1K08CA287654-01"),
    )
    nih_core_project_number = models.CharField(
        _("NIH core project number"), max_length=30, null=True, blank=True,
        help_text=_(
            "The grant without its year, e.g. K08CA287654: every fiscal year of a grant "
            "updates the same page."
        ),
    )
    nih_subproject_id = models.CharField(
        _("NIH subproject ID"), max_length=10, blank=True,
        help_text=_("Only for one project inside a center or program grant."),
    )
    nct_id = models.CharField(
        _("ClinicalTrials.gov ID"), max_length=11, null=True, blank=True, unique=True,
        help_text=_("NCT followed by 8 digits, e.g. NCT04567890."),
        validators=[RegexValidator(NCT_ID_PATTERN, _("Enter NCT followed by 8 digits."))],
    )
    official_title = models.CharField(max_length=1000)
    brief_title = models.CharField(
        _("registry's short title"), max_length=500, blank=True,
        help_text=_("ClinicalTrials.gov's brief title, where there is one."),
    )

    # Plain-language content (editor-owned) --------------------------------
    lay_title = models.CharField(
        _("plain-language title"), max_length=200,
        help_text=_("What a patient would search for; no jargon."),
    )
    lay_summary = models.TextField(
        _("summary"), blank=True, help_text=_("One paragraph: what, who and why.")
    )
    research_focus = models.TextField(_("what this research studies"), blank=True)
    good_fit = models.TextField(_("who could benefit: good fit"), blank=True)
    not_a_fit = models.TextField(_("who could benefit: not a fit"), blank=True)
    potential_benefit = models.TextField(_("why it matters: potential benefit"), blank=True)
    similar_studies = models.TextField(
        _("why it matters: how similar studies have performed"), blank=True
    )
    conditions = models.ManyToManyField(Condition, related_name="projects", blank=True)

    # Facts from the source record ----------------------------------------
    funding_mechanism = models.CharField(
        _("funding type or phase"), max_length=30, choices=FundingMechanism.choices
    )
    activity_code = models.CharField(
        _("NIH activity code"), max_length=3, blank=True, help_text=_("e.g. R01, K08, U01")
    )
    research_status = models.CharField(
        max_length=30, choices=ResearchStatus.choices, default=ResearchStatus.ACTIVE
    )
    sex_eligibility = models.CharField(
        max_length=10, choices=SexEligibility.choices, blank=True,
        help_text=_("Studies on ClinicalTrials.gov only; leave empty for lab research."),
    )
    minimum_age_months = models.PositiveIntegerField(
        _("minimum age (months)"), null=True, blank=True,
        validators=[MaxValueValidator(MAX_AGE_MONTHS)],
        help_text=_("Studies only. 18 years is 216 months; empty means no lower limit."),
    )
    maximum_age_months = models.PositiveIntegerField(
        _("maximum age (months)"), null=True, blank=True,
        validators=[MaxValueValidator(MAX_AGE_MONTHS)],
        help_text=_("Studies only; empty means no upper limit."),
    )
    healthy_volunteers = models.BooleanField(
        _("accepts healthy volunteers"), null=True, blank=True,
        help_text=_("Studies only; empty when the record does not say."),
    )
    eligibility_criteria = models.TextField(
        _("eligibility criteria (as registered)"), blank=True
    )
    enrollment = models.PositiveIntegerField(_("number of participants"), null=True, blank=True)
    enrollment_type = models.CharField(
        max_length=10, choices=EnrollmentType.choices, blank=True
    )
    sponsor = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="projects",
        help_text=_("The study's lead sponsor, or the institution that holds the NIH grant."),
    )
    collaborators = models.ManyToManyField(
        Organization, related_name="collaborations", blank=True
    )
    funding_institute = models.CharField(
        _("NIH institute"), max_length=200, blank=True,
        help_text=_('The funding NIH institute, e.g. "National Cancer Institute".'),
    )
    award_amount = models.PositiveBigIntegerField(
        _("award amount (US dollars)"), null=True, blank=True
    )
    sites = models.ManyToManyField(
        Site, through="ProjectSite", related_name="projects", blank=True
    )
    investigators = models.ManyToManyField(
        Investigator, through="ProjectInvestigator", related_name="projects", blank=True
    )
    fiscal_year = models.PositiveSmallIntegerField(
        null=True, blank=True,
        validators=[MinValueValidator(FISCAL_YEAR_RANGE[0]), MaxValueValidator(FISCAL_YEAR_RANGE[1])],
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    source_summary = models.TextField(
        _("summary in the source record"), blank=True,
        help_text=_("The registry's own summary or the grant abstract, as published."),
    )
    source_public_health_relevance = models.TextField(
        _("public health relevance (NIH)"), blank=True
    )
    source_keywords = models.JSONField(
        _("keywords in the source record"), default=list, blank=True
    )
    spending_categories = models.JSONField(
        _("NIH spending categories"), default=list, blank=True
    )
    source_last_updated = models.DateField(
        _("source record last updated"), null=True, blank=True
    )

    # Keeping in step with the source --------------------------------------
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    source_changes = models.JSONField(
        _("source fields changed since the last review"), default=list, blank=True,
        editable=False,
    )
    source_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Editorial workflow; changed only through projects.workflow -----------
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    is_live = models.BooleanField(
        _("live on the public site"), default=False, editable=False
    )
    live_revision = models.ForeignKey(
        "projects.ProjectRevision", on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )
    go_live_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_reviewed = models.DateField(null=True, blank=True, editable=False)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+",
    )
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text=_("When the live content last changed."),
    )
    #: Bumped by every save of content or source facts; a form that started
    #: from an older version is refused rather than overwriting (lost updates).
    version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Search (PostgreSQL keeps the vector current with a trigger) ----------
    search_conditions = models.TextField(blank=True, editable=False)
    #: Weighted lay title and conditions (A), lay summary (B) and official
    #: title (C), written by the trigger that migration 0011_scale_search
    #: creates on PostgreSQL (``projects.search`` reads it); NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    # Listing order ------------------------------------------------------
    #: 0 open now, 1 opening soon or by invitation, 2 everything else: the
    #: listing shows what a patient can join first. Computed by the database
    #: from ``research_status``, so no writer can forget it.
    recruitment_rank = models.GeneratedField(
        expression=Case(
            When(research_status__in=OPEN_STATUSES, then=Value(0)),
            When(research_status__in=OPENING_STATUSES, then=Value(1)),
            default=Value(2),
        ),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["lay_title"]
        permissions = [
            ("submit_project", "Can submit a project for review"),
            ("review_project", "Can approve, publish, send back or withdraw a project"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(study_type__in=StudyType.values), name="project_study_type_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(study_type=StudyType.NIH_RESEARCH, funding_mechanism__in=NIH_MECHANISMS)
                    | Q(study_type__in=REGISTRY_STUDY_TYPES, funding_mechanism__in=TRIAL_PHASES)
                ),
                name="project_mechanism_matches_study_type",
                violation_error_message=_(
                    "Pick an NIH funding type for NIH-funded research, "
                    "or a phase for a study on ClinicalTrials.gov."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(study_type=StudyType.NIH_RESEARCH, nih_application_id__isnull=False)
                    | Q(study_type__in=REGISTRY_STUDY_TYPES, nct_id__isnull=False)
                ),
                name="project_has_source_identifier",
                violation_error_message=_(
                    "NIH-funded research needs its NIH application ID; "
                    "a study on ClinicalTrials.gov needs its NCT ID."
                ),
            ),
            models.CheckConstraint(
                condition=Q(nct_id__isnull=True) | Q(nct_id__regex=NCT_ID_PATTERN),
                name="project_nct_id_format",
                violation_error_message=_("A ClinicalTrials.gov ID is NCT followed by 8 digits."),
            ),
            models.UniqueConstraint(
                fields=["nih_core_project_number", "nih_subproject_id"],
                name="project_unique_nih_core_project",
                violation_error_message=_(
                    "Another page already covers this NIH grant (core project number)."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(study_type=StudyType.NIH_RESEARCH, research_status__in=LAB_RESEARCH_STATUSES)
                    | Q(study_type__in=REGISTRY_STUDY_TYPES, research_status__in=REGISTRY_STATUSES)
                ),
                name="project_research_status_matches_study_type",
                violation_error_message=_(
                    "Lab research is active or completed; a study on ClinicalTrials.gov "
                    "takes one of that registry's statuses (not “active lab research”)."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        sex_eligibility="", minimum_age_months__isnull=True,
                        maximum_age_months__isnull=True, healthy_volunteers__isnull=True,
                    )
                    | Q(study_type__in=REGISTRY_STUDY_TYPES)
                ),
                name="project_eligibility_only_for_studies",
                violation_error_message=_(
                    "Sex, age and healthy-volunteer eligibility apply to studies that enrol "
                    "people; leave them empty for NIH-funded lab research."
                ),
            ),
            models.CheckConstraint(
                condition=Q(sex_eligibility="") | Q(sex_eligibility__in=SexEligibility.values),
                name="project_sex_eligibility_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(minimum_age_months__isnull=True)
                    | Q(maximum_age_months__isnull=True)
                    | Q(maximum_age_months__gte=models.F("minimum_age_months"))
                ),
                name="project_ages_in_order",
                violation_error_message=_("The maximum age cannot be below the minimum age."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(fiscal_year__isnull=True)
                    | Q(fiscal_year__gte=FISCAL_YEAR_RANGE[0], fiscal_year__lte=FISCAL_YEAR_RANGE[1])
                ),
                name="project_fiscal_year_plausible",
                violation_error_message=_("The fiscal year must be between 1950 and 2100."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(start_date__isnull=True)
                    | Q(end_date__isnull=True)
                    | Q(end_date__gte=models.F("start_date"))
                ),
                name="project_dates_in_order",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(is_live=True),
                name="project_published_is_live",
            ),
            models.CheckConstraint(
                condition=(
                    Q(is_live=False)
                    | Q(last_reviewed__isnull=False, first_published_at__isnull=False)
                ),
                name="project_published_is_reviewed",
                violation_error_message=_("A published project needs a last-reviewed date."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SCHEDULED) | Q(go_live_at__isnull=False),
                name="project_scheduled_has_time",
                violation_error_message=_("A scheduled project needs a go-live time."),
            ),
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | Q(is_live=True),
                name="project_archived_is_live",
                violation_error_message=_("Only a live page can be archived."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "lay_title"], name="project_status_title"),
            models.Index(fields=["is_live", "lay_title"], name="project_live_title"),
            models.Index(fields=["last_reviewed"], name="project_last_reviewed"),
            # The public listing's orders (projects.filters.SORTS), over listed
            # rows only: a page of any order is a short walk of one index.
            # The search vector's GIN index is PostgreSQL-only; migration
            # 0011_scale_search creates it with the trigger.
            models.Index(
                fields=["recruitment_rank", "-last_reviewed", "-id"],
                name="listed_recruiting_first", condition=LISTED,
            ),
            models.Index(
                fields=["-last_reviewed", "-id"], name="listed_last_reviewed", condition=LISTED
            ),
            models.Index(
                fields=["-first_published_at", "-id"], name="listed_newest", condition=LISTED
            ),
            models.Index(fields=["lay_title", "id"], name="listed_title", condition=LISTED),
            # A status filter in the default order, without walking the others.
            models.Index(
                fields=["research_status", "recruitment_rank", "-last_reviewed", "-id"],
                name="listed_status_order", condition=LISTED,
            ),
            models.Index(fields=["sponsor"], name="listed_sponsor", condition=LISTED),
            # "Is this project listed?" for many IDs at once (the sites near a
            # place), answered from the index alone; with the columns "Can I
            # take part?" filters on (status, ages, sex, healthy volunteers),
            # so counting those filters' matches reads no table rows:
            # "recruiting, age 45, female" took 4.1 ms, 1.2 ms with them.
            models.Index(
                fields=["id"], name="listed_id_eligibility", condition=LISTED,
                include=[
                    "research_status", "study_type", "minimum_age_months",
                    "maximum_age_months", "sex_eligibility", "healthy_volunteers",
                ],
            ),
            # The feeds: the newest changes to listed pages first (projects.feeds).
            models.Index(
                fields=["-last_published_at", "-id"], name="listed_last_published",
                condition=Q(is_live=True, archived_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.lay_title} ({self.source_identifier})"

    def save(self, *args, **kwargs):
        if self.nct_id == "":
            self.nct_id = None
        if self.nih_core_project_number == "":
            self.nih_core_project_number = None
        if not self.slug:
            self.slug = unique_slug(
                Project, f"{self.lay_title} {self.source_identifier}", max_length=120
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

    # Small truths the surfaces ask, never restating the raw fields --------

    @property
    def is_registry_study(self) -> bool:
        """A study on ClinicalTrials.gov: it enrols people and has an NCT ID."""
        return self.study_type in REGISTRY_STUDY_TYPES

    @property
    def is_clinical_trial(self) -> bool:
        return self.study_type == StudyType.CLINICAL_TRIAL

    @property
    def is_lab_research(self) -> bool:
        return self.study_type == StudyType.NIH_RESEARCH

    @property
    def source_facts_are_typed(self) -> bool:
        """Whether editors may type this page's source facts (and its sites,
        people, contacts and grants): only on a page made by hand that is not
        live. An imported page's facts are its registry record's, kept in
        step by every import, which would overwrite a hand correction; a
        live page's change with an import, or after a reviewer withdraws it."""
        return self.imported_at is None and not self.is_live

    @property
    def is_published(self) -> bool:
        """Live on the public site (it may also have a newer draft)."""
        return self.is_live

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_recruiting(self) -> bool:
        return self.research_status in OPEN_STATUSES

    @property
    def end_date_has_passed(self) -> bool:
        """Its end date is before today (where the site is): the research
        may be archived, and a planned end it still shows has passed."""
        return bool(self.end_date and self.end_date < timezone.localdate())

    @property
    def is_completed(self) -> bool:
        return self.research_status == ResearchStatus.COMPLETED

    @property
    def has_source_changes(self) -> bool:
        return bool(self.source_changes)

    @property
    def source_identifier(self) -> str:
        """The record's own ID as its registry writes it."""
        if self.nct_id:
            return self.nct_id
        if self.nih_project_number:
            return self.nih_project_number
        if self.nih_application_id:
            return f"NIH {self.nih_application_id}"
        return "no identifier"

    @property
    def clinicaltrials_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}" if self.nct_id else ""

    @property
    def reporter_url(self) -> str:
        if not self.nih_application_id:
            return ""
        return f"https://reporter.nih.gov/project-details/{self.nih_application_id}"

    def review_due(self) -> datetime.date | None:
        """When the live page should next be checked against its source."""
        if self.last_reviewed is None:
            return None
        return add_months(self.last_reviewed, settings.REVIEW_INTERVAL_MONTHS)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months``, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class ProjectSite(models.Model):
    """A site of one project, with its recruiting status there."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="project_sites")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="project_sites")
    recruitment_status = models.CharField(
        _("status at this site"), max_length=30, choices=ResearchStatus.choices, blank=True
    )
    order = models.PositiveIntegerField(default=0)
    #: Its project is listed (``ProjectQuerySet.listed``): kept by
    #: ``facets.refresh`` with the listing's other derived rows, so the
    #: projects near a place are found among listed links alone.
    listed = models.BooleanField(default=False, editable=False)
    #: Its project is listed and open now (the listing's "recruiting now",
    #: ``OPEN_STATUSES``), kept with ``listed``: "recruiting near 10001"
    #: reads these links alone.
    recruiting = models.BooleanField(default=False, editable=False)

    class Meta:
        db_table = "projects_project_sites"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "site"], name="unique_site_per_project"),
        ]
        indexes = [
            # From a place (a state, a radius) to its projects without a heap visit.
            models.Index(fields=["site", "project"], name="project_site_by_site"),
            # The same for listed projects only: "near 02114" with no other
            # filter reads these instead of checking each link's project.
            models.Index(
                fields=["site", "project"], name="listed_project_site_by_site",
                condition=Q(listed=True),
            ),
            models.Index(
                fields=["site", "project"], name="recruiting_project_site",
                condition=Q(recruiting=True),
            ),
        ]
        verbose_name = _("site of this project")
        verbose_name_plural = _("Sites (where this research happens)")

    def __str__(self):
        return str(self.site)

    @property
    def is_recruiting(self) -> bool:
        return self.recruitment_status in OPEN_STATUSES


class ProjectInvestigator(models.Model):
    """An investigator's role on one project."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="project_investigators"
    )
    investigator = models.ForeignKey(
        Investigator, on_delete=models.PROTECT, related_name="project_roles"
    )
    role = models.CharField(
        max_length=20, choices=InvestigatorRole.choices,
        default=InvestigatorRole.PRINCIPAL_INVESTIGATOR,
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "investigator"], name="unique_investigator_per_project"
            ),
            models.CheckConstraint(
                condition=Q(role__in=InvestigatorRole.values), name="investigator_role_valid"
            ),
        ]
        verbose_name = _("investigator on this project")
        verbose_name_plural = _("investigators on this project")

    def __str__(self):
        return f"{self.investigator.name}, {self.get_role_display()}"


class GrantLink(models.Model):
    """An NIH grant named in a study's registry record (its secondary IDs):
    the link from a study to the NIH project that funds it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="grant_links")
    core_project_number = models.CharField(
        _("NIH core project number"), max_length=30, db_index=True,
        help_text=_("Normalized, e.g. R01CA123456."),
    )
    as_registered = models.CharField(_("as the record writes it"), max_length=60, blank=True)

    class Meta:
        ordering = ["core_project_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "core_project_number"], name="unique_grant_per_project"
            ),
        ]

    def __str__(self):
        return self.core_project_number


#: A public page lists a project's sites up to here. A study with more (a
#: large trial has hundreds) shows how many it has in each country and
#: state instead, and lists every site on a page of their own
#: (``views.ProjectSitesView``): 400 sites made a 200 KB page that took
#: about 45 ms to build, and a reader looks for the places near them first.
SITES_ON_PAGE = 25


@dataclass(frozen=True)
class SiteArea:
    """How many of a project's sites are in one state or region of one
    country (``state`` empty: the registry names none), how many of those
    are recruiting, and at how many a contact gives a phone or an email."""

    country: str
    state: str
    sites: int
    recruiting: int = 0
    with_contacts: int = 0


def area_key(country: str, state: str) -> tuple[str, str]:
    """What makes two spellings one place: "Ontario" and "ONTARIO " are."""
    return country.strip().casefold(), state.strip().casefold()


def most_used_spelling(sites_by_spelling: dict[tuple[str, str], int]) -> tuple[str, str]:
    """The (country, state) spelling of one place that most of its sites
    use (the last in name order on a tie), which its pages show."""
    return max(sites_by_spelling, key=lambda spelling: (sites_by_spelling[spelling], spelling))


def public_page(slug: str) -> "Project | None":
    """The published project ``slug``, read as ``for_public_pages`` reads it
    and with the lists its page shows (``load_page_records``); None if no
    such page is published."""
    project = _PUBLIC_PAGE.first(slug=slug)
    if project is not None:
        load_page_records(project)
    return project


def load_page_records(project: Project) -> None:
    """Load the lists the public page of ``project`` shows, one query per
    list: sites and people for every page, and contacts for a study only
    ("Can I take part?"; lab research enrols no one and has none). The
    project comes from ``for_public_pages()``, which read its sponsor,
    conditions, grants and number of sites with the row.

    A project with more than ``SITES_ON_PAGE`` sites gets ``site_areas``
    (``SiteArea`` rows, counted from one row per site) instead of its sites, and only
    its central contacts: each site's contacts are on the page of every
    site. The queries are ``Statement``s: compiled to SQL once per process."""
    if getattr(project, "site_count", 0) > SITES_ON_PAGE:
        _load_site_areas(project)
    else:
        load_site_records(project)
    attach(project, "project_investigators", _INVESTIGATORS.objects(project=project.pk))


def load_site_records(project: Project) -> None:
    """Load every site of ``project``, and its contacts if it is a registry
    study (central and at each site)."""
    attach(project, "project_sites", _SITE_LINKS.objects(project=project.pk))
    if project.is_registry_study:
        attach(project, "contacts", _CONTACTS.objects(project=project.pk))


_PUBLIC_PAGE = Statement(
    lambda slug: Project.objects.published()
    .for_public_pages()
    .annotate(stored_site_areas=F("facet_entry__site_areas"))
    .filter(slug=slug),
    slug=str,
)
_SITE_LINKS = Statement(
    lambda project: ProjectSite.objects.select_related("site").filter(project=project),
    project=int,
)
_CONTACTS = Statement(
    lambda project: Contact.objects.select_related("site").filter(project=project), project=int
)
_CENTRAL_CONTACTS = Statement(
    lambda project: Contact.objects.filter(project=project, site=None), project=int
)
_INVESTIGATORS = Statement(
    lambda project: ProjectInvestigator.objects.select_related(
        "investigator", "investigator__organization"
    ).filter(project=project),
    project=int,
)


def _load_site_areas(project: Project) -> None:
    """Set the project's ``site_areas`` (``areas_by_place``), from its facet row
    when ``facets.refresh`` has kept them there (``stored_site_areas``, read
    with a listed project's row), else counted from its links; and load a
    study's central contacts."""
    stored = getattr(project, "stored_site_areas", None)
    if stored:
        project.site_areas = [SiteArea(*row) for row in stored]
    else:
        project.site_areas = areas_by_place(
            {(place["country"], place["state"]): counts
             for place, *counts in _SITE_AREAS.rows(project=project.pk)}
        )
    if project.is_registry_study:
        attach(project, "contacts", _CENTRAL_CONTACTS.objects(project=project.pk))


def areas_by_place(by_spelling: dict[tuple[str, str], list[int]]) -> list[SiteArea]:
    """A project's sites by place, from [sites, recruiting, with a contact]
    for each (country, state) as its sites spell it: spellings that differ
    only in case or spaces are one place, named as most of its sites name
    it, in name order. The page counts them with ``_site_areas``;
    ``facets.refresh`` from the links it reads anyway, to keep them."""
    places: dict[tuple, dict[tuple, list[int]]] = {}
    for spelling, counts in by_spelling.items():
        places.setdefault(area_key(*spelling), {})[spelling] = counts
    areas = []
    for spellings in places.values():
        named = most_used_spelling({spelling: tally[0] for spelling, tally in spellings.items()})
        areas.append(SiteArea(*named, *map(sum, zip(*spellings.values()))))
    return sorted(areas, key=lambda area: area_key(area.country, area.state))


def _site_areas(project):
    """``project``'s sites counted by place (country and state as they are
    spelled, one JSON object): how many, how many recruit, and at how many
    a contact gives a phone or an email. Each site is read by key: joined
    to the sites, the planner read all 20,000 of them to find a big trial's
    few hundred (4.2 ms against 1.7 for 400 links). The sites with a
    contact are read once (a hashed subquery), not looked up for each link
    (1.9 → 1.4 ms for 400 links)."""
    reachable = (
        Contact.objects.filter(project=project, site__isnull=False)
        .exclude(phone="", email="")
        .values("site_id")
    )
    place = Site.objects.filter(pk=OuterRef("site")).order_by()
    return (
        ProjectSite.objects.filter(project=project)
        .order_by()
        .annotate(place=Subquery(place.values(place=JSONObject(country="country", state="state"))))
        .values_list("place")
        .annotate(
            sites=Count("pk"),
            recruiting=Count("pk", filter=Q(recruitment_status__in=OPEN_STATUSES)),
            with_contacts=Count("pk", filter=Q(site_id__in=reachable)),
        )
    )


_SITE_AREAS = Statement(_site_areas, project=int)


def _by_name(row: dict) -> tuple:
    return row["name"].casefold(), row["id"]


def page_conditions(project: Project) -> list[Condition]:
    """The project's conditions in name order, whatever the case of their
    first letters ("asthma" before "COVID-19" on either database), as its
    page and its card show them: from the ``condition_list`` that
    ``with_condition_list`` read with the row (as conditions loaded with
    only their name and slug), else one query (none if they were
    prefetched)."""
    if not hasattr(project, "condition_list"):
        return sorted(project.conditions.all(), key=lambda c: (c.name.casefold(), c.pk))
    rows = sorted(project.condition_list or (), key=_by_name)
    fields = ["id", "name", "slug"]
    return [
        Condition.from_db(project._state.db, fields, [row[name] for name in fields])
        for row in rows
    ]
