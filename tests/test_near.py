"""The sites within reach of a place (``projects.near``): the database works
the distances out, by the same rule as ``geo.distance.haversine_miles``."""

import math

import pytest

from geo.centroids import Place
from geo.distance import bounding_box, haversine_miles
from projects.models import Site
from projects.near import SiteName, links_nearest_first, site_names, sites_near

pytestmark = pytest.mark.django_db

BOSTON = Place(zip_code="02114", city="Boston", state="MA", latitude=42.3611, longitude=-71.0682)
MILES_PER_DEGREE_OF_LATITUDE = 2 * math.pi * 3958.8 / 360


def _site(name, latitude, longitude, state="Massachusetts"):
    return Site.objects.create(
        institution=name, city="Somewhere", state=state, country="United States",
        latitude=latitude, longitude=longitude,
    )


def _north(miles):
    return BOSTON.latitude + miles / MILES_PER_DEGREE_OF_LATITUDE


def test_the_sites_within_the_radius_with_their_distance_by_the_haversine_rule():
    box = bounding_box(BOSTON.latitude, BOSTON.longitude, 10)
    sites = [
        _site("Here", BOSTON.latitude, BOSTON.longitude),
        _site("Just inside", _north(9.9), BOSTON.longitude),
        _site("Just outside", _north(10.1), BOSTON.longitude),
        _site("In the box's corner", box.max_lat - 0.001, box.max_lon - 0.001),
        _site("West, inside", BOSTON.latitude, BOSTON.longitude - 0.18),
        _site("Far away", 29.7, -95.4, state="Texas"),
    ]
    Site.objects.create(institution="Nowhere", city="Boston", country="United States")
    expected = {
        site.pk: haversine_miles(BOSTON.latitude, BOSTON.longitude, site.latitude, site.longitude)
        for site in sites
    }
    expected = {pk: miles for pk, miles in expected.items() if miles <= 10}

    near, states = sites_near(BOSTON, 10)

    assert set(near) == set(expected) and states == {"Massachusetts"}
    assert {site.institution for site in Site.objects.filter(pk__in=near)} == {
        "Here", "Just inside", "West, inside"
    }
    for pk, miles in near.items():
        assert miles == pytest.approx(expected[pk], abs=1e-9)


def test_the_walk_reads_the_sites_nearest_first_and_at_the_same_distance_the_smaller_key():
    far = _site("Far", _north(8), BOSTON.longitude)
    twin_one = _site("Twin one", _north(3), BOSTON.longitude)
    twin_two = _site("Twin two", _north(3), BOSTON.longitude)
    here = _site("Here", BOSTON.latitude, BOSTON.longitude)
    order = [here.pk, twin_one.pk, twin_two.pk, far.pk]

    def sites(start, count):
        rows = links_nearest_first(BOSTON, 10, start, count)
        return list(dict.fromkeys(site for site, _miles, _project in rows))

    assert sites(0, 10) == order
    assert sites(1, 2) == order[1:3]  # a chunk of them: the same order
    assert sites(4, 2) == []


def test_no_site_in_reach_is_an_empty_dict():
    _site("Far away", 29.7, -95.4, state="Texas")
    assert sites_near(BOSTON, 100) == ({}, set())


def test_the_states_in_reach_and_a_page_of_site_names():
    boston = _site("Massachusetts General Hospital", BOSTON.latitude, BOSTON.longitude)
    _site("Southern NH Medical Center", 42.76, -71.47, state="New Hampshire")
    _site("A clinic", 42.5, -71.2, state="")
    assert sites_near(BOSTON, 50)[1] == {"Massachusetts", "New Hampshire", ""}
    assert sites_near(BOSTON, 5)[1] == {"Massachusetts"}
    assert site_names([boston.pk]) == {
        boston.pk: SiteName("Massachusetts General Hospital", "Somewhere", "Massachusetts")
    }
    assert site_names([]) == {}
