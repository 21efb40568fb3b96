"""--fetch builds the documented API v2 requests. (The tests never touch
the network: the paging loops run only against the real services.)"""

import json
import urllib.parse

from projects.importers import fetch


def test_reporter_criteria_take_application_ids_project_numbers_and_years():
    assert fetch.reporter_criteria(
        ["11128734", "5K23HD104934-04", "5R01CA123456*"], [2024, 2025]
    ) == {
        "appl_ids": [11128734],
        "project_nums": ["5K23HD104934-04", "5R01CA123456*"],
        "fiscal_years": [2024, 2025],
    }


def test_reporter_search_is_a_post_with_criteria_offset_and_the_largest_page():
    request = fetch.reporter_request({"appl_ids": [11128734]}, offset=500)
    assert (request.full_url, request.get_method()) == (
        "https://api.reporter.nih.gov/v2/projects/search",
        "POST",
    )
    assert json.loads(request.data) == {
        "criteria": {"appl_ids": [11128734]},
        "offset": 500,
        "limit": 500,
    }
    assert request.get_header("Content-type") == "application/json"


def query(request):
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.full_url).query))


def test_clinicaltrials_nct_ids_are_looked_up_as_ids():
    request = fetch.ctgov_request(["NCT05147467", "nct06323538"])
    assert request.full_url.startswith("https://clinicaltrials.gov/api/v2/studies?")
    assert query(request) == {
        "filter.ids": "NCT05147467,NCT06323538",
        "format": "json",
        "pageSize": "100",
    }


def test_clinicaltrials_words_are_a_search_and_pages_follow_the_token():
    request = fetch.ctgov_request(["phelan", "mcdermid"], page_token="ZVt07cGHkvI2")
    assert query(request) == {
        "query.term": "phelan mcdermid",
        "format": "json",
        "pageSize": "100",
        "pageToken": "ZVt07cGHkvI2",
    }
