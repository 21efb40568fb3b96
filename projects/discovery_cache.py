"""Every cache entry the discovery surfaces write, in one place: the A-to-Z
directories' numbers (browse pages, the conditions API) and the sitemaps.

Why: at 100,000 projects a directory page counts the projects of its 100
entries, and a common condition has tens of thousands; a sitemap page is
50,000 addresses. Both change only when a page is published, withdrawn or
archived, and a few minutes' delay in a number or a sitemap harms nobody.
What is never cached here: which entries exist (a name only a withdrawn
page used disappears at once) and the projects a page lists.

Keys all start with ``KEY_PREFIX``; ``key()`` builds them, so a site-wide
invalidation (a generation number in the key) needs a change here only.
Django's default cache is used (local memory in development, Redis where
``CACHES`` says so).
"""

from collections.abc import Callable, Iterable

from django.core.cache import cache

KEY_PREFIX = "discovery"
#: How long a directory's numbers (per entry, per letter) may be reused.
DIRECTORY_SECONDS = 5 * 60
#: How long a rendered sitemap page may be reused.
SITEMAP_SECONDS = 60 * 60
#: ``cache_page`` prefix of the sitemap index and sections.
SITEMAP_KEY_PREFIX = f"{KEY_PREFIX}:sitemap"


def key(*parts) -> str:
    return ":".join((KEY_PREFIX, *(str(part) for part in parts)))


def remember(name: str, compute: Callable, timeout: int = DIRECTORY_SECONDS):
    """The cached value under ``name``, computing and storing it when missing."""
    value = cache.get(name)
    if value is None:
        value = compute()
        cache.set(name, value, timeout)
    return value


def remember_many(
    names: dict, compute: Callable[[Iterable], dict], timeout: int = DIRECTORY_SECONDS
) -> dict:
    """``{item: value}`` for the items of ``names`` (``{item: cache key}``), in
    one cache read; ``compute(missing_items)`` fills the rest, which are stored."""
    found = cache.get_many(list(names.values()))
    values = {item: found[name] for item, name in names.items() if name in found}
    missing = [item for item in names if item not in values]
    if missing:
        computed = compute(missing)
        cache.set_many({names[item]: computed[item] for item in missing}, timeout)
        values.update(computed)
    return values
