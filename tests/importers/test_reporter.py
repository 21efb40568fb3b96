"""RePORTER project records map to this site's fields: real records,
every field, no source encoding left over."""

import datetime

import pytest

from projects.choices import FundingMechanism, InvestigatorRole, ResearchStatus, StudyType
from projects.importers import codes, names, reporter, upsert
from projects.importers.records import MappingError

from .recorded import REPORTER_ERBB2, REPORTER_FULL, reporter_record, reporter_records

TODAY = datetime.date(2026, 1, 1)


def mapped(project_num: str, today=TODAY):
    return reporter.map_project(reporter_record(project_num), today=today)


def test_identity_fiscal_year_and_funding_of_a_career_award():
    record = mapped("5K23HD104934-04")
    assert record.study_type == StudyType.NIH_RESEARCH
    assert record.nih_application_id == 11128734
    assert record.nih_project_number == "5K23HD104934-04"
    assert record.nih_core_project_number == "K23HD104934"
    assert record.nih_subproject_id == ""
    assert record.fiscal_year == 2025
    assert record.activity_code == "K23"
    assert record.funding_mechanism == FundingMechanism.CAREER_AWARD
    assert record.funding_institute == (
        "Eunice Kennedy Shriver National Institute of Child Health and Human Development"
    )
    assert record.award_amount == 136315


def test_dates_titles_and_texts():
    record = mapped("5K23HD104934-04")
    assert record.start_date == datetime.date(2022, 8, 15)
    assert record.end_date == datetime.date(2027, 7, 31)
    assert record.official_title.startswith(
        "Optimizing pain-related outcomes following orthopedic trauma"
    )
    assert record.brief_title == ""
    assert record.source_summary.startswith("PROJECT SUMMARY\n The long-term goal of this K23")  # as published
    assert record.source_public_health_relevance.startswith("PROJECT NARRATIVE\nOrthopedic trauma")
    assert record.source_last_updated == datetime.date(2025, 8, 2)


def test_keywords_come_from_the_preferred_terms_and_spending_categories_are_a_list():
    record = mapped("5K23HD104934-03")
    assert record.source_keywords[:3] == ("Acute", "Address", "Affective")
    assert all(";" not in k and "<" not in k for k in record.source_keywords)
    assert record.spending_categories[:3] == (
        "Anxiety Disorders",
        "Behavioral and Social Science",
        "Brain Disorders",
    )
    assert record.conditions == ()  # RePORTER terms are too noisy to be conditions


def test_keywords_fall_back_to_the_bracketed_terms():
    raw = reporter_record("5K23HD104934-03")
    del raw["pref_terms"]  # an edited copy: the terms only
    record = reporter.map_project(raw, today=TODAY)
    assert record.source_keywords[:2] == ("Active Follow-up", "Acute")


def test_the_organization_is_the_sponsor_and_the_one_site_in_proper_case():
    record = mapped("5R21AI175731-02")
    assert record.sponsor.name == "Univ of Arkansas for Med Scis"
    assert (record.sponsor.city, record.sponsor.state, record.sponsor.country) == (
        "Little Rock",
        "Arkansas",
        "United States",
    )
    assert record.sponsor.zip_code == "72205-7101"
    (site,) = record.sites
    assert (site.institution, site.place) == (
        "Univ of Arkansas for Med Scis",
        "Little Rock, Arkansas, United States",
    )


def test_intramural_projects_have_an_institute_without_a_city():
    record = reporter.map_project(reporter_records(REPORTER_ERBB2)[0], today=TODAY)
    assert record.funding_mechanism == FundingMechanism.INTRAMURAL
    assert record.sponsor.name == (
        "National Institute of Arthritis and Musculoskeletal and Skin Diseases"
    )
    assert record.sites[0].place == "United States"


def test_all_principal_investigators_contact_pi_first_then_program_officers():
    record = mapped("4R33DA057660-02")
    people = [(p.name, p.role, p.nih_profile_id) for p in record.people]
    assert people == [
        ("Matthew Aalsma", InvestigatorRole.CONTACT_PI, 7006225),
        ("Bradley Ray", InvestigatorRole.PRINCIPAL_INVESTIGATOR, 14104255),
        ("Khairi Reda", InvestigatorRole.PRINCIPAL_INVESTIGATOR, 14605964),
        ("Sean Edward Winters Lynch", InvestigatorRole.PROGRAM_OFFICER, None),
    ]
    contact = record.people[0]
    assert contact.organization == record.sponsor  # RePORTER says where the contact PI works
    assert record.people[1].organization is None


def test_the_contact_pi_leads_even_when_listed_second():
    # In this record the contact PI (Wells) comes second in principal_investigators.
    record = reporter.map_project(reporter_records(REPORTER_ERBB2)[3], today=TODAY)
    assert [(p.name, p.role) for p in record.people] == [
        ("Susanne I Wells", InvestigatorRole.CONTACT_PI),
        ("David F Smith", InvestigatorRole.PRINCIPAL_INVESTIGATOR),
    ]


