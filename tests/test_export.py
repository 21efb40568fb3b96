"""CSV export of a search: the listing's filters, listed projects only,
plain-word columns, a capped and streamed file, and no cell a spreadsheet
would run as a formula."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from projects import export, workflow

from .conftest import BOSTON, TORONTO

pytestmark = pytest.mark.django_db

EXPORT = reverse("projects:export")


def _rows(response):
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets then read UTF-8
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def _records(response):
    header, *rows = _rows(response)
    return [dict(zip(header, row)) for row in rows]


@pytest.fixture
def catalogue(make_project, publish, reviewer):
    trial = publish(make_project(
        study_type="clinical_trial", nct_id="NCT04567890", funding_mechanism="phase_3",
        research_status="recruiting", lay_title="Migraine pill", lay_summary="Does a pill help?",
        conditions=["Migraine", "Headache"], sponsor="Northwind Therapeutics",
        sites=[BOSTON, TORONTO], minimum_age_months=216, sex_eligibility="female",
    ), reviewed_on=datetime.date(2026, 5, 15))
    lab = publish(make_project(lay_title="Tumor barriers", nih_project_number="1K08CA287654-01",
                               funding_mechanism="career_award", activity_code="K08",
                               conditions=["Breast cancer"], sponsor="Massachusetts General Hospital"))
    make_project(lay_title="Secret draft", conditions=["Migraine"])
    withdrawn = publish(make_project(lay_title="Withdrawn page", conditions=["Migraine"]))
    workflow.withdraw(withdrawn, reviewer, "Wrong record")
    return {"trial": trial, "lab": lab}


def test_export_has_plain_word_columns_and_listed_projects_only(client, catalogue):
    response = client.get(EXPORT)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="find-a-trial-projects-{today}.csv"'
    header, *rows = _rows(response)
    assert header == [
        "Title", "Summary", "Study type", "Status", "Recruiting now", "Funding type or phase",
        "Sponsor or institution", "Conditions", "Locations", "Ages", "Sex",
        "ClinicalTrials.gov ID", "NIH project number", "Official record", "Page on Find a Trial",
        "Last reviewed", "Last updated",
    ]
    assert [row[0] for row in rows] == ["Migraine pill", "Tumor barriers"]


def test_a_study_row(client, catalogue):
    trial = catalogue["trial"]
    row = _records(client.get(EXPORT))[0]
    assert row == {
        "Title": "Migraine pill",
        "Summary": "Does a pill help?",
        "Study type": "Clinical trial",
        "Status": "Recruiting now",
        "Recruiting now": "Yes",
        "Funding type or phase": "Phase 3",
        "Sponsor or institution": "Northwind Therapeutics",
        "Conditions": "Headache; Migraine",
        "Locations": ("Massachusetts General Hospital, Boston, Massachusetts, United States; "
                      "Toronto Western Hospital, Toronto, Ontario, Canada"),
        "Ages": "18 years and older",
        "Sex": "Female only",
        "ClinicalTrials.gov ID": "NCT04567890",
        "NIH project number": "",
        "Official record": "https://clinicaltrials.gov/study/NCT04567890",
        "Page on Find a Trial": f"http://testserver{trial.get_absolute_url()}",
        "Last reviewed": "2026-05-15",
        "Last updated": timezone.localdate(trial.last_published_at).isoformat(),
    }


def test_a_lab_research_row_leaves_study_facts_empty(client, catalogue):
    row = _records(client.get(EXPORT))[1]
    assert row["Recruiting now"] == "No"
    assert row["Funding type or phase"] == "Career development award (K08)"
    assert row["Ages"] == "" and row["Sex"] == ""
    assert row["NIH project number"] == "1K08CA287654-01"
    assert row["Official record"].startswith("https://reporter.nih.gov/project-details/")


@pytest.mark.parametrize("query, expected", [
    ("condition=migraine", ["Migraine pill"]),
    ("study_type=nih_research", ["Tumor barriers"]),
    ("country=Canada&page=7", ["Migraine pill"]),  # the page of the listing does not matter
    ("q=tumor", ["Tumor barriers"]),
    ("sort=-reviewed", ["Tumor barriers", "Migraine pill"]),  # reviewed today, then in May
])
def test_export_uses_the_listings_query_string(client, catalogue, query, expected):
    assert [r["Title"] for r in _records(client.get(f"{EXPORT}?{query}"))] == expected


@pytest.mark.parametrize("query, words", [
    ("status=bogus", "Status: Select a valid choice."),
    ("condition=no-such-thing", "Condition: Select a valid choice."),
    ("q=" + "x" * 201, "Search: Ensure this value has at most 200 characters"),
])
def test_a_search_the_filters_cannot_read_is_a_400(client, catalogue, query, words):
    response = client.get(f"{EXPORT}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("The search options could not be used:")
    assert words in text


@pytest.mark.parametrize("title", [
    "=HYPERLINK(\"http://evil.example\",\"Click\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
    "\tTabbed", "\rReturned",
])
def test_cells_that_a_spreadsheet_would_run_start_with_a_quote(client, make_project, publish, title):
    publish(make_project(lay_title=title, lay_summary="=1+1", sponsor="@Evil Corp"))
    row = _records(client.get(EXPORT))[0]
    assert row["Title"] == "'" + title
    assert row["Summary"] == "'=1+1"
    assert row["Sponsor or institution"] == "'@Evil Corp"


def test_safe_cell_leaves_ordinary_text_alone():
    assert export.safe_cell("Breast cancer - early") == "Breast cancer - early"
    assert export.safe_cell(None) == ""
    assert export.safe_cell("") == ""
    assert export.safe_cell("-") == "'-"


def test_a_capped_export_ends_with_a_note(client, make_project, publish, monkeypatch):
    for n in range(3):
        publish(make_project(lay_title=f"Study {n}"))
    monkeypatch.setattr(export, "EXPORT_LIMIT", 2)
    header, *rows = _rows(client.get(EXPORT))
    assert [row[0] for row in rows[:2]] == ["Study 0", "Study 1"]
    assert rows[2] == [
        "This file stops at 2 projects; more match this search. "
        "Narrow the search (for example by condition or place) to export the rest."
    ]
    assert len(rows) == 3


def test_an_export_at_the_limit_has_no_note(client, make_project, publish, monkeypatch):
    for n in range(2):
        publish(make_project(lay_title=f"Study {n}"))
    monkeypatch.setattr(export, "EXPORT_LIMIT", 2)
    assert len(_rows(client.get(EXPORT))) == 3  # header and two projects
    assert export.EXPORT_LIMIT == 2


def test_the_real_limit_is_ten_thousand():
    assert export.EXPORT_LIMIT == 10_000


def test_export_reads_in_chunks_with_a_few_queries_each(
    client, make_project, publish, monkeypatch, django_assert_max_num_queries
):
    for n in range(5):
        publish(make_project(lay_title=f"Study {n}", conditions=["Asthma"], sites=[BOSTON, TORONTO]))
    monkeypatch.setattr(export, "CHUNK_SIZE", 2)
    with django_assert_max_num_queries(3 * 3):  # three chunks: projects, conditions, sites
        rows = _rows(client.get(EXPORT))
    assert len(rows) == 6


def test_crawlers_are_told_not_to_index_exports(client, catalogue):
    assert client.get(EXPORT)["X-Robots-Tag"] == "noindex"
