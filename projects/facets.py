"""Filter choices, their counts and the search vocabulary, for the public
listing: read from a small table, never counted per request (STYLE.md 14).

The table (``models.Facet``) holds, for each value of each facet (a
condition, a country, a state, a sponsor, a study type, a funding type, a
status, a word of the searchable text), how many listed projects have it.
The listing reads it to offer "the 30 most common conditions" as
suggestions, to validate what a visitor typed, to say "2,310 projects
found" for a single filter without counting, and to correct misspellings.
Reading it is one indexed query (``menu()``), memoized per cache
generation, so the first request after the cache is cleared is as fast as
the rest.

Keeping it exact: ``refresh(project_ids)`` recomputes what each of those
projects contributes now (nothing unless it is listed), compares that with
what it contributed last time (``models.ProjectFacets``) and adds the
difference to the counts, in the caller's transaction. ``projects.signals``
calls it for every save of a project, its conditions or its sites, so
publishing, withdrawing, archiving, approving a new version and imports all
keep it current without remembering to. Writers that bypass signals
(``bulk_create``, ``QuerySet.update``) call ``refresh`` for the projects they
touched; ``rebuild()`` (``manage.py refresh_facets``) recomputes everything.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field

from django.db import connection, connections, transaction
from django.db.models import F, Q

from . import cache
from .choices import OPEN_STATUSES, FundingMechanism, ResearchStatus, StudyType
from .models import (
    SITES_ON_PAGE,
    Contact,
    Facet,
    FacetKind,
    Project,
    ProjectFacets,
    ProjectSearch,
    ProjectSite,
    areas_by_place,
)

#: How many entries of the long lists the listing offers as suggestions.
TOP = {FacetKind.CONDITION: 40, FacetKind.STATE: 60, FacetKind.SPONSOR: 40}
#: Facets listed in full: short, bounded lists.
WHOLE = (
    FacetKind.ALL,
    FacetKind.COUNTRY,
    FacetKind.STUDY_TYPE,
    FacetKind.FUNDING,
    FacetKind.STATUS,
    FacetKind.SEX,
    FacetKind.HEALTHY,
)
#: Project fields whose change can change its facets.
#: Project columns a project's facets are read from (``_contributions``, in this order).
_CODE_FIELDS = (
    "study_type",
    "funding_mechanism",
    "research_status",
    "sex_eligibility",
    "healthy_volunteers",
)
_TEXT_FIELDS = ("lay_title", "lay_summary", "official_title", "search_conditions")
FACET_FIELDS = frozenset(
    {"is_live", "archived_at", "sponsor", "sponsor_id", *_CODE_FIELDS, *_TEXT_FIELDS}
)
CHOICE_LABELS = {
    FacetKind.STUDY_TYPE: dict(StudyType.choices),
    FacetKind.FUNDING: dict(FundingMechanism.choices),
    FacetKind.STATUS: dict(ResearchStatus.choices),
}

#: A word as PostgreSQL's parser reads one: letters standing alone, so the
#: "brca" of "BRCA1", the "gren" of "Sjögren" and the "gov" of an address
#: are not words (the parser keeps "brca1", "sjögren", "clinicaltrials.gov"
#: and e-mail addresses whole, so a search for "brca" cannot find them).
_WORD = re.compile(r"(?<![\w@])(?<!\w\.)[a-z]{3,40}(?![\w@])(?!\.\w)")
#: Words too common to search for: PostgreSQL's English stop words of three
#: letters or more (``english.stop``; its search drops them), and three more.
STOP_WORDS = frozenset(
    "about above after again against all also and any are because been before being below "
    "between both but can could did does doing don down during each few for from further "
    "had has have having her here hers herself him himself his how into its itself just "
    "more most myself nor not now off once only other our ours ourselves out over own same "
    "she should some such than that the their theirs them themselves then there these they "
    "this those through too under until very was were what when where which while who whom "
    "why will with would you your yours yourself yourselves".split()
)
_CHUNK = 2000


def words(text: str) -> set[str]:
    """The searchable words of ``text``, as the vocabulary keeps them."""
    return {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS}


# Reading -------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    kind: str
    key: str
    label: str
    count: int
    record_id: int | None = None


@dataclass(frozen=True)
class Menu:
    """What the listing's form offers, with counts."""

    total: int = 0
    entries: dict[str, list[Choice]] = field(default_factory=dict)

    def choices(self, kind: str) -> list[Choice]:
        return self.entries.get(kind, [])

    def find(self, kind: str, value: str) -> Choice | None:
        """The entry whose key or label is ``value`` (any case), if listed here."""
        folded = value.casefold()
        for choice in self.choices(kind):
            if choice.key == value or choice.label.casefold() == folded:
                return choice
        return None

    def count(self, kind: str, key: str) -> int:
        found = self.find(kind, key)
        return found.count if found else 0


