"""Login throttling with django-axes: after LOGIN_FAILURE_LIMIT wrong
passwords for one username from one address, that pair is locked out for
LOGIN_LOCKOUT_MINUTES, and during the lockout even the right password is
refused (HTTP 429, with a page that says so and for how long).

Attempts are stored in the database, so every app server behind the load
balancer counts the same failures. Staff unlock someone early by deleting
their row under "Access attempts" in the admin, or with
``manage.py axes_reset_username USERNAME``.
"""

import ipaddress
import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' backend, for logins made through a request.

    Axes needs the request (the client's address is part of the lock) and
    raises when code authenticates without one. Outside a request (the Django
    shell, a management command, a test calling ``authenticate()`` directly)
    there is no client to throttle, so this lets the next backend decide as if
    axes were not there. Every login over the web passes the request: Django's
    login views and the admin's do.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _ip_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """``AXES_CLIENT_IP_CALLABLE``: the address a lockout counts against.

    Behind a load balancer every request comes from the balancer's address,
    so lockouts would hit everyone trying that username. With
    TRUSTED_PROXY_COUNT proxies in front (1 for a load balancer), the client
    is the entry that many places from the right of X-Forwarded-For: each
    proxy appends the address it saw, and anything further left is whatever
    the client sent, which it can forge. A value that is not an address (a
    request that did not come through the proxies, a Unix socket's empty
    REMOTE_ADDR) falls back to REMOTE_ADDR, then to none, rather than fail
    when axes stores it.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= count and (address := _ip_address(forwarded[-count])):
            return address
    return _ip_address(request.META.get("REMOTE_ADDR", ""))


def client_username(request, credentials=None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the username tried, as axes would read it,
    cut to the longest username an account can have. The admin's login form
    passes any length to ``authenticate()``; a longer name matches no account,
    and uncut it would not fit axes' column (a 500 on PostgreSQL)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or {}).get(field) if credentials else request.POST.get(field)
    if username is None:
        return None
    user_model = get_user_model()
    return username[: user_model._meta.get_field(user_model.USERNAME_FIELD).max_length]


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the admin-styled "too many attempts" page."""
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "username": get_client_username(request, credentials) or "",
        "lockout_minutes": minutes,
    }
    # Rendered now: axes' middleware swaps it in after templates were rendered.
    response = render(
        request, "registration/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(minutes * 60)
    return response
