"""schema.org JSON-LD on each project page: the right type for lab research
and for each kind of study, the facts the page shows, and text that can
never break out of its <script> block."""

import datetime
import json
import re

import pytest

from projects import structured_data, workflow
from projects.models import GrantLink, Investigator, Organization, Project, ProjectInvestigator, Site

from .conftest import BOSTON, TORONTO

pytestmark = pytest.mark.django_db


def _json_ld(response):
    assert response.status_code == 200
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.fixture
def research(make_project, publish):
    project = make_project(
        nih_application_id=11012296, nih_project_number="1K08CA287654-01",
        lay_title="Understanding how tumors block immune cells",
        official_title="Breaching the Tumor-Immune Mechanical Barrier",
        lay_summary="How TROP2 keeps immune cells out of breast tumors.",
        funding_mechanism="career_award", funding_institute="National Cancer Institute",
        sponsor="Massachusetts General Hospital", conditions=["Breast cancer"], sites=[BOSTON],
        start_date=datetime.date(2024, 9, 1), end_date=datetime.date(2029, 8, 31),
    )
    pi = Investigator.objects.create(name="Dana Whitfield, MD", title="Assistant Professor",
                                     profile_url="https://example.org/dana")
    ProjectInvestigator.objects.create(project=project, investigator=pi, role="contact_pi")
    officer = Investigator.objects.create(name="Olive Officer")
    ProjectInvestigator.objects.create(project=project, investigator=officer, role="program_officer")
    return publish(project, reviewed_on=datetime.date(2026, 5, 15))


def test_lab_research_is_a_research_project(client, research):
    data = _json_ld(client.get(research.get_absolute_url()))
    url = f"http://testserver{research.get_absolute_url()}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ResearchProject"
    assert data["url"] == url and data["@id"] == f"{url}#project"
    assert data["name"] == "Understanding how tumors block immune cells"
    assert data["alternateName"] == "Breaching the Tumor-Immune Mechanical Barrier"
    assert data["description"] == "How TROP2 keeps immune cells out of breast tumors."
    assert data["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "NIH project number", "value": "1K08CA287654-01",
         "url": "https://reporter.nih.gov/project-details/11012296"},
        {"@type": "PropertyValue", "propertyID": "NIH application ID", "value": "11012296",
         "url": "https://reporter.nih.gov/project-details/11012296"},
    ]
    assert data["sameAs"] == "https://reporter.nih.gov/project-details/11012296"
    assert data["parentOrganization"] == {
        "@type": "Organization", "name": "Massachusetts General Hospital",
        "url": "http://testserver/institutions/massachusetts-general-hospital/",
    }
    assert data["funder"] == {
        "@type": "GovernmentOrganization", "name": "National Cancer Institute",
        "parentOrganization": {"@type": "GovernmentOrganization", "name": "National Institutes of Health"},
    }
    assert data["funding"]["@type"] == "Grant" and data["funding"]["identifier"] == "1K08CA287654-01"
    assert data["foundingDate"] == "2024-09-01" and data["dissolutionDate"] == "2029-08-31"
    assert data["location"] == [{
        "@type": "Place", "name": "Massachusetts General Hospital",
        "address": {"@type": "PostalAddress", "addressLocality": "Boston",
                    "addressRegion": "Massachusetts", "addressCountry": "United States"},
    }]
    # Researchers, not the NIH program officer.
    assert [m["name"] for m in data["member"]] == ["Dana Whitfield, MD"]
    assert data["member"][0]["jobTitle"] == "Assistant Professor"
    assert data["member"][0]["sameAs"] == "https://example.org/dana"
    assert data["knowsAbout"] == [{"@type": "MedicalCondition", "name": "Breast cancer",
                                   "url": "http://testserver/conditions/breast-cancer/"}]
    page = data["mainEntityOfPage"]
    assert page["@type"] == "MedicalWebPage" and page["@id"] == url
    assert page["lastReviewed"] == "2026-05-15"
    research.refresh_from_db()
    published = datetime.datetime.fromisoformat(page["datePublished"])
    assert published == research.first_published_at.replace(microsecond=0)
    assert datetime.datetime.fromisoformat(page["dateModified"]) == research.last_published_at.replace(
        microsecond=0
    )


@pytest.fixture
def trial(make_project, publish):
    project = make_project(
        study_type="clinical_trial", nct_id="NCT04567890", funding_mechanism="phase_3",
        research_status="recruiting", lay_title="A migraine pill", conditions=["Migraine"],
        sponsor="Northwind Therapeutics", sites=[BOSTON, TORONTO],
    )
    Site.objects.filter(city="Boston").update(latitude=42.3626, longitude=-71.0685,
                                              coordinates_source="registry")
    GrantLink.objects.create(project=project, core_project_number="R01NS123456")
    return publish(project)


