"""ZIP and city centroids and reading a visitor's place (geo.centroids)."""

import os
import subprocess
import sys
from pathlib import Path
from statistics import fmean

import pytest
import zipcodes

from geo.centroids import (
    STATE_NAMES,
    AmbiguousPlace,
    InvalidPlace,
    InvalidZip,
    Place,
    _index,
    centroid_for,
    lookup_city,
    lookup_zip,
    parse_place,
    state_code,
)
from geo.distance import haversine_miles

REPO_ROOT = Path(__file__).resolve().parents[2]
FIFTY_STATES_AND_DC = set(STATE_NAMES) - {"AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW"}


def located_civilian(rows):
    """The rows the index should hold, by the rule in the module docstring."""
    return [
        row
        for row in rows
        if row["state"] not in {"AA", "AE", "AP"}
        and (float(row["lat"]), float(row["long"])) != (0, 0)
    ]


def test_military_codes_are_all_filed_under_pseudo_states():
    """What keeps military ZIP codes out of the index: their states are not STATE_NAMES."""
    military = {row["state"] for row in zipcodes.filter_by(zip_code_type="MILITARY")}
    assert military == {"AA", "AE", "AP"}
    assert not military & set(STATE_NAMES)


# ZIP codes


def test_boston_02114_is_near_42_36_minus_71_06():
    place = lookup_zip("02114")
    assert (place.zip_code, place.city, place.state) == ("02114", "Boston", "MA")
    assert place.latitude == pytest.approx(42.36, abs=0.02)
    assert place.longitude == pytest.approx(-71.06, abs=0.02)


@pytest.mark.parametrize("code", ["02114", " 02114 ", "02114-1234", "021141234", "\t02114\n"])
def test_a_zip_code_is_read_with_spaces_and_zip_plus_four(code):
    assert lookup_zip(code) == lookup_zip("02114")


@pytest.mark.parametrize(
    "code", ["0211", "abcde", "", "   ", "021145", "02114-12", "02114 1234", "2114", "O2114"]
)
def test_malformed_zip_codes_raise_invalid_zip(code):
    with pytest.raises(InvalidZip, match="ZIP code") as raised:
        lookup_zip(code)
    assert "02114" in str(raised.value)  # the message shows the right form


def test_invalid_zip_is_an_invalid_place_and_a_value_error():
    assert issubclass(InvalidZip, InvalidPlace)
    assert issubclass(InvalidPlace, ValueError)
    with pytest.raises(InvalidZip, match='"0211" is not a ZIP code'):
        lookup_zip("0211")


def test_an_unknown_well_formed_zip_code_is_none():
    assert lookup_zip("00000") is None


@pytest.mark.parametrize(
    "code",
    [
        "09002",  # APO AE, no coordinates
        "96510",  # FPO AP, coordinates of a base
        "11805",  # a Hicksville, NY PO box ZIP the data gives 0, 0
    ],
)
def test_military_and_unlocated_zip_codes_are_unknown(code):
    assert zipcodes.matching(code), "the data has this ZIP code"
    assert lookup_zip(code) is None


def test_every_located_civilian_zip_code_is_known():
    rows = located_civilian(zipcodes.filter_by())
    assert len(rows) > 40_000
    assert len(_index().by_zip) == len(rows)
    for row in rows:
        place = lookup_zip(row["zip_code"])
        assert (place.latitude, place.longitude) == (float(row["lat"]), float(row["long"]))
        assert place.state == row["state"]


