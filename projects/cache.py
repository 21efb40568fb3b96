"""Caching of the public pages, and its invalidation.

What is cached: the whole rendered response of a public page (the listing
with its query string, a project page) for anonymous visitors, in Django's
``caches["default"]`` (local memory in development, Redis in production).
Values derived from the facet table (``projects.facets``) are memoized the
same way.

How it is invalidated: every entry carries the *generation* it was made
in. ``invalidate()`` moves the generation on, and an entry from an older
generation is a miss, so one cheap counter drops every cached page at once.
``projects.signals`` calls it whenever a project or anything a public page
shows (sites, conditions, organizations, people, contacts) is saved or
deleted, so no writer has to remember; code that writes with
``bulk_create``/``update()`` (no signals) calls ``invalidate()`` itself.
It moves the generation twice: at once, and again when the transaction
commits, so a request that read the old rows before the commit cannot keep
them cached under the new generation. Edits are rare next to page views,
so dropping everything on each change costs little.

What is never cached: anything for a signed-in user (editors always see
the database), non-GET requests, and any response other than 200.

HTTP: cached pages carry an ETag and Last-Modified and answer a matching
If-None-Match with 304; ``Cache-Control: public`` with a shared max-age of
``PUBLIC_PAGE_SHARED_MAX_AGE`` seconds (0 by default: a CDN may store the
page but must revalidate, which a 304 answers cheaply, so a withdrawn page
is never served from the edge). A CDN must bypass its cache for requests
that carry the session cookie.
"""

import hashlib
import time
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

GENERATION_KEY = "public:generation"


def _cache():
    return caches["default"]


def generation() -> int:
    """The current generation. A fresh one is the clock in nanoseconds, so a
    generation lost from the cache (eviction, restart) is never reused."""
    cache = _cache()
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        value = cache.get(GENERATION_KEY)
    return value


def invalidate() -> None:
    """Drop every cached public page and memoized value, now and again when
    the current transaction commits."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    cache = _cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there: start a new one
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def memoize(name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per generation (e.g. the facet menu)."""
    cache = _cache()
    key = f"public:memo:{name}"
    found = cache.get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY) or generation()
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = compute()
    cache.set(key, (current, value), timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value


@dataclass(frozen=True)
class CachedPage:
    generation: int
    content: bytes
    content_type: str
    etag: str
    last_modified: float


def is_signed_in(request: HttpRequest) -> bool:
    """A visitor without a session cookie is anonymous: looking no further
    keeps the session (and ``Vary: Cookie``) out of public responses."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return request.user.is_authenticated


def cache_public_page(view: Callable) -> Callable:
    """Serve ``view``'s 200 responses from the cache for anonymous GETs."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or is_signed_in(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        cache = _cache()
        key = "public:page:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
        found = cache.get_many([GENERATION_KEY, key])
        current = found.get(GENERATION_KEY) or generation()
        page = found.get(key)
        if page is None or page.generation != current:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            page = CachedPage(
                current,
                response.content,
                response["Content-Type"],
                '"%s"' % hashlib.md5(response.content, usedforsecurity=False).hexdigest(),
                time.time(),
            )
            cache.set(key, page, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
        return _respond(request, page)

    return cached_view


def _respond(request: HttpRequest, page: CachedPage) -> HttpResponse:
    not_modified = get_conditional_response(
        request, etag=page.etag, last_modified=int(page.last_modified)
    )
    response = not_modified or HttpResponse(page.content, content_type=page.content_type)
    response.headers["ETag"] = page.etag
    response.headers["Last-Modified"] = http_date(page.last_modified)
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.PUBLIC_PAGE_SHARED_MAX_AGE,
        must_revalidate=True,
    )
    return response