def test_titles_of_people_are_proper_cased():
    record = mapped("1K23AG086669-01")
    assert record.people[0].title == "Assistant Professor of Neurology"
    assert record.people[1].name == "Alexis Diane Bakos"


def test_the_application_id_comes_from_the_project_page_address_when_left_out():
    record = reporter.map_project(reporter_records(REPORTER_ERBB2)[4], today=TODAY)
    assert "appl_id" not in reporter_records(REPORTER_ERBB2)[4]
    assert record.nih_application_id == 11185304
    assert record.funding_mechanism == FundingMechanism.SMALL_BUSINESS


def test_subprojects_of_centers_keep_their_subproject_id():
    record = mapped("5P50MH126231-04")
    assert (record.nih_core_project_number, record.nih_subproject_id) == ("P50MH126231", "9281")
    assert record.funding_mechanism == FundingMechanism.CENTER


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (datetime.date(2027, 7, 31), ResearchStatus.ACTIVE),
        (datetime.date(2027, 8, 1), ResearchStatus.COMPLETED),
    ],
)
def test_research_is_completed_once_its_end_date_has_passed(today, status):
    assert mapped("5K23HD104934-04", today=today).research_status == status


def test_the_draft_title_is_the_project_title_in_sentence_case():
    assert mapped("5R21AI175731-02").draft_title == (
        "Pyroptotic macrophages traps against Shigella infection"
    )


def test_every_real_record_maps_without_leaking_source_encoding():
    for raw in reporter_records(REPORTER_FULL) + reporter_records(REPORTER_ERBB2):
        record = reporter.map_project(raw, today=TODAY)
        shown = [
            record.sponsor.name,
            record.draft_title,
            record.funding_institute,
            *(p.name for p in record.people),
            *(p.title for p in record.people),
        ]
        for text in shown:
            assert "['" not in text and "FUNDING_" not in text
            assert not (names.is_shouting(text) and " " in text), text  # "COO" alone may stay
        assert record.funding_mechanism in FundingMechanism.values
        assert record.warnings == ()


def test_a_record_without_an_application_id_is_refused_naming_the_field():
    raw = reporter_record("5K23HD104934-04")
    del raw["appl_id"], raw["project_detail_url"]  # an edited copy
    with pytest.raises(MappingError) as error:
        reporter.map_project(raw)
    assert error.value.field == "appl_id"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("project_end_date", "2027-13-45T00:00:00", "is not a date"),
        ("project_end_date", "2001-01-01T00:00:00", "before project_start_date"),
        ("fiscal_year", 3024, "between 1950 and 2100"),
        ("project_title", "", "is missing"),
        ("award_amount", "lots", "is not an amount"),
    ],
)
def test_nonsense_in_a_field_is_refused_naming_the_field(field, value, message):
    raw = reporter_record("5K23HD104934-04")
    raw[field] = value  # an edited copy
    with pytest.raises(MappingError, match=message) as error:
        reporter.map_project(raw)
    assert error.value.field == field


def test_a_record_without_an_organization_is_refused():
    raw = reporter_record("5K23HD104934-04")
    raw["organization"] = None  # an edited copy
    with pytest.raises(MappingError) as error:
        reporter.map_project(raw)
    assert error.value.field == "organization.org_name"


def test_an_unknown_activity_code_falls_back_to_other_funding_with_a_warning():
    raw = reporter_record("5K23HD104934-04")
    raw["activity_code"] = "?"  # an edited copy, the other places too
    raw["project_num_split"]["activity_code"] = "?"
    raw["core_project_num"] = "?"
    record = reporter.map_project(raw)
    assert record.funding_mechanism == FundingMechanism.OTHER_NIH
    assert record.warnings == (
        "activity_code '?' is not an NIH activity code; funding type "
        'shown as "Other NIH funding"',
    )


def test_the_fingerprint_changes_with_the_facts_only():
    one, same = mapped("5K23HD104934-04"), mapped("5K23HD104934-04")
    assert one.fingerprint == same.fingerprint
    raw = reporter_record("5K23HD104934-04")
    raw["project_end_date"] = "2028-07-31T00:00:00"  # an edited copy
    assert reporter.map_project(raw, today=TODAY).fingerprint != one.fingerprint


def test_the_cheap_identity_agrees_with_the_mapped_records_key_and_order():
    records = reporter_records(REPORTER_FULL) + reporter_records(REPORTER_ERBB2)
    for raw in records:
        key, recency = reporter.identity(raw)
        record = reporter.map_project(raw, today=TODAY)
        assert key == upsert.project_key(record)
        assert recency == codes.award_recency(
            record.fiscal_year, record.nih_project_number, record.nih_application_id
        )
    supplement, parent = mapped("3R44DE031461-03S1"), mapped("5R44DE031461-03")
    assert upsert.is_older(supplement, parent) and not upsert.is_older(parent, supplement)


def test_a_record_that_does_not_say_which_grant_it_is_has_no_identity():
    raw = reporter_record("5K23HD104934-04")
    del raw["appl_id"], raw["project_detail_url"]  # an edited copy
    assert reporter.identity(raw) is None
