"""Models: constraints that must hold in the database, and the helpers the
public page relies on to never print a raw value or an empty row."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import (
    Condition,
    GlossaryTerm,
    GrantLink,
    Investigator,
    Organization,
    Project,
    ProjectInvestigator,
    Site,
    page_conditions,
)

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
    assert "Sex, age and healthy-volunteer eligibility apply to studies that enrol people" in str(error.value)


def test_site_is_unique_per_institution_and_place():
    Site.objects.create(**BOSTON)
    _violates(lambda: Site.objects.create(**BOSTON))


def test_investigator_once_per_project(make_project):
    project = make_project()
    person = Investigator.objects.create(name="A Person")
    ProjectInvestigator.objects.create(project=project, investigator=person)
    _violates(lambda: ProjectInvestigator.objects.create(project=project, investigator=person))


def test_a_trial_cannot_take_the_lab_only_status(make_project):
    """"Active lab research (not enrolling patients)" is for lab research only."""
    _violates(lambda: make_project(study_type="clinical_trial", research_status="active"))
    _violates(lambda: make_project(research_status="recruiting"))


def test_ages_only_on_studies_and_in_order(make_project):
    _violates(lambda: make_project(minimum_age_months=216))
    _violates(lambda: make_project(study_type="clinical_trial", minimum_age_months=216, maximum_age_months=120))
    assert make_project(study_type="clinical_trial", minimum_age_months=216).minimum_age_months == 216


@pytest.mark.parametrize("year", [2101, 1200, 32767])
def test_fiscal_year_must_be_plausible(make_project, year):
    _violates(lambda: make_project(fiscal_year=year))


def test_live_state_rules(make_project):
    project = make_project()
    _violates(lambda: Project.objects.filter(pk=project.pk).update(is_live=True))
    _violates(lambda: Project.objects.filter(pk=project.pk).update(status="scheduled"))
    _violates(lambda: Project.objects.filter(pk=project.pk).update(archived_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)))


def test_organizations_and_sites_match_on_normalized_names(make_project):
    Organization.objects.create(name="Massachusetts General Hospital", city="Boston")
    _violates(lambda: Organization.objects.create(name="MASSACHUSETTS GENERAL HOSPITAL", city="BOSTON"))
    assert Organization.objects.create(name="Massachusetts General Hospital", city="Salem").pk
    Site.objects.create(**BOSTON)
    _violates(lambda: Site.objects.create(**{**BOSTON, "institution": "Massachusetts  General Hospital."}))


def test_conditions_are_unique_ignoring_case():
    Condition.objects.create(name="Breast cancer")
    _violates(lambda: Condition.objects.create(name="BREAST CANCER"))


def test_review_due_follows_the_interval(make_project, settings):
    settings.REVIEW_INTERVAL_MONTHS = 12
    project = make_project()
    assert project.review_due() is None
    project.last_reviewed = datetime.date(2024, 2, 29)
    assert project.review_due() == datetime.date(2025, 2, 28)


def test_the_glossary_ships_seeded_with_the_common_jargon():
    terms = set(GlossaryTerm.objects.values_list("term", flat=True))
    assert len(terms) >= 100
    assert {"antitumor", "infiltrate", "cohort", "randomized", "placebo", "efficacy", "biomarker"} <= terms


# What a public page reads with the project's row ---------------------------------------


def test_a_page_reads_its_conditions_with_the_row(make_project, django_assert_num_queries):
    project = make_project(conditions=["Migraine", "asthma", "Breast cancer"])
    loaded = Project.objects.for_public_pages().get(pk=project.pk)
    with django_assert_num_queries(0):
        conditions = page_conditions(loaded)
        urls = [condition.get_absolute_url() for condition in conditions]
    assert [condition.name for condition in conditions] == ["asthma", "Breast cancer", "Migraine"]
    stored = {c.pk: c.get_absolute_url() for c in project.conditions.all()}
    assert urls == [stored[condition.pk] for condition in conditions]
    # Any other project reads them with one query, the same ones.
    assert {c.pk for c in page_conditions(project)} == set(stored)
    bare = Project.objects.for_public_pages().get(pk=make_project().pk)
    assert page_conditions(bare) == []


def test_a_page_reads_the_grants_it_names_with_their_live_pages(make_project, publish):
    funded = publish(make_project(nih_core_project_number="R01HL123456"))
    trial = make_project(study_type="clinical_trial")
    GrantLink.objects.create(project=trial, core_project_number="R01HL123456")
    GrantLink.objects.create(project=trial, core_project_number="K08CA287654")
    loaded = Project.objects.for_public_pages().get(pk=trial.pk)
    assert sorted(loaded.grant_pages, key=lambda grant: grant["number"]) == [
        {"number": "K08CA287654", "slug": None},
        {"number": "R01HL123456", "slug": funded.slug},
    ]
    assert Project.objects.for_public_pages().get(pk=funded.pk).grant_pages is None
