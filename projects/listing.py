"""One page of the public listing: how many results, which projects in
which order, and what their cards show, in a bounded number of queries
whatever the filters, the depth and the page size.

- Counting: no filter or a single facet filter is counted already
  (``projects.facets``), and a single word the vocabulary counts on more
  than twice ``COUNT_LIMIT`` pages is known to be over it (unless its page
  comes back short); anything else is
  counted in SQL up to ``COUNT_LIMIT`` and shown as "over 1,000" beyond
  it, so a count never walks the whole table.
- Paging: page numbers, up to ``MAX_PAGES`` pages (an OFFSET never larger
  than ``MAX_PAGES * page size``, so a deep page costs what the first
  does); beyond that the page asks the visitor to narrow the search. A
  page past the end shows the last page, with a note.
- Near a place: the sites within the radius come from a bounding-box
  query; one more finds each project's nearest site among them, counts
  the projects exactly and returns a page of them, nearest first; each
  card says how far its nearest site is.
- Ordering: a search for one word with over ``COUNT_LIMIT`` results, most
  relevant first and not near a place, reads the word's leaders when it is
  a common term (``projects.leaders``: its first thousand places, kept
  ranked); "recruiting first" reads its open leaders, then all its matches
  open now. Each is a prefix of the order, so the results are ranked in
  full only when those come back short of a page
  (``ProjectFilter.first_places``): at most three such queries.
- Loading: the page's IDs first (the only queries that sort), then those
  rows with only the columns a card shows, their sponsor and their site
  summary (kept by ``projects.facets``), then their conditions.
"""

import math
from dataclasses import dataclass, field
from functools import partial

from django.db import connections
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from geo.centroids import Place

from . import search
from .facets import SUMMARY_FIELDS
from .filters import ProjectFilter
from .models import Project, ProjectSite
from .models.arrays import array_literal
from .models.project import CARD_FIELDS
from .near import SiteName, links_nearest_first, site_names
from .statements import Statement

#: Counted exactly up to here; more is shown as "over 1,000" (a count stops
#: at the limit, so it never costs more than reading that many rows).
COUNT_LIMIT = 1_000
#: Pages reachable by number; narrower searches reach the rest.
MAX_PAGES = 100


@dataclass(frozen=True)
class SiteSummary:
    count: int
    countries: int
    city: str
    state: str
    country: str


@dataclass
class ListingPage:
    number: int
    size: int
    items: list = field(default_factory=list)
    count: int = 0
    count_is_capped: bool = False
    requested: int = 1

    @property
    def count_text(self) -> str:
        """ "1 project", "2,310 projects", "Over 10,000 projects"."""
        if self.count_is_capped:
            return _("Over %(n)s projects") % {"n": f"{self.count:,}"}
        return ngettext("%(n)s project", "%(n)s projects", self.count) % {"n": f"{self.count:,}"}

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / self.size))

    @property
    def last_reachable(self) -> int:
        return min(self.num_pages, MAX_PAGES)

    @property
    def pages_are_capped(self) -> bool:
        return self.count_is_capped or self.num_pages > MAX_PAGES

    @property
    def beyond_end(self) -> bool:
        """The visitor asked for a page past the last one."""
        return self.requested > self.number

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.last_reachable

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.items)


