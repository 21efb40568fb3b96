"""The sitemap: every public page a search engine should find.

Project pages are the listed projects (``Project.objects.listed()``), with
``lastmod`` the moment their live content last changed (else the day they
were last reviewed). Condition, institution and researcher pages are the
entries of ``projects.directory``, which exist only while listed projects
link to them. Each section is split into pages of ``limit`` addresses,
listed by the sitemap index at ``/sitemap.xml``. The protocol allows 50,000
a page; 10,000 keeps a page's first rendering near a second (50,000 took
about 7 s at 100,000 projects), and ``findatrial/urls.py`` caches them.
Rows are read in primary-key order, which an index serves.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from . import directory
from .models import Project

#: The protocol's maximum addresses per sitemap page.
PROTOCOL_LIMIT = 50_000
#: Addresses per sitemap page.
ADDRESSES_PER_PAGE = 10_000


class ProjectSitemap(Sitemap):
    limit = ADDRESSES_PER_PAGE

    def items(self):
        return (
            Project.objects.listed()
            .order_by("pk")
            .only("pk", "slug", "last_published_at", "last_reviewed")
        )

    def lastmod(self, project):
        return project.last_published_at or project.last_reviewed

    def get_latest_lastmod(self):
        """For the index: one indexed row, not ``lastmod`` of every project
        (Django's default reads them all on each request)."""
        return (
            Project.objects.listed()
            .filter(last_published_at__isnull=False)
            .order_by("-last_published_at")
            .values_list("last_published_at", flat=True)
            .first()
        )


class DirectorySitemap(Sitemap):
    """The pages of one directory's entries (conditions, institutions or researchers)."""

    limit = ADDRESSES_PER_PAGE

    def __init__(self, entries: directory.Directory):
        self.entries = entries

    def items(self):
        return self.entries.linked().order_by("pk")


class BrowseSitemap(Sitemap):
    """The pages that lead into the rest: search and the three A-to-Z directories."""

    def items(self):
        return ["projects:list", "browse:conditions", "browse:institutions", "browse:researchers"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "browse": BrowseSitemap,
    "projects": ProjectSitemap,
    "conditions": DirectorySitemap(directory.conditions),
    "institutions": DirectorySitemap(directory.institutions),
    "researchers": DirectorySitemap(directory.researchers),
}
