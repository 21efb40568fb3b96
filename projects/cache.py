"""Caching of the public pages, and its invalidation.

What is cached: the whole response of a public page (the listing with its
query string, a project page) for anonymous visitors, in Django's
``caches["default"]`` (local memory in development, Redis in production),
body and final headers. Views declare their pages public with
``cache_public_page``; ``PublicPageCacheMiddleware`` (``projects.middleware``),
near the top of MIDDLEWARE, answers from the cache before the rest of the
stack runs (sessions, CSRF, CSP, login throttling, the database router) and
stores what the stack sent, so a hit costs one round trip to the cache and
carries the same headers as the miss that made it. The rules (which
requests, which responses, the key, the validators) are all in this module.
Values derived from the facet table (``projects.facets``) are memoized with
the same generation.

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

What is never cached: anything for a request with a session cookie (editors
always see the database), requests other than GET and HEAD, and any response
other than a plain 200 that sets no cookie.

HTTP: cached pages carry an ETag and Last-Modified and answer a matching
If-None-Match or If-Modified-Since with 304; ``Cache-Control: public`` with
a shared max-age of ``PUBLIC_PAGE_SHARED_MAX_AGE`` seconds (0 by default: a
CDN may store the page but must revalidate, which a 304 answers cheaply, so
a withdrawn page is never served from the edge). A CDN must bypass its cache
for requests that carry the session cookie.
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


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A public page as it was sent: its body and its final headers (those of
    every middleware inside ``PublicPageCacheMiddleware``: CSP,
    Permissions-Policy, X-Frame-Options, Content-Type ... and the validators
    added here), so a hit answers exactly as the miss that made it."""

    generation: int
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: int


def may_use_cache(request: HttpRequest) -> bool:
    """Whether ``request`` may be answered from, or stored in, the page cache:
    a GET or HEAD without a session cookie. Looking no further (not at
    ``request.user``) keeps the session, and ``Vary: Cookie``, out of public
    responses; anyone with a session, signed in or not, gets the database."""
    return (
        request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def cache_public_page(view: Callable) -> Callable:
    """Declare ``view``'s pages the same for every anonymous visitor.

    The view's responses to such requests are marked, and
    ``PublicPageCacheMiddleware`` (``projects.middleware``) stores them once
    every middleware has added its headers; any other request's response is
    marked ``private, no-cache``.
    """

    @wraps(view)
    def public_page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if may_use_cache(request):
            response.is_public_page = True
        else:
            patch_cache_control(response, private=True, no_cache=True)
        return response

    return public_page


def lookup(request: HttpRequest) -> tuple[CachedPage | None, int]:
    """The cached page for ``request`` if it is of the current generation,
    and that generation, in one round trip to the cache."""
    key = _page_key(request)
    found = _cache().get_many([GENERATION_KEY, key])
    current = found.get(GENERATION_KEY) or generation()
    page = found.get(key)
    return (page if page is not None and page.generation == current else None), current


def _page_key(request: HttpRequest) -> str:
    """By the whole address: pages hold absolute links built from the host
    and scheme (the canonical URL, the JSON-LD), and ``build_absolute_uri``
    checks the Host header against ALLOWED_HOSTS (a 400 when it is not) before
    any cached page is looked up."""
    return "public:page:" + hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()


def keep(request: HttpRequest, response: HttpResponse, current: int) -> CachedPage | None:
    """``response`` as a page with its validators, stored for the next
    visitors when it is public, or None when it must go out as it is.

    ``current`` is the generation read *before* the page was made: if
    anything changed while it was being made, the page is already stale.
    """
    if not _is_public(response):
        return None
    now = int(time.time())
    etag = '"%s"' % hashlib.md5(response.content, usedforsecurity=False).hexdigest()
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(now)
    response.headers["Cache-Control"] = (
        f"public, max-age=0, s-maxage={settings.PUBLIC_PAGE_SHARED_MAX_AGE}, must-revalidate"
    )
    page = CachedPage(current, response.content, tuple(response.items()), etag, now)
    # A HEAD is answered like a GET but never stored: its body is not sent.
    if request.method == "GET":
        _cache().set(_page_key(request), page, timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    return page


def _is_public(response: HttpResponse) -> bool:
    """Only a complete 200 that a public page view made for an anonymous
    request, and that is the same for everyone: nothing that sets a cookie
    (a CSRF token in the page sets its cookie), varies with a request header
    or carries a CSP nonce."""
    return (
        getattr(response, "is_public_page", False)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and "nonce-" not in response.get("Content-Security-Policy", "")
    )


def respond(request: HttpRequest, page: CachedPage) -> HttpResponse:
    """The page, or a 304 when the visitor's copy is current."""
    not_modified = get_conditional_response(
        request, etag=page.etag, last_modified=page.last_modified
    )
    if not_modified is None:
        return HttpResponse(page.content, headers=dict(page.headers))
    if not_modified.status_code == 304:
        for name, value in page.headers:
            if name.lower() not in ("content-type", "content-length"):
                not_modified.headers[name] = value
    return not_modified