def page(
    filterset: ProjectFilter, number: int, size: int, load=None, *, estimate: bool = True
) -> ListingPage:
    """Page ``number`` (1-based) of the filtered, sorted results, its
    projects loaded by ``load(ids)`` (``cards`` unless told: the API loads
    whole rows). With ``estimate``, a common word is "over 1,000" on the
    vocabulary's word."""
    load = load or cards
    if filterset.place() is not None:
        return _page_near(filterset, number, size, load)
    count = filterset.exact_count()
    capped = estimated = False
    if count is None and estimate and filterset.fewest_results() > 2 * COUNT_LIMIT:
        # A common word: "over 1,000" without counting. Twice the limit, and
        # a short page is counted after all: the vocabulary is kept by
        # facets.refresh, and one built by older rules could say more.
        count, capped, estimated = COUNT_LIMIT, True, True
    elif count is None:
        count = filterset.counted_ids().order_by()[: COUNT_LIMIT + 1].count()
        capped = count > COUNT_LIMIT
        count = min(count, COUNT_LIMIT)
    result = ListingPage(
        number=number, size=size, count=count, count_is_capped=capped, requested=number
    )
    result.number = max(1, min(number, result.last_reachable))
    if count:
        offset = (result.number - 1) * size
        # A capped count says only that more follow: a page of them is full.
        needed = size if capped else min(size, count - offset)
        # Leaders pay only for results too many to count (``COUNT_LIMIT``).
        for places in filterset.first_places(many=capped):  # the last is every result
            page_ids = list(places[offset : offset + size])
            if len(page_ids) >= needed:
                break
        if estimated and len(page_ids) < size:
            return page(filterset, number, size, load, estimate=False)
        result.items = load(page_ids)
    return result


@dataclass(frozen=True)
class Nearest:
    """A project's closest site to the place asked for."""

    miles: float
    site: SiteName


def _page_near(filterset: ProjectFilter, number: int, size: int, load) -> ListingPage:
    """With a place: the matching projects with a site within the radius,
    nearest first unless another order was chosen, each with its nearest
    site. With the place alone, or filters that keep many projects
    (``WALK_SHARE``), the sites are read nearest first until the page is
    known (``_walk_nearest``); with filters that keep few, the database
    finds each of their matches' nearest site and counts them
    (``_nearest``). Either way only a page of rows comes back, however
    many sites the radius holds."""
    result = ListingPage(number=number, size=size, requested=number)
    # The other filters' projects (the place is this query's own part); with
    # none, every listed project, which the listed links say alone, and
    # with "recruiting now" alone, the recruiting links.
    used = {name for name, _shown in filterset.active()}
    place, radius = filterset.place(), filterset.radius_miles()
    recruiting = "recruiting" in used
    # The share of the listed projects the filters keep (how many sites a
    # walk reads first), and of the projects at the links read (whether to
    # walk: "recruiting now" is read from the links).
    share = filterset.share_kept_near()
    among_read = filterset.share_kept_near(without="recruiting") if recruiting else share
    if used <= {"near", "recruiting"}:
        nearest = partial(
            _walk_nearest, place, radius, share=share or 1.0, recruiting=recruiting
        )
    elif (share is not None and among_read >= WALK_SHARE) or (
        share is None and not search.ranked()
    ):
        # SQLite keeps no word counts to weigh a search by; and its search
        # reads every project's text, so finding the matches first took
        # 270-300 ms for "cancer" near New York at 10k, where the walk
        # reads the text of the projects at the sites it reads.
        nearest = partial(
            _walk_nearest, place, radius, kept=filterset.ids_without("near"),
            share=share or 1.0, recruiting=recruiting,
        )
    elif near := filterset.sites_in_reach():
        nearest = partial(
            _nearest, near, filterset.ids_near(), first=filterset.search_text is not None
        )
    else:
        return result
    result.number = min(number, MAX_PAGES)
    if (filterset.form.cleaned_data.get("sort") or "nearest") == "nearest":
        rows, result.count, result.count_is_capped = nearest(size, (result.number - 1) * size)
        if not rows and result.number > 1:  # past the end: the last page
            _rows, result.count, result.count_is_capped = nearest(1, 0)
            result.number = max(1, min(result.number, result.last_reachable))
            rows, *_count = nearest(size, (result.number - 1) * size)
        elif result.number > result.last_reachable:
            # Past the pages an "over 1,000" count reaches (50 of 20 in the
            # API): its last page, as without a place.
            result.number = result.last_reachable
            rows, *_count = nearest(size, (result.number - 1) * size)
        page_ids = [project_id for project_id, _site, _miles in rows]
    else:
        _rows, result.count, result.count_is_capped = nearest(1, 0)
        result.number = max(1, min(result.number, result.last_reachable))
        offset = (result.number - 1) * size
        page_ids = list(filterset.result_ids()[offset : offset + size])
        rows, *_count = nearest(size, 0, among=page_ids)
    closest = {project_id: (miles, site_id) for project_id, site_id, miles in rows}
    names = site_names(site_id for _miles, site_id in closest.values())
    result.items = load(page_ids)
    for project in result.items:
        if project.pk in closest:
            miles, site_id = closest[project.pk]
            project.nearest = Nearest(miles, names[site_id])
    return result


