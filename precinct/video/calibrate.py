"""Calibrating a camera from matching image and ground points (pure: points in, homography and
fit figures out).

An officer clicks 4 or more points on a still of the camera's footage (kerb corners, lane marks,
a manhole) and gives each one's position on the ground, read off the district map (latitude,
longitude) or measured on site (metres east and north of any fixed mark). The homography maps
source pixels (the footage's recorded resolution) to ground metres east/north, the convention of
`precinct.video.heading`; latitude/longitude are converted to metres from the camera's position.
With 5 or more points the fit is over-determined and each point's residual (how far the
homography puts its pixel from where it was said to be, in metres) shows a mistyped point.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np

from precinct.core.geo import LatLon, east_north_m
from precinct.video.features import ground_points, homography_from_points
from precinct.video.types import Calibration

_NUMBER = r"\s*(-?\d+(?:\.\d+)?)\s*"
_PAIR = re.compile(rf"^{_NUMBER},{_NUMBER}={_NUMBER},{_NUMBER}$")


class GroundUnit(StrEnum):
    LATLON = "latlon"  # latitude, longitude (WGS-84 degrees)
    METRES = "metres"  # metres east, metres north of a fixed mark


@dataclass(frozen=True)
class PointPair:
    """One calibration point: a source pixel and its place on the ground (metres east, north)."""

    image: tuple[float, float]
    ground: tuple[float, float]


@dataclass(frozen=True)
class Fit:
    calibration: Calibration
    pairs: tuple[PointPair, ...]
    residuals_m: tuple[float, ...]  # per point; all ~0 with exactly 4 points

    @property
    def worst_m(self) -> float:
        return max(self.residuals_m, default=0.0)

    def stored(self) -> dict[str, Any]:
        """What the camera keeps: the homography, and the points it came from (to re-check or
        re-fit later)."""
        assert self.calibration.homography is not None
        return {
            "homography": [list(row) for row in self.calibration.homography],
            "points": [{"image": list(p.image), "ground": list(p.ground)} for p in self.pairs],
            "residual_m": round(self.worst_m, 3),
        }


def parse_pair(text: str, unit: GroundUnit, origin: LatLon | None) -> PointPair:
    """``"812,640=30.4851,114.1503"`` (pixel x,y = lat,lon) or ``"812,640=12.5,-3"`` (pixel
    x,y = metres east, north). Latitude/longitude need the camera's position as origin."""
    match = _PAIR.match(text)
    if match is None:
        raise ValueError(f"{text!r}: expected PX,PY=A,B (pixel x,y = ground point)")
    px, py, a, b = (float(v) for v in match.groups())
    if px < 0 or py < 0:
        raise ValueError(f"{text!r}: pixel coordinates must not be negative")
    if unit is GroundUnit.METRES:
        return PointPair((px, py), (a, b))
    if origin is None:
        raise ValueError("latitude/longitude points need the camera's position")
    try:
        place = LatLon(a, b)
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from exc
    return PointPair((px, py), east_north_m(origin, place))


def fit(pairs: list[PointPair], frame_size: tuple[int, int] | None = None) -> Fit:
    """The homography through the points and each point's residual on the ground; raises
    ValueError for too few, degenerate or out-of-picture points."""
    if frame_size is not None:
        width, height = frame_size
        outside = [p.image for p in pairs if p.image[0] > width or p.image[1] > height]
        if outside:
            raise ValueError(f"points outside the {width}×{height} picture: {outside}")
    calibration = homography_from_points([p.image for p in pairs], [p.ground for p in pairs])
    pixels = np.array([p.image for p in pairs], dtype=np.float64)
    mapped = ground_points(calibration, pixels)
    residuals = tuple(
        round(math.dist(tuple(m), p.ground), 3) for m, p in zip(mapped, pairs, strict=True)
    )
    return Fit(calibration, tuple(pairs), residuals)
