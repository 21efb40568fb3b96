"""Property-based fuzzing: no query string on the public listing and no
form an editor can post makes the site answer 5xx."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Organization

from .test_admin import form_data, project_fields

pytestmark = pytest.mark.django_db

LISTING_KEYS = ["q", "condition", "country", "state", "funding", "study_type", "status", "sponsor",
                "sort", "page", "zip", "near", "radius", "age", "sex", "recruiting", "healthy"]
text = st.text(max_size=300) | st.sampled_from([
    "", "0", "-1", "99999999999999999999", "1e308", "NaN", "\\", "%", "_", "'", '"', "NCT0000", "\x00",
    "breast cancer", "02114", "Boston, MA",
])
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(st.dictionaries(st.sampled_from(LISTING_KEYS) | st.text(max_size=20), text, max_size=6))
def test_the_public_listing_never_answers_5xx(catalogue_for_fuzzing, query):
    client = Client(raise_request_exception=False)
    response = client.get(reverse("projects:list"), query)
    assert response.status_code < 500, (query, response.status_code)


PROJECT_FORM_FIELDS = ["lay_title", "lay_summary", "official_title", "study_type", "nih_application_id",
                       "nct_id", "funding_mechanism", "research_status", "sex_eligibility", "fiscal_year",
                       "start_date", "end_date", "minimum_age_months", "maximum_age_months",
                       "healthy_volunteers", "award_amount", "sponsor", "conditions", "base_version",
                       "enrollment", "slug"]


@SETTINGS
@given(st.dictionaries(st.sampled_from(PROJECT_FORM_FIELDS), text, max_size=6))
def test_the_project_form_never_answers_5xx(admin_form_client, changes):
    client, url, base = admin_form_client
    response = client.post(url, {**base, **changes})
    assert response.status_code < 500, (changes, response.status_code)


@pytest.fixture
def catalogue_for_fuzzing(make_project, publish):
    publish(make_project(lay_title="Tumor barriers", conditions=["Breast cancer"],
                         sites=[{"institution": "MGH", "city": "Boston", "state": "Massachusetts",
                                 "country": "United States"}]))
    publish(make_project(study_type="clinical_trial", lay_title="A trial", conditions=["Asthma"]))


@pytest.fixture
def admin_form_client(editor):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    url = reverse("admin:projects_project_add")
    sponsor = Organization.objects.create(name="Fuzz Sponsor")
    return client, url, form_data(client, url, **project_fields(sponsor))