def _nearest(
    near: dict,
    projects,
    limit: int,
    offset: int,
    among: list[int] | None = None,
    first: bool = False,
):
    """Each of ``projects`` (a query of keys, or None for every listed
    project) with a site in ``near`` ({site ID: miles}), with its nearest
    site and the miles to it, nearest first: rows ``offset`` to ``offset +
    limit`` of them (those among the projects ``among``, if given), how
    many there are in all, and False (the count is exact). One query: the
    sites' distances travel in it (``_distances``). Every listed project is
    the listed links (``ProjectSite.listed``), read from their own index.
    With ``first`` (a search), ``projects`` are found before the sites: a
    search's matches are few, and testing each project at a site against
    it reads its search vector; otherwise each project at a site is looked
    up by its key."""
    chosen = ""
    if projects is None:
        connection, kept, params = connections[ProjectSite.objects.db], "link.listed", []
    else:
        projects_sql, params = projects.query.sql_with_params()
        connection, projects_in = connections[projects.db], projects_sql
        if first and connection.vendor == "postgresql":
            chosen = f", chosen AS MATERIALIZED ({projects_sql})"
            projects_in = "SELECT * FROM chosen"
        kept = f"link.project_id IN ({projects_in})"
    distances, distance_params = _distances(near, connection)
    params = [*distance_params, *params]
    if among is not None:
        kept += f" AND link.project_id IN ({', '.join(['%s'] * len(among)) or 'NULL'})"
        params += among
    links = connection.ops.quote_name(ProjectSite._meta.db_table)
    links_near_place = f"{links} AS link INNER JOIN near ON near.site_id = link.site_id"
    if chosen and len(near) <= PROJECTS_FIRST_SITES:
        # The links near the place read first, then kept if their project
        # is chosen: told that few projects are chosen (the matches near a
        # place, ``ProjectFilter.ids_near``), the planner read every link
        # of each instead (19,610 for "cancer", recruiting, near Boston,
        # against the 8,887 links near it).
        chosen = (
            ", near_links AS MATERIALIZED (SELECT link.project_id, link.site_id, near.miles"
            f" FROM {links_near_place})" + chosen
        )
        links_near, miles = f"FROM near_links AS link WHERE {kept}", "link.miles"
    else:
        links_near, miles = f"FROM {links_near_place} WHERE {kept}", "near.miles"
    if connection.vendor == "postgresql":
        # Each project's first link, nearest first: 12% faster than numbering
        # every link of a project (ROW_NUMBER) and keeping the first.
        nearest_links = f"""
            SELECT DISTINCT ON (link.project_id) link.project_id, link.site_id, {miles} AS miles
            {links_near}
            ORDER BY link.project_id, {miles}, link.site_id
        """
    else:  # SQLite has no DISTINCT ON
        nearest_links = f"""
            SELECT project_id, site_id, miles FROM (
                SELECT link.project_id, link.site_id, near.miles, ROW_NUMBER() OVER (
                    PARTITION BY link.project_id ORDER BY near.miles, link.site_id
                ) AS closeness
                {links_near}
            ) AS ranked
            WHERE closeness = 1
        """
    sql = f"""
        WITH near (site_id, miles) AS ({distances}){chosen}
        SELECT project_id, site_id, miles, COUNT(*) OVER () FROM ({nearest_links}) AS nearest
        ORDER BY miles, project_id
        LIMIT %s OFFSET %s
    """
    # Raw SQL bypasses the database router: ask it (a read replica may serve this).
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        rows = cursor.fetchall()
    total = rows[0][3] if rows else 0
    rows = [(project_id, site_id, miles) for project_id, site_id, miles, _total in rows]
    return rows, total, False


