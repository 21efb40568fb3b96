"""Database connection settings built from a URL (``DATABASE_URL`` and
``DATABASE_REPLICA_URL``), with the options each engine needs to serve
several requests at once.
"""

import dj_database_url

SQLITE_ENGINE = "django.db.backends.sqlite3"

# SQLite answers "database is locked" to a second writer unless told to wait,
# and Django's default DEFERRED transactions make waiting useless: two
# requests that both read and then write (saving a session, get_or_create,
# the workflow's locked re-read) deadlock, and SQLite fails one of them at
# once without using the timeout. IMMEDIATE takes the write lock at BEGIN, so
# the second writer queues for up to ``timeout`` seconds instead. WAL lets
# readers carry on while one writer writes; synchronous=NORMAL is the safe
# pairing for WAL (a power cut can lose the last commits, never corrupt).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_url(url: str, conn_max_age: int) -> dict:
    """Django's DATABASES entry for ``url``.

    Connections are kept ``conn_max_age`` seconds and health-checked before
    reuse, so a database that restarted or dropped idle connections costs no
    failed request: Django opens a new connection instead.
    """
    config = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    if config["ENGINE"] == SQLITE_ENGINE:
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config
