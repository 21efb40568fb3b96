"""Distances on the Earth and the box around a search circle, for "trials within N miles".

The rule it keeps: a bounding box is only a cheap prefilter for an indexed query (latitude and
longitude BETWEEN its edges), so it must contain every point within the radius; the exact
``haversine_miles`` check then drops the corners. A box that is too big is only slower, a box
that is too small loses results, so wherever the exact box is awkward this module errs large:

- Longitude half-width uses the spherical formula asin(sin(d) / cos(lat)), which is wider than
  the naive d / cos(lat): away from the equator a circle is widest poleward of its centre.
- If the circle reaches a pole, the box spans all longitudes, with latitude clamped to ±90.
- If the circle crosses or touches the antimeridian (±180°, one meridian written two ways;
  in US data only the far Aleutians come near it), the box spans all longitudes rather
  than wrapping into two ranges.

The Earth is a sphere of mean radius 3,958.8 miles; the error against the ellipsoid is
under 0.5%, far below the size of a ZIP code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Mean radius of the Earth (IUGG), in miles.
EARTH_RADIUS_MILES = 3958.8

#: The distances a visitor can choose from, in miles.
RADIUS_CHOICES = (10, 25, 50, 100)


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """Degrees of latitude and longitude; ``min_lon <= max_lon`` always (never wrapped)."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles between two points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_miles: float) -> BoundingBox:
    """The smallest latitude/longitude box holding every point within ``radius_miles`` of
    (``lat``, ``lon``), widened as the module docstring says near the poles and the
    antimeridian. Raises ValueError for a negative radius or a latitude outside ±90."""
    if radius_miles < 0:
        raise ValueError(f"The search radius must not be negative (got {radius_miles}).")
    if not -90 <= lat <= 90:
        raise ValueError(f"Latitude must be between -90 and 90 (got {lat}).")
    angular = radius_miles / EARTH_RADIUS_MILES
    min_lat = lat - math.degrees(angular)
    max_lat = lat + math.degrees(angular)
    if min_lat <= -90 or max_lat >= 90:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    half_width = math.degrees(math.asin(math.sin(angular) / math.cos(math.radians(lat))))
    min_lon, max_lon = lon - half_width, lon + half_width
    if min_lon <= -180 or max_lon >= 180:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(min_lat, max_lat, min_lon, max_lon)
