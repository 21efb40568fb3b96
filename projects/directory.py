"""The public A-to-Z directories: the conditions, institutions and
researchers that listed projects link to, each with how many projects.

Rules kept here, once, for the browse pages, the sitemaps and the tests:

- An entry exists only while at least one listed project
  (``Project.objects.listed()``) links to it, and its number counts listed
  projects only: a draft, a page in review or a withdrawn page never makes
  an entry appear, nor adds to a number.
- An institution is the organization a project names as its sponsor (the
  study's lead sponsor, or the institution that holds the NIH grant).
- Researchers are the people who run the research: NIH program officers
  (NIH staff, ``InvestigatorRole.PROGRAM_OFFICER``) are left out, as on the
  project page.
- No request aggregates over the whole project table. A directory page is
  one letter (the stored, indexed ``initial`` column), paginated in name
  order; the numbers are then counted for that page's entries only, through
  the foreign-key indexes of the link tables. A common condition still has
  tens of thousands of projects, so the numbers (per entry, per letter, and
  which letters have entries) are kept a few minutes in the cache
  (``projects.discovery_cache``); which entries exist is always read fresh.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, Model, OuterRef, Prefetch, QuerySet
from django.utils.functional import cached_property

from . import discovery_cache
from .choices import RESEARCHER_ROLES
from .models import (
    INITIALS,
    OTHER_INITIAL,
    Condition,
    Investigator,
    Organization,
    Project,
    ProjectInvestigator,
    ProjectSite,
)

#: Entries on one A-to-Z page.
ENTRIES_PER_PAGE = 100
#: Project cards on one condition, institution or researcher page.
PROJECTS_PER_PAGE = 20


@dataclass(frozen=True)
class Entry:
    """One line of a directory page: a name, its page and its number of projects."""

    name: str
    url: str
    count: int
    note: str = ""


class CountedPaginator(Paginator):
    """A paginator told its count (from the cache) instead of counting."""

    def __init__(self, object_list, per_page, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count


class Directory:
    """Conditions, institutions or researchers that listed projects link to."""

    model: type[Model]
    #: The URL name of an entry's page in the ``browse`` namespace.
    url_name: str

    # What each kind says differently -----------------------------------

    def links(self) -> QuerySet:
        """Rows that tie a listed project to an entry (one per project and entry)."""
        raise NotImplementedError

    #: The column of ``links()`` that names the entry.
    link_field: str

    def note(self, obj) -> str:
        return ""

    def rows(self) -> QuerySet:
        return self.model._default_manager.all()

    # The same for every kind -------------------------------------------

    def linked(self) -> QuerySet:
        """Entries with at least one listed project, in name order."""
        links = self.links().filter(**{self.link_field: OuterRef("pk")})
        return self.rows().filter(Exists(links)).order_by("name", "pk")

    def of_letter(self, letter: str) -> QuerySet:
        """Entries filed under ``letter`` (one of ``INITIALS`` or ``OTHER_INITIAL``)."""
        return self.linked().filter(initial=letter)

    def letters_in_use(self) -> set[str]:
        """The letters that have at least one entry (cached for a few minutes)."""
        return discovery_cache.remember(
            discovery_cache.key(self.url_name, "letters"), self.find_letters_in_use
        )

    def find_letters_in_use(self) -> set[str]:
        """One query of ``len(INITIALS) + 1`` indexed existence checks, each
        stopping at its letter's first entry."""
        linked = self.linked()
        letters = (*INITIALS, OTHER_INITIAL)
        checks = {
            f"has_{index}": Exists(linked.filter(initial=letter))
            for index, letter in enumerate(letters)
        }
        # Any one row carries the answers (by primary key: no sort); no row, no entries.
        row = self.model._default_manager.order_by("pk").annotate(**checks).values(*checks).first()
        if row is None:
            return set()
        return {letters[index] for index in range(len(letters)) if row[f"has_{index}"]}

    def letter_count(self, letter: str) -> int:
        """How many entries ``letter`` has (cached for a few minutes)."""
        return discovery_cache.remember(
            discovery_cache.key(self.url_name, "letter", letter), self.of_letter(letter).count
        )

    def total(self) -> int:
        """How many entries there are (cached for a few minutes)."""
        return discovery_cache.remember(
            discovery_cache.key(self.url_name, "total"), self.linked().count
        )

    def counts(self, ids: Iterable[int]) -> dict[int, int]:
        """How many listed projects link to each of ``ids``; only those rows are counted."""
        rows = (
            self.links()
            .filter(**{f"{self.link_field}__in": list(ids)})
            .order_by()
            .values(self.link_field)
            .annotate(projects=Count("pk"))
        )
        return {row[self.link_field]: row["projects"] for row in rows}

    def numbers(self, ids: Iterable[int]) -> dict[int, int]:
        """``counts(ids)``, each kept a few minutes in the cache."""
        ids = list(ids)
        names = {pk: discovery_cache.key(self.url_name, "projects", pk) for pk in ids}

        def count(missing):
            found = self.counts(missing)
            return {pk: found.get(pk, 0) for pk in missing}

        return discovery_cache.remember_many(names, count)

    def page(self, letter: str, number) -> Page:
        """One page of the entries under ``letter``, as ``Entry`` objects.

        Raises ``django.core.paginator.InvalidPage`` for a page that does not exist.
        """
        paginator = CountedPaginator(
            self.of_letter(letter), ENTRIES_PER_PAGE, self.letter_count(letter)
        )
        page = paginator.page(number)
        objects = list(page.object_list)
        counts = self.numbers(obj.pk for obj in objects)
        page.object_list = [
            Entry(str(obj.name), obj.get_absolute_url(), counts.get(obj.pk, 0), self.note(obj))
            for obj in objects
        ]
        return page

    def projects(self, obj) -> QuerySet:
        """The listed projects of one entry, ready for project cards."""
        return cards(self.projects_of(obj))

    def projects_of(self, obj) -> QuerySet:
        raise NotImplementedError


