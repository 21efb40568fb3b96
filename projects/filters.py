"""Filters for the public listing.

Every choice list is built from published projects only, so a filter never
offers a condition, place or sponsor that leads to an empty page or hints
at unpublished work. Values in the query string are slugs and stable codes,
never database IDs.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from .choices import FUNDING_MECHANISM_GROUPS, ResearchStatus, StudyType
from .models import Condition, Organization, Project, ProjectSite, Site
from .search import search


def _published_site_values(field: str):
    def choices():
        values = (
            Site.objects.filter(projects__in=Project.objects.listed())
            .exclude(**{field: ""})
            .order_by(field)
            .values_list(field, flat=True)
            .distinct()
        )
        return [(value, value) for value in values]

    return choices


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. breast cancer"}),
    )
    condition = django_filters.ModelChoiceFilter(
        field_name="conditions",
        to_field_name="slug",
        queryset=Condition.objects.filter(projects__in=Project.objects.listed()).distinct(),
        label="Condition", empty_label="Any condition",
    )
    country = django_filters.ChoiceFilter(
        method="filter_site", choices=_published_site_values("country"),
        label="Country", empty_label="Any country",
    )
    state = django_filters.ChoiceFilter(
        method="filter_site", choices=_published_site_values("state"),
        label="State or region", empty_label="Any state or region",
    )
    funding = django_filters.ChoiceFilter(
        field_name="funding_mechanism", choices=FUNDING_MECHANISM_GROUPS,
        label="Funding type or phase", empty_label="Any funding type or phase",
    )
    study_type = django_filters.ChoiceFilter(
        choices=StudyType.choices, label="Study type", empty_label="Any study type"
    )
    status = django_filters.ChoiceFilter(
        field_name="research_status", choices=ResearchStatus.choices,
        label="Status", empty_label="Any status",
    )
    sponsor = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Organization.objects.filter(projects__in=Project.objects.listed()).distinct(),
        label="Sponsor or institution", empty_label="Any sponsor",
    )
    sort = django_filters.OrderingFilter(
        fields=(("lay_title", "title"), ("last_reviewed", "reviewed")),
        field_labels={"title": "Title (A to Z)", "-reviewed": "Most recently reviewed"},
        choices=[("title", "Title (A to Z)"), ("-reviewed", "Most recently reviewed")],
        empty_label="Title (A to Z)",
        label="Sort by",
    )

    class Meta:
        model = Project
        fields = []

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_site(self, queryset, name, value):
        """Projects with at least one site in the chosen country or state."""
        sites = ProjectSite.objects.filter(project=OuterRef("pk"), **{f"site__{name}": value})
        return queryset.filter(Exists(sites))
