"""The API's locations: a site's public fields, as plain rows.

A page of the project list carries every location of 20 projects,
hundreds for big trials; building a ``ProjectSite`` and a ``Site`` instance
for each of a page's 300 links cost more than the rest of the list.
"""

from collections.abc import Iterable

from ..models import Project, ProjectSite, Site
from ..statements import Statement

#: What a location in the API says of a site (``location_rows``).
LOCATION_FIELDS = ("institution", "city", "state", "zip_code", "country", "latitude", "longitude")


def location_row(site: Site) -> dict:
    """A site's ``LOCATION_FIELDS`` as a dict."""
    return {name: getattr(site, name) for name in LOCATION_FIELDS}


def load_location_rows(projects: Iterable[Project]) -> None:
    """Set each project's ``location_rows``: its sites' ``LOCATION_FIELDS``
    as dicts, in the project's order, in two queries of plain rows. The
    sites are read by key in a query of their own: joined to the links of
    20 projects, the planner (misled by trials with hundreds of sites)
    reads every site."""
    projects = list(projects)
    links = _LINKS.rows(ids=[project.pk for project in projects])
    sites = {
        site_id: dict(zip(LOCATION_FIELDS, values))
        for site_id, *values in _SITES.rows(ids=sorted({site for _p, site in links}))
    }
    rows = {}
    for project_id, site_id in links:
        rows.setdefault(project_id, []).append(sites[site_id])
    for project in projects:
        project.location_rows = rows.get(project.pk, [])


_LINKS = Statement(
    lambda ids: ProjectSite.objects.filter(project__any=ids)
    .order_by("project", "order", "pk")
    .values_list("project", "site"),
    ids=list,
)
_SITES = Statement(
    lambda ids: Site.objects.filter(pk__any=ids).order_by().values_list("pk", *LOCATION_FIELDS),
    ids=list,
)
