"""The search index of the listing: one narrow row per listed project.

Ranking a common word ("cancer") reads thousands of search vectors; on the
wide project row each one costs a page read. This table keeps only what a
ranked search orders by (the recruiting-first rank, the review date, the
weighted vector), about ten rows to a page. On PostgreSQL a trigger on the
project table (migration 0011_scale_search) writes it from the row itself
whenever a project is inserted or updated, keeping exactly the listed
projects (``ProjectQuerySet.listed``); ``projects.facets`` adds each row's
places and conditions (``facet_keys``). SQLite
has no ranked search (``projects.search``), so there it stays empty.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class ProjectSearch(models.Model):
    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    recruitment_rank = models.PositiveSmallIntegerField()
    last_reviewed = models.DateField(null=True)
    search_vector = SearchVectorField(null=True)
    #: The project's conditions and places as facet keys ("country:Canada",
    #: "state:Texas", "condition:asthma"), so a search narrowed to a place
    #: checks each candidate row instead of joining sites. Written by
    #: ``projects.facets.refresh`` (which recomputes them on every change).
    facet_keys = models.JSONField(default=list)

    class Meta:
        indexes = [
            # Recruiting first, then (for equal relevance) most recently reviewed.
            models.Index(
                fields=["recruitment_rank", "-last_reviewed", "-project"],
                name="search_entry_order",
            ),
        ]
        # The vector's GIN index is PostgreSQL-only: migration 0011_scale_search.

    def __str__(self):
        return f"Search entry of project {self.project_id}"


class CommonTerm(models.Model):
    """A search term (one lexeme) on so many listed pages that ranking all
    of them by relevance is slow, with the place of its last leader: the
    "floor" of ``TermLeader``. Chosen by ``projects.leaders.rebuild``."""

    #: The term as PostgreSQL writes a one-lexeme tsquery: ``'cancer'``.
    query = models.CharField(max_length=255, primary_key=True)
    #: How many listed pages matched it when it was chosen.
    matches = models.PositiveIntegerField()
    # The floor's sort key, in the order of "most relevant": relevance
    # (highest first), recruiting rank, review date (latest first), key.
    floor_relevance = models.FloatField()
    floor_recruitment_rank = models.PositiveSmallIntegerField()
    floor_reviewed = models.DateField()
    floor_project = models.BigIntegerField()

    def __str__(self):
        return self.query


class TermLeader(models.Model):
    """A listed page at or above its common term's floor, with its
    relevance to the term. For each term these rows are exactly the pages
    matching it whose key in the "most relevant" order is at or above the
    floor: a database trigger (migration 0016_term_leaders) adds and removes
    them as search index rows change, so they are always the first places
    of that order, and a page of the most relevant results is read from
    them instead of ranking every match (``projects.search``)."""

    # Read by term: the indexes below serve it.
    term = models.ForeignKey(
        CommonTerm, on_delete=models.CASCADE, related_name="leaders", db_index=False
    )
    entry = models.ForeignKey(ProjectSearch, on_delete=models.CASCADE, related_name="leads")
    relevance = models.FloatField()
    # The entry's own, copied (the trigger copies them again when they
    # change), so a term's first places are read in order from one index.
    # A listed page always has a review date (the project constraint
    # "project_published_is_reviewed"), so the date is never empty here.
    recruitment_rank = models.PositiveSmallIntegerField()
    last_reviewed = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["term", "entry"], name="term_leader_once"),
        ]
        indexes = [
            # "Most relevant", and "recruiting first, then most relevant".
            models.Index(
                fields=["term", "-relevance", "recruitment_rank", "-last_reviewed", "-entry"],
                name="term_leader_relevance",
            ),
            models.Index(
                fields=["term", "recruitment_rank", "-relevance", "-last_reviewed", "-entry"],
                name="term_leader_recruiting",
            ),
        ]

    def __str__(self):
        return f"{self.entry_id} leads {self.term_id}"
