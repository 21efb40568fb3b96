"""The API's locations: a site's public fields, as plain rows.

A page of the project list carries every location of 20 projects,
hundreds for big trials; building a ``ProjectSite`` and a ``Site`` instance
for each of a page's 300 links cost more than the rest of the list.
"""

from collections.abc import Iterable

from ..models import Project, ProjectSite, Site

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
    links = list(
        ProjectSite.objects.filter(project__any=[project.pk for project in projects])
        .order_by("project", "order", "pk")
        .values_list("project", "site")
    )
    sites = {
        site_id: dict(zip(LOCATION_FIELDS, values))
        for site_id, *values in Site.objects.filter(pk__any={site for _p, site in links})
        .order_by()
        .values_list("pk", *LOCATION_FIELDS)
    }
    rows = {}
    for project_id, site_id in links:
        rows.setdefault(project_id, []).append(sites[site_id])
    for project in projects:
        project.location_rows = rows.get(project.pk, [])