#: Near a place, other filters that keep at least this share of the
#: projects (``ProjectFilter.share_kept_near``) are walked too
#: (``_walk_nearest``): each project met at the sites, nearest first, is
#: looked up in their results, and the walk stops once over 1,000 are
#: found. Fewer matches are found first and then placed (``_nearest``): a
#: walk would meet most projects in reach before it had a page of them.
WALK_SHARE = 0.1
#: The first read of a walk takes at most ``WALK_SITES / WALK_SHARE_FLOOR``
#: sites, however few projects the filters keep.
WALK_SHARE_FLOOR = 0.02

#: Past this many sites in reach, a search's matches are placed from their
#: own links (``_nearest``): New York's 4,186 sites have 151,471 links.
PROJECTS_FIRST_SITES = 1_000

#: Sites read first by ``_walk_nearest``, nearest first (more with other
#: filters; the next reads: ``_next_chunk``). A site has about 36 links at
#: 100k, so the first read of a city usually counts past ``COUNT_LIMIT``.
WALK_SITES = 50


def _walk_nearest(
    place: Place,
    radius: int,
    limit: int,
    offset: int,
    among: list[int] | None = None,
    kept: QuerySet | None = None,
    share: float = 1.0,
    recruiting: bool = False,
):
    """``_nearest`` for every listed project (the place is the only filter),
    read from the sites in order of distance, a few at a time
    (``WALK_SITES``, then ``_next_chunk``; ``near.links_nearest_first``),
    and only as far as needed: until the rows asked for are known and more
    than ``COUNT_LIMIT`` projects are counted ("over 1,000"), or every site
    is read. A project's first site met is its nearest (ties: the smaller
    site ID, as ``_nearest`` orders them). Within 25 miles of New York,
    4,186 sites have 151,471 listed links: ``_nearest`` read them all to
    count the projects and order them (about 60 ms); a page of them takes
    the nearest 50 sites and their 1,406 links here. Returns what
    ``_nearest`` returns, the count capped at ``COUNT_LIMIT`` (and True)
    when the walk stopped before the last site. With ``among``, it goes
    on until it has met them all. With ``kept`` (the keys of the projects
    other filters keep, about ``share`` of them), only those projects
    count, and the first read takes ``1 / share`` times as many sites:
    "cancer" (on 39% of pages) within 25 miles of New York read its 13,170
    matches in New York and New Jersey to place them (174 ms); the walk
    reads the nearest 127 sites and finds 1,238 matches among the projects
    at them. With ``recruiting``, only the links of projects open now are
    read (``ProjectSite.recruiting``)."""
    wanted = offset + limit
    among_left = set(among or ())
    first: dict[int, tuple[int, float]] = {}  # project: (its nearest site, miles)
    capped = False
    # Fewer projects kept, more sites read at once: about as many kept
    # projects as the first WALK_SITES sites hold in all.
    start, size = 0, math.ceil(WALK_SITES / max(share, WALK_SHARE_FLOOR))
    while True:
        # One site more than the chunk: its distance says which projects'
        # places in the order are known; none means this chunk is the last.
        # (Its projects are met again, first, in the next chunk.)
        rows = links_nearest_first(place, radius, start, size + 1, kept, recruiting)
        for site_id, miles, project_id in rows:
            if project_id is not None and project_id not in first:
                first[project_id] = (site_id, miles)
        sites = list(dict.fromkeys((site_id, miles) for site_id, miles, _project in rows))
        if len(sites) <= size:
            break
        start, size = start + size, _next_chunk(size, start + size, len(first))
        among_left.difference_update(first)
        if len(first) > COUNT_LIMIT and not among_left:
            # Every project nearer than the next site is known, and so is
            # its place in the order.
            frontier = sites[-1][1]
            if sum(1 for _site, miles in first.values() if miles < frontier) >= wanted:
                capped = True
                break
    rows = sorted((miles, project_id, site_id) for project_id, (site_id, miles) in first.items())
    if among is not None:
        wanted_ids = set(among)
        rows = [row for row in rows if row[1] in wanted_ids]
    page = [(project_id, site_id, miles) for miles, project_id, site_id in rows[offset:][:limit]]
    return page, (COUNT_LIMIT if capped else len(first)), capped


