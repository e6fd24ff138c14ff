"""Stuck detection (pure): a car seen again and again at one place for longer than a threshold."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from precinct.core.geo import LatLon, distance_m


@dataclass(frozen=True)
class Seen:
    at: datetime
    lat: float
    lon: float
    camera: str


@dataclass(frozen=True)
class Stationary:
    since: datetime
    last: datetime
    lat: float
    lon: float
    camera: str

    @property
    def seconds(self) -> float:
        return (self.last - self.since).total_seconds()


def stationary(sightings: Sequence[Seen], radius_m: float) -> Stationary | None:
    """The latest run of sightings within `radius_m` of the newest one (time order in)."""
    if not sightings:
        return None
    ordered = sorted(sightings, key=lambda s: s.at)
    last = ordered[-1]
    start = last
    for seen in reversed(ordered[:-1]):
        if distance_m(LatLon(seen.lat, seen.lon), LatLon(last.lat, last.lon)) > radius_m:
            break
        start = seen
    return Stationary(start.at, last.at, last.lat, last.lon, last.camera)


def is_stuck(sightings: Sequence[Seen], threshold_s: float, radius_m: float) -> Stationary | None:
    run = stationary(sightings, radius_m)
    return run if run is not None and run.seconds >= threshold_s else None
