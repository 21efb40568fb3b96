"""NIH activity codes group into funding types; grant numbers written any
way reduce to one core project number; states and ZIP codes read well."""

import pytest

from projects.choices import FundingMechanism as F
from projects.importers import codes


@pytest.mark.parametrize(
    ("code", "mechanism"),
    [
        ("R01", F.RESEARCH_GRANT),
        ("R21", F.RESEARCH_GRANT),
        ("R35", F.RESEARCH_GRANT),
        ("K08", F.CAREER_AWARD),
        ("K23", F.CAREER_AWARD),
        ("K99", F.CAREER_AWARD),
        ("P01", F.CENTER),
        ("P30", F.CENTER),
        ("P50", F.CENTER),
        ("U01", F.COOPERATIVE_AGREEMENT),
        ("UG3", F.COOPERATIVE_AGREEMENT),
        ("F30", F.TRAINING),
        ("F31", F.TRAINING),
        ("F32", F.TRAINING),
        ("T32", F.TRAINING),
        ("R41", F.SMALL_BUSINESS),
        ("R42", F.SMALL_BUSINESS),
        ("R43", F.SMALL_BUSINESS),
        ("R44", F.SMALL_BUSINESS),
        ("ZIA", F.INTRAMURAL),
        ("ZIC", F.INTRAMURAL),
        ("G11", F.OTHER_NIH),
        ("D43", F.OTHER_NIH),
        ("S10", F.OTHER_NIH),
    ],
)
def test_activity_codes_group_by_series(code, mechanism):
    assert codes.mechanism_for(code) == mechanism


def test_only_letter_and_two_characters_are_activity_codes():
    assert codes.is_activity_code("K08") and codes.is_activity_code("P2C")
    assert not any(codes.is_activity_code(c) for c in ("", None, "k08", "R1", "R011", "01R"))


@pytest.mark.parametrize(
    "written",
    [
        "R01 CA123456",
        "5R01CA123456-03",
        "R01CA123456",
        "r01ca123456",
        "1 R01 CA 123456-01A1",
        "5R01CA123456-03S1",
        "R01-CA-123456",
        "NIH grant R01 CA123456 (NCI)",
    ],
)
def test_grant_numbers_normalize_to_the_core_project_number(written):
    assert codes.core_project_number(written) == "R01CA123456"


def test_intramural_and_short_serial_numbers_normalize_too():
    assert codes.core_project_number("1ZIAAR041124-23") == "ZIAAR041124"
    assert codes.core_project_number("U01 DK57577") == "U01DK057577"


@pytest.mark.parametrize(
    "not_a_grant",
    [
        "272201400041C-0-0-1",
        "HHSN272201400041C",
        "DMID 17-0104",
        "",
        None,
        "NCT01234567",
    ],
)
def test_contracts_and_other_ids_are_not_grants(not_a_grant):
    assert codes.core_project_number(not_a_grant) is None


def test_supplements_are_recognised_by_type_or_suffix():
    assert codes.is_supplement("3R44DE031461-03S1")
    assert codes.is_supplement("5R01CA123456-03S2")
    assert not codes.is_supplement("5R44DE031461-03")
    assert not codes.is_supplement("1F31DC021863-01A1")


def test_us_states_are_named_and_zip_codes_written_out():
    assert codes.state_name("MA") == "Massachusetts"
    assert codes.state_name("Colorado") == "Colorado"
    assert codes.state_name("ON", country="Canada") == "ON"
    assert codes.format_zip("021142621") == "02114-2621"
    assert codes.format_zip("20850") == "20850"
    assert codes.format_zip("1090", country="Austria") == "1090"
    assert codes.zip5("02114-2621") == "02114" and codes.zip5("1090") == ""
