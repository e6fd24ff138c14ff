"""Small, exact-enough geometry on the district scale: distances, offsets and bounding boxes.

Haversine on a spherical Earth (error < 0.5 % against the ellipsoid), which is well inside the
accuracy of camera positions and GPS fixes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class LatLon:
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            raise ValueError(f"latitude {self.lat} is outside -90..90")
        if not -180.0 <= self.lon <= 180.0:
            raise ValueError(f"longitude {self.lon} is outside -180..180")


def distance_m(a: LatLon, b: LatLon) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi, dlmb = phi2 - phi1, math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bearing_deg(a: LatLon, b: LatLon) -> float:
    """Initial compass bearing from a to b, degrees clockwise from north in [0, 360)."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dlmb = math.radians(b.lon - a.lon)
    y = math.sin(dlmb) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(dlmb)
    return math.degrees(math.atan2(y, x)) % 360.0


def offset(origin: LatLon, east_m: float, north_m: float) -> LatLon:
    """The point `east_m` east and `north_m` north of origin (local flat-Earth step)."""
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlon = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(origin.lat))))
    return LatLon(origin.lat + dlat, origin.lon + dlon)


@dataclass(frozen=True)
class BBox:
    south: float
    west: float
    north: float
    east: float

    def contains(self, p: LatLon) -> bool:
        return self.south <= p.lat <= self.north and self.west <= p.lon <= self.east


def bbox_around(centre: LatLon, radius_m: float) -> BBox:
    """A box that contains every point within radius_m of centre (for indexed pre-filtering)."""
    sw = offset(centre, -radius_m, -radius_m)
    ne = offset(centre, radius_m, radius_m)
    return BBox(sw.lat, sw.lon, ne.lat, ne.lon)


def within_m(centre: LatLon, p: LatLon, radius_m: float) -> bool:
    return distance_m(centre, p) <= radius_m


def east_north_m(origin: LatLon, p: LatLon) -> tuple[float, float]:
    """Metres east and north of origin (local flat-Earth step; the inverse of `offset`)."""
    north = math.radians(p.lat - origin.lat) * EARTH_RADIUS_M
    east = math.radians(p.lon - origin.lon) * EARTH_RADIUS_M * math.cos(math.radians(origin.lat))
    return east, north
