"""ClinicalTrials.gov studies map to this site's fields: real records,
every field, every registry code to a choice, unknown codes to a readable
fallback with a warning."""

import datetime
import math

import pytest

from projects.choices import (
    ContactRole,
    EnrollmentType,
    FundingMechanism,
    InvestigatorRole,
    ResearchStatus,
    SexEligibility,
    StudyType,
)
from projects.importers import ctgov, streams
from projects.importers.records import MappingError

from .recorded import CTGOV_FILES, reporter_record, study


def test_identity_titles_status_phase_and_type():
    record = ctgov.map_study(study("NCT05147467"))
    assert record.nct_id == "NCT05147467"
    assert record.brief_title == "Study of APG-2575 in Patients With Relapsed/Refractory CLL/SLL"
    assert record.official_title.startswith("A Single-arm, Pivotal Registration")
    assert record.study_type == StudyType.CLINICAL_TRIAL
    assert record.funding_mechanism == FundingMechanism.PHASE_2
    assert record.research_status == ResearchStatus.RECRUITING
    assert record.draft_title == record.brief_title
    assert record.source_last_updated == datetime.date(2024, 1, 23)


def test_enrollment_eligibility_and_dates():
    record = ctgov.map_study(study("NCT05147467"))
    assert (record.enrollment, record.enrollment_type) == (75, EnrollmentType.ESTIMATED)
    assert record.sex_eligibility == SexEligibility.ALL
    assert (record.minimum_age_months, record.maximum_age_months) == (216, None)
    assert record.healthy_volunteers is False
    assert record.eligibility_criteria.startswith("Inclusion Criteria")
    assert record.start_date == datetime.date(2021, 12, 28)
    assert record.end_date == datetime.date(
        2024, 12, 1
    )  # completion "2024-12": first of the month


def test_sponsor_collaborators_conditions_and_keywords():
    record = ctgov.map_study(study("NCT06323538"))
    assert record.sponsor.name == "German Federal Institute for Risk Assessment"
    assert len(record.collaborators) == 7
    assert "University of Bonn" in [c.name for c in record.collaborators]
    assert record.conditions[:2] == ("Dietary Exposure", "Diabetes Mellitus, Type 2")
    assert len(record.conditions) == 9
    assert record.source_keywords[:3] == ("vegan", "vegetarian", "pescetarian")
    assert record.study_type == StudyType.OBSERVATIONAL
    assert record.funding_mechanism == FundingMechanism.PHASE_NA  # observational: no phase key
    assert record.healthy_volunteers is None  # the record does not say


def test_locations_become_sites_with_coordinates_status_and_contacts():
    record = ctgov.map_study(study("NCT06323538"))
    assert len(record.sites) == 8
    vienna = record.sites[0]
    assert (vienna.institution, vienna.city, vienna.zip_code, vienna.country) == (
        "University Vienna",
        "Vienna",
        "1090",
        "Austria",
    )
    assert (vienna.latitude, vienna.longitude) == (48.20849, 16.37208)
    assert vienna.recruitment_status == ResearchStatus.RECRUITING
    assert [(c.name, c.role, c.email) for c in vienna.contacts] == [
        ("Maria Wakolbinger, Prof", ContactRole.SITE, "maria.wakolbinger@meduniwien.ac.at"),
        ("Tilman Kühn, Prof", ContactRole.SITE, "tilman.kuehn@univie.ac.at"),
    ]
    assert ResearchStatus.NOT_YET_RECRUITING in {s.recruitment_status for s in record.sites}


def test_us_locations_keep_state_and_zip():
    (houston,) = [s for s in ctgov.map_study(study("NCT02576665")).sites if s.city == "Houston"]
    assert (houston.institution, houston.state, houston.zip_code, houston.country) == (
        "MD Anderson Cancer Center",
        "Texas",
        "77030",
        "United States",
    )


def test_a_location_without_a_geo_point_has_no_coordinates():
    sites = ctgov.map_study(study("NCT03934567")).sites
    assert len(sites) == 26
    hainan = [s for s in sites if "Hainan" in s.institution][0]
    assert hainan.latitude is None and hainan.longitude is None