def cards(projects: QuerySet) -> QuerySet:
    """What a project card reads (sponsor, conditions, places), in two queries a page."""
    return (
        projects.select_related("sponsor")
        .with_condition_list()
        .prefetch_related(
            Prefetch("project_sites", queryset=ProjectSite.objects.select_related("site"))
        )
    )


class ConditionDirectory(Directory):
    model = Condition
    url_name = "condition"
    link_field = "condition_id"

    def links(self):
        return Project.conditions.through.objects.filter(project__in=Project.objects.listed())

    def projects_of(self, condition):
        return Project.objects.listed().filter(conditions=condition)


class InstitutionDirectory(Directory):
    model = Organization
    url_name = "institution"
    link_field = "sponsor_id"

    def links(self):
        return Project.objects.listed()

    def note(self, organization):
        return organization.place

    def projects_of(self, organization):
        return Project.objects.listed().filter(sponsor=organization)


class ResearcherDirectory(Directory):
    model = Investigator
    url_name = "researcher"
    link_field = "investigator_id"

    def links(self):
        # One role per person and project (a unique constraint), so a row is a project.
        return ProjectInvestigator.objects.filter(
            role__in=RESEARCHER_ROLES, project__in=Project.objects.listed()
        )

    def rows(self):
        return Investigator.objects.select_related("organization")

    def note(self, investigator):
        organization = investigator.organization
        parts = [investigator.title, organization.name if organization else ""]
        return ", ".join(part for part in parts if part)

    def projects_of(self, investigator):
        roles = self.links().filter(project=OuterRef("pk"), investigator=investigator)
        return Project.objects.listed().filter(Exists(roles))


conditions = ConditionDirectory()
institutions = InstitutionDirectory()
researchers = ResearcherDirectory()
