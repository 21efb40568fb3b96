"""Source codes as this site's choices: NIH activity codes, grant numbers,
US states and ZIP codes.

NIH activity codes group by their first letter (R research grants, K
career awards, P centers, U cooperative agreements, T and F training and
fellowships, Z intramural research); SBIR/STTR small-business grants
(R41-R44) are their own group. The public page names the exact code next
to the group ("Career development award (K08)", see
``presenters.funding_text``), so nothing here needs a label per code.
Pure functions: no database.
"""

import re

from geo.centroids import STATE_NAMES

from ..choices import FundingMechanism

#: Small Business Innovation Research / Technology Transfer grants.
SMALL_BUSINESS_CODES = frozenset({"R41", "R42", "R43", "R44"})

_MECHANISM_BY_PREFIX = {
    "R": FundingMechanism.RESEARCH_GRANT,
    "K": FundingMechanism.CAREER_AWARD,
    "P": FundingMechanism.CENTER,
    "U": FundingMechanism.COOPERATIVE_AGREEMENT,
    "T": FundingMechanism.TRAINING,
    "F": FundingMechanism.TRAINING,
    "Z": FundingMechanism.INTRAMURAL,
}

_ACTIVITY_CODE = re.compile(r"^[A-Z][A-Z0-9]{2}$")


def is_activity_code(code: str | None) -> bool:
    return bool(code and _ACTIVITY_CODE.match(code))


def mechanism_for(activity_code: str) -> FundingMechanism:
    """The funding group of a well-formed activity code ("K08" -> career
    award); codes outside the main series (G11, D43, S10 ...) are "other"."""
    if activity_code in SMALL_BUSINESS_CODES:
        return FundingMechanism.SMALL_BUSINESS
    return _MECHANISM_BY_PREFIX.get(activity_code[:1], FundingMechanism.OTHER_NIH)


# Grant numbers ---------------------------------------------------------------
# A full project number is application type, activity code, institute, serial
# number, support year and suffix: "5R01CA123456-03S1". The core project
# number is the middle three, the grant across all its years: "R01CA123456".
# fmt: off
_GRANT = re.compile(
    r"(?<![A-Z0-9])"
    r"(?:[1-9]\s*)?"                     # application type: 1 new, 5 renewal...
    r"(?P<activity>[A-Z][A-Z0-9]{2})"    # activity code: R01, K08, ZIA
    r"[\s-]*(?P<ic>[A-Z]{2})"            # institute: CA, HL, AG
    r"[\s-]*(?P<serial>\d{4,6})"         # serial number
    r"(?:\s*-\s*\d{2}(?:[A-Z]{1,2}\d{0,2})*)?"  # support year and suffix: -03, -01A1, -03S1
    r"(?![A-Z0-9])"
)
# fmt: on


def core_project_number(text: str | None) -> str | None:
    """ "5R01CA123456-03", "R01 CA123456", "r01ca123456" -> "R01CA123456";
    None when ``text`` holds no NIH grant number (a contract number, a
    local protocol ID)."""
    match = _GRANT.search((text or "").upper())
    if not match:
        return None
    return f"{match['activity']}{match['ic']}{match['serial'].zfill(6)}"


def typed_core_project_number(text: str) -> str | None:
    """The core project number when ``text`` is an NIH grant number and
    nothing else, as a person types one in a search box ("1R01CA123456-01",
    "r01 ca123456"); None for anything else ("R01 grants for asthma")."""
    match = _GRANT.fullmatch(text.strip().upper())
    return core_project_number(match[0]) if match else None


_SUPPLEMENT = re.compile(r"-\d{2}(?:A\d+)?S\d")


def is_supplement(project_number: str | None) -> bool:
    """A supplement ("3R44DE031461-03S1") tops up its parent award of the
    same year; the parent's record is the one that describes the project."""
    number = (project_number or "").strip().upper()
    return number.startswith("3") or bool(_SUPPLEMENT.search(number))


def award_recency(
    fiscal_year: int | None, project_number: str | None, application_id: int | None
) -> tuple:
    """How new one year's record of a grant is, to compare two of them: the
    fiscal year, then a parent award over its supplements of that year,
    then the later application."""
    return (fiscal_year or 0, not is_supplement(project_number), application_id or 0)


# Places ------------------------------------------------------------------------


UNITED_STATES = "United States"


def state_name(state: str | None, country: str = UNITED_STATES) -> str:
    """ "MA" -> "Massachusetts" in the United States (RePORTER writes codes,
    ClinicalTrials.gov names, and sites are matched on the name)."""
    state = (state or "").strip()
    if country == UNITED_STATES and state.upper() in STATE_NAMES:
        return STATE_NAMES[state.upper()]
    return state


def format_zip(zip_code: str | None, country: str = UNITED_STATES) -> str:
    """US ZIP+4 written out: "021142621" -> "02114-2621"; "20850" stays;
    other countries' postal codes stay as given."""
    zip_code = (zip_code or "").strip()
    digits = zip_code.replace("-", "").replace(" ", "")
    if country == UNITED_STATES and digits.isdigit():
        if len(digits) == 9:
            return f"{digits[:5]}-{digits[5:]}"
        if len(digits) == 5:
            return digits
    return zip_code


def zip5(zip_code: str | None) -> str:
    """The five-digit ZIP a US postal code starts with ("" if it has none)."""
    digits = (zip_code or "")[:5]
    return digits if len(digits) == 5 and digits.isdigit() else ""
