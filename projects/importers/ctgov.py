"""ClinicalTrials.gov studies (API v2 ``protocolSection``) as
``ProjectRecord``s: a pure function, no database, no network.

Every registry code becomes one of this site's choices. A code the
registry adds later (or a typo in a file) does not stop the import: it
gets a readable fallback (status "unknown", phase "no phase", study type
"observational", sex not shown) and a warning naming the value.

Ages are kept in months: "18 Years" is 216, "6 Months" 6, "2 Weeks" and
"3 Days" are fractions of a month. Ages are eligibility limits, so they
are rounded outwards, never to exclude someone the registry includes: a
minimum rounds down ("2 Weeks" -> no lower limit) and a maximum rounds up
("2 Weeks" -> 1 month). "N/A" or no age means no limit (None).
"""

import datetime
import math
import re

from ..choices import (
    ContactRole,
    EnrollmentType,
    FundingMechanism,
    InvestigatorRole,
    ResearchStatus,
    SexEligibility,
    StudyType,
)
from ..models.project import MAX_AGE_MONTHS, NCT_ID_PATTERN
from . import codes, names
from .records import (
    CTGOV,
    ContactRecord,
    GrantRecord,
    MappingError,
    OrganizationRecord,
    PersonRecord,
    ProjectRecord,
    SiteRecord,
)
from .reporter import DRAFT_TITLE_LENGTH
from .streams import Shape

SHAPE = Shape(
    list_key="studies",
    record_keys=frozenset({"protocolSection"}),
    what="ClinicalTrials.gov API v2 studies",
)

STUDY_TYPES = {
    "INTERVENTIONAL": StudyType.CLINICAL_TRIAL,
    "OBSERVATIONAL": StudyType.OBSERVATIONAL,
    "EXPANDED_ACCESS": StudyType.EXPANDED_ACCESS,
}
#: The registry's phase list, as a set, to one phase.
PHASES = {
    frozenset({"EARLY_PHASE1"}): FundingMechanism.EARLY_PHASE_1,
    frozenset({"PHASE1"}): FundingMechanism.PHASE_1,
    frozenset({"PHASE1", "PHASE2"}): FundingMechanism.PHASE_1_2,
    frozenset({"PHASE2"}): FundingMechanism.PHASE_2,
    frozenset({"PHASE2", "PHASE3"}): FundingMechanism.PHASE_2_3,
    frozenset({"PHASE3"}): FundingMechanism.PHASE_3,
    frozenset({"PHASE4"}): FundingMechanism.PHASE_4,
    frozenset({"NA"}): FundingMechanism.PHASE_NA,
    frozenset(): FundingMechanism.PHASE_NA,
}
#: Overall and per-site statuses (the registry's enum names, lower-cased,
#: are this site's values; spelled out so a new registry value is noticed).
STATUSES = {
    "NOT_YET_RECRUITING": ResearchStatus.NOT_YET_RECRUITING,
    "RECRUITING": ResearchStatus.RECRUITING,
    "ENROLLING_BY_INVITATION": ResearchStatus.ENROLLING_BY_INVITATION,
    "ACTIVE_NOT_RECRUITING": ResearchStatus.ACTIVE_NOT_RECRUITING,
    "SUSPENDED": ResearchStatus.SUSPENDED,
    "TERMINATED": ResearchStatus.TERMINATED,
    "WITHDRAWN": ResearchStatus.WITHDRAWN,
    "COMPLETED": ResearchStatus.COMPLETED,
    "UNKNOWN": ResearchStatus.UNKNOWN,
    "AVAILABLE": ResearchStatus.AVAILABLE,
    "NO_LONGER_AVAILABLE": ResearchStatus.NO_LONGER_AVAILABLE,
    "TEMPORARILY_NOT_AVAILABLE": ResearchStatus.TEMPORARILY_NOT_AVAILABLE,
    "APPROVED_FOR_MARKETING": ResearchStatus.APPROVED_FOR_MARKETING,
    "WITHHELD": ResearchStatus.WITHHELD,
}
SEXES = {"ALL": SexEligibility.ALL, "FEMALE": SexEligibility.FEMALE, "MALE": SexEligibility.MALE}
ENROLLMENT_TYPES = {"ACTUAL": EnrollmentType.ACTUAL, "ESTIMATED": EnrollmentType.ESTIMATED}
OFFICIAL_ROLES = {
    "PRINCIPAL_INVESTIGATOR": InvestigatorRole.PRINCIPAL_INVESTIGATOR,
    "SUB_INVESTIGATOR": InvestigatorRole.SUB_INVESTIGATOR,
    "STUDY_CHAIR": InvestigatorRole.STUDY_CHAIR,
    "STUDY_DIRECTOR": InvestigatorRole.STUDY_DIRECTOR,
}
CENTRAL_CONTACT_ROLES = {"CONTACT": ContactRole.CENTRAL}
SITE_CONTACT_ROLES = {
    "CONTACT": ContactRole.SITE,
    "PRINCIPAL_INVESTIGATOR": ContactRole.PRINCIPAL_INVESTIGATOR,
    "SUB_INVESTIGATOR": ContactRole.SUB_INVESTIGATOR,
}

