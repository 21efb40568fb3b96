"""Names in capitals become names as people write them, and nothing that
is already cased is touched."""

import pytest

from projects.importers import names


@pytest.mark.parametrize(
    ("shouted", "proper"),
    [
        ("MASSACHUSETTS GENERAL HOSPITAL", "Massachusetts General Hospital"),
        ("UNIVERSITY OF CALIFORNIA, SAN DIEGO", "University of California, San Diego"),
        ("UNIV OF ARKANSAS FOR MED SCIS", "Univ of Arkansas for Med Scis"),
        ("CINCINNATI CHILDRENS HOSP MED CTR", "Cincinnati Childrens Hosp Med Ctr"),
        ("DANA-FARBER CANCER INST", "Dana-Farber Cancer Inst"),
        ("BOSTON UNIVERSITY (CHARLES RIVER CAMPUS)", "Boston University (Charles River Campus)"),
        ("IN VIVO MICROSYSTEMS TECHNOLOGIES, LLC", "In Vivo Microsystems Technologies, LLC"),
        ("VERAVANTI, INC.", "Veravanti, Inc."),
        ("DIVISION OF CLINICAL SCIENCES - NCI", "Division of Clinical Sciences - NCI"),
        ("UT SOUTHWESTERN MEDICAL CENTER", "UT Southwestern Medical Center"),
        (
            "NATIONAL INSTITUTE OF ARTHRITIS AND MUSCULOSKELETAL AND SKIN DISEASES",
            "National Institute of Arthritis and Musculoskeletal and Skin Diseases",
        ),
        ("CHILDREN'S HOSPITAL OF PHILADELPHIA", "Children's Hospital of Philadelphia"),
        ("THE JOHNS HOPKINS UNIVERSITY", "The Johns Hopkins University"),
        ("ST. LOUIS", "St. Louis"),
        ("LA JOLLA", "La Jolla"),
        ("UNITED STATES", "United States"),
        ("USA", "USA"),
        ("21ST CENTURY ONCOLOGY", "21st Century Oncology"),
    ],
)
def test_organizations_and_places_in_capitals_are_proper_cased(shouted, proper):
    assert names.proper_case(shouted) == proper


@pytest.mark.parametrize(
    ("shouted", "proper"),
    [
        ("RONALD MCDONALD", "Ronald McDonald"),
        ("SEAN O'BRIEN", "Sean O'Brien"),
        ("JOHN SMITH III", "John Smith III"),
        ("JANE DOE MD PHD", "Jane Doe MD PhD"),
        ("MARIA DE LA CRUZ", "Maria de la Cruz"),
        ("JEFFREY F COHN", "Jeffrey F Cohn"),
        ("ALICIA YESIU CHOU", "Alicia Yesiu Chou"),
        ("ASSISTANT PROFESSOR OF NEUROLOGY", "Assistant Professor of Neurology"),
        ("COO", "COO"),
    ],
)
def test_people_and_titles_keep_mc_o_apostrophe_numerals_and_degrees(shouted, proper):
    assert names.proper_case(shouted) == proper


@pytest.mark.parametrize(
    "cased",
    [
        "Rachel V. Aaron",
        "MD Anderson Cancer Center",
        "Yuankai SHI, Prof",
        "Los Angeles",
        "Mu A",
        "USC/Norris Comprehensive Cancer Center",
    ],
)
def test_text_that_already_has_lower_case_letters_is_left_as_written(cased):
    assert names.proper_case(cased) == cased


def test_whitespace_is_squashed_and_nothing_is_empty_text():
    assert names.proper_case("  Ioannis   Pappas ") == "Ioannis Pappas"
    assert names.proper_case(None) == ""
    assert names.proper_case("   ") == ""


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"full_name": "SMITH, JOHN A"}, "John A Smith"),
        ({"full_name": " PAPPAS , IOANNIS "}, "Ioannis Pappas"),
        ({"full_name": "SMITH, JOHN A, MD"}, "John A Smith, MD"),
        ({"full_name": "SMITH, JOHN, JR"}, "John Smith Jr"),
        ({"full_name": "O'BRIEN, MARY"}, "Mary O'Brien"),
        ({"full_name": "JEFFREY F COHN"}, "Jeffrey F Cohn"),
        ({"first": "GREGORY", "middle": "", "last": "AARONS"}, "Gregory Aarons"),
        ({"first": "Rachel", "middle": "V.", "last": "Aaron"}, "Rachel V. Aaron"),
        (
            {"full_name": "Ioannis   Pappas ", "first": "Ioannis", "last": " Pappas "},
            "Ioannis Pappas",
        ),
    ],
)
def test_person_names_read_first_middle_last(given, expected):
    full_name = given.pop("full_name", "")
    assert names.person_name(full_name, **given) == expected


def test_sentence_case_lowers_title_case_words_but_keeps_acronyms_and_proper_nouns():
    title = "Pyroptotic Macrophages Traps Against Shigella Infection"
    abstract = "Bacteria such as Shigella cause disease; macrophages respond."
    assert names.sentence_case(title, keep=names.proper_nouns(title, abstract)) == (
        "Pyroptotic macrophages traps against Shigella infection"
    )
    assert names.sentence_case("Dynamic Cell-Matrix Interactions Dictate Thoracic Aortopathy") == (
        "Dynamic cell-matrix interactions dictate thoracic aortopathy"
    )
    assert names.sentence_case("Mechanisms of HIV Latency in mRNA Vaccines") == (
        "Mechanisms of HIV latency in mRNA vaccines"
    )
    # A word after a colon starts a sentence; a shouted title is cased first.
    assert names.sentence_case("Project 2: Imaging The Brain") == "Project 2: Imaging the brain"
    assert names.sentence_case("REGULATION OF EPIDERMAL DIFFERENTIATION") == (
        "Regulation of epidermal differentiation"
    )


def test_proper_nouns_are_title_words_the_text_never_writes_in_lower_case():
    title = "Parkinson Disease and Alzheimer's Disease in the Clinic"
    text = "Patients with Alzheimer's disease and Parkinson disease, seen in a clinic. Disease is rare."
    assert names.proper_nouns(title, text) == {"Alzheimer's", "Alzheimer", "Parkinson"}
    # "Disease" and "Clinic" are also written in lower case; "Patients" only starts a sentence.
    assert names.proper_nouns("Patients First", "Patients come first.") == set()


def test_clip_cuts_at_a_word_boundary_with_an_ellipsis():
    assert names.clip("short", 10) == "short"
    clipped = names.clip("A fairly long title about something", 20)
    assert clipped == "A fairly long title…" and len(clipped) <= 20
