"""The JSON shape of the public API.

Only the live row of a listed project is read, never a revision: what the
API says is what the public page says. Every stored code travels with its
label (``{"code": "recruiting", "label": "Recruiting now"}``), so a client
can filter on the code and show the words. Fields read what
``views.ProjectViewSet`` prefetched; none of them queries per project.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django.urls import reverse
from rest_framework import serializers

from .. import presenters
from ..choices import (
    ContactRole,
    FundingMechanism,
    InvestigatorRole,
    ResearchStatus,
    SexEligibility,
    StudyType,
)
from .locations import location_row


class CodedSerializer(serializers.Serializer):
    """A stored code and the words for it."""

    code = serializers.CharField()
    label = serializers.CharField()


@extend_schema_field(CodedSerializer(allow_null=True))
class CodedField(serializers.Field):
    """A choice field as ``{"code", "label"}``; ``null`` when empty."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices.choices)
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        if not value:
            return None
        return {"code": value, "label": str(self.labels.get(value, value))}


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.Field):
    """The absolute address of an object's public page."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, obj):
        return absolute_url(self.context["request"], obj)


def absolute_url(request, obj) -> str:
    return request.build_absolute_uri(obj.get_absolute_url())



class ConditionSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField()


class SponsorSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.SlugField(help_text="What the `sponsor` filter takes.")


class LocationSerializer(serializers.Serializer):
    """Where a project takes place: a site's public fields."""

    # From the rows ``locations.load_location_rows`` reads (``location_row``
    # for one site). The fields declare the shape (and the schema);
    # ``to_representation`` copies the row. A page of the project list
    # carries every location of 20 projects, hundreds for big trials, and
    # DRF's generic per-field path took most of the list's time. A test
    # checks the two agree, so a field added here and not to
    # ``locations.LOCATION_FIELDS`` fails. (Comments, not the docstring,
    # which the API's schema shows.)

    institution = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    zip_code = serializers.CharField()
    country = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)

    def to_representation(self, location: dict):
        return dict(location)


class SiteSerializer(LocationSerializer):
    """A site of the study: its location and the study's status there."""

    recruitment_status = CodedField(ResearchStatus, help_text="The study's status at this site.")

    def to_representation(self, project_site):
        location = location_row(project_site.site)
        location["recruitment_status"] = self.fields["recruitment_status"].to_representation(
            project_site.recruitment_status
        )
        return location


class AgesSerializer(serializers.Serializer):
    text = serializers.CharField(help_text='In words, e.g. "18 to 65 years" or "Any age".')
    minimum_months = serializers.IntegerField(allow_null=True)
    maximum_months = serializers.IntegerField(allow_null=True)


class IdentifiersSerializer(serializers.Serializer):
    nct_id = serializers.CharField(
        allow_null=True, help_text="ClinicalTrials.gov ID, e.g. NCT04567890."
    )
    nih_project_number = serializers.CharField(allow_blank=True)
    nih_application_id = serializers.IntegerField(allow_null=True)


class OfficialRecordSerializer(serializers.Serializer):
    registry = serializers.CharField()
    identifier = serializers.CharField()
    url = serializers.URLField()


class ResearcherSerializer(serializers.Serializer):
    name = serializers.CharField(source="investigator.name")
    title = serializers.CharField(source="investigator.title")
    organization = serializers.CharField(
        source="investigator.organization.name", allow_null=True, default=None
    )
    role = CodedField(InvestigatorRole)
    profile_url = serializers.URLField(source="investigator.profile_url")


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = CodedField(ContactRole)
    phone = serializers.CharField()
    email = serializers.EmailField()
    site = serializers.SerializerMethodField(
        help_text="Institution and city; null for the study's central contact."
    )

    def get_site(self, contact) -> str | None:
        if contact.site is None:
            return None
        return f"{contact.site.institution}, {contact.site.city}"


#: The project columns ``ProjectSerializer`` reads (the list reads only
#: these; the sponsor's name and slug come with them).
LIST_FIELDS = (
    "slug",
    "lay_title",
    "lay_summary",
    "study_type",
    "research_status",
    "funding_mechanism",
    "sponsor",
    "minimum_age_months",
    "maximum_age_months",
    "sex_eligibility",
    "nct_id",
    "nih_project_number",
    "nih_application_id",
    "last_reviewed",
    "last_published_at",
)