def menu() -> Menu:
    """The choice lists of the listing, memoized per cache generation."""
    return cache.memoize("facets:menu", load_menu)


def load_menu() -> Menu:
    """One indexed query: the short facets whole, the long ones' top entries."""
    table = connection.ops.quote_name(Facet._meta.db_table)
    columns = '"kind", "key", "label", "count", "record_id"'
    placeholders = ", ".join(["%s"] * len(WHOLE))
    parts = [f'SELECT {columns} FROM {table} WHERE "kind" IN ({placeholders})']
    params: list = list(WHOLE)
    for kind, limit in TOP.items():
        parts.append(
            f'SELECT * FROM (SELECT {columns} FROM {table} WHERE "kind" = %s '
            f'ORDER BY "count" DESC, "key" LIMIT {int(limit)}) AS top_{kind}'
        )
        params.append(kind)
    # Raw SQL bypasses the database router: ask it (a read replica may serve this).
    with connections[Facet.objects.all().db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    entries: dict[str, list[Choice]] = {}
    for kind, key, label, count, record_id in rows:
        entries.setdefault(kind, []).append(Choice(kind, key, label, count, record_id))
    for kind in (FacetKind.COUNTRY,):
        entries.get(kind, []).sort(key=lambda c: c.label.casefold())
    for kind in TOP:
        entries.get(kind, []).sort(key=lambda c: (-c.count, c.label.casefold()))
    total = entries.pop(FacetKind.ALL, [Choice(FacetKind.ALL, "", "", 0)])[0].count
    return Menu(total=total, entries=entries)


def lookup(wanted: dict[str, str]) -> dict[str, Choice]:
    """Resolve typed values (a slug, a code or a name in any case) of several
    facets in one query; values no listed project has are left out."""
    found: dict[str, Choice] = {}
    if not wanted:
        return found
    match = Q()
    for kind, value in wanted.items():
        match |= Q(kind=kind, key=value) | Q(kind=kind, label__iexact=value)
    for row in Facet.objects.filter(match).order_by("-count"):
        if row.kind not in found or row.key == wanted[row.kind]:
            found[row.kind] = Choice(row.kind, row.key, row.label, row.count, row.record_id)
    return found


# Keeping the counts ----------------------------------------------------------


def refresh(project_ids: Iterable[int]) -> None:
    """Bring the counts up to date for these projects, whatever changed."""
    ids = sorted({pk for pk in project_ids if pk is not None})
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        with transaction.atomic():
            rows = {
                row.project_id: row for row in ProjectFacets.objects.filter(project_id__in=chunk)
            }
            previous = {pk: set(row.keys) for pk, row in rows.items()}
            current, labels, summaries = _contributions(chunk)
            _mark_listed_links(ProjectSite.objects.filter(project_id__in=chunk), list(current))
            if not previous and not current:
                continue
            delta: Counter = Counter()
            for pk in chunk:
                now, before = current.get(pk, set()), previous.get(pk, set())
                delta.update({key: 1 for key in now - before})
                delta.update({key: -1 for key in before - now})
            _apply(delta, labels)
            gone = [pk for pk in previous if pk not in current]
            if gone:
                ProjectFacets.objects.filter(project_id__in=gone).delete()
            _store(rows, current, summaries, previous)


def _mark_listed_links(links, listed) -> None:
    """``ProjectSite.listed`` of ``links``: true where their project is one
    of ``listed`` (keys, or a query of them), false elsewhere; and
    ``ProjectSite.recruiting``, true where that project is open now. Only
    the rows that change are written."""
    links.filter(listed=False, project_id__in=listed).update(listed=True)
    links.filter(listed=True).exclude(project_id__in=listed).update(listed=False)
    open_now = Project.objects.filter(pk__in=listed, research_status__in=OPEN_STATUSES)
    open_now = open_now.values("pk")
    links.filter(recruiting=False, project_id__in=open_now).update(recruiting=True)
    links.filter(recruiting=True).exclude(project_id__in=open_now).update(recruiting=False)


def forget(project_ids: Iterable[int]) -> None:
    """Take projects that are about to be deleted out of the counts."""
    rows = list(ProjectFacets.objects.filter(project_id__in=list(project_ids)))
    delta: Counter = Counter()
    for row in rows:
        delta.update({key: -1 for key in row.keys})
    _apply(delta, {})
    ProjectFacets.objects.filter(project_id__in=[r.project_id for r in rows]).delete()


def relabel(kind: str, key: str, label: str) -> None:
    """A condition or an organization was renamed."""
    Facet.objects.filter(kind=kind, key=key).exclude(label=label).update(label=label[:255])


def rebuild() -> int:
    """Recompute every count from the listed projects; returns how many."""
    with transaction.atomic():
        Facet.objects.all().delete()
        listed = Project.objects.listed().values("pk")
        ProjectFacets.objects.exclude(project_id__in=listed).delete()
        _mark_listed_links(ProjectSite.objects.all(), listed)
        totals: Counter = Counter()
        labels: Labels = {}
        ids = list(Project.objects.listed().order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = {
                row.project_id: row for row in ProjectFacets.objects.filter(project_id__in=chunk)
            }
            current, chunk_labels, summaries = _contributions(chunk)
            labels.update(chunk_labels)
            for keys in current.values():
                totals.update(keys)
            # Against what the search index holds, not what the facet rows
            # say it should: a rebuild puts right whatever went wrong.
            _store(rows, current, summaries, _index_now(chunk))
        Facet.objects.bulk_create(
            [
                Facet(
                    kind=kind,
                    key=key,
                    label=labels[joined][0][:255],
                    count=count,
                    record_id=labels[joined][1],
                )
                for joined, count in totals.items()
                for kind, key in [_split(joined)]
            ],
            batch_size=5000,
        )
    cache.invalidate()
    return len(ids)


Labels = dict[str, tuple[str, int | None]]
SUMMARY_FIELDS = ("site_count", "country_count", "first_city", "first_state", "first_country")
#: What a facet row keeps about its project's sites: the card's summary,
#: and the page's places for a big study.
STORED_FIELDS = (*SUMMARY_FIELDS, "site_areas")


def _contributions(ids: list[int]) -> tuple[dict[int, set[str]], Labels, dict[int, tuple]]:
    """What each listed project among ``ids`` contributes, as "kind:key"
    strings; the label (and record ID) of each key; and each project's site
    summary (``STORED_FIELDS``): its listing card's, and a big study's places."""
    current: dict[int, set[str]] = {}
    labels: Labels = {}
    summaries: dict[int, tuple] = {}

    def add(pk: int, kind: str, key: str, label: str, record_id: int | None = None) -> None:
        if key:
            joined = f"{kind}:{key}"
            current[pk].add(joined)
            labels[joined] = (label, record_id)

    rows = (
        Project.objects.listed()
        .filter(pk__in=ids)
        .values_list(
            "pk", "sponsor_id", "sponsor__slug", "sponsor__name", *_CODE_FIELDS, *_TEXT_FIELDS
        )
    )
    for (
        pk,
        sponsor_id,
        sponsor_slug,
        sponsor,
        study_type,
        funding,
        status,
        sex,
        healthy,
        *texts,
    ) in rows:
        current[pk] = set()
        add(pk, FacetKind.ALL, "*", "")
        add(pk, FacetKind.SPONSOR, sponsor_slug, sponsor, sponsor_id)
        add(pk, FacetKind.SEX, sex, sex)
        if healthy:
            add(pk, FacetKind.HEALTHY, "yes", "yes")
        for kind, code in (
            (FacetKind.STUDY_TYPE, study_type),
            (FacetKind.FUNDING, funding),
            (FacetKind.STATUS, status),
        ):
            add(pk, kind, code, str(CHOICE_LABELS[kind].get(code, code)))
        for word in words(" ".join(texts)):
            add(pk, FacetKind.WORD, word, word)
    if not current:
        return current, labels, summaries
    listed = list(current)
    conditions = Project.conditions.through.objects.filter(project_id__in=listed).values_list(
        "project_id", "condition_id", "condition__slug", "condition__name"
    )
    for pk, condition_id, slug, name in conditions:
        add(pk, FacetKind.CONDITION, slug, name, condition_id)
    places = (
        ProjectSite.objects.filter(project_id__in=listed)
        .order_by("project_id", "order", "pk")
        .values_list(
            "project_id", "site__city", "site__state", "site__country",
            "site_id", "recruitment_status",
        )
    )
    sites: dict[int, list[tuple]] = {}
    for pk, city, state, country, site_id, status in places:
        sites.setdefault(pk, []).append((city, state, country, site_id, status))
        add(pk, FacetKind.COUNTRY, country, country)
        add(pk, FacetKind.STATE, state, state)
    big = [pk for pk in listed if len(sites.get(pk, ())) > SITES_ON_PAGE]
    reachable = set(
        Contact.objects.filter(project_id__in=big, site__isnull=False)
        .exclude(phone="", email="")
        .values_list("project_id", "site_id")
    ) if big else set()
    for pk in listed:
        found = sites.get(pk, [])
        first = found[0][:3] if found else ("", "", "")
        areas = _areas(pk, found, reachable) if len(found) > SITES_ON_PAGE else []
        summaries[pk] = (len(found), len({link[2] for link in found}), *first, areas)
    return current, labels, summaries


def _areas(pk: int, links: list[tuple], reachable: set[tuple[int, int]]) -> list[list]:
    """What a big study's page says about its sites (``ProjectFacets.site_areas``),
    counted as the page counts them (``models.areas_by_place``)."""
    by_spelling: dict[tuple[str, str], list[int]] = {}
    for _city, state, country, site_id, status in links:
        tally = by_spelling.setdefault((country, state), [0, 0, 0])
        tally[0] += 1
        tally[1] += status in OPEN_STATUSES
        tally[2] += (pk, site_id) in reachable
    return [list(astuple(area)) for area in areas_by_place(by_spelling)]


def _store(
    rows: dict[int, ProjectFacets],
    current: dict[int, set[str]],
    summaries: dict[int, tuple],
    indexed: dict[int, set[str]],
) -> None:
    """Write each listed project's facet row (``rows`` holds them as they
    are) and its search index keys (``indexed``), where they changed: every
    rewrite leaves a dead row behind, and a rebuild that rewrote every row
    doubled the tables that ranking a common word reads whole."""
    changed = [
        _entry(pk, keys, summaries[pk])
        for pk, keys in current.items()
        if pk not in rows or keys != set(rows[pk].keys) or summaries[pk] != _summary(rows[pk])
    ]
    ProjectFacets.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["project"],
        update_fields=["keys", *STORED_FIELDS],
        batch_size=_CHUNK,
    )
    _index_keys(current, indexed)


def _index_now(ids: list[int]) -> dict[int, set[str]]:
    """The facet keys the search index rows of ``ids`` hold now (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return {}
    rows = ProjectSearch.objects.filter(project_id__in=ids).values_list("project_id", "facet_keys")
    return {pk: set(keys) for pk, keys in rows}


def _entry(pk: int, keys: set[str], summary: tuple) -> ProjectFacets:
    return ProjectFacets(project_id=pk, keys=sorted(keys), **dict(zip(STORED_FIELDS, summary)))


def _summary(row: ProjectFacets | None) -> tuple | None:
    return tuple(getattr(row, name) for name in STORED_FIELDS) if row else None


#: Facets copied onto the search index's rows (``models.ProjectSearch``), so
#: a GIN index answers any combination of them: everything but the words
#: (the search vector holds those) and the "all" row.
INDEXED_KINDS = tuple(kind for kind in FacetKind if kind not in (FacetKind.ALL, FacetKind.WORD))
_INDEXED_PREFIXES = tuple(f"{kind}:" for kind in INDEXED_KINDS)


def indexed_keys(keys: Iterable[str]) -> list[str]:
    """The keys of ``keys`` the search index keeps, sorted."""
    return sorted(k for k in keys if k.startswith(_INDEXED_PREFIXES))


def _index_keys(current: dict[int, set[str]], previous: dict[int, set[str]]) -> None:
    """Copy each listed project's facet keys onto its search index row
    (PostgreSQL's trigger wrote the row; SQLite has none), where they differ
    from ``previous``."""
    if connection.vendor != "postgresql" or not current:
        return
    entries = [
        ProjectSearch(project_id=pk, facet_keys=indexed)
        for pk, keys in current.items()
        if (indexed := indexed_keys(keys)) != indexed_keys(previous.get(pk, ()))
    ]
    ProjectSearch.objects.bulk_update(entries, ["facet_keys"], batch_size=1000)


def _split(joined: str) -> tuple[str, str]:
    kind, _, key = joined.partition(":")
    return kind, key


def _apply(delta: Counter, labels: Labels) -> None:
    """Add ``delta`` to the counts: an upsert for the increases, an update
    or a delete (at zero) for the decreases. Keys are handled in sorted
    order, so two refreshes at once lock rows in the same order."""
    increases = sorted((k, d) for k, d in delta.items() if d > 0)
    decreases = sorted((k, d) for k, d in delta.items() if d < 0)
    table = connection.ops.quote_name(Facet._meta.db_table)
    for start in range(0, len(increases), 500):
        batch = increases[start : start + 500]
        values, params = [], []
        for joined, amount in batch:
            kind, key = _split(joined)
            label, record_id = labels.get(joined, (key, None))
            values.append("(%s, %s, %s, %s, %s)")
            params += [kind, key, label[:255], amount, record_id]
        with connection.cursor() as cursor:
            cursor.execute(
                f'INSERT INTO {table} ("kind", "key", "label", "count", "record_id") '
                f'VALUES {", ".join(values)} ON CONFLICT ("kind", "key") DO UPDATE SET '
                f'"count" = {table}."count" + excluded."count", "label" = excluded."label"',
                params,
            )
    by_amount: dict[int, list[str]] = {}
    for joined, amount in decreases:
        by_amount.setdefault(amount, []).append(joined)
    for amount, keys in by_amount.items():
        match = _match(keys)
        Facet.objects.filter(match, count__lte=-amount).delete()
        Facet.objects.filter(match).update(count=F("count") + amount)


def _match(keys: list[str]) -> Q:
    by_kind: dict[str, list[str]] = {}
    for joined in keys:
        kind, key = _split(joined)
        by_kind.setdefault(kind, []).append(key)
    match = Q(pk__in=[])
    for kind, kind_keys in by_kind.items():
        match |= Q(kind=kind, key__in=kind_keys)
    return match
