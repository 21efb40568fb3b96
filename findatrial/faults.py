"""When the database cannot answer, every page says "back soon" (HTTP 503).

A database that is down, restarting, unreachable, read-only (a full disk, a
SQLite file that cannot be written, a PostgreSQL standby after a failover) is
an outage to wait out, not a bug: the visitor gets templates/503.html, which
queries nothing, with a Retry-After header, and the page recovers by itself
once the database answers again (Django opens a new connection; see
CONN_HEALTH_CHECKS in findatrial/databases.py).

Two hooks, because Django turns an exception into a response where it is
raised: ``DatabaseUnavailableMiddleware.process_exception`` answers for
errors in views and template rendering, and ``server_error`` (the project's
``handler500``) for errors raised in other middleware, e.g. the session
middleware saving a session after the view. With DEBUG on, the middleware
steps aside so a developer sees Django's error page (a missing migration is
also an OperationalError on SQLite).
"""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

logger = logging.getLogger(__name__)

# PostgreSQL's "cannot execute ... in a read-only transaction" (a standby, or
# default_transaction_read_only): Django raises it as InternalError.
_READ_ONLY_SQLSTATE = "25006"


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` means the database cannot serve requests right now."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    cause = getattr(exc, "__cause__", None)
    return getattr(cause, "sqlstate", None) == _READ_ONLY_SQLSTATE


def back_soon(request=None) -> HttpResponse:
    """The 503 page. Rendered without a request or context processors, so
    nothing in it can touch the database."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(settings.DATABASE_UNAVAILABLE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG or not is_database_unavailable(exception):
            return None
        logger.warning("Database unavailable for %s: %s", request.path, exception)
        return back_soon(request)


def server_error(request):
    """``handler500``: "back soon" for a database outage that surfaced outside
    a view; Django's plain 500 page (templates/500.html) for anything else.
    Django calls it while handling the exception, so it is still current."""
    if is_database_unavailable(sys.exc_info()[1]):
        return back_soon(request)
    return defaults.server_error(request)