def test_the_data_is_loaded_lazily_once_and_geo_imports_neither_django_nor_projects():
    script = (
        "import sys\n"
        "import geo.centroids, geo.distance\n"
        "assert geo.centroids._index.cache_info().currsize == 0, 'loaded at import'\n"
        "geo.centroids.lookup_zip('02114')\n"
        "geo.centroids.lookup_city('Boston', 'MA')\n"
        "info = geo.centroids._index.cache_info()\n"
        "assert (info.misses, info.hits) == (1, 1), info\n"
        "loaded = [name for name in sys.modules if name.split('.')[0] in ('django', 'projects')]\n"
        "assert not loaded, loaded\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


# Cities


def test_a_city_centre_is_the_average_of_its_zip_centroids():
    rows = located_civilian(zipcodes.filter_by(city="Boston", state="MA"))
    boston = lookup_city("Boston", "MA")
    assert boston.zip_code is None
    assert (boston.city, boston.state) == ("Boston", "MA")
    assert boston.latitude == pytest.approx(fmean(float(row["lat"]) for row in rows), abs=1e-4)
    assert boston.longitude == pytest.approx(fmean(float(row["long"]) for row in rows), abs=1e-4)


def test_boston_to_new_york_is_about_190_miles_between_city_centres():
    boston, new_york = lookup_city("Boston", "MA"), lookup_city("New York", "NY")
    miles = haversine_miles(
        boston.latitude, boston.longitude, new_york.latitude, new_york.longitude
    )
    assert miles == pytest.approx(190, abs=5)


@pytest.mark.parametrize(
    "city, state, expected",
    [
        ("BOSTON", "ma", ("Boston", "MA")),
        ("St. Louis", "MO", ("Saint Louis", "MO")),
        ("st louis", "Missouri", ("Saint Louis", "MO")),
        ("Ft Worth", "TX", ("Fort Worth", "TX")),
        ("Winston Salem", "NC", ("Winston Salem", "NC")),
        ("winston-salem", "NC", ("Winston Salem", "NC")),
        ("O'Fallon", "IL", ("O Fallon", "IL")),
        ("  Salt   Lake City ", "UT", ("Salt Lake City", "UT")),
    ],
)
def test_city_names_match_without_case_punctuation_or_abbreviations(city, state, expected):
    place = lookup_city(city, state)
    assert (place.city, place.state) == expected


def test_the_post_office_s_other_names_for_a_zip_code_are_cities_too():
    hollywood = lookup_city("Hollywood", "CA")
    los_angeles = lookup_city("Los Angeles", "CA")
    apart = haversine_miles(
        hollywood.latitude, hollywood.longitude, los_angeles.latitude, los_angeles.longitude
    )
    assert hollywood.city == "Hollywood"
    assert 0 < apart < 15


def test_a_city_in_one_state_needs_no_state():
    assert lookup_city("Chicago") == lookup_city("Chicago", "IL")


def test_a_city_in_several_states_needs_a_state():
    with pytest.raises(
        AmbiguousPlace, match=r"There is a Springfield in \d+ states \(.*IL.*MA.*\)"
    ):
        lookup_city("Springfield")


def test_an_unknown_city_is_none():
    assert not zipcodes.filter_by(city="Nowhereville")
    assert lookup_city("Nowhereville", "MA") is None
    assert lookup_city("Nowhereville") is None
    assert lookup_city("Atlantis", "MA") is None  # there is one in Florida


def test_an_empty_city_or_unknown_state_is_refused():
    with pytest.raises(InvalidPlace, match="Enter a city name"):
        lookup_city(" ", "MA")
    with pytest.raises(InvalidPlace, match='"Narnia" is not a US state or territory'):
        lookup_city("Boston", "Narnia")


# States


@pytest.mark.parametrize(
    "text, code",
    [
        ("Massachusetts", "MA"),
        ("massachusetts", "MA"),
        ("ma", "MA"),
        (" MA ", "MA"),
        ("New  York", "NY"),
        ("District of Columbia", "DC"),
        ("D.C.", "DC"),
        ("Puerto Rico", "PR"),
        ("U.S. Virgin Islands", "VI"),
        ("Narnia", None),
        ("Mass", None),
        ("", None),
    ],
)
def test_state_names_and_codes_map_to_codes(text, code):
    assert state_code(text) == code


def test_every_state_in_the_data_is_named_and_every_state_has_zip_codes():
    rows = located_civilian(zipcodes.filter_by())
    states_with_zips = {row["state"] for row in rows}
    assert states_with_zips <= set(STATE_NAMES)
    assert states_with_zips >= FIFTY_STATES_AND_DC
    assert len(FIFTY_STATES_AND_DC) == 51


# Reading a visitor's place


@pytest.mark.parametrize(
    "text",
    [
        "Boston, MA",
        "boston ma",
        "Boston, Massachusetts",
        "Boston Massachusetts",
        "BOSTON,MA",
        "Boston, MA, USA",
        "  Boston ,  ma ",
    ],
)
def test_city_and_state_parse_in_the_usual_forms(text):
    assert parse_place(text) == lookup_city("Boston", "MA")


@pytest.mark.parametrize(
    "text, city, state",
    [
        ("Kansas City Kansas", "Kansas City", "KS"),
        ("Kansas City, MO", "Kansas City", "MO"),
        ("Washington DC", "Washington", "DC"),
        ("Washington, District of Columbia", "Washington", "DC"),
        ("New York New York", "New York", "NY"),
        ("new york", "New York", "NY"),
        ("San Juan, Puerto Rico", "San Juan", "PR"),
    ],
)
def test_state_names_of_several_words_and_city_names_that_are_states(text, city, state):
    place = parse_place(text)
    assert (place.city, place.state) == (city, state)


def test_a_zip_code_parses_as_its_own_centroid():
    assert parse_place(" 02114-1234 ") == lookup_zip("02114")
    assert isinstance(parse_place("02114"), Place)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_blank_text_is_no_place(text):
    assert parse_place(text) is None


@pytest.mark.parametrize(
    "text, error, message",
    [
        ("0211", InvalidZip, '"0211" is not a ZIP code'),
        ("00000", InvalidPlace, "We don't know where ZIP code 00000 is"),
        ("Springfield", AmbiguousPlace, 'add the state, like "Springfield, AR"'),
        ("Atlantis, MA", InvalidPlace, "We don't know a city called Atlantis in MA"),
        ("Boston, Narnia", InvalidPlace, '"Narnia" is not a US state or territory'),
        ("Boston, MA, Suffolk", InvalidPlace, "is not a place we can read"),
        ("abcde", InvalidPlace, 'We don\'t know a place called "abcde"'),
        (", MA", InvalidPlace, "is not a place we can read"),
    ],
)
def test_places_that_cannot_be_read_or_are_unknown_say_why(text, error, message):
    with pytest.raises(error) as raised:
        parse_place(text)
    assert message in str(raised.value)


# Filling a source record's coordinates


def test_centroid_for_prefers_the_zip_code():
    assert centroid_for("02114", "Springfield", "IL") == lookup_zip("02114")


@pytest.mark.parametrize("zip_code", [None, "", "  ", "2114", "00000", "M5G 2C4"])
def test_centroid_for_falls_back_to_city_and_state(zip_code):
    assert centroid_for(zip_code, "Boston", "Massachusetts") == lookup_city("Boston", "MA")


@pytest.mark.parametrize(
    "zip_code, city, state",
    [
        (None, None, None),
        ("", "", ""),
        (None, "Boston", None),  # no state: Boston is in six
        (None, "Chicago", None),  # no state: never guess one, even for a unique name
        (None, "Toronto", "Ontario"),
        ("M5G 2C4", "Toronto", None),
        (None, "Atlantis", "MA"),
        ("0211", "Atlantis", "MA"),
    ],
)
def test_centroid_for_is_quietly_none_when_nothing_is_known(zip_code, city, state):
    assert centroid_for(zip_code, city, state) is None


def test_centroid_for_looks_nothing_up_outside_the_us():
    """69120 is a Heidelberg postcode and also Arnold, Nebraska."""
    assert centroid_for("69120", "Heidelberg", None).state == "NE"
    assert centroid_for("69120", "Heidelberg", None, country="Germany") is None
    assert centroid_for("02114", None, None, country="United States") == lookup_zip("02114")
    assert centroid_for(None, "Boston", "MA", country="USA") == lookup_city("Boston", "MA")
