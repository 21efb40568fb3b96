"""The read-only JSON API: listed projects only (never a draft or an
unapproved revision), the listing's filters with 400s that name the field,
capped pages, a fixed number of queries, anonymous rate limits, and JSON
only in production."""

import datetime
import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import AnonRateThrottle

from projects import editing, workflow
from projects.api.locations import load_location_rows, location_row
from projects.api.pagination import Pagination
from projects.api.serializers import LocationSerializer, ProjectSerializer, SiteSerializer
from projects.api.views import ProjectViewSet
from projects.listing import load_condition_rows
from projects.models import Contact, Investigator, Project, ProjectInvestigator, Site

from ..collector import collector_off
from ..conftest import BOSTON, TORONTO
from ..factories import rich_projects

pytestmark = pytest.mark.django_db

LIST = reverse("api:project-list")
CONDITIONS = reverse("api:condition-list")
ROOT = Path(__file__).resolve().parents[2]


def _detail(project):
    return reverse("api:project-detail", args=[project.slug])


def _titles(response):
    assert response.status_code == 200, response.content
    return sorted(item["lay_title"] for item in response.json()["results"])


@pytest.fixture
def catalogue(make_project, publish, reviewer):
    trial = make_project(
        study_type="clinical_trial", nct_id="NCT04567890", funding_mechanism="phase_3",
        research_status="recruiting", lay_title="Migraine pill", lay_summary="Does a pill help?",
        official_title="A Phase 3 Study of a Pill", conditions=["Migraine", "Headache"],
        sponsor="Northwind Therapeutics", sites=[BOSTON, TORONTO], minimum_age_months=216,
        maximum_age_months=780, sex_eligibility="female", healthy_volunteers=False,
        good_fit="Adults with migraine.", not_a_fit="Children.", potential_benefit="Fewer attacks.",
        similar_studies="Similar pills helped.", start_date=datetime.date(2025, 1, 1),
    )
    Site.objects.filter(city="Boston").update(latitude=42.3626, longitude=-71.0685)
    trial.project_sites.filter(site__city="Boston").update(recruitment_status="recruiting")
    pi = Investigator.objects.create(name="Dana Whitfield, MD", title="Professor")
    ProjectInvestigator.objects.create(project=trial, investigator=pi, role="pi")
    officer = Investigator.objects.create(name="Olive Officer")
    ProjectInvestigator.objects.create(project=trial, investigator=officer, role="program_officer")
    Contact.objects.create(project=trial, name="Study desk", phone="555-0100", email="desk@example.org")
    Contact.objects.create(project=trial, site=Site.objects.get(city="Toronto"), name="Toronto desk",
                           role="site", phone="555-0111")
    trial = publish(trial, reviewed_on=datetime.date(2026, 5, 15))
    lab = publish(make_project(nih_project_number="1K08CA287654-01", lay_title="Tumor barriers",
                               conditions=["Breast cancer"], sponsor="Massachusetts General Hospital"))
    draft = make_project(lay_title="Secret draft", conditions=["Rare disease"])
    withdrawn = publish(make_project(lay_title="Withdrawn page", conditions=["Migraine"]))
    workflow.withdraw(withdrawn, reviewer, "Wrong record")
    archived = publish(make_project(lay_title="Archived page", research_status="completed",
                                    start_date=datetime.date(2015, 1, 1),
                                    end_date=datetime.date(2020, 1, 1), conditions=["Migraine"]))
    workflow.archive(archived, reviewer)
    return {"trial": trial, "lab": lab, "draft": draft, "withdrawn": withdrawn, "archived": archived}


# The list -------------------------------------------------------------------

def test_list_has_listed_projects_only(client, catalogue):
    response = client.get(LIST)
    assert response["Content-Type"] == "application/json"
    assert response.json()["count"] == 2
    assert _titles(response) == ["Migraine pill", "Tumor barriers"]