class ProjectSerializer(serializers.Serializer):
    """A listed project as the listing shows it."""

    # Its conditions and locations come from the plain rows the view reads
    # (``condition_rows``, ``location_rows``: ``listing.load_condition_rows``,
    # ``locations.load_location_rows``). Comments, as the schema shows the
    # docstring.

    slug = serializers.SlugField()
    url = AbsoluteUrlField(help_text="The public page.")
    lay_title = serializers.CharField(help_text="The plain-language title.")
    lay_summary = serializers.CharField(help_text="The plain-language summary.")
    study_type = CodedField(StudyType)
    status = CodedField(ResearchStatus, source="research_status")
    funding = CodedField(
        FundingMechanism, source="funding_mechanism",
        help_text="NIH funding type for lab research, phase for a study.",
    )
    sponsor = SponsorSerializer(
        help_text="Lead sponsor, or the institution that holds the NIH grant."
    )
    conditions = ConditionSerializer(many=True, source="condition_rows")
    locations = LocationSerializer(
        many=True, source="location_rows",
        help_text="Every site of the project.",
    )
    recruiting = serializers.BooleanField(
        source="is_recruiting", help_text="Enrolling people now."
    )
    ages = serializers.SerializerMethodField(help_text="Studies only; null for lab research.")
    sex = CodedField(SexEligibility, source="sex_eligibility", help_text="Studies only.")
    identifiers = IdentifiersSerializer(source="*")
    official_records = serializers.SerializerMethodField()
    last_reviewed = serializers.DateField()
    last_published_at = serializers.DateTimeField(help_text="When the live content last changed.")

    def to_representation(self, project):
        """What DRF's generic path over the fields declared above gives (a
        test holds the two equal, key for key, in order), built directly: a
        list page has 20 projects, and the generic path (each field's value
        looked up through its source, nested serializers for the sponsor,
        the conditions and the identifiers) took 4 ms of a page's CPU.
        Conversions with rules of their own (labels, dates, addresses) are
        the declared fields' own, used unbound: binding them deep-copies
        every field for each serializer, and the copies and the serializer
        refer to each other, a cycle that kept each request's fields for
        the garbage collector."""
        fields = self._declared_fields
        sponsor = project.sponsor
        return {
            "slug": project.slug,
            "url": absolute_url(self.context["request"], project),
            "lay_title": project.lay_title,
            "lay_summary": project.lay_summary,
            "study_type": fields["study_type"].to_representation(project.study_type),
            "status": fields["status"].to_representation(project.research_status),
            "funding": fields["funding"].to_representation(project.funding_mechanism),
            "sponsor": {"name": sponsor.name, "slug": sponsor.slug},
            "conditions": [dict(condition) for condition in project.condition_rows],
            "locations": [dict(location) for location in project.location_rows],
            "recruiting": project.is_recruiting,
            "ages": self.get_ages(project),
            "sex": fields["sex"].to_representation(project.sex_eligibility),
            "identifiers": {
                "nct_id": project.nct_id,
                "nih_project_number": project.nih_project_number,
                "nih_application_id": project.nih_application_id,
            },
            "official_records": self.get_official_records(project),
            "last_reviewed": _or_none(fields["last_reviewed"], project.last_reviewed),
            "last_published_at": _or_none(
                fields["last_published_at"], project.last_published_at
            ),
        }

    @extend_schema_field(AgesSerializer(allow_null=True))
    def get_ages(self, project):
        if not project.is_registry_study:
            return None
        return {
            "text": presenters.age_range(project.minimum_age_months, project.maximum_age_months),
            "minimum_months": project.minimum_age_months,
            "maximum_months": project.maximum_age_months,
        }

    @extend_schema_field(OfficialRecordSerializer(many=True))
    def get_official_records(self, project):
        return [
            {"registry": record.registry, "identifier": record.identifier, "url": record.url}
            for record in presenters.official_records(project)
        ]


def _or_none(field, value):
    return None if value is None else field.to_representation(value)


class ProjectDetailSerializer(ProjectSerializer):
    """A listed project with its whole page: the plain-language sections,
    sites, researchers and contacts."""

    # One project: DRF's generic path, over every field declared here and above.
    to_representation = serializers.Serializer.to_representation

    official_title = serializers.CharField()
    research_focus = serializers.CharField(help_text="What this research studies.")
    good_fit = serializers.CharField(help_text="Who could benefit or take part.")
    not_a_fit = serializers.CharField(help_text="Who is unlikely to benefit, or not a fit.")
    potential_benefit = serializers.CharField(help_text="Why it matters: the potential benefit.")
    similar_studies = serializers.CharField(help_text="How similar studies have performed.")
    healthy_volunteers = serializers.BooleanField(allow_null=True)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    sites = serializers.SerializerMethodField()
    researchers = serializers.SerializerMethodField(help_text="NIH program officers are left out.")
    contacts = ContactSerializer(many=True)

    @extend_schema_field(SiteSerializer(many=True))
    def get_sites(self, project):
        return SiteSerializer(presenters.project_sites(project), many=True).data

    @extend_schema_field(ResearcherSerializer(many=True))
    def get_researchers(self, project):
        return ResearcherSerializer(presenters.researchers(project), many=True).data


class ConditionEntrySerializer(serializers.Serializer):
    """A condition that listed projects are about, and how many."""

    name = serializers.CharField()
    slug = serializers.SlugField(help_text="What the `condition` filter takes.")
    url = AbsoluteUrlField(help_text="The condition's public page.")
    project_count = serializers.IntegerField(help_text="How many listed projects are about it.")
    projects_url = serializers.SerializerMethodField(help_text="This API's list of them.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_projects_url(self, condition):
        url = reverse("api:project-list")
        return self.context["request"].build_absolute_uri(f"{url}?condition={condition.slug}")
