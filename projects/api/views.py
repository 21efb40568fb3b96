"""The API's endpoints: listed projects (list with the listing's filters,
and one by slug) and the conditions they are about.

Every queryset starts from ``Project.objects.listed()`` and reads the live
row only. The list is filtered by ``ProjectFilter`` through django-filter's
DRF backend (a value it cannot read is a 400 naming the field), paginated
and paged like the listing (``pagination``: cheap counts, capped depth),
and loaded in a fixed number of queries whatever the page size: the
page's keys, its count, its rows and one query for each related list
(conditions, sites).
"""

from __future__ import annotations

import functools
import weakref

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils.functional import cached_property
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from .. import directory, listing
from . import schema  # noqa: F401  (registers the OpenAPI parameters of ProjectFilter)
from ..filters import ProjectFilter
from ..models import Contact, Project, ProjectInvestigator, ProjectSite
from ..presenters import project_sites
from ..statements import Statement
from .locations import load_location_rows, location_row
from .pagination import ListingPagination, Pagination
from .serializers import (
    LIST_FIELDS,
    ConditionEntrySerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
)


#: A list page's projects with their sponsors (the columns the list shows),
#: and their conditions as rows (``load_page``), in statements compiled
#: once per process.
_PAGE_ROWS = Statement(
    lambda ids: Project.objects.listed()
    .select_related("sponsor")
    .only(*LIST_FIELDS, "sponsor__name", "sponsor__slug")
    .filter(pk__any=ids),
    ids=list,
)
class ListingFilterBackend(DjangoFilterBackend):
    """django-filter's backend, keeping the filterset on the view: the
    pagination asks it for the page's projects, as the listing does."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid() and self.raise_exception:
            raise filter_utils.translate_validation(filterset.errors)
        view.filterset = filterset
        if view.action == "list":
            # The list's pagination asks the filterset for its page
            # (``listing.page``), which builds only the queries it runs.
            return queryset
        return filterset.qs


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Published projects, with the same filters as the public listing.

    list: Listed projects, filtered like the public listing (`q`, `condition`,
    `country`, `state`, `funding`, `study_type`, `status`, `sponsor`, `sort`),
    20 a page (`page_size` up to 100).

    retrieve: One listed project with its whole page.
    """

    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filter_backends = [ListingFilterBackend]
    filterset_class = ProjectFilter
    pagination_class = ListingPagination

    def get_queryset(self):
        projects = Project.objects.listed()
        if self.action == "retrieve":
            return projects.select_related("sponsor").prefetch_related(
                Prefetch("project_sites", queryset=ProjectSite.objects.select_related("site")),
                Prefetch(
                    "project_investigators",
                    queryset=ProjectInvestigator.objects.select_related(
                        "investigator", "investigator__organization"
                    ),
                ),
                Prefetch("contacts", queryset=Contact.objects.select_related("site")),
            )
        # The list's filters pick and order the keys; the pagination loads
        # the page's rows, sponsors and conditions by key (``load_page``).
        return projects

    def list(self, request, *args, **kwargs):
        # (Comments, not a docstring: the API's schema shows a docstring.)
        # DRF's list, written by one serializer that holds neither the page
        # nor this view. DRF's serializers refer to their fields and the
        # fields back to them, and this view to its own bound handlers
        # (``ViewSetMixin.as_view``): cycles that only the garbage collector
        # frees. Through the serializer's page and context, and the view's
        # request, response and paginator, each request left its whole page
        # (about 1,000 objects) to a young collection, 10 ms in one request
        # in ten. Now the page and the written dicts are freed with the
        # response (``_release_view`` empties the view once it is rendered).
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        writer = self.get_serializer_class()(context={"request": request._request})
        response = self.get_paginated_response([writer.to_representation(p) for p in page])
        response.add_post_render_callback(functools.partial(_release_view, weakref.ref(self)))
        return response

    def load_page(self, ids: list[int]) -> list[Project]:
        """The list's projects ``ids``, in that order, with their conditions
        (``condition_rows``) and locations (``location_rows``) as plain
        rows: a page's 20 projects have a hundred or so conditions, and as
        model instances attached to each project (a related manager and a
        queryset each, which refer back to it) they cost about 3 ms of the
        page's CPU and left each project in a cycle for the garbage
        collector."""
        projects = listing.in_order(_PAGE_ROWS.objects(ids=ids), ids)
        listing.load_condition_rows(projects)
        load_location_rows(projects)
        return projects

    def get_object(self):
        project = super().get_object()
        listing.load_condition_rows([project])
        project.location_rows = [location_row(ps.site) for ps in project_sites(project)]
        return project

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action == "retrieve" else ProjectSerializer


def _release_view(view_ref: weakref.ref, response) -> None:
    """Empty the view once its response is rendered: DRF's view refers to
    its handlers (bound methods of itself), its request (whose parser
    context refers to the view) and its response (whose renderer context
    does too), and through them to the page."""
    view = view_ref()
    if view is not None:
        view.__dict__.clear()


class ConditionPaginator(Paginator):
    """Counts the conditions once in a few minutes (``directory.total``)."""

    @cached_property
    def count(self):
        return directory.conditions.total()


class ConditionPagination(Pagination):
    django_paginator_class = ConditionPaginator


class ConditionViewSet(viewsets.GenericViewSet):
    """Conditions that listed projects are about, A to Z, with how many
    (`project_count`) and a link to this API's list of them."""

    serializer_class = ConditionEntrySerializer
    pagination_class = ConditionPagination

    def get_queryset(self):
        return directory.conditions.linked()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        counts = directory.conditions.numbers(condition.pk for condition in page)
        for condition in page:
            condition.project_count = counts.get(condition.pk, 0)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
