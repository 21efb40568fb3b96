"""Reading the live APIs for ``--fetch``: NIH RePORTER and
ClinicalTrials.gov API v2, page by page, with the standard library.

Deliberately small: it builds the documented requests, follows the
paging, and yields raw records numbered like a file's, for the same
pipeline. The tests check the requests it builds and the commands'
arguments; they never touch the network, so the paging loop itself is
only exercised against the real services.

- RePORTER: ``POST https://api.reporter.nih.gov/v2/projects/search`` with
  ``{"criteria": ..., "offset": n, "limit": 500}``; 500 is the largest
  page and the API serves at most 15,000 results for one search.
- ClinicalTrials.gov: ``GET https://clinicaltrials.gov/api/v2/studies``
  with ``filter.ids`` (NCT IDs) or ``query.term``, following
  ``nextPageToken``.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

from .streams import Item, Position

REPORTER_URL = "https://api.reporter.nih.gov/v2/projects/search"
CTGOV_URL = "https://clinicaltrials.gov/api/v2/studies"
REPORTER_PAGE_SIZE = 500
REPORTER_MAX_RESULTS = 15_000
CTGOV_PAGE_SIZE = 100
TIMEOUT_SECONDS = 60
USER_AGENT = "FindATrial-importer/1.0 (+https://findatrial.org)"

_NCT_ID = re.compile(r"^NCT\d{8}$", re.IGNORECASE)


class FetchError(Exception):
    """The service could not be reached or answered with an error."""


def reporter_criteria(identifiers: list[str], fiscal_years: list[int] = ()) -> dict:
    """Application IDs (all digits) and project numbers (e.g.
    "5R01CA123456-03"; the API accepts wildcards such as "5R01CA123456*")."""
    appl_ids = [int(i) for i in identifiers if i.isdigit()]
    numbers = [i for i in identifiers if not i.isdigit()]
    criteria: dict = {}
    if appl_ids:
        criteria["appl_ids"] = appl_ids
    if numbers:
        criteria["project_nums"] = numbers
    if fiscal_years:
        criteria["fiscal_years"] = list(fiscal_years)
    return criteria


def reporter_request(criteria: dict, offset: int = 0) -> urllib.request.Request:
    body = {"criteria": criteria, "offset": offset, "limit": REPORTER_PAGE_SIZE}
    return urllib.request.Request(
        REPORTER_URL,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        },
    )


def ctgov_request(terms: list[str], page_token: str | None = None) -> urllib.request.Request:
    """NCT IDs are looked up as IDs; anything else is a search."""
    if terms and all(_NCT_ID.match(t) for t in terms):
        params = {"filter.ids": ",".join(t.upper() for t in terms)}
    else:
        params = {"query.term": " ".join(terms)}
    params.update({"format": "json", "pageSize": CTGOV_PAGE_SIZE})
    if page_token:
        params["pageToken"] = page_token
    return urllib.request.Request(
        f"{CTGOV_URL}?{urllib.parse.urlencode(params)}",
        headers={"Accept": "application/json", "User-Agent": USER_AGENT},
    )


def reporter_records(criteria: dict) -> Iterator[Item]:
    index, offset = 0, 0
    while True:
        page = _get(reporter_request(criteria, offset))
        results = page.get("results") or []
        for raw in results:
            index += 1
            yield Position(REPORTER_URL, index), raw
        offset += len(results)
        total = (page.get("meta") or {}).get("total") or 0
        if not results or offset >= min(total, REPORTER_MAX_RESULTS):
            return


def ctgov_records(terms: list[str]) -> Iterator[Item]:
    index, token = 0, None
    while True:
        page = _get(ctgov_request(terms, token))
        for raw in page.get("studies") or []:
            index += 1
            yield Position(CTGOV_URL, index), raw
        token = page.get("nextPageToken")
        if not token:
            return


def _get(request: urllib.request.Request) -> dict:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        raise FetchError(f"{request.full_url} answered {error.code} {error.reason}.") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise FetchError(f"{request.full_url} could not be reached: {error}.") from None
    except ValueError as error:
        raise FetchError(f"{request.full_url} did not answer with JSON: {error}.") from None
