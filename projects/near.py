"""The sites within reach of a place, for the listing's "near a ZIP code or city".

A radius can hold thousands of sites (4,186 within 25 miles of New York at
100k projects), and a page names a few of them. So the database works out
the distances (``geo.distance.haversine_miles``, written in SQL), and sends
back keys and miles only: all of them for a search or a filter near the
place, with the states they are in, which a search is narrowed by
(``sites_near``), or the nearest few with their projects for the place
alone (``links_nearest_first``). What a card prints about its nearest site
(``site_names``) is read for the page's sites only.

Written in SQL rather than with Django's math functions: the expression
took 1.3 ms of CPU to compile per query, more than the database took to
work out Boston's distances.
"""

from typing import NamedTuple

from django.db import connections, router
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from geo.centroids import Place
from geo.distance import EARTH_RADIUS_MILES, bounding_box

from .models import ProjectSite, Site
from .statements import Statement


class SiteName(NamedTuple):
    """What a listing card says about a project's nearest site."""

    institution: str
    city: str
    state: str


def sites_near(place: Place, radius: int) -> tuple[dict[int, float], set[str]]:
    """{site ID: miles} of the sites within ``radius`` miles of ``place``,
    and the states they are in ("" for a site that names none), from one
    query. On PostgreSQL they come back as arrays in one row: New York's
    4,186 sites as rows took 2.5 ms more of CPU to read."""
    connection = _connection()
    within, params = _within(place, radius, connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT array_agg(site_id), array_agg(miles), array_agg(DISTINCT state)"
                f" FROM ({within}) AS near",
                params,
            )
            keys, miles, states = cursor.fetchone()
            return dict(zip(keys or (), miles or ())), set(states or ())
        cursor.execute(within, params)
        rows = cursor.fetchall()
    return {pk: miles for pk, miles, _state in rows}, {state for _pk, _miles, state in rows}


def links_nearest_first(
    place: Place,
    radius: int,
    start: int,
    count: int,
    kept: QuerySet | None = None,
    recruiting: bool = False,
) -> list[tuple]:
    """Sites ``start`` to ``start + count`` within reach, nearest first (at
    the same distance, the smaller ID first), with the listed projects at
    each (open now, with ``recruiting``; those among ``kept``, a query of
    project keys, if given): rows (site ID, miles, project ID), and a row
    with no project for each site, so that every site read is known. One
    query: the database picks the sites by their distance (a top-N sort of
    those in reach) and reads their links, instead of sending every site
    in reach to be sorted here (4,186 near New York, where a page is known
    from the first 50); each project at them is looked up in ``kept`` by
    its key, instead of ``kept`` being read whole (13,170 matches for
    "cancer" in New York and New Jersey)."""
    connection = _connection()
    within, params = _within(place, radius, connection)
    links = connection.ops.quote_name(ProjectSite._meta.db_table)
    chunk = f"""
        WITH near AS ({within} ORDER BY miles, site_id LIMIT %s OFFSET %s),
        chunk_links AS (
            SELECT near.site_id, near.miles, link.project_id
            FROM near INNER JOIN {links} AS link
                ON link.site_id = near.site_id AND link.{"recruiting" if recruiting else "listed"}
        )
    """
    params = [*params, count, start]
    if kept is None:
        sql = f"""{chunk}
            SELECT site_id, miles, project_id FROM chunk_links
            UNION ALL SELECT site_id, miles, NULL FROM near
        """
    else:
        # Each project at the chunk's sites is looked up once in ``kept``,
        # and the links are checked against those found, hashed. ("IS
        # TRUE" keeps PostgreSQL from making the test a join: estimating
        # a few sites in reach, it compared each link with every project
        # found, 0.6 s for "cancer", recruiting, near New York.)
        kept = kept.filter(pk__in=RawSQL("SELECT project_id FROM chunk_links", ()))
        kept_sql, kept_params = kept.query.sql_with_params()
        sql = f"""{chunk}
            SELECT site_id, miles, project_id FROM chunk_links
            WHERE (project_id IN ({kept_sql})) IS TRUE
            UNION ALL SELECT site_id, miles, NULL FROM near
        """
        params += kept_params
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY 2, 1, 3", params)
        return cursor.fetchall()


def site_names(site_ids) -> dict[int, SiteName]:
    """{site ID: SiteName} for the sites a page of cards names."""
    return {pk: SiteName(*name) for pk, *name in _SITE_NAMES.rows(sites=list(site_ids))}


_SITE_NAMES = Statement(
    lambda sites: Site.objects.filter(pk__any=sites)
    .order_by()
    .values_list("pk", "institution", "city", "state"),
    sites=list,
)


def _connection():
    # Raw SQL bypasses the database router: ask it (a read replica may serve this).
    return connections[router.db_for_read(Site)]


def _within(place: Place, radius: int, connection) -> tuple[str, list]:
    """SQL of rows (site_id, miles, state) for the sites within the radius:
    those in the bounding box, read from the coordinates' index, then the
    exact distance drops its corners (``geo.distance``)."""
    box = bounding_box(place.latitude, place.longitude, radius)
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"  # SQLite's MIN(a, b)
    # geo.distance.haversine_miles; on SQLite, Django supplies the functions.
    miles = (
        f"{2 * EARTH_RADIUS_MILES} * ASIN({least}(1.0, SQRT("
        "POWER(SIN((RADIANS(latitude) - RADIANS(%s)) / 2), 2)"
        " + COS(RADIANS(%s)) * COS(RADIANS(latitude))"
        " * POWER(SIN((RADIANS(longitude) - RADIANS(%s)) / 2), 2))))"
    )
    sites = connection.ops.quote_name(Site._meta.db_table)
    sql = f"""
        SELECT site_id, miles, state FROM (
            SELECT id AS site_id, {miles} AS miles, state FROM {sites}
            WHERE latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s
        ) AS box
        WHERE miles <= %s
    """
    latitude, longitude = float(place.latitude), float(place.longitude)
    return sql, [
        latitude, latitude, longitude,
        box.min_lat, box.max_lat, box.min_lon, box.max_lon,
        float(radius),
    ]
