"""Core records of Find a Trial: projects and the people, places and
organisations they are linked to, plus the editorial review trail.

Rules that must always hold (unique identifiers, valid choices, sex
eligibility only on trials, a review date on every published page) are
database constraints, so no import script or shell session can break them.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.text import slugify

from .choices import (
    NIH_MECHANISMS,
    TRIAL_PHASES,
    FundingMechanism,
    InvestigatorRole,
    ResearchStatus,
    ReviewAction,
    SexEligibility,
    Status,
    StudyType,
)

NCT_ID_PATTERN = r"^NCT[0-9]{8}$"


def unique_slug(model, text: str, max_length: int = 80) -> str:
    """Slugify ``text`` and add a numeric suffix until no ``model`` row uses it."""
    base = slugify(text)[:max_length].strip("-") or "item"
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exists():
        slug = f"{base[: max_length - len(str(n)) - 1]}-{n}"
        n += 1
    return slug


class NamedSlugModel(models.Model):
    """A record known by a unique name and reachable in URLs by its slug."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=80, unique=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), self.name)
        super().save(*args, **kwargs)


class Organization(NamedSlugModel):
    """A sponsor, or the institution that receives an NIH grant."""

    class Meta(NamedSlugModel.Meta):
        pass


class Condition(NamedSlugModel):
    """A health condition in plain words (e.g. "Breast cancer")."""

    class Meta(NamedSlugModel.Meta):
        pass


class Site(models.Model):
    """A place where research happens: one institution in one city."""

    institution = models.CharField(max_length=255)
    city = models.CharField(max_length=120)
    state = models.CharField("state or region", max_length=120, blank=True)
    country = models.CharField(max_length=120)

    class Meta:
        ordering = ["country", "state", "city", "institution"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "city", "state", "country"], name="unique_site"
            ),
        ]

    def __str__(self):
        return f"{self.institution}, {self.place}"

    @property
    def place(self) -> str:
        """"Boston, Massachusetts, United States" with empty parts left out."""
        return ", ".join(part for part in (self.city, self.state, self.country) if part)


