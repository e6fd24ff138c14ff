"""Compass heading of a track: on the ground when its camera has a homography (#4, #5).

Pure: a track's stored thin path (foot points in source pixels) and its camera's calibration in,
a compass bearing out (0 = north, 90 = east, clockwise).

Ground frame convention: a camera's homography maps source pixels (the resolution the footage is
recorded at, which is what the scan's boxes and paths are in) to ground metres ``(x, y)`` with
``x`` pointing EAST and ``y`` pointing NORTH from any fixed local reference point. The bearing of
a displacement on the ground is then ``atan2(dx, dy)`` and needs no camera heading. Without a
homography (only metres per pixel, or no calibration) the heading is the image direction of
travel (0 = up the picture, clockwise) plus the camera's heading: right only for figures moving
across the view, wrong by up to 90° for figures moving towards or away from the camera.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from precinct.video.features import ground_points
from precinct.video.types import Calibration

MIN_GROUND_MOVE_M = 0.3  # below this ground displacement the bearing is noise


def compass_of(direction_deg: float | None, camera_heading: float | None) -> float | None:
    """Image direction + camera heading: the heading of a camera without a homography."""
    if direction_deg is None or camera_heading is None:
        return None
    return (camera_heading + direction_deg) % 360.0


def calibration_from(data: Mapping[str, Any] | None) -> Calibration | None:
    """A camera's stored calibration (``{"homography": 3×3}`` or ``{"metres_per_pixel": m}``);
    the homography wins when both are present."""
    data = data or {}
    if data.get("homography"):
        rows = tuple((float(r[0]), float(r[1]), float(r[2])) for r in data["homography"])
        return Calibration(homography=rows)
    if data.get("metres_per_pixel"):
        return Calibration(metres_per_pixel=float(data["metres_per_pixel"]))
    return None


def ground_bearing(
    path: Sequence[Sequence[float]], homography: tuple[tuple[float, float, float], ...]
) -> float | None:
    """Bearing of the foot points' displacement on the ground: the median of the last quarter
    of the path minus that of the first, mapped to metres east/north; None if it barely moves."""
    pts = np.asarray(path, dtype=np.float64).reshape(-1, 2)
    if len(pts) < 2:
        return None
    ground = ground_points(Calibration(homography=homography), pts)
    q = max(1, len(ground) // 4)
    de, dn = np.median(ground[-q:], axis=0) - np.median(ground[:q], axis=0)
    if not math.isfinite(de + dn) or math.hypot(de, dn) < MIN_GROUND_MOVE_M:
        return None
    return math.degrees(math.atan2(de, dn)) % 360.0


def compass_heading(
    path: Sequence[Sequence[float]],
    calibration: Calibration | None,
    direction_deg: float | None,
    camera_heading: float | None,
) -> float | None:
    """The track's compass heading: on the ground with a homography, else image direction plus
    camera heading. A track the scan found barely moving (``direction_deg`` None) has none."""
    if direction_deg is None:
        return None
    if calibration is not None and calibration.homography is not None:
        return ground_bearing(path, calibration.homography)
    return compass_of(direction_deg, camera_heading)


def angle_off(a: float, b: float) -> float:
    """Smallest angle between two bearings, 0-180."""
    return abs((a - b + 180.0) % 360.0 - 180.0)
