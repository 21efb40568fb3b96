"""Typed records between mapping and saving.

A mapper (``reporter.map_project``, ``ctgov.map_study``) turns one raw
source dict into a ``ProjectRecord``: source facts only, already in this
site's codes and wording (choices, proper-cased names, dates, months).
``upsert`` saves it. Nothing here touches the database.

Records are frozen: the same record is hashed (``fingerprint``) to skip
unchanged sources cheaply, compared with the saved project to find what
changed, and written. Codes are plain strings (the choices' values), so a
record travels fast between the reader and importer processes.
"""

import datetime
import functools
import hashlib
from dataclasses import dataclass, field, fields

from ..normalize import match_key

REPORTER = "reporter"
CTGOV = "ctgov"
SOURCE_NAMES = {REPORTER: "NIH RePORTER", CTGOV: "ClinicalTrials.gov"}


class MappingError(ValueError):
    """A source record this site cannot use; ``field`` names where, in the
    source's own terms (e.g. "protocolSection.identificationModule.nctId")."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class OrganizationRecord:
    name: str
    city: str = ""
    state: str = ""
    zip_code: str = ""
    country: str = ""

    @property
    def key(self) -> str:
        """Same as ``Organization.key_for``: one organization per name and city."""
        return match_key(self.name, self.city)


@dataclass(frozen=True)
class ContactRecord:
    name: str = ""
    role: str = ""  # a ContactRole value
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class SiteRecord:
    institution: str
    city: str = ""
    state: str = ""
    zip_code: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None
    recruitment_status: str = ""  # a ResearchStatus value, or "" when not given
    contacts: tuple[ContactRecord, ...] = ()

    @property
    def key(self) -> str:
        """Same as ``Site.key_for``."""
        return match_key(self.institution, self.city, self.state, self.country)

    @property
    def place(self) -> str:
        return ", ".join(part for part in (self.city, self.state, self.country) if part)


@dataclass(frozen=True)
class PersonRecord:
    name: str
    role: str  # an InvestigatorRole value
    title: str = ""
    organization: OrganizationRecord | None = None
    nih_profile_id: int | None = None


@dataclass(frozen=True)
class GrantRecord:
    core_project_number: str
    as_registered: str = ""


@dataclass(frozen=True)
class ProjectRecord:
    """One project as its source describes it, in this site's terms.

    Scalar fields are named as on ``Project`` (``fields.SOURCE_FIELDS``);
    the source relations (sponsor, collaborators, sites, people, contacts,
    grants) are records of their own. ``conditions`` and ``draft_title``
    are only a starting point for a new project's editorial text.
    """

    source: str
    study_type: str
    official_title: str
    sponsor: OrganizationRecord
    funding_mechanism: str
    research_status: str
    nih_application_id: int | None = None
    nih_project_number: str = ""
    nih_core_project_number: str | None = None
    nih_subproject_id: str = ""
    nct_id: str | None = None
    brief_title: str = ""
    activity_code: str = ""
    sex_eligibility: str = ""
    minimum_age_months: int | None = None
    maximum_age_months: int | None = None
    healthy_volunteers: bool | None = None
    eligibility_criteria: str = ""
    enrollment: int | None = None
    enrollment_type: str = ""
    funding_institute: str = ""
    award_amount: int | None = None
    fiscal_year: int | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    source_summary: str = ""
    source_public_health_relevance: str = ""
    source_keywords: tuple[str, ...] = ()
    spending_categories: tuple[str, ...] = ()
    source_last_updated: datetime.date | None = None
    collaborators: tuple[OrganizationRecord, ...] = ()
    sites: tuple[SiteRecord, ...] = ()
    people: tuple[PersonRecord, ...] = ()
    contacts: tuple[ContactRecord, ...] = ()  # the study's central contacts
    grants: tuple[GrantRecord, ...] = ()
    conditions: tuple[str, ...] = ()
    draft_title: str = ""
    #: Readable notes about values that had to fall back (unknown codes);
    #: logged with the record's position, never part of the fingerprint.
    warnings: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def source_name(self) -> str:
        return SOURCE_NAMES[self.source]

    @property
    def identifier(self) -> str:
        """The record's ID as its source writes it, for messages."""
        if self.nct_id:
            return self.nct_id
        return self.nih_project_number or f"application {self.nih_application_id}"

    @functools.cached_property
    def fingerprint(self) -> str:
        """sha256 of everything the record says (warnings aside): equal
        fingerprints mean there is nothing to update. The normalized form
        is every field, nested records included, in declaration order, as
        text between separators; computed once per record."""
        parts: list[str] = []
        _add_parts(self, parts)
        return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()


@functools.cache
def _compared_fields(record_class) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record_class) if f.compare)


def _add_parts(record, parts: list[str]) -> None:
    for name in _compared_fields(type(record)):
        value = getattr(record, name)
        if type(value) is tuple:
            if value and hasattr(value[0], "__dataclass_fields__"):
                for item in value:
                    _add_parts(item, parts)
                    parts.append("\x1d")  # end of one nested record
            else:
                parts.append("\x1f".join(map(str, value)))
        elif hasattr(value, "__dataclass_fields__"):
            _add_parts(value, parts)
        else:
            parts.append(str(value))  # None, numbers, dates (ISO) and codes read distinctly
