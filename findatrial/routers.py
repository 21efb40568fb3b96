"""The optional read replica (``DATABASE_REPLICA_URL``): who may read from it.

A replica lags the primary by a moment, so only requests that cannot notice
read from it: an anonymous visitor's GET or HEAD of a public page. Everything
else reads the primary: the admin, any form post, anyone with a session
(staff previewing what they just saved), and all code outside a request
(management commands, the shell, tests), which may read what it just wrote.
Every write goes to the primary.

The router cannot see the request, so ``ReplicaReadsMiddleware`` decides per
request and leaves the answer in a context variable, which is per thread
under WSGI and per task under ASGI.
"""

from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"

_replica_reads_allowed: ContextVar[bool] = ContextVar("replica_reads_allowed", default=False)


def may_read_from_replica(request) -> bool:
    return (
        request.method in {"GET", "HEAD"}
        and not request.path_info.startswith(f"/{settings.ADMIN_PATH}")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _replica_reads_allowed.set(may_read_from_replica(request))
        try:
            return self.get_response(request)
        finally:
            _replica_reads_allowed.reset(token)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_reads_allowed.get() and REPLICA in connections.settings:
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica copies the primary's tables; it is never migrated itself.
        return False if db == REPLICA else None