def test_a_project_in_the_list(client, catalogue):
    trial = catalogue["trial"]
    item = next(i for i in client.get(LIST).json()["results"] if i["slug"] == trial.slug)
    assert item == {
        "slug": trial.slug,
        "url": f"http://testserver{trial.get_absolute_url()}",
        "lay_title": "Migraine pill",
        "lay_summary": "Does a pill help?",
        "study_type": {"code": "clinical_trial", "label": "Clinical trial"},
        "status": {"code": "recruiting", "label": "Recruiting now"},
        "funding": {"code": "phase_3", "label": "Phase 3"},
        "sponsor": {"name": "Northwind Therapeutics", "slug": "northwind-therapeutics"},
        "conditions": [{"name": "Headache", "slug": "headache"}, {"name": "Migraine", "slug": "migraine"}],
        "locations": [
            {"institution": "Massachusetts General Hospital", "city": "Boston", "state": "Massachusetts",
             "zip_code": "", "country": "United States", "latitude": 42.3626, "longitude": -71.0685},
            {"institution": "Toronto Western Hospital", "city": "Toronto", "state": "Ontario",
             "zip_code": "", "country": "Canada", "latitude": None, "longitude": None},
        ],
        "recruiting": True,
        "ages": {"text": "18 to 65 years", "minimum_months": 216, "maximum_months": 780},
        "sex": {"code": "female", "label": "Female only"},
        "identifiers": {"nct_id": "NCT04567890", "nih_project_number": "", "nih_application_id": None},
        "official_records": [{"registry": "ClinicalTrials.gov", "identifier": "NCT04567890",
                              "url": "https://clinicaltrials.gov/study/NCT04567890"}],
        "last_reviewed": "2026-05-15",
        "last_published_at": item["last_published_at"],
    }
    assert datetime.datetime.fromisoformat(item["last_published_at"]) == trial.last_published_at


def test_lab_research_has_no_ages_or_sex(client, catalogue):
    item = client.get(LIST, {"study_type": "nih_research"}).json()["results"][0]
    assert item["ages"] is None and item["sex"] is None and item["recruiting"] is False
    assert item["identifiers"]["nih_project_number"] == "1K08CA287654-01"
    assert item["official_records"][0]["registry"] == "NIH RePORTER"


@pytest.mark.parametrize("query, expected", [
    ({"condition": "migraine"}, ["Migraine pill"]),
    ({"condition": "breast-cancer"}, ["Tumor barriers"]),
    ({"country": "Canada"}, ["Migraine pill"]),
    ({"state": "Massachusetts"}, ["Migraine pill"]),
    ({"study_type": "clinical_trial"}, ["Migraine pill"]),
    ({"status": "recruiting"}, ["Migraine pill"]),
    ({"funding": "career_award"}, []),
    ({"sponsor": "massachusetts-general-hospital"}, ["Tumor barriers"]),
    ({"q": "pill"}, ["Migraine pill"]),
    ({"q": "tumor", "study_type": "clinical_trial"}, []),
])
def test_list_filters_like_the_listing(client, catalogue, query, expected):
    assert _titles(client.get(LIST, query)) == expected
    listing = client.get(reverse("projects:list"), query)
    assert sorted(p.lay_title for p in listing.context["object_list"]) == expected


@pytest.mark.parametrize("query, field", [
    ({"status": "bogus"}, "status"),
    ({"study_type": "lab"}, "study_type"),
    ({"funding": "FUNDING_CAREER"}, "funding"),
    ({"condition": "rare-disease"}, "condition"),  # exists, but only on a draft
    ({"condition": "no-such-thing"}, "condition"),
    ({"country": "Atlantis"}, "country"),
    ({"q": "x" * 201}, "q"),
    ({"sort": "password"}, "sort"),
])
def test_a_bad_filter_value_is_a_400_naming_the_field(client, catalogue, query, field):
    response = client.get(LIST, query)
    assert response.status_code == 400
    errors = response.json()
    assert field in errors and errors[field]
    assert "Secret draft" not in response.content.decode()


def test_a_nul_character_is_refused_before_the_api(client, catalogue):
    """findatrial.bad_requests refuses it site-wide (PostgreSQL cannot store it)."""
    for query in ({"sponsor": "\x00"}, {"q": "tumor\x00"}):
        response = client.get(LIST, query)
        assert response.status_code == 400
        assert response.json() == {"detail": "The request contains a NUL character."}


