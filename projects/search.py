"""Text search over projects: ranked full-text search on PostgreSQL, a
simple fallback on SQLite, and correction of misspelled words on both.

PostgreSQL: each row's ``search_vector`` weighs the plain-language title
and the condition names (A) above the summary (B) and the official title
(C). A trigger keeps it current (migration 0011_scale_search) and a
partial GIN index over listed rows finds matches. The text is read with
``websearch_to_tsquery('english')``: every word must match, plurals and
other inflections match ("tumors" finds "tumor"), "quoted phrases" and
-exclusions work. Relevance is ``ts_rank`` over those weights.

SQLite: every word must appear (any case, any part of a word) in the lay
title, the official title, the summary or a condition name (kept on the
row as ``search_conditions``, so no join or subquery per word is needed).

Identifiers: a search that is nothing but a ClinicalTrials.gov number
("NCT04567890") or an NIH grant number, full or core ("1R01CA123456-01",
"R01CA123456"), finds the projects it names (``identifier_match``): a
patient given a study's number by their doctor types it, and the search
text holds no identifiers. A grant number also finds the studies whose
registry record names that grant.

Misspellings: ``understand()`` checks each word against the vocabulary of
listed pages (``Facet`` rows of kind "word", kept by ``projects.facets``).
A word no page uses is matched to the closest vocabulary word (pg_trgm
similarity over a trigram index on PostgreSQL, ``difflib`` on SQLite), and
the search looks for either ("brest cancer" finds breast cancer; the page
says "Showing results for breast cancer"). One query, whatever the length.
"""

import difflib
import operator
import re
from dataclasses import dataclass, field
from functools import reduce

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.db import connection
from django.db.models import BooleanField, CharField, F, FilteredRelation, Q, QuerySet
from django.db.models.functions import Cast
from django.db.models.expressions import RawSQL

from . import cache
from .facets import STOP_WORDS
from .importers.codes import typed_core_project_number
from .models import NCT_ID_PATTERN, Condition, Facet, FacetKind, GrantLink, Project, ProjectSearch

SEARCHED_FIELDS = ("lay_title", "official_title", "lay_summary", "search_conditions")
CONFIG = "english"
#: How alike (pg_trgm similarity, 0 to 1) a vocabulary word must be to
#: stand in for a word no page uses.
SIMILARITY = 0.4
#: The same for difflib's ratio on SQLite, among vocabulary words at most
#: one letter longer or shorter: "pian" is "pain" (0.75), but "Amgen" is
#: not "men" (0.75 too).
SQLITE_CUTOFF = 0.75


def ranked() -> bool:
    """Whether this database ranks results by relevance (PostgreSQL)."""
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class SearchText:
    """What a visitor typed, and the words the search also looks for."""

    text: str
    corrections: dict[str, str] = field(default_factory=dict)
    typed: str = ""
    #: The typed words the vocabulary has as they are, and the corrections
    #: of the others, with how many listed pages use each (PostgreSQL;
    #: ``understand`` reads them anyway).
    known: dict[str, int] = field(default_factory=dict)

    @property
    def corrected(self) -> str:
        """The text with each unknown word replaced by its correction."""
        return " ".join(self.corrections.get(w.lower(), w) for w in self.text.split())

    @property
    def fewest_matches(self) -> int:
        """How many listed pages the search matches at least, known without
        a query: for a single word, the pages whose text has the word as
        typed, as the vocabulary counts it (``facets.words`` reads words as
        PostgreSQL's parser does; the search also finds the word's other
        forms: "cancers", "tumor" for "tumors"), or its correction's; 0
        when that is not known."""
        words = self.text.split()
        return self._pages_with(words[0].lower()) if len(words) == 1 else 0

    @property
    def estimated_matches(self) -> int:
        """About how many listed pages the search matches, known without a
        query: the fewest pages any of its words is on, as the vocabulary
        counts them (every word must match; other forms of a word are not
        counted); 0 when no word is known."""
        words = [word.lower() for word in self.text.split() if _checkable(word.lower())]
        counts = [self._pages_with(word) for word in words]
        return min(counts) if counts and all(counts) else 0

    def _pages_with(self, word: str) -> int:
        """The listed pages the vocabulary counts with ``word`` (lower case);
        a misspelling is searched with its correction, so at least the
        correction's pages ("hyertension" finds hypertension's)."""
        return max(self.known.get(word, 0), self.known.get(self.corrections.get(word, ""), 0))