def test_an_interventional_trial_is_a_medical_trial(client, trial):
    data = _json_ld(client.get(trial.get_absolute_url()))
    assert data["@type"] == "MedicalTrial"
    assert data["status"] == "https://schema.org/Recruiting"
    assert data["code"] == {"@type": "MedicalCode", "codeValue": "NCT04567890",
                            "codingSystem": "ClinicalTrials.gov"}
    assert data["identifier"] == [{"@type": "PropertyValue", "propertyID": "NCT ID",
                                   "value": "NCT04567890",
                                   "url": "https://clinicaltrials.gov/study/NCT04567890"}]
    assert data["sameAs"] == "https://clinicaltrials.gov/study/NCT04567890"
    assert data["sponsor"]["name"] == "Northwind Therapeutics"
    assert data["healthCondition"] == [{"@type": "MedicalCondition", "name": "Migraine",
                                        "url": "http://testserver/conditions/migraine/"}]
    boston, toronto = data["studyLocation"]
    assert boston["@type"] == "AdministrativeArea" and boston["name"] == "Massachusetts General Hospital"
    assert boston["geo"] == {"@type": "GeoCoordinates", "latitude": 42.3626, "longitude": -71.0685}
    assert toronto["address"]["addressCountry"] == "Canada" and "geo" not in toronto
    assert data["funding"] == [{"@type": "Grant", "identifier": "R01NS123456",
                                "funder": {"@type": "GovernmentOrganization",
                                           "name": "National Institutes of Health"}}]
    assert "member" not in data and "foundingDate" not in data


@pytest.mark.parametrize("study_type, mechanism, status, expected_type, expected_status", [
    ("observational", "phase_na", "active_not_recruiting", "MedicalObservationalStudy",
     "https://schema.org/ActiveNotRecruiting"),
    ("expanded_access", "phase_na", "available", "MedicalStudy", "Expanded access available"),
    ("clinical_trial", "phase_2", "unknown", "MedicalTrial", "Status not confirmed recently"),
    ("clinical_trial", "phase_2", "completed", "MedicalTrial", "https://schema.org/Completed"),
])
def test_each_kind_of_study_and_status(client, make_project, publish, study_type, mechanism,
                                       status, expected_type, expected_status):
    project = publish(make_project(study_type=study_type, nct_id="NCT01234567",
                                   funding_mechanism=mechanism, research_status=status))
    data = _json_ld(client.get(project.get_absolute_url()))
    assert data["@type"] == expected_type
    assert data["status"] == expected_status


def test_every_registry_status_has_a_schema_org_value_or_words():
    from projects.choices import REGISTRY_STATUSES
    assert set(structured_data.STUDY_STATUSES) <= set(REGISTRY_STATUSES)


def test_an_xss_payload_in_the_lay_title_stays_inside_the_data_block(client, make_project, publish):
    payload = '</script><script>alert("x")</script><!-- & "quotes"'
    project = publish(make_project(lay_title=payload, lay_summary="<b>bold</b> & </SCRIPT >"))
    response = client.get(project.get_absolute_url())
    html = response.content.decode()
    head = html[: html.index("</head>")]
    script = head[head.index('<script type="application/ld+json">'):]
    body = script[len('<script type="application/ld+json">'): script.index("</script>")]
    assert "<" not in body and ">" not in body and "&" not in body
    assert "<script>alert" not in html
    data = json.loads(body)
    assert data["name"] == payload
    assert data["description"] == "<b>bold</b> & </SCRIPT >"


def test_to_script_json_escapes_what_could_end_the_block():
    text = structured_data.to_script_json({"a": "</script><!--&"})
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!--\\u0026"}'
    assert json.loads(text) == {"a": "</script><!--&"}


def test_an_archived_page_does_not_link_to_browse_pages_it_left(client, make_project, publish, reviewer):
    project = publish(make_project(conditions=["Asthma"], research_status="completed",
                                   start_date=datetime.date(2015, 1, 1),
                                   end_date=datetime.date(2020, 1, 1)))
    workflow.archive(project, reviewer)
    data = _json_ld(client.get(project.get_absolute_url()))
    assert data["knowsAbout"] == [{"@type": "MedicalCondition", "name": "Asthma"}]
    assert "url" not in data["parentOrganization"]


def test_json_ld_describes_the_live_version_not_a_pending_draft(client, research, editor):
    from projects import editing
    editing.save_content(
        Project.objects.get(pk=research.pk), editor,
        content={"lay_title": "A draft title not yet approved"},
    )
    data = _json_ld(client.get(research.get_absolute_url()))
    assert data["name"] == "Understanding how tumors block immune cells"


def test_empty_facts_are_left_out(client, make_project, publish):
    Organization.objects.create(name="Plain Org")
    project = publish(make_project(sponsor="Plain Org", conditions=[]))
    data = _json_ld(client.get(project.get_absolute_url()))
    assert "knowsAbout" not in data and "location" not in data and "member" not in data
    assert "foundingDate" not in data and "address" not in data["parentOrganization"]
    assert data["parentOrganization"] == {"@type": "Organization", "name": "Plain Org",
                                          "url": "http://testserver/institutions/plain-org/"}
    assert data["funder"] == {"@type": "GovernmentOrganization", "name": "National Institutes of Health"}


def test_empty_values_and_objects_with_only_a_type_are_left_out():
    data = {
        "@type": "MedicalStudy",
        "name": "",
        "sponsor": None,
        "location": [{"@type": "Place", "name": "", "address": {"@type": "PostalAddress"}}],
        "healthCondition": [{"@type": "MedicalCondition", "name": "Asthma"}, {}],
        "numberOfParticipants": 0,
        "isAccessibleForFree": False,
    }
    assert structured_data._without_empty(data) == {
        "@type": "MedicalStudy",
        "healthCondition": [{"@type": "MedicalCondition", "name": "Asthma"}],
        "numberOfParticipants": 0,
        "isAccessibleForFree": False,
    }
    assert structured_data._without_empty({"@type": "Place"}) == {}