def test_site_contacts_keep_their_roles_and_central_contacts_have_no_site():
    record = ctgov.map_study(study("NCT05147467"))
    assert [(c.name, c.role, c.phone, c.email) for c in record.contacts] == [
        ("Zi Chen, Doctor", ContactRole.CENTRAL, "+8618117275173", "Zi.Chen@ascentage.com"),
        ("Min Yu, Doctor", ContactRole.CENTRAL, "+8615000679101", "Min.Yu@ascentage.com"),
    ]
    roles = {c.role for site in record.sites for c in site.contacts}
    assert roles == {ContactRole.SITE, ContactRole.PRINCIPAL_INVESTIGATOR}


def test_overall_officials_become_investigators_with_roles_and_affiliations():
    record = ctgov.map_study(study("NCT05147467"))
    director = record.people[0]
    assert (director.name, director.role, director.organization.name) == (
        "Yifan Zhai, MD, PhD",
        InvestigatorRole.STUDY_DIRECTOR,
        "Ascentage Pharma Group Inc.",
    )
    assert record.people[1].role == InvestigatorRole.PRINCIPAL_INVESTIGATOR


def test_month_only_start_dates_are_the_first_of_the_month():
    record = ctgov.map_study(study("NCT01595035"))
    assert record.start_date == datetime.date(2012, 5, 1)
    assert record.end_date == datetime.date(2021, 2, 1)


def test_registry_markdown_escapes_are_undone_for_editors():
    summary = ctgov.map_study(study("NCT02576665")).source_summary
    assert "[rHGG]" in summary and "\\[" not in summary


@pytest.mark.parametrize(
    ("phases", "phase"),
    [
        (["EARLY_PHASE1"], FundingMechanism.EARLY_PHASE_1),
        (["PHASE1"], FundingMechanism.PHASE_1),
        (["PHASE1", "PHASE2"], FundingMechanism.PHASE_1_2),
        (["PHASE2"], FundingMechanism.PHASE_2),
        (["PHASE2", "PHASE3"], FundingMechanism.PHASE_2_3),
        (["PHASE3"], FundingMechanism.PHASE_3),
        (["PHASE4"], FundingMechanism.PHASE_4),
        (["NA"], FundingMechanism.PHASE_NA),
        ([], FundingMechanism.PHASE_NA),
        (None, FundingMechanism.PHASE_NA),
    ],
)
def test_every_phase_list_maps_to_one_phase(phases, phase):
    raw = study("NCT05105685")  # an edited copy with the phase list under test
    raw["protocolSection"]["designModule"]["phases"] = phases
    assert ctgov.map_study(raw).funding_mechanism == phase


def test_every_registry_status_maps_to_a_choice():
    assert set(ctgov.STATUSES.values()) == set(ResearchStatus) - {ResearchStatus.ACTIVE}


@pytest.mark.parametrize(
    ("where", "value", "field", "fallback"),
    [
        (
            ("statusModule", "overallStatus"),
            "PAUSED_FOR_LUNCH",
            "research_status",
            ResearchStatus.UNKNOWN,
        ),
        (("designModule", "phases"), ["PHASE5"], "funding_mechanism", FundingMechanism.PHASE_NA),
        (("designModule", "studyType"), "REGISTRY_ONLY", "study_type", StudyType.OBSERVATIONAL),
        (("eligibilityModule", "sex"), "UNDISCLOSED", "sex_eligibility", ""),
    ],
)
def test_unknown_codes_fall_back_readably_with_a_warning_naming_the_value(
    where, value, field, fallback
):
    raw = study("NCT05105685")  # an edited copy carrying a code the registry does not use
    module, key = where
    raw["protocolSection"][module][key] = value
    record = ctgov.map_study(raw)
    assert getattr(record, field) == fallback
    (warning,) = record.warnings
    assert repr(value) in warning or str(value) in warning