#: What a location the registry lists by place only (no facility) is called.
UNNAMED_SITE = "Study site"

#: Months in one unit of a registry age ("18 Years").
AGE_UNITS = {
    "year": 12,
    "month": 1,
    "week": 12 / 52.1775,
    "day": 12 / 365.2425,
    "hour": 12 / 8765.82,
    "minute": 12 / 525949.2,
}
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]+?)s?\s*$", re.IGNORECASE)
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~=])")


def map_study(raw: dict) -> ProjectRecord:
    """The study ``raw`` describes. ``MappingError`` names the field a
    record cannot do without (the NCT ID, a title, the lead sponsor) or
    holds nonsense (a date or an age that cannot be read)."""
    protocol = raw.get("protocolSection")
    if not isinstance(protocol, dict):
        raise MappingError("protocolSection", "is missing; is this an API v2 study?")
    ident = _module(protocol, "identificationModule")
    status = _module(protocol, "statusModule")
    design = _module(protocol, "designModule")
    sponsors = _module(protocol, "sponsorCollaboratorsModule")
    conditions = _module(protocol, "conditionsModule")
    eligibility = _module(protocol, "eligibilityModule")
    places = _module(protocol, "contactsLocationsModule")
    warnings: list[str] = []

    nct_id = _text(ident.get("nctId")).upper()
    if not nct_id:
        raise MappingError("protocolSection.identificationModule.nctId", "is missing.")
    if not re.match(NCT_ID_PATTERN, nct_id):
        raise MappingError(
            "protocolSection.identificationModule.nctId",
            f"{nct_id!r} is not an NCT ID (NCT followed by 8 digits).",
        )
    brief_title = _text(ident.get("briefTitle"))
    official_title = _text(ident.get("officialTitle")) or brief_title
    if not official_title:
        raise MappingError("protocolSection.identificationModule.briefTitle", "is missing.")
    lead = sponsors.get("leadSponsor") if isinstance(sponsors.get("leadSponsor"), dict) else {}
    sponsor_name = _text(lead.get("name"))
    if not sponsor_name:
        raise MappingError(
            "protocolSection.sponsorCollaboratorsModule.leadSponsor.name", "is missing."
        )
    start = _date(status, "startDateStruct", "statusModule.startDateStruct.date")
    end = _date(status, "completionDateStruct", "statusModule.completionDateStruct.date") or _date(
        status, "primaryCompletionDateStruct", "statusModule.primaryCompletionDateStruct.date"
    )
    if start and end and end < start:
        raise MappingError(
            "protocolSection.statusModule.completionDateStruct.date",
            f"{end.isoformat()} is before the start date {start.isoformat()}.",
        )
    minimum = _age(eligibility, "minimumAge", math.floor)
    maximum = _age(eligibility, "maximumAge", math.ceil)
    if minimum is not None and maximum is not None and maximum < minimum:
        low, high = eligibility.get("minimumAge"), eligibility.get("maximumAge")
        raise MappingError(
            "protocolSection.eligibilityModule.maximumAge",
            f"{high!r} is below minimumAge {low!r}.",
        )
    enrollment = (
        design.get("enrollmentInfo") if isinstance(design.get("enrollmentInfo"), dict) else {}
    )
    return ProjectRecord(
        source=CTGOV,
        nct_id=nct_id,
        study_type=_choice(
            STUDY_TYPES,
            design.get("studyType"),
            StudyType.OBSERVATIONAL,
            "designModule.studyType",
            warnings,
        ),
        official_title=official_title,
        brief_title=brief_title,
        funding_mechanism=_phase(design.get("phases"), warnings),
        research_status=_choice(
            STATUSES,
            status.get("overallStatus"),
            ResearchStatus.UNKNOWN,
            "statusModule.overallStatus",
            warnings,
        ),
        sex_eligibility=_choice(
            SEXES, eligibility.get("sex"), "", "eligibilityModule.sex", warnings, missing=""
        ),
        minimum_age_months=minimum or None,
        maximum_age_months=maximum,
        healthy_volunteers=_yes_no(eligibility.get("healthyVolunteers")),
        eligibility_criteria=_unescape(eligibility.get("eligibilityCriteria")),
        enrollment=_count(enrollment.get("count"), warnings),
        enrollment_type=_choice(
            ENROLLMENT_TYPES,
            enrollment.get("type"),
            "",
            "designModule.enrollmentInfo.type",
            warnings,
            missing="",
        ),
        sponsor=OrganizationRecord(name=sponsor_name),
        collaborators=_collaborators(sponsors, sponsor_name),
        start_date=start,
        end_date=end,
        source_summary=_unescape(_module(protocol, "descriptionModule").get("briefSummary")),
        source_keywords=_strings(conditions.get("keywords")),
        source_last_updated=_date(
            status, "lastUpdatePostDateStruct", "statusModule.lastUpdatePostDateStruct.date"
        ),
        sites=_sites(places.get("locations"), warnings),
        people=_officials(places.get("overallOfficials"), warnings),
        contacts=_contacts(
            places.get("centralContacts"),
            CENTRAL_CONTACT_ROLES,
            ContactRole.CENTRAL,
            "centralContacts",
            warnings,
        ),
        grants=_grants(ident),
        conditions=_strings(conditions.get("conditions"), limit=255),
        draft_title=names.clip(brief_title or official_title, DRAFT_TITLE_LENGTH),
        warnings=tuple(warnings),
    )


