"""``/healthz``: may the load balancer send this app server requests?

Checks what every page needs, the database (``SELECT 1``) and the cache (a
set and a get), and answers in plain text: 200 "ok", or 503 naming what
failed. It is cheap enough to poll every few seconds, and never cached.

It is a middleware at the top of MIDDLEWARE rather than a view, because load
balancers probe each server by its IP address over plain HTTP: a view would
sit behind ALLOWED_HOSTS (400 for an unknown Host) and the HTTPS redirect
(301). Nothing here renders HTML or touches the session.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse

logger = logging.getLogger(__name__)

PATH = "/healthz"


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    # A key of its own per probe, so app servers sharing one Redis cannot
    # read each other's value.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the value just written was not read back")
    cache.delete(key)


CHECKS = {"database": check_database, "cache": check_cache}


def health() -> HttpResponse:
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # A health check must answer whatever went wrong.
            logger.warning("Health check: %s failed: %r", name, exc)
            failed.append(name)
    if failed:
        body, status = "".join(f"{name} unavailable\n" for name in failed), 503
    else:
        body, status = "ok\n", 200
    response = HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH and request.method in {"GET", "HEAD"}:
            return health()
        return self.get_response(request)
