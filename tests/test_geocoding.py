"""Sites without coordinates get their ZIP code's or city's centre, so
distance search can place them; registry coordinates are never replaced."""

import io

import pytest
from django.core.management import call_command

from projects.geocoding import fill_coordinates
from projects.models import Site

pytestmark = pytest.mark.django_db


def test_a_new_site_is_placed_from_its_zip_code():
    site = Site.objects.create(
        institution="Massachusetts General Hospital",
        city="Boston",
        state="Massachusetts",
        zip_code="02114",
        country="United States",
    )
    site.refresh_from_db()
    assert site.coordinates_source == "zip"
    assert site.latitude == pytest.approx(42.36, abs=0.02)
    assert site.longitude == pytest.approx(-71.07, abs=0.02)


def test_without_a_zip_code_the_city_centre_is_used():
    site = Site.objects.create(
        institution="Houston Methodist", city="Houston", state="Texas", country="United States"
    )
    site.refresh_from_db()
    assert site.coordinates_source == "city"
    assert site.latitude == pytest.approx(29.8, abs=0.3)


def test_registry_coordinates_are_kept_and_foreign_sites_are_not_guessed():
    kept = Site.objects.create(
        institution="A",
        city="Boston",
        state="Massachusetts",
        zip_code="02114",
        country="United States",
        latitude=1.5,
        longitude=2.5,
        coordinates_source="registry",
    )
    abroad = Site.objects.create(
        institution="Toronto Western Hospital", city="Toronto", state="Ontario", country="Canada"
    )
    kept.refresh_from_db(), abroad.refresh_from_db()
    assert (kept.latitude, kept.coordinates_source) == (1.5, "registry")
    assert not abroad.has_coordinates
    assert fill_coordinates(abroad) is False


def test_the_command_places_stored_sites(monkeypatch):
    Site.objects.bulk_create(
        [  # bulk: no signals, as an old import would leave them
            Site(
                institution="X",
                city="Boston",
                state="Massachusetts",
                zip_code="02114",
                country="United States",
                match_key="x",
            ),
            Site(
                institution="Y",
                city="Nowhere",
                state="Atlantis",
                country="United States",
                match_key="y",
            ),
        ]
    )
    out = io.StringIO()
    call_command("geocode_sites", stdout=out)
    assert "1 sites placed from their ZIP code or city; 1 could not be placed." in out.getvalue()
    assert Site.objects.get(institution="X").coordinates_source == "zip"
