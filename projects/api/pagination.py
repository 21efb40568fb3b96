"""The API's pages. ``Pagination`` sets their sizes. ``ListingPagination``
makes the project list's pages the way the listing makes its own
(``projects.listing``): counts from the facet table or stopped at 1,000
("count_is_capped"), searches ranked on the search index, and page numbers
up to 100, so no request walks the whole table however deep or broad it
is. A page past the last one is a 404, as REST clients expect.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .. import listing


class Pagination(PageNumberPagination):
    """The API's page sizes: 20 unless asked, at most 100."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ListingPagination(Pagination):
    invalid_page_message = _("No page %(page)s: the last is %(last)s.")
    capped_message = _("Narrow the search to reach more than %(last)s pages.")

    def paginate_queryset(self, queryset, request, view=None):
        """The filterset the filter backend kept on the view picks and
        orders the page's projects; the view loads them (``load_page``)
        with what the serializer reads."""
        self.request = request
        number = self._page_number(request)
        self.result = listing.page(
            view.filterset, number, self.get_page_size(request), view.load_page
        )
        if self.result.beyond_end and number > 1:
            message = self.invalid_page_message
            if self.result.pages_are_capped:
                message = f"{message} {self.capped_message}"
            raise NotFound(message % {"page": number, "last": self.result.last_reachable})
        return self.result.items

    def _page_number(self, request) -> int:
        raw = request.query_params.get(self.page_query_param) or "1"
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number < 1:
            raise NotFound(_("Page: a whole number, 1 or more."))
        return number

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.result.count,
                "count_is_capped": self.result.count_is_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_next_link(self):
        if not self.result.has_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.page_query_param, self.result.next_page_number)

    def get_previous_link(self):
        if not self.result.has_previous:
            return None
        url = self.request.build_absolute_uri()
        if self.result.previous_page_number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.result.previous_page_number)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count_is_capped"] = {
            "type": "boolean",
            "description": "True when there are more results than `count` (counting "
            "stops at 1,000): narrow the search to see them all.",
        }
        described["required"] = [*described.get("required", []), "count_is_capped"]
        return described
