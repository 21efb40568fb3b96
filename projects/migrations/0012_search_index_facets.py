"""The search index's rows carry every facet key but the words (sponsor,
study type, funding, status, sex, healthy volunteers, as well as the
conditions and places they had), so one GIN index intersects any
combination of facet filters; and a second, partial GIN index over the
vectors of projects open now serves "recruiting first" searches, whose
first page ranks only those. PostgreSQL-only, like 0011_scale_search."""

from django.db import migrations

from ._postgresql import run_sql

FORWARD = [
    # Keys as projects.facets.refresh writes them from now on (indexed_keys).
    """
    UPDATE projects_projectsearch AS entry SET facet_keys = coalesce((
        SELECT jsonb_agg(key ORDER BY key) FROM jsonb_array_elements_text(facets.keys) AS key
        WHERE left(key, 5) <> 'word:' AND left(key, 4) <> 'all:'
    ), '[]'::jsonb)
    FROM projects_projectfacets AS facets
    WHERE facets.project_id = entry.project_id
    """,
    """
    CREATE INDEX search_entry_open_vector ON projects_projectsearch
    USING gin (search_vector) WHERE recruitment_rank = 0
    """,
]

BACKWARD = ["DROP INDEX IF EXISTS search_entry_open_vector"]


class Migration(migrations.Migration):
    dependencies = [("projects", "0011_scale_search")]

    operations = [migrations.RunPython(run_sql(FORWARD), run_sql(BACKWARD))]