@pytest.mark.parametrize(
    ("text", "minimum", "maximum"),
    [
        ("18 Years", 216, 216),
        ("1 Year", 12, 12),
        ("6 Months", 6, 6),
        ("2 Weeks", 0, 1),
        ("3 Days", 0, 1),
        ("N/A", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_ages_in_months_round_outwards(text, minimum, maximum):
    assert ctgov.age_in_months(text, math.floor) == minimum
    assert ctgov.age_in_months(text, math.ceil) == maximum


def test_real_age_limits():
    record = ctgov.map_study(study("NCT07119606"))
    assert (record.minimum_age_months, record.maximum_age_months) == (3, 99 * 12)
    no_minimum = ctgov.map_study(study("NCT03836300"))
    assert (no_minimum.minimum_age_months, no_minimum.maximum_age_months) == (None, 99 * 12)


def test_nih_grants_among_the_secondary_ids_become_core_project_numbers():
    raw = study("NCT00184067")
    # An edited copy: the recorded studies name no NIH grant, so this adds the
    # three ways registries write one, plus a contract number and another ID.
    raw["protocolSection"]["identificationModule"]["secondaryIdInfos"] = [
        {
            "id": "R01 CA123456",
            "type": "NIH",
            "link": "https://reporter.nih.gov/quickSearch/R01 CA123456",
        },
        {"id": "5R01CA123456-03", "type": "NIH"},
        {"id": "P30CA014089", "type": "NIH"},
        {"id": "272201400041C-0-0-1", "type": "NIH"},
        {"id": "R01CA999999", "type": "OTHER"},
    ]
    grants = ctgov.map_study(raw).grants
    assert [(g.core_project_number, g.as_registered) for g in grants] == [
        ("R01CA123456", "R01 CA123456"),
        ("P30CA014089", "P30CA014089"),
    ]


def test_every_recorded_study_maps_without_warnings():
    for path in CTGOV_FILES:
        for _, raw in streams.read(path, ctgov.SHAPE):
            record = ctgov.map_study(raw)
            assert record.warnings == (), record.nct_id
            assert record.study_type in StudyType.values


def test_a_study_without_an_nct_id_is_refused_naming_the_field():
    raw = study("NCT05105685")
    del raw["protocolSection"]["identificationModule"]["nctId"]  # an edited copy
    with pytest.raises(MappingError) as error:
        ctgov.map_study(raw)
    assert error.value.field == "protocolSection.identificationModule.nctId"


@pytest.mark.parametrize(
    ("module", "key", "value", "field"),
    [
        (
            "statusModule",
            "startDateStruct",
            {"date": "last spring"},
            "statusModule.startDateStruct.date",
        ),
        (
            "statusModule",
            "completionDateStruct",
            {"date": "2001-01"},
            "statusModule.completionDateStruct.date",
        ),
        ("eligibilityModule", "minimumAge", "eighteen", "eligibilityModule.minimumAge"),
        (
            "eligibilityModule",
            "maximumAge",
            "6 Months",
            "eligibilityModule.maximumAge",
        ),  # below 1 Year
        ("identificationModule", "nctId", "NCT123", "identificationModule.nctId"),
    ],
)
def test_nonsense_in_a_field_is_refused_naming_the_field(module, key, value, field):
    raw = study("NCT05105685")  # an edited copy with one bad value
    raw["protocolSection"][module][key] = value
    with pytest.raises(MappingError) as error:
        ctgov.map_study(raw)
    assert error.value.field == f"protocolSection.{field}"


def test_a_reporter_record_is_not_a_study():
    with pytest.raises(MappingError, match="protocolSection"):
        ctgov.map_study(reporter_record("5K23HD104934-04"))


def test_sites_registered_by_place_only_are_unnamed_study_sites():
    record = ctgov.map_study(study("NCT00791778"))  # 59 locations, none with a facility name
    assert record.warnings == ()
    assert {site.institution for site in record.sites} == {ctgov.UNNAMED_SITE}
    la_jolla = record.sites[0]
    assert (la_jolla.city, la_jolla.state, la_jolla.zip_code) == ("La Jolla", "California", "92037")
    # Several sites in one city are one place on the page.
    assert len(record.sites) == len({site.place for site in record.sites}) < 59


@pytest.mark.parametrize("nct_id", ["NCT00791778", "NCT03722472"])
def test_nih_typed_ids_that_are_not_grant_numbers_link_no_grant(nct_id):
    # NCT00791778 registers "2008", NCT03722472 a contract number, both typed NIH.
    assert ctgov.map_study(study(nct_id)).grants == ()


def test_a_full_record_with_results_maps_its_protocol():
    record = ctgov.map_study(study("NCT03722472"))
    assert record.healthy_volunteers is True
    assert (record.minimum_age_months, record.maximum_age_months) == (216, 660)
    assert [c.name for c in record.collaborators] == [
        "National Institutes of Health (NIH)",
        "National Institute of Allergy and Infectious Diseases (NIAID)",
    ]
    assert record.people[0].name == "Christopher Fox, PhD"
    assert "\\*" not in record.eligibility_criteria  # markdown escapes undone
