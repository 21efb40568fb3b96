"""NIH RePORTER project records (API v2 ``projects/search`` results) as
``ProjectRecord``s: a pure function, no database, no network.

A RePORTER record is one fiscal year of one grant (application ``appl_id``);
the project page is the grant across its years, keyed on the core project
number and subproject (``P50MH126231`` / ``9281``). The organization that
holds the grant is the sponsor and, so that "where" is never empty, the
project's one site. Research status follows the end date: a grant whose
end date has passed is completed. RePORTER's terms are too noisy to be
conditions; they are kept as source keywords for editors to read.
"""

import datetime
import functools
import re

from ..choices import FundingMechanism, InvestigatorRole, ResearchStatus, StudyType
from . import codes, names
from .records import (
    REPORTER,
    MappingError,
    OrganizationRecord,
    PersonRecord,
    ProjectRecord,
    SiteRecord,
)
from .streams import Shape

SHAPE = Shape(
    list_key="results",
    record_keys=frozenset({"appl_id", "project_num", "core_project_num"}),
    what="NIH RePORTER projects",
)

#: How long a plain-language title may be (``Project.lay_title``), less the
#: mark an imported title carries until an editor rewrites it.
DRAFT_TITLE_LENGTH = 180

_DETAIL_URL = re.compile(r"/project-details/(\d+)")


def map_project(raw: dict, today: datetime.date | None = None) -> ProjectRecord:
    """The project ``raw`` describes; ``MappingError`` names the field a
    record cannot do without (its ID, its title, its organization) or
    holds nonsense (a date that is not a date)."""
    today = today or datetime.date.today()
    warnings: list[str] = []
    appl_id = _application_id(raw)
    project_number = _text(raw.get("project_num"))
    core = _text(raw.get("core_project_num")) or codes.core_project_number(project_number)
    title = _text(raw.get("project_title"))
    if not title:
        raise MappingError("project_title", "is missing; a project page needs its title.")
    organization = _organization(raw.get("organization"))
    activity_code = _activity_code(raw, core, warnings)
    start = _date(raw, "project_start_date")
    end = _date(raw, "project_end_date")
    if start and end and end < start:
        raise MappingError(
            "project_end_date",
            f"{end.isoformat()} is before project_start_date {start.isoformat()}.",
        )
    abstract = _text(raw.get("abstract_text"), keep_lines=True)
    return ProjectRecord(
        source=REPORTER,
        study_type=StudyType.NIH_RESEARCH.value,
        nih_application_id=appl_id,
        nih_project_number=project_number,
        nih_core_project_number=core,
        nih_subproject_id=_text(raw.get("subproject_id")),
        official_title=title,
        funding_mechanism=(
            codes.mechanism_for(activity_code).value
            if activity_code
            else FundingMechanism.OTHER_NIH.value
        ),
        activity_code=activity_code,
        research_status=(
            ResearchStatus.COMPLETED.value if end and end < today else ResearchStatus.ACTIVE.value
        ),
        sponsor=organization,
        funding_institute=_institute(raw),
        award_amount=_award(raw, warnings),
        fiscal_year=_fiscal_year(raw),
        start_date=start,
        end_date=end,
        source_summary=abstract,
        source_public_health_relevance=_text(raw.get("phr_text"), keep_lines=True),
        source_keywords=_keywords(raw),
        spending_categories=_split(raw.get("spending_categories_desc"), ";"),
        source_last_updated=_date(raw, "date_added"),
        sites=(_site(organization),),
        people=_people(raw, organization),
        draft_title=names.clip(
            names.sentence_case(title, keep=names.proper_nouns(title, abstract)),
            DRAFT_TITLE_LENGTH,
        ),
        warnings=tuple(warnings),
    )


def identity(raw: dict) -> tuple | None:
    """(the project, how new) of a raw record, read cheaply before mapping
    it: the same key and order as ``upsert.project_key`` and ``is_older``
    (fiscal year, then a parent award over its supplements, then the
    application), so a grant's older years can be passed over unread.
    None when the record does not say clearly (it is then mapped as usual)."""
    try:
        appl_id = _application_id(raw)
        year = int(raw.get("fiscal_year") or 0)
    except (MappingError, TypeError, ValueError):
        return None
    number = _text(raw.get("project_num"))
    core = _text(raw.get("core_project_num")) or codes.core_project_number(number)
    key = ("core", core, _text(raw.get("subproject_id"))) if core else ("application", appl_id)
    return key, codes.award_recency(year, number, appl_id)


def _application_id(raw: dict) -> int:
    value = raw.get("appl_id")
    if value in (None, ""):
        # Search results fetched with include_fields may leave appl_id out;
        # the project page address always carries it.
        found = _DETAIL_URL.search(str(raw.get("project_detail_url") or ""))
        if not found:
            raise MappingError("appl_id", "is missing (and no project_detail_url names it).")
        value = found.group(1)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise MappingError("appl_id", f"{value!r} is not a number.") from None
    if number <= 0:
        raise MappingError("appl_id", f"{number} is not an application number.")
    return number


def _organization(raw) -> OrganizationRecord:
    raw = raw if isinstance(raw, dict) else {}
    name = names.proper_case(raw.get("org_name"))
    if not name:
        raise MappingError("organization.org_name", "is missing; every grant has an organization.")
    country = names.proper_case(raw.get("org_country")) or (
        codes.UNITED_STATES if raw.get("org_state") else ""
    )
    return OrganizationRecord(
        name=name,
        city=names.proper_case(raw.get("org_city")),
        state=codes.state_name(raw.get("org_state") or raw.get("org_state_name"), country),
        zip_code=codes.format_zip(raw.get("org_zipcode"), country),
        country=country,
    )