def identifier_match(text: str) -> Q | None:
    """The projects a registry identifier names, when ``text`` is one and
    nothing else; None otherwise (a search of the words)."""
    text = text.strip().upper()
    if re.match(NCT_ID_PATTERN, text):
        return Q(nct_id=text)
    core = typed_core_project_number(text)
    if core:
        named = GrantLink.objects.filter(core_project_number=core).values("project")
        return Q(nih_core_project_number=core) | Q(pk__in=named)
    return None


def understand(text: str, *, correct: bool = True) -> SearchText:
    """``text`` with corrections for the words no listed page uses."""
    as_typed, text = text, " ".join(text.split())
    words = [w for w in dict.fromkeys(w.lower() for w in text.split()) if _checkable(w)]
    if not correct or not words:
        return SearchText(text, typed=as_typed)
    if not ranked():
        return SearchText(text, _corrections_sqlite(words), typed=as_typed)
    known = dict(
        Facet.objects.filter(kind=FacetKind.WORD, key__in=words).values_list("key", "count")
    )
    corrections, counted = _corrections_postgresql(words, known)
    return SearchText(text, corrections, typed=as_typed, known=known | counted)


def search(queryset: QuerySet, text: "str | SearchText") -> QuerySet:
    """Projects in ``queryset`` matching every word of ``text`` (or its
    correction); on PostgreSQL annotated with ``relevance``."""
    if isinstance(text, str):
        text = SearchText(" ".join(text.split()))
    if not text.text:
        return queryset
    if ranked():
        query = _tsquery(text)
        return queryset.filter(search_vector=query).annotate(
            relevance=SearchRank(F("search_vector"), query)
        )
    for word in text.text.split():
        alternatives = {word, text.corrections.get(word.lower(), word)}
        match = Q()
        for name in SEARCHED_FIELDS:
            for alternative in alternatives:
                match |= Q(**{f"{name}__icontains": alternative})
        queryset = queryset.filter(match)
    return queryset


def ranked_entries(text: SearchText) -> QuerySet:
    """PostgreSQL: the search index rows (one per listed project) matching
    ``text``, annotated with ``relevance``: narrow rows, so ranking a common
    word reads a tenth of the pages the project table would need."""
    query = _tsquery(text)
    return matching_entries(text).annotate(relevance=SearchRank(F("search_vector"), query))


def leading_entries(text: SearchText, *, open_now: bool = False) -> QuerySet | None:
    """PostgreSQL: the search index rows among the leaders of ``text``'s
    one term (``projects.leaders``), each with its lead as ``lead`` and
    annotated with ``relevance``: the first places of the "most relevant"
    order, read in order from the leaders' index (order by ``lead``'s
    columns: ``filters.LEADER_ORDERINGS``). The term is the word as the
    search reads it ("Cancers" is 'cancer'), so any form of a common word
    has them; a word that is not a common term has none, and the caller
    ranks its matches. None unless ``text`` is one plain word, uncorrected.
    With ``open_now``, only the leaders open now (recruiting rank 0)."""
    words = text.text.split()
    if len(words) != 1 or text.corrections or not _checkable(words[0].lower()):
        return None
    term = Cast(SearchQuery(words[0], search_type="websearch", config=CONFIG), CharField())
    leading = Q(leads__term=term)
    if open_now:
        leading &= Q(leads__recruitment_rank=0)
    return (
        ProjectSearch.objects.annotate(lead=FilteredRelation("leads", condition=leading))
        .filter(lead__isnull=False)
        .annotate(relevance=F("lead__relevance"))
    )


