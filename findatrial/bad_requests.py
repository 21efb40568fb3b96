"""Requests no page can answer are refused up front with a 400.

A NUL byte in a query string or form field is never meaningful text, and
PostgreSQL refuses it in any string parameter (a 500 wherever it reaches a
query). Refusing it here covers every page, admin and API alike.
"""

from django.core.exceptions import SuspiciousOperation


class NullCharacterInRequest(SuspiciousOperation):
    """Answered with the site's 400 page, like any other unreadable request."""


class RejectNullBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_null(request.GET) or (request.method == "POST" and _has_null(request.POST)):
            raise NullCharacterInRequest("The request contains a NUL character.")
        return self.get_response(request)


def _has_null(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
