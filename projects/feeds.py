"""RSS and Atom feeds of newly published and updated projects: all listed
projects, or those about one condition.

Items are listed projects only (``Project.objects.listed()``), newest
change first (``last_published_at``, set when the live content last
changed), 50 at most. An item's title is the plain-language title, its
description the summary, its categories the conditions; it was published
when the page first went live and updated when its live content last
changed; its ID is the page's absolute address (Django's default), which
stays the same across updates. A condition with no listed project is a
404, like its page.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext_lazy as _

from .listing import load_condition_rows
from .models import Condition, Project

ITEMS_PER_FEED = 50


def newest_changes(projects) -> list[Project]:
    """The newest changes, each with its sponsor and its conditions as rows
    (``listing.load_condition_rows``): prefetched, each project and its
    conditions' queryset referred to each other, and the feed's 50 such
    cycles waited for the garbage collector (8 ms, one request in ten)."""
    newest = projects.order_by("-last_published_at", "-id").select_related("sponsor")
    items = list(newest[:ITEMS_PER_FEED])
    load_condition_rows(items)
    return items


class ProjectFeed(Feed):
    """Every listed project, newest change first (RSS 2.0)."""

    feed_type = Rss201rev2Feed
    title = _("Find a Trial: newly published and updated research")
    description = _(
        "Plain-language pages about NIH-funded research and clinical studies, "
        "as they are published or updated after review."
    )
    feed_url_name = "feeds:projects_rss"

    def link(self):
        return reverse("projects:list")

    def feed_url(self):
        return reverse(self.feed_url_name)

    def items(self):
        return newest_changes(Project.objects.listed())

    def item_title(self, project):
        return project.lay_title

    def item_description(self, project):
        return project.lay_summary

    def item_link(self, project):
        return project.get_absolute_url()

    def item_pubdate(self, project):
        return project.first_published_at

    def item_updateddate(self, project):
        return project.last_published_at

    def item_categories(self, project):
        return [condition["name"] for condition in project.condition_rows]

    def item_author_name(self, project):
        return project.sponsor.name


class ProjectAtomFeed(ProjectFeed):
    """The same items as Atom 1.0."""

    feed_type = Atom1Feed
    subtitle = ProjectFeed.description
    feed_url_name = "feeds:projects_atom"


class ConditionFeed(ProjectFeed):
    """Listed projects about one condition (RSS 2.0)."""

    feed_url_name = "feeds:condition_rss"

    def get_object(self, request, slug):
        condition = get_object_or_404(Condition, slug=slug)
        if not Project.objects.listed().filter(conditions=condition).exists():
            raise Http404(_("Nothing published is about this condition."))
        return condition

    def title(self, condition):
        return _("Find a Trial: research about %(condition)s") % {"condition": condition.name}

    def description(self, condition):
        return _(
            "Plain-language pages about research and studies on %(condition)s, "
            "as they are published or updated after review."
        ) % {"condition": condition.name}

    def link(self, condition):
        return condition.get_absolute_url()

    def feed_url(self, condition):
        return reverse(self.feed_url_name, kwargs={"slug": condition.slug})

    def items(self, condition):
        return newest_changes(Project.objects.listed().filter(conditions=condition))


class ConditionAtomFeed(ConditionFeed):
    """The same items as Atom 1.0."""

    feed_type = Atom1Feed
    feed_url_name = "feeds:condition_atom"

    def subtitle(self, condition):
        return self.description(condition)
