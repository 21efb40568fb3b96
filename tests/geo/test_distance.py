"""Great-circle distance and the search box around a circle (geo.distance)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.distance import (
    EARTH_RADIUS_MILES,
    RADIUS_CHOICES,
    BoundingBox,
    bounding_box,
    haversine_miles,
)

BOSTON_CITY_HALL = (42.3603, -71.0580)
NEW_YORK_CITY_HALL = (40.7128, -74.0060)

property_test = settings(max_examples=400, deadline=None)


def destination(lat, lon, bearing_degrees, miles):
    """The point ``miles`` from (lat, lon) along a bearing, written independently of the module
    under test. It turns the start's unit vector towards the bearing in 3-D, which stays exact
    near the poles where the textbook asin formula loses precision."""
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing_degrees)
    d = miles / EARTH_RADIUS_MILES
    start = (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))
    north = (-math.sin(phi) * math.cos(lam), -math.sin(phi) * math.sin(lam), math.cos(phi))
    east = (-math.sin(lam), math.cos(lam), 0.0)
    x, y, z = (
        s * math.cos(d) + (n * math.cos(theta) + e * math.sin(theta)) * math.sin(d)
        for s, n, e in zip(start, north, east, strict=True)
    )
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def contains_within_rounding(box: BoundingBox, lat: float, lon: float) -> bool:
    epsilon = 1e-9
    return (
        box.min_lat - epsilon <= lat <= box.max_lat + epsilon
        and box.min_lon - epsilon <= lon <= box.max_lon + epsilon
    )


# Distance


def test_boston_to_new_york_is_about_190_miles():
    assert haversine_miles(*BOSTON_CITY_HALL, *NEW_YORK_CITY_HALL) == pytest.approx(190, abs=5)


def test_distance_is_symmetric_and_zero_to_itself():
    there = haversine_miles(*BOSTON_CITY_HALL, *NEW_YORK_CITY_HALL)
    back = haversine_miles(*NEW_YORK_CITY_HALL, *BOSTON_CITY_HALL)
    assert there == pytest.approx(back)
    assert haversine_miles(*BOSTON_CITY_HALL, *BOSTON_CITY_HALL) == 0


def test_a_quarter_of_the_equator_is_a_quarter_of_the_circumference():
    assert haversine_miles(0, 0, 0, 90) == pytest.approx(math.pi * EARTH_RADIUS_MILES / 2)


def test_the_far_side_of_the_earth_is_half_the_circumference():
    assert haversine_miles(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_MILES)
    assert haversine_miles(90, 0, -90, 0) == pytest.approx(math.pi * EARTH_RADIUS_MILES)


def test_one_degree_of_latitude_is_about_69_miles():
    assert haversine_miles(40, -100, 41, -100) == pytest.approx(69.1, abs=0.1)


def test_the_radius_choices_are_10_25_50_and_100_miles():
    assert RADIUS_CHOICES == (10, 25, 50, 100)


# Bounding box


@property_test
@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    radius=st.one_of(st.sampled_from(RADIUS_CHOICES), st.floats(0, 3000)),
    bearing=st.floats(0, 360),
    fraction=st.floats(0, 1),
)
def test_the_box_contains_every_point_within_the_radius(lat, lon, radius, bearing, fraction):
    point = destination(lat, lon, bearing, radius * fraction)
    assert haversine_miles(lat, lon, *point) == pytest.approx(radius * fraction, abs=1e-6)
    assert contains_within_rounding(bounding_box(lat, lon, radius), *point)


@property_test
@given(
    lat=st.floats(-70, 70),
    lon=st.floats(-170, 170),
    radius=st.sampled_from(RADIUS_CHOICES),
)
def test_the_box_is_no_bigger_than_it_must_be(lat, lon, radius):
    """Each edge touches the circle: the northern and southern edges at the centre's
    longitude, the eastern and western edges at the latitude where the circle is widest."""
    box = bounding_box(lat, lon, radius)
    widest_lat = math.degrees(
        math.asin(math.sin(math.radians(lat)) / math.cos(radius / EARTH_RADIUS_MILES))
    )
    assert haversine_miles(lat, lon, box.max_lat, lon) == pytest.approx(radius)
    assert haversine_miles(lat, lon, box.min_lat, lon) == pytest.approx(radius)
    assert haversine_miles(lat, lon, widest_lat, box.max_lon) == pytest.approx(radius)
    assert haversine_miles(lat, lon, widest_lat, box.min_lon) == pytest.approx(radius)


def test_the_box_is_wider_than_the_naive_one_away_from_the_equator():
    """At 60°N a 100-mile circle is widest north of its centre, so d / cos(lat) is too narrow."""
    box = bounding_box(60, -150, 100)
    naive_half_width = math.degrees(100 / EARTH_RADIUS_MILES) / math.cos(math.radians(60))
    assert box.max_lon - (-150) > naive_half_width


def test_a_circle_reaching_a_pole_spans_all_longitudes_up_to_the_pole():
    assert bounding_box(89.5, 10, 50) == BoundingBox(
        89.5 - math.degrees(50 / EARTH_RADIUS_MILES), 90.0, -180.0, 180.0
    )
    south = bounding_box(-89.9, 10, 25)
    assert (south.min_lat, south.min_lon, south.max_lon) == (-90.0, -180.0, 180.0)


def test_a_circle_crossing_the_antimeridian_spans_all_longitudes():
    """Adak, Alaska is at 176.6°W; 100 miles west of 179.5°W is across the line."""
    box = bounding_box(51.9, -179.5, 100)
    assert (box.min_lon, box.max_lon) == (-180.0, 180.0)
    assert box.contains(51.9, 179.5)


def test_a_circle_touching_the_antimeridian_spans_all_longitudes():
    """The same meridian is written 180 and -180; a box must hold both."""
    box = bounding_box(0, 180, 0)
    assert box.contains(0, 180) and box.contains(0, -180)


def test_a_circle_clear_of_the_antimeridian_is_not_widened():
    box = bounding_box(51.88, -176.66, 100)  # Adak
    assert -180 < box.min_lon < box.max_lon < -170


def test_a_box_contains_its_centre_and_not_far_points():
    box = bounding_box(*BOSTON_CITY_HALL, 25)
    assert box.contains(*BOSTON_CITY_HALL)
    assert not box.contains(*NEW_YORK_CITY_HALL)


def test_a_negative_radius_or_an_impossible_latitude_is_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        bounding_box(42, -71, -1)
    with pytest.raises(ValueError, match="between -90 and 90"):
        bounding_box(91, -71, 10)