def test_pages_are_capped(client, make_project, publish):
    for n in range(3):
        publish(make_project(lay_title=f"Study {n}"))
    page = client.get(LIST, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2
    assert page["next"] == "http://testserver/api/v1/projects/?page=2&page_size=2"
    assert client.get(LIST, {"page_size": 100_000}).status_code == 200
    assert client.get(LIST, {"page": 3, "page_size": 2}).status_code == 404
    assert client.get(LIST, {"page": "abc"}).status_code == 404


def test_the_list_is_paged_like_the_listing(client, make_project, publish, monkeypatch):
    """Cheap counts (stopped at the limit and said so), a capped depth, and
    the listing's order: recruiting first, then most recently reviewed."""
    from projects import listing

    rich_projects(make_project, publish, 12)
    page = client.get(LIST, {"page_size": 5}).json()
    assert page["count"] == 12 and page["count_is_capped"] is False
    past_the_end = client.get(LIST, {"page_size": 5, "page": 4})
    assert past_the_end.json() == {"detail": "No page 4: the last is 3."}
    html = client.get(reverse("projects:list"))
    assert [p["lay_title"] for p in page["results"]] == [
        p.lay_title for p in html.context["object_list"][:5]
    ]
    monkeypatch.setattr(listing, "COUNT_LIMIT", 4)
    page = client.get(LIST, {"page_size": 2, "condition": "asthma", "country": "United States"}).json()
    assert page["count"] == 4 and page["count_is_capped"] is True
    assert page["next"].endswith("page=2&page_size=2")
    monkeypatch.setattr(listing, "MAX_PAGES", 2)
    assert client.get(LIST, {"page": 2, "page_size": 2}).status_code == 200
    beyond = client.get(LIST, {"page": 3, "page_size": 2})
    assert beyond.status_code == 404 and "Narrow the search" in beyond.json()["detail"]
    assert client.get(LIST, {"page": 0}).status_code == 404


def test_page_size_is_capped_at_one_hundred():
    request = Request(APIRequestFactory().get(LIST, {"page_size": "5000"}))
    assert Pagination().get_page_size(request) == 100


def test_list_takes_a_fixed_number_of_queries_whatever_the_page_size(
    client, make_project, publish, django_assert_max_num_queries
):
    rich_projects(make_project, publish, 60)
    for size in (5, 60):
        with django_assert_max_num_queries(8):
            response = client.get(LIST, {"page_size": size})
        assert len(response.json()["results"]) == size
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"page_size": 60, "condition": "asthma", "country": "United States"})
    assert response.json()["count"] == 60
    item = response.json()["results"][0]
    assert len(item["locations"]) == 4 and len(item["conditions"]) == 3


# One project -------------------------------------------------------------------

def test_detail_has_the_whole_page(client, catalogue):
    trial = catalogue["trial"]
    data = client.get(_detail(trial)).json()
    assert data["official_title"] == "A Phase 3 Study of a Pill"
    assert data["good_fit"] == "Adults with migraine."
    assert data["not_a_fit"] == "Children."
    assert data["potential_benefit"] == "Fewer attacks."
    assert data["similar_studies"] == "Similar pills helped."
    assert data["research_focus"] == "What the research studies, in plain words."
    assert data["healthy_volunteers"] is False and data["start_date"] == "2025-01-01"
    assert [(s["city"], s["recruitment_status"]) for s in data["sites"]] == [
        ("Boston", {"code": "recruiting", "label": "Recruiting now"}), ("Toronto", None),
    ]
    assert data["researchers"] == [{
        "name": "Dana Whitfield, MD", "title": "Professor", "organization": None,
        "role": {"code": "pi", "label": "Principal investigator"}, "profile_url": "",
    }]
    assert data["contacts"] == [
        {"name": "Study desk", "role": {"code": "central", "label": "Study contact"},
         "phone": "555-0100", "email": "desk@example.org", "site": None},
        {"name": "Toronto desk", "role": {"code": "site", "label": "Site contact"},
         "phone": "555-0111", "email": "", "site": "Toronto Western Hospital, Toronto"},
    ]


def test_locations_are_written_as_their_declared_fields_say(catalogue):
    """Locations are copied from plain rows for speed; DRF's generic path
    over the declared fields must give the same dicts (every field, same
    values, same order), from the rows the list reads or a site's own."""
    serializer = LocationSerializer()
    trial = catalogue["trial"]
    load_location_rows([trial])
    links = trial.project_sites.select_related("site").order_by("order", "pk")
    assert trial.location_rows == [location_row(link.site) for link in links]
    for row in trial.location_rows:
        generic = serializers.Serializer.to_representation(serializer, row)
        assert serializer.to_representation(row) == generic
        assert list(serializer.to_representation(row)) == list(generic)


def test_projects_are_written_as_their_declared_fields_say(catalogue, rf):
    """The list's projects are built by hand for speed; DRF's generic path
    over the declared fields must give the same dicts, key for key."""
    serializer = ProjectSerializer(context={"request": rf.get(LIST)})
    projects = list(Project.objects.listed().select_related("sponsor"))
    # A draft: never reviewed nor published (null dates).
    projects += [Project.objects.select_related("sponsor").get(pk=catalogue["draft"].pk)]
    load_condition_rows(projects)
    load_location_rows(projects)
    assert any(project.condition_rows for project in projects)
    assert {p.study_type for p in projects} == {"clinical_trial", "nih_research"}
    for project in projects:
        written = serializer.to_representation(project)
        generic = serializers.Serializer.to_representation(serializer, project)
        assert written == generic and list(written) == list(generic)
    assert written["last_reviewed"] is None and written["last_published_at"] is None
    assert written["identifiers"]["nct_id"] is None