def _next_chunk(size: int, sites_read: int, found: int) -> int:
    """How many sites the walk reads next: twice as many as the last time,
    or fewer: twice the sites that would find the rest of ``COUNT_LIMIT``
    projects at the rate so far (projects are met again at later sites).
    At 10k projects "cancer" near New York found 718 at the first 129
    sites; the next read took 258 sites for the 283 more it needed, now
    102."""
    needed = COUNT_LIMIT + 1 - found
    if found and needed > 0:
        return min(size * 2, max(WALK_SITES, math.ceil(needed * sites_read / found * 2)))
    return size * 2


def _distances(near: dict, connection) -> tuple[str, list]:
    """The sites' distances as rows (site ID, miles) for ``_nearest``: on
    PostgreSQL two array literals unnested, so the statement has two
    parameters however many sites the radius holds (the driver parsed a
    VALUES list's placeholders in Python: 1.0 ms of CPU for Boston's 223
    sites, against 0.33 ms for the arrays); elsewhere a VALUES list."""
    if connection.vendor == "postgresql":
        return "SELECT * FROM unnest(%s::bigint[], %s::float8[])", [
            array_literal(near),
            array_literal(near.values()),
        ]
    rows = ", ".join(["(%s, %s)"] * len(near))
    values = [value for site_id, miles in near.items() for value in (site_id, miles)]
    return f"VALUES {rows}", values


def cards(ids: list[int]) -> list[Project]:
    """The projects ``ids`` in that order, with what a card shows: the site
    summary comes from the facet row (``models.ProjectFacets``), kept current
    by ``projects.facets``, so no card aggregates over its sites. One query,
    compiled once per process and page length (``_CARDS``). The summary is
    read as values, not as a related ``ProjectFacets``: a one-to-one row
    and its project refer to each other, a cycle that only the garbage
    collector frees (see ``findatrial/templates.py``)."""
    items = in_order(_CARDS.objects(ids=list(ids)), ids)
    for project in items:
        summary = [getattr(project, f"summary_{name}") for name in SUMMARY_FIELDS]
        project.site_summary = (
            SiteSummary(*summary) if summary[0] is not None else SiteSummary(0, 0, "", "", "")
        )
    return items


_CARDS = Statement(
    lambda ids: (
        Project.objects.listed()
        .for_listing_cards()
        .only(*CARD_FIELDS)
        .annotate(**{f"summary_{name}": F(f"facet_entry__{name}") for name in SUMMARY_FIELDS})
        .filter(pk__in=ids)
    ),
    ids=list,
)


def in_order(found, ids: list[int]) -> list[Project]:
    """The projects ``found`` (a query of them, or the rows it returned)
    in the order of ``ids``; a project withdrawn since its key was read is
    left out."""
    by_pk = {project.pk: project for project in found}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def load_condition_rows(projects: list[Project]) -> None:
    """Set each project's ``condition_rows``: its conditions' names and
    slugs as dicts, by name, in one query."""
    conditions: dict[int, list] = {}
    for project_id, name, slug in _PAGE_CONDITIONS.rows(ids=[project.pk for project in projects]):
        conditions.setdefault(project_id, []).append({"name": name, "slug": slug})
    for project in projects:
        project.condition_rows = conditions.get(project.pk, [])


_PAGE_CONDITIONS = Statement(
    lambda ids: Project.conditions.through.objects.filter(project__any=ids)
    .order_by("condition__name", "condition")
    .values_list("project", "condition__name", "condition__slug"),
    ids=list,
)
