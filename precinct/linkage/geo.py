"""Distances on the district's street grid (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

_M_PER_DEG_LAT: Final = 111_320.0


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float

    def offsets(self, other: Point) -> tuple[float, float]:
        """Metres north and east from here to ``other``."""
        north = (other.lat - self.lat) * _M_PER_DEG_LAT
        cos = math.cos(math.radians((self.lat + other.lat) / 2))
        return north, (other.lon - self.lon) * _M_PER_DEG_LAT * cos

    def metres(self, other: Point) -> float:
        return math.hypot(*self.offsets(other))

    def street_metres(self, other: Point) -> float:
        """Along a grid of streets (north-south plus east-west)."""
        north, east = self.offsets(other)
        return abs(north) + abs(east)