def age_in_months(text: str | None, rounding=math.floor) -> int | None:
    """ "18 Years" -> 216, "6 Months" -> 6, "2 Weeks" -> 0 (floor) or 1
    (ceil); "N/A", "" or None -> None; ``ValueError`` for anything else."""
    text = (text or "").strip()
    if not text or text.upper() in {"N/A", "NA", "NONE"}:
        return None
    match = _AGE.match(text)
    unit = match and match.group(2).lower()
    if not match or unit not in AGE_UNITS:
        raise ValueError(f"{text!r} is not an age (expected e.g. '18 Years', '6 Months', 'N/A')")
    months = rounding(round(float(match.group(1)) * AGE_UNITS[unit], 6))
    return min(int(months), MAX_AGE_MONTHS)


def registry_date(text: str | None) -> datetime.date | None:
    """ "2012-05-29" as it is; month-only "2012-05" -> May 1, 2012; "2012" -> Jan 1."""
    text = (text or "").strip()
    if not text:
        return None
    parts = text.split("-")
    if len(parts) == 2:
        text += "-01"
    elif len(parts) == 1:
        text += "-01-01"
    return datetime.date.fromisoformat(text)


def _module(protocol: dict, name: str) -> dict:
    module = protocol.get(name)
    return module if isinstance(module, dict) else {}


def _choice(table: dict, value, fallback, field: str, warnings: list[str], missing=None):
    """``table[value]``; a missing value is ``missing`` (default: the
    fallback), an unknown one the fallback with a warning."""
    if value in (None, ""):
        return str(fallback) if missing is None else missing
    key = str(value).strip().upper()
    if key in table:
        return str(table[key])
    shown = f"{fallback.label!r}" if hasattr(fallback, "label") else "nothing"
    warnings.append(f"unknown {field} {value!r}; shown as {shown}")
    return str(fallback)


def _phase(phases, warnings: list[str]) -> str:
    values = frozenset(str(p).strip().upper() for p in phases or [] if str(p).strip())
    if values in PHASES:
        return str(PHASES[values])
    warnings.append(
        f"unknown designModule.phases {sorted(values)!r}; shown as "
        f"{FundingMechanism.PHASE_NA.label!r}"
    )
    return FundingMechanism.PHASE_NA.value


def _date(module: dict, name: str, field: str) -> datetime.date | None:
    struct = module.get(name)
    value = struct.get("date") if isinstance(struct, dict) else struct
    try:
        return registry_date(value)
    except (ValueError, TypeError, AttributeError):
        raise MappingError(f"protocolSection.{field}", f"{value!r} is not a date.") from None


def _age(eligibility: dict, name: str, rounding) -> int | None:
    try:
        return age_in_months(eligibility.get(name), rounding)
    except (ValueError, AttributeError) as error:
        raise MappingError(f"protocolSection.eligibilityModule.{name}", str(error)) from None


def _yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"yes", "true"}:
        return True
    if isinstance(value, str) and value.strip().lower() in {"no", "false"}:
        return False
    return None


