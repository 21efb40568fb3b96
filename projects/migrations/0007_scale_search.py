"""Ranked search on PostgreSQL: a trigger keeps each project's weighted
search vector current, a GIN index finds the matches, and a trigram index
over the search vocabulary (``Facet`` rows of kind "word") finds the word
a misspelling meant. SQLite has no such machinery; ``projects.search``
falls back to plain substring matching there, so every step here is
PostgreSQL-only (TrigramExtension is a no-op elsewhere)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

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
]

BACKWARD = [
    "ALTER TABLE projects_project ALTER COLUMN search_vector SET STORAGE EXTENDED",
    "DROP INDEX IF EXISTS facet_word_trigram",
    "DROP INDEX IF EXISTS listed_search_vector",
    "DROP TRIGGER IF EXISTS projects_project_search_vector ON projects_project",
    "DROP FUNCTION IF EXISTS projects_project_search_vector()",
    "UPDATE projects_project SET search_vector = NULL",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_scale_listing")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD)),
    ]
