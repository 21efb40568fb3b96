"""Where a US ZIP code or city is, offline: the centre point that distance search measures from.

The rule it keeps: a place is read one way everywhere (the visitor's search box, importers
filling in a site's missing coordinates), and a place we cannot read or do not know is
said so in words, never guessed. ZIP centroids come from the ``zipcodes`` package, which
ships its data; nothing is fetched at run time. A city's centre is the average of its ZIP
centroids. Military APO/FPO/DPO codes (filed under the pseudo-states AA, AE and AP, which
``STATE_NAMES`` leaves out, so they are never read) and the few ZIPs the data gives no
coordinates (0, 0) are left out: they are not places a visitor travels from.

Loading is lazy and happens once per process, on the first lookup; later lookups are
dictionary reads of a few microseconds. Measured on the project's 2-core machine
(zipcodes 3.0.0, Python 3.11): the first lookup takes about 0.9 s and adds about 76 MiB of
resident memory: about 37 MiB is the package's own parsed copy of the data, about 23 MiB
our index (41,914 ZIPs, 39,398 city names), the rest allocator slack. Rows are read one state
at a time: one ``zipcodes.list_all()`` call would build 89 MiB of row dicts at once and keep
them for the life of the process (1.3 s and +177 MiB when we tried it).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

import zipcodes

#: USPS codes of the states, DC and the territories and freely associated states that have
#: civilian ZIP codes, with their names as a visitor might type them.
STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands",
    "FM": "Federated States of Micronesia", "MH": "Marshall Islands", "PW": "Palau",
}  # fmt: skip

_STATE_ALIASES = {
    "d c": "DC",
    "washington dc": "DC",
    "washington d c": "DC",
    "virgin islands": "VI",
}
_US_NAMES = frozenset({"us", "usa", "u s", "u s a", "united states", "united states of america"})
_CITY_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount"}
_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")
_LOOKS_LIKE_A_ZIP = re.compile(r"[\d\s-]+")


class InvalidPlace(ValueError):
    """Text that cannot be read as a US place, or names none we know; the message says which."""


class InvalidZip(InvalidPlace):
    """Text that is not written as a ZIP code (five digits, or ZIP+4)."""


class AmbiguousPlace(InvalidPlace):
    """A city name found in several states, given without a state."""


@dataclass(frozen=True, slots=True)
class Place:
    """A point to measure distances from. ``zip_code`` is None for a city's centre."""

    zip_code: str | None
    city: str
    state: str
    latitude: float
    longitude: float


def lookup_zip(code: str) -> Place | None:
    """The centroid of a ZIP code. Accepts "02114", " 02114 ", "02114-1234" and
    "021141234" (ZIP+4 without the hyphen, as some source records write it).
    Returns None for a well-formed code the data does not know; raises InvalidZip for text
    that is not a ZIP code."""
    cleaned = code.strip()
    match = _ZIP.fullmatch(cleaned)
    if not match:
        if not cleaned:
            raise InvalidZip("Enter a ZIP code: five digits, like 02114.")
        raise InvalidZip(
            f'"{cleaned}" is not a ZIP code: a ZIP code is five digits, like 02114, '
            "or ZIP+4, like 02114-1234."
        )
    return _index().by_zip.get(match.group(1))


def lookup_city(city: str, state: str | None = None) -> Place | None:
    """The centre of a city: the average of its ZIP centroids. ``state`` is a code or a name
    ("MA", "Massachusetts"). Names match without regard to case, full stops, hyphens or
    "St"/"Saint", "Ft"/"Fort", "Mt"/"Mount"; the post office's other names for a ZIP
    ("Hollywood" for parts of Los Angeles) are used where no city has that name.

    Returns None for a city the data does not know. Raises InvalidPlace for an empty city
    or an unknown state, and AmbiguousPlace for a city in several states when ``state`` is
    None."""
    key = _city_key(city)
    if not key:
        raise InvalidPlace("Enter a city name.")
    index = _index()
    if state is not None and state.strip():
        code = state_code(state)
        if code is None:
            raise InvalidPlace(f'"{state.strip()}" is not a US state or territory.')
        return index.by_city.get((key, code))
    states = index.states_by_city.get(key, ())
    if len(states) > 1:
        raise AmbiguousPlace(
            f"There is a {city.strip()} in {len(states)} states ({', '.join(states)}); "
            f'add the state, like "{city.strip()}, {states[0]}".'
        )
    return index.by_city[(key, states[0])] if states else None


def parse_place(text: str) -> Place | None:
    """Read a visitor's place: a ZIP code, "City, ST", "City ST", "City, State name" or
    "City State name" (a trailing ", USA" is ignored). Returns None for blank text (no place
    asked for). Raises InvalidPlace (InvalidZip, AmbiguousPlace) with a message for the
    visitor when the text cannot be read or names no place we know."""
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    if _LOOKS_LIKE_A_ZIP.fullmatch(cleaned):
        place = lookup_zip(cleaned)
        if place is None:
            raise InvalidPlace(f"We don't know where ZIP code {cleaned[:5]} is.")
        return place
    parts = [part.strip() for part in cleaned.split(",")]
    if len(parts) > 1 and _plain_key(parts[-1]) in _US_NAMES:
        parts.pop()
    if len(parts) > 2 or not parts[0]:
        raise InvalidPlace(f'"{cleaned}" is not a place we can read: try "Boston, MA" or 02114.')
    if len(parts) == 2 and parts[1]:
        city, state = parts
        place = lookup_city(city, state)
        if place is None:
            raise InvalidPlace(f"We don't know a city called {city} in {state}.")
        return place
    return _parse_city_maybe_followed_by_state(parts[0])