def _count(value, warnings: list[str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        count = int(value)
    except (TypeError, ValueError):
        warnings.append(f"designModule.enrollmentInfo.count {value!r} is not a number; left out")
        return None
    return count if count >= 0 else None


def _collaborators(sponsors: dict, lead: str) -> tuple[OrganizationRecord, ...]:
    seen, out = {OrganizationRecord(lead).key}, []
    for item in sponsors.get("collaborators") or []:
        name = _text(item.get("name")) if isinstance(item, dict) else ""
        record = OrganizationRecord(name=name)
        if name and record.key not in seen:
            seen.add(record.key)
            out.append(record)
    return tuple(out)


def _sites(locations, warnings: list[str]) -> tuple[SiteRecord, ...]:
    sites, seen = [], set()
    for number, location in enumerate(locations or [], start=1):
        if not isinstance(location, dict):
            continue
        # Some sponsors register their sites by place only: still a place to show.
        facility = _text(location.get("facility")) or (
            UNNAMED_SITE if _text(location.get("city")) else ""
        )
        if not facility:
            warnings.append(f"location {number} names neither a facility nor a city; left out")
            continue
        point = location.get("geoPoint") if isinstance(location.get("geoPoint"), dict) else {}
        latitude, longitude = _coordinate(point.get("lat"), 90), _coordinate(point.get("lon"), 180)
        if latitude is None or longitude is None:
            latitude = longitude = None
        country = _text(location.get("country"))
        site = SiteRecord(
            institution=facility,
            city=_text(location.get("city")),
            state=codes.state_name(location.get("state"), country),
            zip_code=codes.format_zip(location.get("zip"), country),
            country=country,
            latitude=latitude,
            longitude=longitude,
            recruitment_status=_choice(
                STATUSES,
                location.get("status"),
                ResearchStatus.UNKNOWN,
                f"location {number} status",
                warnings,
                missing="",
            ),
            contacts=_contacts(
                location.get("contacts"),
                SITE_CONTACT_ROLES,
                ContactRole.SITE,
                f"location {number} contacts",
                warnings,
            ),
        )
        if site.key not in seen:  # a facility listed twice is one site
            seen.add(site.key)
            sites.append(site)
    return tuple(sites)


def _coordinate(value, bound: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if -bound <= number <= bound else None


def _officials(officials, warnings: list[str]) -> tuple[PersonRecord, ...]:
    people, seen = [], set()
    for official in officials or []:
        if not isinstance(official, dict):
            continue
        name = names.proper_case(official.get("name"))
        if not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        affiliation = names.proper_case(official.get("affiliation"))
        people.append(
            PersonRecord(
                name=name,
                role=_choice(
                    OFFICIAL_ROLES,
                    official.get("role"),
                    InvestigatorRole.PRINCIPAL_INVESTIGATOR,
                    "contactsLocationsModule.overallOfficials.role",
                    warnings,
                ),
                organization=OrganizationRecord(name=affiliation) if affiliation else None,
            )
        )
    return tuple(people)


def _contacts(
    contacts, roles: dict, fallback: str, field: str, warnings: list[str]
) -> tuple[ContactRecord, ...]:
    out = []
    for contact in contacts or []:
        if not isinstance(contact, dict):
            continue
        phone = _text(contact.get("phone"))
        if phone and _text(contact.get("phoneExt")):
            phone = f"{phone} ext. {_text(contact['phoneExt'])}"
        email = _text(contact.get("email"))
        record = ContactRecord(
            name=names.proper_case(contact.get("name")),
            role=_choice(
                roles,
                contact.get("role"),
                ContactRole.OTHER,
                f"{field} role",
                warnings,
                missing=fallback,
            ),
            phone=phone,
            email=email if "@" in email else "",
        )
        if (record.name or record.phone or record.email) and record not in out:
            out.append(record)
    return tuple(out)


def _grants(ident: dict) -> tuple[GrantRecord, ...]:
    """NIH grants among the record's IDs: secondary IDs of type "NIH" (and
    an organization study ID of that type), as core project numbers."""
    infos = [i for i in ident.get("secondaryIdInfos") or [] if isinstance(i, dict)]
    if isinstance(ident.get("orgStudyIdInfo"), dict):
        infos.append(ident["orgStudyIdInfo"])
    grants, seen = [], set()
    for info in infos:
        if str(info.get("type") or "").upper() != "NIH":
            continue
        core = codes.core_project_number(info.get("id"))
        if core and core not in seen:
            seen.add(core)
            grants.append(GrantRecord(core, _text(info.get("id"))[:60]))
    return tuple(grants)


def _strings(values, limit: int | None = None) -> tuple[str, ...]:
    out, seen = [], set()
    for value in values or []:
        text = _text(value)
        if limit:
            text = names.clip(text, limit)
        if text and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return tuple(out)


def _unescape(text) -> str:
    """The registry's Markdown escapes undone ("\\[rHGG\\]" -> "[rHGG]"):
    editors read this text, they do not render it."""
    return _MARKDOWN_ESCAPE.sub(r"\1", str(text or "")).strip()


def _text(value) -> str:
    return names.squash(str(value)) if value is not None else ""
