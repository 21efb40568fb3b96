"""What a public page says about itself to search engines, link previews
and feed readers: its canonical address, its structured data (JSON-LD),
and the addresses of its CSV export.

The canonical address is absolute and drops the query string, except what
makes the page what it is: the page number of a paginated listing, and
whatever a view names in ``canonical_query`` (a browse page's letter).
Filters and sort orders are views of the same listing, so they are not kept.
"""

import functools
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

from .. import structured_data
from ..export import EXPORT_LIMIT

register = template.Library()


@register.simple_tag
def fixed_url(name: str) -> str:
    """``{% url name %}`` for a page that takes no arguments, reversed once per
    process: every page's header and footer link to eleven of them, and
    reversing one costs about 50 microseconds."""
    return _reverse_once(name, get_script_prefix(), settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=128)
def _reverse_once(name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(name)


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    request = context.get("request")
    if request is None:  # a page rendered without a request (a bare error page)
        return ""
    query = context.get("canonical_query")
    if query is None:
        page = context.get("page_obj")
        query = {"page": page.number} if page is not None else {}
    kept = {
        name: value for name, value in query.items()
        if value not in (None, "") and not (name == "page" and str(value) == "1")
    }
    try:
        url = request.build_absolute_uri(request.path)
    except DisallowedHost:  # the 400 page for a request with a forged Host header
        return ""
    return f"{url}?{urlencode(kept)}" if kept else url


@register.simple_tag(takes_context=True)
def project_json_ld(context, project) -> str:
    """The project's schema.org description in a ``<script type="application/ld+json">``.

    The data is escaped so no text in it (a lay title with ``</script>``)
    can end the block; a CSP that allows only ``script-src 'self'`` does not
    block it, because a browser never runs a data block.
    """
    request = context["request"]
    data = structured_data.for_project(
        project,
        url=request.build_absolute_uri(project.get_absolute_url()),
        site_url=request.build_absolute_uri("/"),
    )
    return mark_safe(
        f'<script type="application/ld+json">{structured_data.to_script_json(data)}</script>'
    )


@register.simple_tag(takes_context=True)
def export_csv_url(context) -> str:
    """The CSV export of the listing's current search: the same query string, minus the page."""
    request = context["request"]
    params = request.GET.copy()
    params.pop("page", None)
    url = reverse("projects:export")
    return f"{url}?{params.urlencode()}" if params else url


@register.simple_tag
def export_limit() -> str:
    """How many projects one CSV file holds at most, e.g. "10,000"."""
    return f"{EXPORT_LIMIT:,}"