def matching_entries(text: SearchText) -> QuerySet:
    """PostgreSQL: the search index rows matching ``text``, unranked (for
    counting and for narrowing other queries)."""
    return ProjectSearch.objects.filter(search_vector=_tsquery(text))


def _tsquery(text: SearchText) -> SearchQuery:
    if not text.corrections:
        return SearchQuery(text.text, search_type="websearch", config=CONFIG)
    # Each word, or its correction: plain words, so "brest" | "breast".
    parts = []
    for word in text.text.split():
        query = SearchQuery(word, search_type="plain", config=CONFIG)
        if word.lower() in text.corrections:
            query |= SearchQuery(
                text.corrections[word.lower()], search_type="plain", config=CONFIG
            )
        parts.append(query)
    return reduce(operator.and_, parts)


def _checkable(word: str) -> bool:
    return word.isalpha() and 3 <= len(word) <= 40 and word not in STOP_WORDS


def _corrections_postgresql(
    typed: list[str], known: dict[str, int]
) -> tuple[dict[str, str], dict[str, int]]:
    """The corrections, and how many listed pages use each correction.
    Most words are typed as the vocabulary has them (``known``, looked
    up by key: 0.02 ms). The others take one more query: the vocabulary rows
    sharing their stem (so "studying" counts as known through "study", and
    "cries" through "cry" typed beside it), or like them, which compares
    them with every word (1.8 ms at 100k)."""
    typed = [word for word in typed if word not in known]
    if not typed:
        return {}, {}
    like_or_known = reduce(
        operator.or_, (Q(key__trigram_similar=w) for w in typed), Q(key__in=sorted(known))
    )
    annotations = {}
    for i, word in enumerate(typed):
        annotations[f"similar_{i}"] = TrigramSimilarity("key", word)
        annotations[f"stem_{i}"] = RawSQL(
            "plainto_tsquery(%s::regconfig, key)::text = plainto_tsquery(%s::regconfig, %s)::text",
            (CONFIG, CONFIG, word),
            output_field=BooleanField(),
        )
    rows = list(
        Facet.objects.filter(kind=FacetKind.WORD)
        .filter(like_or_known)
        .annotate(**annotations)
        .values("key", "count", *annotations)
    )
    corrections, counted = {}, {}
    for i, word in enumerate(typed):
        if any(row["key"] == word or row[f"stem_{i}"] for row in rows):
            continue
        candidates = [r for r in rows if r[f"similar_{i}"] >= SIMILARITY]
        if candidates:
            best = max(candidates, key=lambda r: (r[f"similar_{i}"], r["count"]))
            corrections[word] = best["key"]
            counted[best["key"]] = best["count"]
    return corrections, counted


def _corrections_sqlite(typed: list[str]) -> dict[str, str]:
    """Against the whole vocabulary, memoized per cache generation (small
    at SQLite's sizes). A word inside a vocabulary word is known, since the
    fallback search matches parts of words."""
    vocabulary = cache.memoize("search:vocabulary", _load_vocabulary)
    corrections = {}
    for word in typed:
        if any(word in known for known in vocabulary):
            continue
        alike = [known for known in vocabulary if abs(len(known) - len(word)) <= 1]
        close = difflib.get_close_matches(word, alike, n=1, cutoff=SQLITE_CUTOFF)
        if close:
            corrections[word] = close[0]
    return corrections


def _load_vocabulary() -> list[str]:
    return list(
        Facet.objects.filter(kind=FacetKind.WORD).order_by("-count").values_list("key", flat=True)
    )


def refresh_search_conditions(project_ids) -> None:
    """Rewrite the condition names kept on each project row, after its
    conditions changed or a condition was renamed."""
    names: dict[int, list[str]] = {pk: [] for pk in project_ids}
    through = Project.conditions.through.objects.filter(project_id__in=names)
    for project_id, name in through.values_list("project_id", "condition__name"):
        names[project_id].append(name)
    for project_id, found in names.items():
        Project.objects.filter(pk=project_id).update(search_conditions=" ".join(sorted(found)))


def projects_with_condition(condition: Condition) -> list[int]:
    return list(condition.projects.values_list("pk", flat=True))
