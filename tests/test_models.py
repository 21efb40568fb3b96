"""Models: constraints that must hold in the database, and the helpers the
public page relies on to never print a raw value or an empty row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Condition, Investigator, Organization, Project, ProjectInvestigator, Site

from .conftest import BOSTON, TORONTO

pytestmark = pytest.mark.django_db


def _violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_str_methods_are_readable(make_project):
    project = make_project(lay_title="Sleep and memory", nih_project_number="5R01AG070101-03")
    site = Site.objects.create(**BOSTON)
    org = Organization.objects.create(name="Mayo Clinic Arizona")
    person = Investigator.objects.create(name="Dana Whitfield", organization=org)
    role = ProjectInvestigator.objects.create(project=project, investigator=person)
    assert str(project) == "Sleep and memory (5R01AG070101-03)"
    assert str(site) == "Massachusetts General Hospital, Boston, Massachusetts, United States"
    assert str(person) == "Dana Whitfield (Mayo Clinic Arizona)"
    assert str(role) == "Dana Whitfield, Principal investigator"
    assert str(Condition.objects.create(name="Breast cancer")) == "Breast cancer"


def test_slugs_are_generated_and_unique(make_project):
    first = make_project(lay_title="Heart health", nih_application_id=123)
    assert first.slug == "heart-health-nih-123"
    assert Condition.objects.create(name="Breast cancer").slug == "breast-cancer"
    assert Condition.objects.create(name="Breast Cancer!").slug == "breast-cancer-2"


def test_source_identifiers_are_unique(make_project):
    make_project(nih_application_id=11012296)
    _violates(lambda: make_project(nih_application_id=11012296))
    make_project(study_type="clinical_trial", nct_id="NCT01234567")
    _violates(lambda: make_project(study_type="clinical_trial", nct_id="NCT01234567"))


@pytest.mark.parametrize("bad_id", ["NIH-1101229", "NCT1234567X", "nct01234567", "NCT0123456"])
def test_nct_id_format_is_enforced(make_project, bad_id):
    _violates(lambda: make_project(study_type="clinical_trial", nct_id=bad_id))


def test_each_study_type_needs_its_own_identifier(make_project):
    _violates(lambda: make_project(nih_application_id=None))
    _violates(lambda: make_project(study_type="clinical_trial", nct_id=None))


def test_mechanism_must_match_study_type(make_project):
    _violates(lambda: make_project(funding_mechanism="phase_3"))
    _violates(lambda: make_project(study_type="clinical_trial", funding_mechanism="career_award"))
    _violates(lambda: make_project(funding_mechanism="FUNDING_CAREER"))


def test_sex_eligibility_only_on_clinical_trials(make_project):
    _violates(lambda: make_project(sex_eligibility="all"))
    assert make_project(study_type="clinical_trial", sex_eligibility="female").sex_eligibility == "female"


def test_dates_must_be_in_order(make_project):
    _violates(lambda: make_project(start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2024, 1, 1)))


def test_status_must_be_valid_and_published_needs_review_date(make_project):
    project = make_project()
    _violates(lambda: Project.objects.filter(pk=project.pk).update(status="live"))
    _violates(lambda: Project.objects.filter(pk=project.pk).update(status="published"))


def test_model_validation_explains_the_rule(make_project):
    """The admin form runs these checks, so editors get words, not a crash."""
    project = Project(
        study_type="nih_research", nih_application_id=5, official_title="x", lay_title="y",
        funding_mechanism="research_grant", sex_eligibility="all",
        sponsor=Organization.objects.create(name="Org"),
    )
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "Sex eligibility applies to clinical trials only" in str(error.value)


def test_site_is_unique_per_institution_and_place():
    Site.objects.create(**BOSTON)
    _violates(lambda: Site.objects.create(**BOSTON))


def test_investigator_once_per_project(make_project):
    project = make_project()
    person = Investigator.objects.create(name="A Person")
    ProjectInvestigator.objects.create(project=project, investigator=person)
    _violates(lambda: ProjectInvestigator.objects.create(project=project, investigator=person))


def test_quick_facts_for_nih_research_leave_out_sex_and_empty_rows(make_project):
    project = make_project(funding_mechanism="career_award", sponsor="Massachusetts General Hospital",
                           fiscal_year=2025, sites=[BOSTON])
    facts = dict(project.quick_facts())
    assert facts == {
        "Study type": "NIH-funded research",
        "Funding type": "Career development award (K)",
        "Status": "Active research (not enrolling patients)",
        "Lead organization": "Massachusetts General Hospital",
        "Locations": "1 site (Boston, Massachusetts, United States)",
        "Dates": "Funded in fiscal year 2025",
    }


def test_quick_facts_for_trials_show_phase_and_sex(make_project):
    project = make_project(study_type="clinical_trial", funding_mechanism="phase_3",
                           sex_eligibility="female", sites=[BOSTON, TORONTO],
                           start_date=datetime.date(2025, 3, 1), end_date=datetime.date(2028, 12, 31))
    facts = dict(project.quick_facts())
    assert facts["Phase"] == "Phase 3"
    assert facts["Sex"] == "Female only"
    assert facts["Sponsor"] == "Example University"
    assert facts["Locations"] == "2 sites in 2 countries"
    assert facts["Dates"] == "March 2025 to December 2028"


def test_official_records_name_the_right_registry(make_project):
    grant = make_project(nih_application_id=11012296)
    assert grant.official_records() == [{
        "registry": "NIH RePORTER", "identifier": "11012296", "kind": "NIH grant",
        "url": "https://reporter.nih.gov/project-details/11012296",
    }]
    trial = make_project(study_type="clinical_trial", nct_id="NCT04567890", nih_application_id=777)
    assert [r["registry"] for r in trial.official_records()] == ["ClinicalTrials.gov", "NIH RePORTER"]
    assert trial.official_records()[0]["url"] == "https://clinicaltrials.gov/study/NCT04567890"


def test_investigators_are_ordered_by_role(make_project):
    project = make_project()
    for name, role in [("Co One", "co_investigator"), ("Lead", "contact_pi"), ("Pi Two", "pi")]:
        ProjectInvestigator.objects.create(
            project=project, investigator=Investigator.objects.create(name=name), role=role
        )
    assert [r.investigator.name for r in project.ordered_investigators()] == ["Lead", "Pi Two", "Co One"]


def test_search_matches_every_word_across_titles_summary_and_conditions(make_project):
    tumor = make_project(lay_title="Tumor immune barriers", conditions=["Breast cancer"])
    make_project(lay_title="Sleep and memory", lay_summary="Amyloid clearance")
    assert list(Project.objects.search("breast immune")) == [tumor]
    assert list(Project.objects.search("AMYLOID")) == [Project.objects.get(lay_title="Sleep and memory")]
    assert not Project.objects.search("breast amyloid").exists()
