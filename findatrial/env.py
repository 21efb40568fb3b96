"""Read settings from the environment, refusing values that cannot be meant.

Settings read every variable through these helpers, so a typo such as
``DEBUG=ture`` or ``SESSION_IDLE_MINUTES=30m`` stops the app at start-up with
the variable's name in the message, instead of silently meaning "off" or
crashing later. An empty variable counts as unset (``DEBUG=`` in a compose
file means "use the default").
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    """The stripped value of ``name``, or ``default`` when unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    """A yes/no variable: 1/0, true/false, yes/no, on/off (any case).

    Anything else is refused rather than read as false: ``DEBUG=ture`` must
    not quietly turn production settings on, nor ``SECURE_SSL_REDIRECT=flase``
    quietly leave them on.
    """
    value = env_str(name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a yes/no value; "
        "use 1/0, true/false, yes/no or on/off."
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """A whole number of at least ``minimum``."""
    value = env_str(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_float(name: str, default: float, minimum: float = 0.0) -> float:
    """A number (decimals allowed) of at least ``minimum``."""
    value = env_str(name)
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum:g}, not {value!r}.")
    return number


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated list; spaces around items and empty items are dropped."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]
