"""The leaders of common search terms (models/search.py: ``CommonTerm``,
``TermLeader``): a trigger on the search index keeps, for each common term,
exactly the listed pages whose place in the "most relevant" order is at or
above the term's floor. It runs after each search index row is written or
removed, and only recomputes that row's leads, so publishing a page costs
one test of its vector per common term (a few hundred). PostgreSQL only:
SQLite has no ranked search, and its tables stay empty.
"""

import django.db.models.deletion
from django.db import migrations, models

from ._postgresql import run_sql

# A row's key in the "most relevant" order (filters.SEARCH_INDEX_ORDERINGS),
# greater is better, beside its term's floor.
AT_OR_ABOVE_FLOOR = """
    ROW(ts_rank(NEW.search_vector, term.query::tsquery), -NEW.recruitment_rank,
        NEW.last_reviewed, NEW.project_id)
    >= ROW(term.floor_relevance, -term.floor_recruitment_rank,
        term.floor_reviewed, term.floor_project)
"""

FORWARD = [
    f"""
    CREATE FUNCTION projects_search_entry_leads() RETURNS trigger AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM projects_termleader WHERE entry_id = OLD.project_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            INSERT INTO projects_termleader
                (term_id, entry_id, relevance, recruitment_rank, last_reviewed)
            SELECT term.query, NEW.project_id, ts_rank(NEW.search_vector, term.query::tsquery),
                NEW.recruitment_rank, NEW.last_reviewed
            FROM projects_commonterm AS term
            WHERE NEW.search_vector @@ term.query::tsquery AND {AT_OR_ABOVE_FLOOR};
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER projects_search_entry_leads_added
    AFTER INSERT ON projects_projectsearch
    FOR EACH ROW EXECUTE FUNCTION projects_search_entry_leads()
    """,
    # Only when what the order reads changed: facets.refresh rewrites every
    # row's facet keys, and a project's save rewrites its row.
    """
    CREATE TRIGGER projects_search_entry_leads_changed
    AFTER UPDATE OF search_vector, recruitment_rank, last_reviewed ON projects_projectsearch
    FOR EACH ROW WHEN (
        OLD.search_vector IS DISTINCT FROM NEW.search_vector
        OR OLD.recruitment_rank <> NEW.recruitment_rank
        OR OLD.last_reviewed IS DISTINCT FROM NEW.last_reviewed
    ) EXECUTE FUNCTION projects_search_entry_leads()
    """,
    """
    CREATE TRIGGER projects_search_entry_leads_removed
    AFTER DELETE ON projects_projectsearch
    FOR EACH ROW EXECUTE FUNCTION projects_search_entry_leads()
    """,
]

BACKWARD = [
    "DROP TRIGGER IF EXISTS projects_search_entry_leads_removed ON projects_projectsearch",
    "DROP TRIGGER IF EXISTS projects_search_entry_leads_changed ON projects_projectsearch",
    "DROP TRIGGER IF EXISTS projects_search_entry_leads_added ON projects_projectsearch",
    "DROP FUNCTION IF EXISTS projects_search_entry_leads()",
]


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0015_listed_links'),
    ]

    operations = [
        migrations.CreateModel(
            name='CommonTerm',
            fields=[
                ('query', models.CharField(max_length=255, primary_key=True, serialize=False)),
                ('matches', models.PositiveIntegerField()),
                ('floor_relevance', models.FloatField()),
                ('floor_recruitment_rank', models.PositiveSmallIntegerField()),
                ('floor_reviewed', models.DateField()),
                ('floor_project', models.BigIntegerField()),
            ],
        ),
        migrations.CreateModel(
            name='TermLeader',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('relevance', models.FloatField()),
                ('recruitment_rank', models.PositiveSmallIntegerField()),
                ('last_reviewed', models.DateField()),
                ('entry', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='leads', to='projects.projectsearch')),
                ('term', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='leaders', to='projects.commonterm')),
            ],
            options={
                'indexes': [models.Index(fields=['term', '-relevance', 'recruitment_rank', '-last_reviewed', '-entry'], name='term_leader_relevance'), models.Index(fields=['term', 'recruitment_rank', '-relevance', '-last_reviewed', '-entry'], name='term_leader_recruiting')],
                'constraints': [models.UniqueConstraint(fields=('term', 'entry'), name='term_leader_once')],
            },
        ),
        migrations.RunPython(run_sql(FORWARD), run_sql(BACKWARD)),
    ]
