"""The real source records recorded under tests/fixtures/ (see SOURCES.md
there), looked up by their IDs. Each call returns a fresh copy, so a test
may edit its copy (and says so) without touching another test's."""

import copy
import functools
import json
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REPORTER_DIR = FIXTURES / "reporter"
CTGOV_DIR = FIXTURES / "ctgov"

#: 20 full RePORTER v2 results (a JSON array), fiscal years 2024-2025.
REPORTER_FULL = REPORTER_DIR / "shadow-markets_nih_projects.json"
#: {meta, results} pages with an include_fields subset (no appl_id key).
REPORTER_ERBB2 = REPORTER_DIR / "biomcp_funding_erbb2_20260811.json"
REPORTER_MARFAN = REPORTER_DIR / "biomcp_funding_marfan_syndrome.json"
REPORTER_FILES = (REPORTER_FULL, REPORTER_ERBB2, REPORTER_MARFAN)

#: A {studies: [...]} page of 5 studies.
CTGOV_PAGE = CTGOV_DIR / "biomcp_search_phelan_limit5_20260811.json"
#: One full study, observational, 8 European sites with contacts.
CTGOV_COPLANT = CTGOV_DIR / "cyanheads-ctgovmcp_nct06323538.json"
#: A page with one full study: 11 sites in China, site contacts and PIs.
CTGOV_APG2575 = CTGOV_DIR / "jamesvdinh-ctgovmcp_search_nct05147467.json"
#: The retired classic API format (not API v2).
CTGOV_CLASSIC = CTGOV_DIR / "aact_classic_FullStudiesResponse_NCT04780763.json"
CTGOV_FILES = tuple(sorted(p for p in CTGOV_DIR.glob("*.json") if p != CTGOV_CLASSIC))


@functools.cache
def _load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _records(path: Path) -> list[dict]:
    data = _load(path)
    if isinstance(data, list):
        return data
    for key in ("results", "studies"):
        if key in data:
            return data[key]
    return [data]


def reporter_records(path: Path = REPORTER_FULL) -> list[dict]:
    return copy.deepcopy(_records(path))


def reporter_record(project_num: str) -> dict:
    """The RePORTER record of one fiscal year, e.g. "5K23HD104934-04"."""
    for path in REPORTER_FILES:
        for record in _records(path):
            if record.get("project_num") == project_num:
                return copy.deepcopy(record)
    raise KeyError(project_num)


def study(nct_id: str) -> dict:
    for path in CTGOV_FILES:
        for record in _records(path):
            if record["protocolSection"]["identificationModule"]["nctId"] == nct_id:
                return copy.deepcopy(record)
    raise KeyError(nct_id)
