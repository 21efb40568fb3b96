"""The API's OpenAPI 3 schema: generated without a warning, valid, and
describing what the API really takes and answers; its documentation page
loads nothing from another site."""

import json

import pytest
from django.core.management import call_command

from projects.api.schema import flat_choices
from projects.choices import ResearchStatus

pytestmark = pytest.mark.django_db


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.json"
    # --fail-on-warn turns any guess (an untyped filter, an unknown field) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
                 "--file", str(target))
    schema = json.loads(target.read_text())
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/projects/", "/api/v1/projects/{slug}/", "/api/v1/conditions/",
    }
    for path in schema["paths"].values():
        assert set(path) == {"get"}  # read-only


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _parameters(schema):
    operation = schema["paths"]["/api/v1/projects/"]["get"]
    return {p["name"]: p for p in operation["parameters"]}


def test_every_listing_filter_is_a_typed_parameter(schema):
    parameters = _parameters(schema)
    assert {"q", "condition", "country", "state", "funding", "study_type", "status", "sponsor",
            "page", "page_size"} <= set(parameters)
    assert parameters["page_size"]["schema"]["type"] == "integer"
    assert set(parameters["status"]["schema"]["enum"]) == set(ResearchStatus.values)
    # Grouped choices are listed by value, not by group name.
    funding = parameters["funding"]["schema"]["enum"]
    assert "phase_3" in funding and "career_award" in funding and "NIH funding type" not in funding
    assert parameters["condition"]["schema"]["type"] == "string"  # a slug


def test_the_response_shapes_are_described(schema):
    components = schema["components"]["schemas"]
    listed = components["Project"]["properties"]
    for name in ("slug", "url", "lay_title", "study_type", "status", "funding", "sponsor",
                 "conditions", "locations", "recruiting", "ages", "sex", "identifiers",
                 "official_records", "last_reviewed", "last_published_at"):
        assert name in listed, name
    detail = components["ProjectDetail"]["properties"]
    for name in ("research_focus", "good_fit", "not_a_fit", "potential_benefit",
                 "similar_studies", "sites", "researchers", "contacts"):
        assert name in detail, name
    assert components["Coded"]["properties"].keys() == {"code", "label"}


def test_the_descriptions_are_written_for_the_apis_users(schema):
    """What the code says to its maintainers stays out of the schema."""
    listing = schema["paths"]["/api/v1/projects/"]["get"]["description"]
    assert listing.startswith("Published projects, with the same filters as the public listing")
    assert schema["components"]["schemas"]["Project"]["description"] == (
        "A listed project as the listing shows it."
    )
    assert "``" not in json.dumps(schema)  # no reStructuredText from a docstring


def test_grouped_choices_flatten_to_their_values():
    assert flat_choices([("g", [("a", "A"), ("b", "B")]), ("c", "C")]) == [
        ("a", "A"), ("b", "B"), ("c", "C"),
    ]


def test_the_documentation_page_uses_only_this_sites_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "https://" not in html
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and "/api/schema/" in script.content.decode()
    assert client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js").status_code == 200
