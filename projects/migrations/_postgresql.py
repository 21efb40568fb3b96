"""Raw SQL that only PostgreSQL runs (triggers, GIN indexes, extensions'
operators), for migrations: SQLite has none of that machinery, and the
code that needs it checks the database first. The leading underscore keeps
Django's migration loader from reading this module as a migration."""


def run_sql(statements: list[str]):
    """A ``RunPython`` function executing ``statements`` on PostgreSQL, and
    nothing elsewhere."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run
