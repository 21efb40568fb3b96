"""Coordinates for sites that have none, from ZIP or city centroids.

Distance search ("within 25 miles of 02114") needs each site's latitude and
longitude. ClinicalTrials.gov gives most of them; RePORTER gives none, and
editors type sites by hand. A site saved without coordinates gets its ZIP
code's centroid, else its city's centre (``geo.centroids.centroid_for``,
offline), with ``coordinates_source`` saying which, so a precise registry
point is never overwritten by an estimate. ``projects.signals`` runs
``fill_coordinates`` after each save of such a site; ``geocode_sites``
fills the ones already stored, at the end of every import (which writes
sites in bulk, without signals) and from ``manage.py geocode_sites``.
An import places thousands of sites at once, so ``geocode_sites`` reads
only the columns a centroid needs and writes them with ``update_rows``
(one prepared statement per batch) rather than ``bulk_update``'s CASE
expression over every row.
"""

from geo.centroids import centroid_for

from .choices import CoordinatesSource
from .models import Site
from .models.bulk import update_rows

GEOCODED_FIELDS = ["latitude", "longitude", "coordinates_source"]


def fill_coordinates(site: Site) -> bool:
    """Set ``site``'s coordinates from its ZIP or city if it has none;
    returns whether it did (the caller saves)."""
    if site.has_coordinates:
        return False
    place = centroid_for(site.zip_code, site.city, site.state, country=site.country)
    if place is None:
        return False
    site.latitude, site.longitude = place.latitude, place.longitude
    site.coordinates_source = CoordinatesSource.ZIP if place.zip_code else CoordinatesSource.CITY
    return True


def geocode_sites(batch_size: int = 500) -> tuple[int, int]:
    """Fill every stored site without coordinates that a centroid can place;
    returns (filled, left without)."""
    filled = missing = 0
    pending = (
        Site.objects.filter(latitude__isnull=True)
        .only("zip_code", "city", "state", "country", *GEOCODED_FIELDS)
        .order_by("pk")
    )
    last_pk = 0
    while True:
        batch = list(pending.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return filled, missing
        last_pk = batch[-1].pk
        done = [site for site in batch if fill_coordinates(site)]
        update_rows(Site, [_coordinates(site) for site in done])
        filled += len(done)
        missing += len(batch) - len(done)


def _coordinates(site: Site) -> dict:
    return {
        "pk": site.pk,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "coordinates_source": str(site.coordinates_source),  # the code, not the enum
    }