class Investigator(models.Model):
    name = models.CharField(max_length=255)
    title = models.CharField(
        max_length=255, blank=True, help_text='e.g. "Assistant Professor of Medicine"'
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="investigators",
    )
    profile_url = models.URLField("profile link", blank=True)
    nih_profile_id = models.PositiveBigIntegerField(
        "NIH profile ID", null=True, blank=True, unique=True,
        help_text="The investigator's profile number in NIH RePORTER, where known.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.organization})" if self.organization else self.name


class ProjectQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: approved and published projects only."""
        return self.filter(status=Status.PUBLISHED)

    def for_public_pages(self):
        """Load what the public listing and detail pages show, in few queries."""
        return self.select_related("sponsor").prefetch_related(
            "conditions",
            "sites",
            models.Prefetch(
                "project_investigators",
                queryset=ProjectInvestigator.objects.select_related(
                    "investigator", "investigator__organization"
                ),
            ),
        )

    def search(self, text: str):
        """Match every word of ``text`` against titles, the lay summary or a
        condition name, so "breast immune" finds pages that mention both."""
        queryset = self
        for word in text.split():
            condition_match = Condition.objects.filter(
                projects=OuterRef("pk"), name__icontains=word
            )
            queryset = queryset.filter(
                Q(lay_title__icontains=word)
                | Q(official_title__icontains=word)
                | Q(lay_summary__icontains=word)
                | Exists(condition_match)
            )
        return queryset


class Project(models.Model):
    """One NIH-funded research project or clinical study, with its
    plain-language summary and its place in the editorial workflow."""

    # Identity and source records
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    study_type = models.CharField(
        max_length=20, choices=StudyType.choices, default=StudyType.NIH_RESEARCH
    )
    nih_application_id = models.PositiveBigIntegerField(
        "NIH application ID", null=True, blank=True, unique=True,
        help_text="The number in the NIH RePORTER address, e.g. 11012296.",
    )
    nih_project_number = models.CharField(
        "NIH project number", max_length=40, blank=True,
        help_text="e.g. 1K08CA287654-01",
    )
    nct_id = models.CharField(
        "ClinicalTrials.gov ID", max_length=11, null=True, blank=True, unique=True,
        help_text="NCT followed by 8 digits, e.g. NCT04567890.",
        validators=[RegexValidator(NCT_ID_PATTERN, "Enter NCT followed by 8 digits.")],
    )
    official_title = models.CharField(max_length=500)

    # Plain-language content
    lay_title = models.CharField(
        "plain-language title", max_length=200,
        help_text="What a patient would search for; no jargon.",
    )
    lay_summary = models.TextField(
        "summary", blank=True, help_text="One paragraph: what, who and why."
    )
    research_focus = models.TextField("what this research studies", blank=True)
    good_fit = models.TextField(
        "who could benefit: good fit", blank=True,
        help_text="Who this research may help.",
    )
    not_a_fit = models.TextField("who could benefit: not a fit", blank=True)
    potential_benefit = models.TextField("why it matters: potential benefit", blank=True)
    similar_studies = models.TextField(
        "why it matters: how similar studies have performed", blank=True
    )

    # Facts
    funding_mechanism = models.CharField(
        "funding type or phase", max_length=30, choices=FundingMechanism.choices
    )
    research_status = models.CharField(
        max_length=30, choices=ResearchStatus.choices, default=ResearchStatus.ACTIVE
    )
    sex_eligibility = models.CharField(
        max_length=10, choices=SexEligibility.choices, blank=True,
        help_text="Clinical trials only; leave empty for lab research.",
    )
    sponsor = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="projects",
        help_text="The trial's lead sponsor, or the institution that holds the NIH grant.",
    )
    funding_institute = models.CharField(
        "NIH institute", max_length=200, blank=True,
        help_text='The funding NIH institute, e.g. "National Cancer Institute".',
    )
    conditions = models.ManyToManyField(Condition, related_name="projects", blank=True)
    sites = models.ManyToManyField(Site, related_name="projects", blank=True)
    investigators = models.ManyToManyField(
        Investigator, through="ProjectInvestigator", related_name="projects", blank=True
    )
    fiscal_year = models.PositiveSmallIntegerField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    # Editorial workflow; change ``status`` only through projects.workflow.
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
                    | Q(study_type=StudyType.CLINICAL_TRIAL, funding_mechanism__in=TRIAL_PHASES)
                ),
                name="project_mechanism_matches_study_type",
                violation_error_message=(
                    "Pick an NIH funding type for NIH-funded research, "
                    "or a trial phase for a clinical trial."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(study_type=StudyType.NIH_RESEARCH, nih_application_id__isnull=False)
                    | Q(study_type=StudyType.CLINICAL_TRIAL, nct_id__isnull=False)
                ),
                name="project_has_source_identifier",
                violation_error_message=(
                    "NIH-funded research needs its NIH application ID; "
                    "a clinical trial needs its ClinicalTrials.gov ID."
                ),
            ),
            models.CheckConstraint(
                condition=Q(nct_id__isnull=True) | Q(nct_id__regex=NCT_ID_PATTERN),
                name="project_nct_id_format",
                violation_error_message="A ClinicalTrials.gov ID is NCT followed by 8 digits.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(sex_eligibility="")
                    | Q(
                        study_type=StudyType.CLINICAL_TRIAL,
                        sex_eligibility__in=SexEligibility.values,
                    )
                ),
                name="project_sex_only_for_trials",
                violation_error_message=(
                    "Sex eligibility applies to clinical trials only; "
                    "leave it empty for NIH-funded lab research."
                ),
            ),
            models.CheckConstraint(
                condition=(
                    Q(start_date__isnull=True)
                    | Q(end_date__isnull=True)
                    | Q(end_date__gte=models.F("start_date"))
                ),
                name="project_dates_in_order",
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.PUBLISHED) | Q(last_reviewed__isnull=False),
                name="project_published_is_reviewed",
                violation_error_message="A published project needs a last-reviewed date.",
            ),
        ]
        indexes = [models.Index(fields=["status", "lay_title"])]

    def __str__(self):
        return f"{self.lay_title} ({self.source_identifier})"

    def save(self, *args, **kwargs):
        if self.nct_id == "":
            self.nct_id = None
        if not self.slug:
            self.slug = unique_slug(
                Project, f"{self.lay_title} {self.source_identifier}", max_length=120
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:detail", kwargs={"slug": self.slug})

    # Presentation helpers: the public page asks the model, never the raw fields.

    @property
    def is_clinical_trial(self) -> bool:
        return self.study_type == StudyType.CLINICAL_TRIAL

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

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
    def funding_label(self) -> str:
        return "Phase" if self.is_clinical_trial else "Funding type"

    @property
    def clinicaltrials_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}" if self.nct_id else ""

    @property
    def reporter_url(self) -> str:
        if not self.nih_application_id:
            return ""
        return f"https://reporter.nih.gov/project-details/{self.nih_application_id}"

    def official_records(self) -> list[dict]:
        """Links to the official registry records, the primary one first."""
        records = []
        if self.nct_id:
            records.append({
                "registry": "ClinicalTrials.gov", "identifier": self.nct_id,
                "kind": "Trial ID", "url": self.clinicaltrials_url,
            })
        if self.nih_application_id:
            records.append({
                "registry": "NIH RePORTER",
                "identifier": self.nih_project_number or str(self.nih_application_id),
                "kind": "NIH grant", "url": self.reporter_url,
            })
        return records

    def ordered_investigators(self):
        """Project roles in display order (uses the prefetch when present)."""
        roles = list(self.project_investigators.all())
        role_rank = {value: rank for rank, value in enumerate(InvestigatorRole.values)}
        return sorted(roles, key=lambda r: (role_rank.get(r.role, 99), r.order, r.investigator.name))

    def location_summary(self) -> str:
        """"1 site (Boston, Massachusetts, United States)" or "4 sites in 2 countries"."""
        sites = list(self.sites.all())
        if not sites:
            return ""
        if len(sites) == 1:
            return f"1 site ({sites[0].place})"
        countries = {site.country for site in sites}
        if len(countries) == 1:
            return f"{len(sites)} sites in {countries.pop()}"
        return f"{len(sites)} sites in {len(countries)} countries"

    def quick_facts(self) -> list[tuple[str, str]]:
        """The "Quick facts" rows that have a value, as (label, text) pairs.

        Sex eligibility is shown for clinical trials only: on lab research it
        would be meaningless. Registry IDs are rendered by the template as links.
        """
        facts = [
            ("Study type", self.get_study_type_display()),
            (self.funding_label, self.get_funding_mechanism_display()),
            ("Status", self.get_research_status_display()),
        ]
        if self.is_clinical_trial and self.sex_eligibility:
            facts.append(("Sex", self.get_sex_eligibility_display()))
        facts.append(("Sponsor" if self.is_clinical_trial else "Lead organization", str(self.sponsor)))
        if self.funding_institute:
            facts.append(("Funded by", self.funding_institute))
        facts.append(("Locations", self.location_summary()))
        facts.append(("Dates", self.date_range()))
        return [(label, value) for label, value in facts if value]

    def date_range(self) -> str:
        fmt = "%B %Y"
        if self.start_date and self.end_date:
            return f"{self.start_date.strftime(fmt)} to {self.end_date.strftime(fmt)}"
        if self.start_date:
            return f"Since {self.start_date.strftime(fmt)}"
        if self.fiscal_year:
            return f"Funded in fiscal year {self.fiscal_year}"
        return ""


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
        verbose_name = "investigator on this project"
        verbose_name_plural = "investigators on this project"

    def __str__(self):
        return f"{self.investigator.name}, {self.get_role_display()}"


class ReviewEvent(models.Model):
    """One step of the editorial workflow: who did what, when, and why.

    Rows are only ever added (by projects.workflow), never edited.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="review_events")
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_events"
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ReviewAction.values), name="review_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor} on {self.created_at:%Y-%m-%d %H:%M}"
