"""Ranked search on PostgreSQL: a trigger keeps each project's weighted
search vector current, a GIN index finds the matches, and a trigram index
over the search vocabulary (``Facet`` rows of kind "word") finds the word
a misspelling meant. A second trigger keeps the narrow search index
(``ProjectSearch``: one row per listed project) that ranked searches read. SQLite has no such machinery; ``projects.search``
falls back to plain substring matching there, so every step here is
PostgreSQL-only (TrigramExtension is a no-op elsewhere)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from ._postgresql import run_sql

# Weights: what a patient reads first counts most (projects.search).
VECTOR = """
    setweight(to_tsvector('english', coalesce({row}.lay_title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce({row}.search_conditions, '')), 'A') ||
    setweight(to_tsvector('english', coalesce({row}.lay_summary, '')), 'B') ||
    setweight(to_tsvector('english', coalesce({row}.official_title, '')), 'C')
"""

FORWARD = [
    # Keep the vector inline and uncompressed: the row's long texts (criteria,
    # abstracts) are moved out of line first, so ranking reads no TOAST.
    "ALTER TABLE projects_project ALTER COLUMN search_vector SET STORAGE MAIN",
    f"""
    CREATE FUNCTION projects_project_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector := {VECTOR.format(row="NEW")};
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER projects_project_search_vector
    BEFORE INSERT OR UPDATE OF lay_title, search_conditions, lay_summary, official_title
    ON projects_project FOR EACH ROW EXECUTE FUNCTION projects_project_search_vector()
    """,
    f"UPDATE projects_project SET search_vector = {VECTOR.format(row='projects_project')}",
    """
    CREATE INDEX listed_search_vector ON projects_project USING gin (search_vector)
    WHERE is_live AND archived_at IS NULL
    """,
    """
    CREATE INDEX facet_word_trigram ON projects_facet USING gin (key gin_trgm_ops)
    WHERE kind = 'word'
    """,
    # The narrow search index (models/search.py): one row per listed project,
    # written from the project row after every insert and relevant update.
    """
    CREATE FUNCTION projects_project_search_entry() RETURNS trigger AS $$
    BEGIN
        IF NEW.is_live AND NEW.archived_at IS NULL THEN
            INSERT INTO projects_projectsearch
                (project_id, recruitment_rank, last_reviewed, search_vector, facet_keys)
            VALUES (NEW.id, NEW.recruitment_rank, NEW.last_reviewed, NEW.search_vector, '[]')
            ON CONFLICT (project_id) DO UPDATE SET
                recruitment_rank = EXCLUDED.recruitment_rank,
                last_reviewed = EXCLUDED.last_reviewed,
                search_vector = EXCLUDED.search_vector;
        ELSIF TG_OP = 'UPDATE' THEN
            DELETE FROM projects_projectsearch WHERE project_id = NEW.id;
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER projects_project_search_entry
    AFTER INSERT OR UPDATE OF is_live, archived_at, research_status, last_reviewed,
        lay_title, search_conditions, lay_summary, official_title
    ON projects_project FOR EACH ROW EXECUTE FUNCTION projects_project_search_entry()
    """,
    """
    INSERT INTO projects_projectsearch
        (project_id, recruitment_rank, last_reviewed, search_vector, facet_keys)
    SELECT id, recruitment_rank, last_reviewed, search_vector, '[]' FROM projects_project
    WHERE is_live AND archived_at IS NULL
    """,
    "CREATE INDEX search_entry_vector ON projects_projectsearch USING gin (search_vector)",
    """
    CREATE INDEX search_entry_facets ON projects_projectsearch
    USING gin (facet_keys jsonb_path_ops)
    """,
]

BACKWARD = [
    "DROP INDEX IF EXISTS search_entry_facets",
    "DROP INDEX IF EXISTS search_entry_vector",
    "DROP TRIGGER IF EXISTS projects_project_search_entry ON projects_project",
    "DROP FUNCTION IF EXISTS projects_project_search_entry()",
    "DELETE FROM projects_projectsearch",
    "ALTER TABLE projects_project ALTER COLUMN search_vector SET STORAGE EXTENDED",
    "DROP INDEX IF EXISTS facet_word_trigram",
    "DROP INDEX IF EXISTS listed_search_vector",
    "DROP TRIGGER IF EXISTS projects_project_search_vector ON projects_project",
    "DROP FUNCTION IF EXISTS projects_project_search_vector()",
    "UPDATE projects_project SET search_vector = NULL",
]


class Migration(migrations.Migration):
    dependencies = [("projects", "0010_scale_listing")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(run_sql(FORWARD), run_sql(BACKWARD)),
    ]