def _site(organization: OrganizationRecord) -> SiteRecord:
    return SiteRecord(
        institution=organization.name,
        city=organization.city,
        state=organization.state,
        zip_code=organization.zip_code,
        country=organization.country,
    )


def _activity_code(raw: dict, core: str | None, warnings: list[str]) -> str:
    split = raw.get("project_num_split") if isinstance(raw.get("project_num_split"), dict) else {}
    for candidate in (raw.get("activity_code"), split.get("activity_code"), (core or "")[:3]):
        code = _text(candidate).upper()
        if codes.is_activity_code(code):
            return code
    given = raw.get("activity_code")
    problem = (
        f"activity_code {given!r} is not an NIH activity code" if given else "no activity code"
    )
    warnings.append(f'{problem}; funding type shown as "Other NIH funding"')
    return ""


def _institute(raw: dict) -> str:
    admin = raw.get("agency_ic_admin")
    if isinstance(admin, dict) and _text(admin.get("name")):
        return _text(admin["name"])
    for funding in raw.get("agency_ic_fundings") or []:
        if isinstance(funding, dict) and _text(funding.get("name")):
            return _text(funding["name"])
    return ""


def _award(raw: dict, warnings: list[str]) -> int | None:
    value = raw.get("award_amount")
    if value in (None, ""):
        return None
    try:
        amount = int(float(value))
    except (TypeError, ValueError):
        raise MappingError("award_amount", f"{value!r} is not an amount.") from None
    if amount < 0:
        warnings.append(f"award_amount {amount} is negative (a reduction); left out")
        return None
    return amount


def _fiscal_year(raw: dict) -> int | None:
    value = raw.get("fiscal_year")
    if value in (None, ""):
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise MappingError("fiscal_year", f"{value!r} is not a year.") from None
    if not 1950 <= year <= 2100:
        raise MappingError("fiscal_year", f"{year} is not between 1950 and 2100.")
    return year


def _date(raw: dict, field: str) -> datetime.date | None:
    value = raw.get(field)
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise MappingError(field, f"{value!r} is not a date (expected e.g. 2024-09-30).") from None


def _keywords(raw: dict) -> tuple[str, ...]:
    preferred = _split(raw.get("pref_terms"), ";")
    if preferred:
        return preferred
    return tuple(
        dict.fromkeys(
            t.strip() for t in re.findall(r"<([^<>]+)>", raw.get("terms") or "") if t.strip()
        )
    )


def _people(raw: dict, organization: OrganizationRecord) -> tuple[PersonRecord, ...]:
    """Principal investigators, contact PI first, then program officers.

    RePORTER says only where the contact PI works (the grant's
    organization), so only the contact PI is linked to it.
    """
    pis = [p for p in raw.get("principal_investigators") or [] if isinstance(p, dict)]
    contact_name = names.person_name(raw.get("contact_pi_name"))
    flagged = [p for p in pis if p.get("is_contact_pi")]
    if not flagged and contact_name:
        flagged = [p for p in pis if _person_name(p).lower() == contact_name.lower()][:1]
    contact = flagged[0] if flagged else (pis[0] if pis else None)
    ordered = ([contact] if contact else []) + [p for p in pis if p is not contact]
    people, seen = [], set()
    for person in ordered:
        name = _person_name(person)
        profile = _profile_id(person)
        key = profile or name.lower()
        if not name or key in seen:
            continue
        seen.add(key)
        is_contact = person is contact
        people.append(
            PersonRecord(
                name=name,
                role=InvestigatorRole.CONTACT_PI.value
                if is_contact
                else InvestigatorRole.PRINCIPAL_INVESTIGATOR.value,
                title=names.proper_case(person.get("title")),
                organization=organization if is_contact else None,
                nih_profile_id=profile,
            )
        )
    for officer in raw.get("program_officers") or []:
        name = _person_name(officer) if isinstance(officer, dict) else ""
        if name and name.lower() not in seen:
            seen.add(name.lower())
            people.append(PersonRecord(name=name, role=InvestigatorRole.PROGRAM_OFFICER.value))
    return tuple(people)


def _person_name(person: dict) -> str:
    return _name_of(
        person.get("full_name"),
        person.get("first_name"),
        person.get("middle_name"),
        person.get("last_name"),
    )


@functools.lru_cache(maxsize=16384)  # investigators recur across records
def _name_of(full_name, first, middle, last) -> str:
    return names.person_name(full_name, first=first, middle=middle, last=last)


def _profile_id(person: dict) -> int | None:
    try:
        value = int(person.get("profile_id") or 0)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _split(value, separator: str) -> tuple[str, ...]:
    if not value:
        return ()
    parts = [str(v) for v in value] if isinstance(value, list) else str(value).split(separator)
    stripped = [part.strip() for part in parts]
    return tuple(dict.fromkeys([part for part in stripped if part]))


def _text(value, keep_lines: bool = False) -> str:
    """Trimmed text. Short fields have their runs of spaces collapsed; long
    texts (``keep_lines``: abstracts) stay as published, ends trimmed."""
    if value is None:
        return ""
    text = str(value)
    return text.strip() if keep_lines else " ".join(text.split())
