"""The Permissions-Policy header: browser features the site may use.

Read from ``settings.PERMISSIONS_POLICY``, a mapping of feature to allowed
origins: ``[]`` switches a feature off, ``["self"]`` allows it to this site
only. Built once, at start-up, since settings do not change while serving.
"""

from django.conf import settings


def header_value(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "geolocation": ["self"]}`` -> ``camera=(), geolocation=(self)``."""

    def origin(value: str) -> str:
        return value if value in {"self", "*"} else f'"{value}"'

    return ", ".join(
        f"{feature}=({' '.join(origin(v) for v in allowed)})"
        for feature, allowed in policy.items()
    )


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.value = header_value(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response
