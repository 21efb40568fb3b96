"""Find a Trial's records, one module per capability (STYLE.md 11).

- ``places``: organizations and sites
- ``people``: investigators and contacts
- ``conditions``: health conditions in plain words
- ``project``: the project (the live public version) and its links
- ``review``: the editorial trail
- ``revisions``: saved versions of the plain-language content
- ``glossary``: jargon and its plain wording
"""

from .base import INITIALS, OTHER_INITIAL, NamedSlugModel, unique_slug, unique_slugs
from .conditions import Condition
from .glossary import GlossaryTerm
from .people import Contact, Investigator
from .places import Organization, Site
from .project import (
    NCT_ID_PATTERN,
    GrantLink,
    Project,
    ProjectInvestigator,
    ProjectQuerySet,
    ProjectSite,
    add_months,
)
from .review import ReviewEvent, ReviewReminder
from .revisions import ProjectRevision

__all__ = [
    "INITIALS",
    "OTHER_INITIAL",
    "NCT_ID_PATTERN",
    "Condition",
    "Contact",
    "GlossaryTerm",
    "GrantLink",
    "Investigator",
    "NamedSlugModel",
    "Organization",
    "Project",
    "ProjectInvestigator",
    "ProjectQuerySet",
    "ProjectRevision",
    "ProjectSite",
    "ReviewEvent",
    "ReviewReminder",
    "Site",
    "add_months",
    "unique_slug",
    "unique_slugs",
]
