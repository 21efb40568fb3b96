"""Public pages answered from the page cache before the rest of the stack.

``PublicPageCacheMiddleware`` sits near the top of MIDDLEWARE, after the
health check, the security middleware (the HTTPS redirect; HSTS and the
other headers it adds to every response) and whitenoise (static files), and
before everything a cached page does not need: the database fault page, the
replica router, CSP, Permissions-Policy, sessions, CSRF, authentication,
messages, clickjacking and login throttling. Those still run when a page is
made, and the page is stored with the headers they added, so a hit sends the
same headers without running them.

The rules (which requests, which responses, the key, the generation, the
validators) live in ``projects.cache``; this module only says when they
apply. Views declare their pages public with ``cache.cache_public_page``.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import cache


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not cache.may_use_cache(request):
            return self.get_response(request)
        page, current = cache.lookup(request)
        if page is None:
            response = self.get_response(request)
            page = cache.keep(request, response, current)
            if page is None:
                return response
        return cache.respond(request, page)
