"""The best matches of the most common search terms, kept ranked, so "most
relevant" for a word on tens of thousands of pages reads a thousand rows
instead of ranking every match (PostgreSQL).

Ranking is per match: ``ts_rank`` over every page a word matches, then a
sort. For "cancer" on 30,892 of 78,377 listed pages that is 40 ms of SQL
whatever the page asked for, because the tenth most relevant page is only
known once every match has been ranked. A search engine keeps its postings
in order of impact for this; here, the terms on at least
``MIN_MATCHES`` listed pages (``CommonTerm``) keep their first
``LEADERS_PER_TERM`` places in the "most relevant" order (``TermLeader``).

The rows stay exact without this module: a trigger on the search index
(migration 0016_term_leaders) recomputes a page's leads whenever its vector,
recruiting rank or review date changes, against each term's floor (the sort
key of its last leader when the term was chosen). So a term's leaders are
always *every* matching page at or above the floor: a prefix of the
order, which grows when better pages are published and shrinks when
leaders are withdrawn. A page of results read from them is exact when it
comes back full (``projects.listing`` falls back to ranking every match
when it does not: a deep page, or filters few leaders pass).

``rebuild()`` chooses the terms again (a bulk load makes new words common)
and sets each floor back to the ``LEADERS_PER_TERM``-th place: run it with
``manage.py refresh_facets`` after a bulk load, or nightly.
"""

from django.db import connection, transaction

from .models import CommonTerm, ProjectSearch, TermLeader

#: Terms matching fewer pages are ranked in full: 2,000 matches rank in
#: about 3 ms.
MIN_MATCHES = 2_000
#: Places kept per term: 100 pages of 10 with no filter, and a page or more
#: for filters a few percent of pages pass.
LEADERS_PER_TERM = 1_000


def rebuild(min_matches: int | None = None, leaders_per_term: int | None = None) -> int:
    """Choose the common terms again (``MIN_MATCHES`` unless told) and fill
    their leaders (``LEADERS_PER_TERM``); returns how many terms. Writers
    wait (the search index is locked against changes meanwhile, so none is
    missed): about 10 s at 100,000 projects."""
    if connection.vendor != "postgresql":
        return 0
    min_matches = min_matches or MIN_MATCHES
    leaders_per_term = leaders_per_term or LEADERS_PER_TERM
    entries = ProjectSearch._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {entries} IN SHARE MODE")
        TermLeader.objects.all().delete()
        CommonTerm.objects.all().delete()
        # ts_stat counts each lexeme's pages in one pass over the vectors.
        cursor.execute(
            f"""
            SELECT quote_literal(word)::tsquery::text, ndoc
            FROM ts_stat('SELECT search_vector FROM {entries}')
            WHERE ndoc >= %s AND length(word) <= %s ORDER BY word
            """,
            [min_matches, _LONGEST],
        )
        terms = cursor.fetchall()
        for query, matches in terms:
            cursor.execute(_FILL, {"query": query, "matches": matches, "size": leaders_per_term})
        # Fresh statistics: the planner reads a term's leaders in order from
        # their index only when it knows how few they are.
        cursor.execute(f"ANALYZE {CommonTerm._meta.db_table}, {TermLeader._meta.db_table}")
    return len(terms)


#: Longer lexemes (a URL, a chemical name run together) are left out: the
#: term's quoted form must fit ``CommonTerm.query``.
_LONGEST = 200

# One term: its first places in the "most relevant" order (filters.py's
# SEARCH_INDEX_ORDERINGS), the term with the last of them as its floor, and
# the places as its leaders.
_FILL = f"""
    WITH top AS (
        SELECT project_id, ts_rank(search_vector, %(query)s::tsquery) AS relevance,
            recruitment_rank, last_reviewed
        FROM {ProjectSearch._meta.db_table}
        WHERE search_vector @@ %(query)s::tsquery
        ORDER BY relevance DESC, recruitment_rank, last_reviewed DESC, project_id DESC
        LIMIT %(size)s
    ), term AS (
        INSERT INTO {CommonTerm._meta.db_table} (query, matches, floor_relevance,
            floor_recruitment_rank, floor_reviewed, floor_project)
        SELECT %(query)s, %(matches)s, relevance, recruitment_rank, last_reviewed, project_id
        FROM top
        ORDER BY relevance, recruitment_rank DESC, last_reviewed, project_id
        LIMIT 1
    )
    INSERT INTO {TermLeader._meta.db_table}
        (term_id, entry_id, relevance, recruitment_rank, last_reviewed)
    SELECT %(query)s, project_id, relevance, recruitment_rank, last_reviewed FROM top
"""
