"""A pinhole street camera for tests: ground metres in, source pixels out (#3).

The camera stands `HEIGHT_M` above the ground at the origin, looks along +y (ahead) tilted
down by `TILT_DEG`; x is metres to the right. Its image→ground homography comes from four
ground points through `homography_from_points`, as a site's surveyor would give them.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from precinct.video.features import homography_from_points
from precinct.video.types import Box, Calibration, Track, TrackPoint

SIZE = (1280, 720)
FOCAL_PX = 900.0
HEIGHT_M = 6.0
TILT_DEG = 15.0
_T = math.radians(TILT_DEG)
_FORWARD = (0.0, math.cos(_T), -math.sin(_T))
_UP = (0.0, math.sin(_T), math.cos(_T))


def project(x: float, y: float, z: float = 0.0) -> tuple[float, float]:
    """Pixel (u, v) of the ground-frame point (x right, y ahead, z up), in metres."""
    rel = (x, y, z - HEIGHT_M)
    depth = sum(a * b for a, b in zip(rel, _FORWARD, strict=True))
    up = sum(a * b for a, b in zip(rel, _UP, strict=True))
    return SIZE[0] / 2 + FOCAL_PX * x / depth, SIZE[1] / 2 - FOCAL_PX * up / depth


def calibration() -> Calibration:
    ground = [(-4.0, 10.0), (4.0, 10.0), (-6.0, 40.0), (6.0, 40.0)]
    return homography_from_points([project(x, y) for x, y in ground], ground)


def box_at(x: float, y: float, width_m: float, height_m: float, depth_m: float = 0.3) -> Box:
    """The image box of an upright block standing on the ground at (x, y): `width_m` across the
    view, `depth_m` along it, `height_m` tall."""
    corners = [
        project(x + dx, y + dy, z)
        for dx in (-width_m / 2, width_m / 2)
        for dy in (-depth_m / 2, depth_m / 2)
        for z in (0.0, height_m)
    ]
    us, vs = [c[0] for c in corners], [c[1] for c in corners]
    return Box(min(us), min(vs), max(us) - min(us), max(vs) - min(vs))


Path = Callable[[float], tuple[float, float]]  # t → ground (x, y)


def ground_track(
    path: Path,
    size_m: tuple[float, float, float],
    seconds: float = 4.0,
    times: list[float] | None = None,
    fps: float = 25.0,
) -> Track:
    """A track of an object (width across, height, depth along the view, metres) following
    `path`; at `times` (seconds) when given, else every frame."""
    width, height, depth = size_m
    track = Track(track_id=1)
    for t in times if times is not None else [i / fps for i in range(int(seconds * fps))]:
        x, y = path(t)
        track.add(TrackPoint(round(t * fps), t, box_at(x, y, width, height, depth)))
    return track


def towards(speed: float, x: float = 1.0, start: float = 30.0) -> Path:
    """Straight at the camera along the view axis, at `speed` m/s."""
    return lambda t: (x, start - speed * t)


def across(speed: float, y: float = 18.0, start: float = -6.0) -> Path:
    """Across the view from left to right at distance `y`, at `speed` m/s."""
    return lambda t: (start + speed * t, y)
