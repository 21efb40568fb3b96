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