def centroid_for(
    zip_code: str | None,
    city: str | None,
    state: str | None,
    *,
    country: str | None = None,
) -> Place | None:
    """Coordinates for a source record's site that has none: its ZIP centroid, else its
    city's centre. Quietly None when nothing is known, malformed or ambiguous.

    A city is only looked up with a state, and nothing is looked up for a ``country`` other
    than the US: a site in Toronto, Canada is not Toronto, Ohio, and a German postcode such as
    69120 is also a Nebraska ZIP code. Pass the record's country whenever it has one."""
    if country and _plain_key(country) not in _US_NAMES:
        return None
    if zip_code and zip_code.strip():
        try:
            place = lookup_zip(zip_code)
        except InvalidZip:
            place = None
        if place is not None:
            return place
    if city and city.strip() and state and state.strip():
        try:
            return lookup_city(city, state)
        except InvalidPlace:
            return None
    return None


def state_code(name_or_code: str) -> str | None:
    """The USPS code for a state code or name in any case ("ma", "Massachusetts",
    "District of Columbia", "D.C."), or None if it names no state or territory."""
    key = _plain_key(name_or_code)
    if key.upper() in STATE_NAMES:
        return key.upper()
    return _STATE_CODES_BY_NAME.get(key) or _STATE_ALIASES.get(key)


def _parse_city_maybe_followed_by_state(text: str) -> Place:
    """ "Boston MA", "Kansas City Missouri", "Washington District of Columbia": try the last
    one, two and three words as the state, then the whole text as a city."""
    words = text.split()
    for state_words in (1, 2, 3):
        if state_words >= len(words):
            break
        code = state_code(" ".join(words[-state_words:]))
        if code is not None:
            place = lookup_city(" ".join(words[:-state_words]), code)
            if place is not None:
                return place
    place = lookup_city(text)
    if place is None:
        raise InvalidPlace(
            f'We don\'t know a place called "{text}": try "City, ST" or a ZIP code like 02114.'
        )
    return place


@dataclass(frozen=True)
class _Index:
    by_zip: dict[str, Place]
    by_city: dict[tuple[str, str], Place]
    states_by_city: dict[str, tuple[str, ...]]


@functools.cache
def _index() -> _Index:
    by_zip: dict[str, Place] = {}
    zips_by_city: dict[tuple[str, str], list[Place]] = defaultdict(list)
    zips_by_other_name: dict[tuple[str, str], list[Place]] = defaultdict(list)
    other_names: dict[tuple[str, str], str] = {}
    for state in STATE_NAMES:
        # One state at a time keeps the peak small (see the module docstring); the military
        # pseudo-states are not in STATE_NAMES, so their codes are never read.
        for row in zipcodes.filter_by_state(state):
            latitude, longitude = float(row["lat"]), float(row["long"])
            if latitude == 0 and longitude == 0:
                continue
            place = Place(row["zip_code"], row["city"], state, latitude, longitude)
            by_zip[place.zip_code] = place
            zips_by_city[(_city_key(place.city), state)].append(place)
            for name in row["acceptable_cities"]:
                key = (_city_key(name), state)
                zips_by_other_name[key].append(place)
                other_names.setdefault(key, name)
    by_city = {key: _centre(key, places[0].city, places) for key, places in zips_by_city.items()}
    for key, places in zips_by_other_name.items():
        if key not in by_city:
            by_city[key] = _centre(key, other_names[key], places)
    states_by_city: dict[str, list[str]] = defaultdict(list)
    for city_key, state in by_city:
        states_by_city[city_key].append(state)
    return _Index(
        by_zip=by_zip,
        by_city=by_city,
        states_by_city={key: tuple(sorted(states)) for key, states in states_by_city.items()},
    )


def _centre(key: tuple[str, str], city: str, places: list[Place]) -> Place:
    # A plain average of the ZIP centroids: US cities are far too small for the Earth's
    # curvature (or the antimeridian) to matter.
    latitude = sum(place.latitude for place in places) / len(places)
    longitude = sum(place.longitude for place in places) / len(places)
    return Place(None, city, key[1], round(latitude, 4), round(longitude, 4))


def _plain_key(text: str) -> str:
    """Lower case; full stops, apostrophes and hyphens as spaces, since the data writes
    "O Fallon" and "Coeur D Alene"; single spaces."""
    return " ".join(re.sub("[.'\u2019-]", " ", text.lower()).split())


def _city_key(name: str) -> str:
    return " ".join(_CITY_ABBREVIATIONS.get(word, word) for word in _plain_key(name).split())


_STATE_CODES_BY_NAME = {_plain_key(name): code for code, name in STATE_NAMES.items()}
