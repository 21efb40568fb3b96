"""Find a Trial's records, one module per capability (STYLE.md 11).

- ``places``: organizations and sites
- ``people``: investigators and contacts
- ``conditions``: health conditions in plain words
- ``project``: the project (the live public version) and its links
- ``review``: the editorial trail
- ``revisions``: saved versions of the plain-language content
- ``glossary``: jargon and its plain wording
- ``facets``: counts of listed projects per filter value and per word
- ``search``: the narrow search index of listed projects (PostgreSQL)

``lookups`` adds ``field__any=values`` (long key lists as one array).
"""

from . import lookups  # noqa: F401 - registers the ``__any`` lookup

from .base import INITIALS, OTHER_INITIAL, NamedSlugModel, unique_slug, unique_slugs
from .conditions import Condition
from .facets import Facet, FacetKind, ProjectFacets
from .glossary import GlossaryTerm
from .people import Contact, Investigator
from .places import Organization, Site
from .project import (
    LISTED,
    NCT_ID_PATTERN,
    SITES_ON_PAGE,
    GrantLink,
    Project,
    ProjectInvestigator,
    ProjectQuerySet,
    ProjectSite,
    SiteArea,
    add_months,
    area_key,
    areas_by_place,
    most_used_spelling,
    page_conditions,
    load_page_records,
    load_site_records,
    public_page,
)
from .review import ReviewEvent, ReviewReminder
from .revisions import ProjectRevision
from .search import CommonTerm, ProjectSearch, TermLeader

__all__ = [
    "LISTED",
    "INITIALS",
    "OTHER_INITIAL",
    "NCT_ID_PATTERN",
    "SITES_ON_PAGE",
    "CommonTerm",
    "Condition",
    "Contact",
    "Facet",
    "FacetKind",
    "GlossaryTerm",
    "GrantLink",
    "Investigator",
    "NamedSlugModel",
    "Organization",
    "Project",
    "ProjectFacets",
    "ProjectInvestigator",
    "ProjectQuerySet",
    "ProjectRevision",
    "ProjectSearch",
    "ProjectSite",
    "ReviewEvent",
    "ReviewReminder",
    "Site",
    "SiteArea",
    "TermLeader",
    "add_months",
    "area_key",
    "areas_by_place",
    "most_used_spelling",
    "page_conditions",
    "load_page_records",
    "load_site_records",
    "public_page",
    "unique_slug",
    "unique_slugs",
]
