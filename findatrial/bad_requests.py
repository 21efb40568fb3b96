"""Requests no page can answer are refused up front with a 400.

A NUL byte in a query string or form field is never meaningful text, and
PostgreSQL refuses it in any string parameter (a 500 wherever it reaches a
query). Refusing it here covers every page, admin and API alike: the API
answers in JSON, as DRF words its own errors; pages get the site's 400 page.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse

API_PREFIX = "/api/"
MESSAGE = "The request contains a NUL character."


class NullCharacterInRequest(SuspiciousOperation):
    """Answered with the site's 400 page, like any other unreadable request."""


class RejectNullBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_null(request.GET) or (request.method == "POST" and _has_null(request.POST)):
            if request.path.startswith(API_PREFIX):
                return JsonResponse({"detail": MESSAGE}, status=400)
            raise NullCharacterInRequest(MESSAGE)
        return self.get_response(request)


def _has_null(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in data.getlist(key)) for key in data)