def test_sites_are_written_as_their_declared_fields_say(catalogue):
    serializer = SiteSerializer()
    for link in catalogue["trial"].project_sites.select_related("site"):
        written = serializer.to_representation(link)
        row = location_row(link.site) | {"recruitment_status": link.recruitment_status}
        generic = serializers.Serializer.to_representation(serializer, row)
        assert written == generic and list(written) == list(generic)


@pytest.mark.parametrize("name", ["draft", "withdrawn", "archived"])
def test_detail_of_anything_not_listed_is_404(client, catalogue, name):
    assert client.get(_detail(catalogue[name])).status_code == 404


def test_unknown_slug_is_404(client, catalogue):
    assert client.get(reverse("api:project-detail", args=["no-such-project"])).status_code == 404


def test_a_pending_draft_of_a_live_page_is_never_served(client, catalogue, editor):
    trial = catalogue["trial"]
    editing.save_content(Project.objects.get(pk=trial.pk), editor,
                         content={"lay_title": "Unapproved new title", "lay_summary": "Unapproved."})
    data = client.get(_detail(trial)).json()
    assert data["lay_title"] == "Migraine pill" and data["lay_summary"] == "Does a pill help?"
    assert "Unapproved" not in client.get(LIST).content.decode()


def test_detail_takes_a_fixed_number_of_queries(client, make_project, publish, django_assert_max_num_queries):
    project = rich_projects(make_project, publish, 1)[0]
    with django_assert_max_num_queries(6):
        assert client.get(_detail(project)).status_code == 200


# Conditions ---------------------------------------------------------------------

def test_conditions_of_listed_projects_with_counts(client, catalogue):
    response = client.get(CONDITIONS)
    assert response.status_code == 200
    assert response.json()["results"] == [
        {"name": name, "slug": slug, "url": f"http://testserver/conditions/{slug}/",
         "project_count": 1,
         "projects_url": f"http://testserver/api/v1/projects/?condition={slug}"}
        for name, slug in [("Breast cancer", "breast-cancer"), ("Headache", "headache"),
                           ("Migraine", "migraine")]
    ]


# Read-only, anonymous, rate-limited ---------------------------------------------

@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, catalogue, method):
    assert getattr(client, method)(LIST).status_code == 405
    assert getattr(client, method)(_detail(catalogue["trial"])).status_code == 405


def test_a_signed_in_editor_sees_only_what_the_public_sees(client, catalogue, editor):
    client.force_login(editor)
    assert _titles(client.get(LIST)) == ["Migraine pill", "Tumor barriers"]
    assert client.get(_detail(catalogue["draft"])).status_code == 404


def test_anonymous_clients_are_rate_limited(client, catalogue, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [client.get(LIST).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Retry-After" in client.get(LIST).headers


def _settings_value(expression, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", f"import findatrial.settings as s; print(repr(({expression})))"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_answers_json_only_and_development_offers_the_browsable_api():
    renderers = "s.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES']"
    assert _settings_value(renderers, DEBUG="0", SECRET_KEY="a-production-key-with-enough-variety-0123456789-abcdef") == (
        "['rest_framework.renderers.JSONRenderer']"
    )
    assert _settings_value(renderers, DEBUG="1") == (
        "['rest_framework.renderers.JSONRenderer', 'rest_framework.renderers.BrowsableAPIRenderer']"
    )
    assert _settings_value("s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']", DEBUG="1", API_ANON_RATE="10/second") == (
        "{'anon': '10/second'}"
    )


def test_a_list_page_is_freed_with_its_response(catalogue):
    """DRF's views and serializers keep cycles (handlers, parser and
    renderer contexts, fields and their parents); the list writes its page
    with a serializer that holds no page and empties its view once rendered
    (``ProjectViewSet.list``), so what is left for the garbage collector is
    the serializer's own fields, not the page."""
    view = ProjectViewSet.as_view({"get": "list"})
    with collector_off():
        response = view(APIRequestFactory().get(LIST, {"page_size": 100}))
        response.render()
        assert len(response.data["results"]) == 2
        del response
        left = gc.collect()
    # 135 here: the filter form's choice fields and the view's request. It
    # was 538, the page's projects and their dicts among them.
    assert left < 200, left


def test_the_list_answers_head_options_and_the_browsable_api(client, catalogue, settings):
    """``ProjectViewSet.list`` empties its view once the response is
    rendered: every way of asking for the list still renders whole."""
    assert client.head(LIST).status_code == 200
    options = client.options(LIST)
    assert options.status_code == 200 and options.json()["name"] == "Project List"
    browsable = client.get(LIST, {"format": "api"})  # DEBUG on in tests: the HTML API
    assert browsable.status_code == 200 and b"Migraine pill" in browsable.content
