"""Real-world size and speed of a track, from its camera's ground calibration (#3).

Pure: a track and a `Calibration` in, metres and metres per second out. A track's boxes stand
on the ground at their bottom centre (the foot point), so the homography measures what lies on
the ground there: the ground distance between the two bottom corners of a box is the object's
width across the view, in metres; dividing it by the box width in pixels gives the scale at the
foot, and an upright figure's box height at that scale is its height in metres (a pinhole lens
scales a vertical segment at a given distance like a horizontal one, up to the camera's tilt).
With only metres per pixel, the scale is the same everywhere.

Speeds are those of `features.speed_m_s` (binned foot points mapped to the ground, over
timestamps, not frame counts, so sparse or interpolated tracks measure the same). Everything
here is a few hundred floating-point operations per track: classification runs for every track.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from precinct.video.features import binned_feet, ground_points, path_speed
from precinct.video.types import Calibration, Track

SAMPLES = 24  # boxes measured per track, evenly spread (medians make them robust)
MAX_M_PER_PX = 0.5  # a coarser scale at a foot point means it lies near the horizon: unusable


@dataclass(frozen=True)
class Metric:
    """A track's ground figures: median width and height in metres, ground speed in m/s."""

    speed_m_s: float
    width_m: float
    height_m: float
    across: float | None = None  # |cos| of travel to the view's across direction; None: still


#: Length along the travel direction and breadth across it, metres: what a box's width shows of
#: an object depends on the angle it travels at (a bicycle is ~0.6 m wide head-on, 1.75 m long).
DIMENSIONS = {"person": (0.6, 0.7), "cyclist": (1.75, 0.65), "vehicle": (4.5, 1.8)}
MIN_TRAVEL_M = 0.5  # below this ground displacement the direction of travel is unknown


def expected_width(dims: tuple[float, float], across: float | None) -> tuple[float, float]:
    """The range of box widths (metres at the foot) an object of `dims` shows travelling at
    `across` (1 = across the view, 0 = towards or away); any width between its breadth and
    length when the direction is unknown."""
    length, breadth = dims
    if across is None:
        return min(dims), max(dims)
    width = length * across + breadth * math.sqrt(max(0.0, 1.0 - across * across))
    return width, width


def calibrated(cal: Calibration | None) -> bool:
    return cal is not None and (cal.homography is not None or cal.metres_per_pixel is not None)


def _sample(track: Track) -> NDArray[np.float64]:
    """Left, bottom, width, height of up to SAMPLES boxes spread evenly over the track."""
    n = len(track.points)
    picks = np.linspace(0, n - 1, min(n, SAMPLES)).round().astype(int)
    boxes = [track.points[i].box for i in picks]
    return np.array([(b.x, b.bottom, b.w, b.h) for b in boxes], dtype=np.float64)


def _ground(
    h: NDArray[np.float64], x: NDArray[np.float64], y: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Ground (x, y) and the projective denominator of image points (x, y)."""
    den = h[2, 0] * x + h[2, 1] * y + h[2, 2]
    safe = np.where(np.abs(den) < 1e-12, np.nan, den)
    gx = (h[0, 0] * x + h[0, 1] * y + h[0, 2]) / safe
    gy = (h[1, 0] * x + h[1, 1] * y + h[1, 2]) / safe
    return gx, gy, den


def scale_at_foot(cal: Calibration, rows: NDArray[np.float64]) -> NDArray[np.float64]:
    """Metres per pixel across the view at each box's foot (rows: left, bottom, width, height);
    NaN where it cannot be measured (a foot at or beyond the horizon, an empty box)."""
    widths = np.maximum(rows[:, 2], 1.0)
    if cal.homography is None:
        return np.full(len(rows), float(cal.metres_per_pixel or math.nan))
    h = np.asarray(cal.homography, dtype=np.float64)
    lx, ly, lden = _ground(h, rows[:, 0], rows[:, 1])
    rx, ry, rden = _ground(h, rows[:, 0] + widths, rows[:, 1])
    scale = np.hypot(rx - lx, ry - ly) / widths
    ok = np.isfinite(scale) & (scale > 0) & (scale < MAX_M_PER_PX)
    if h[2, 1] != 0:  # the ground lies below the horizon: where y grows, the sign of h[2, 1]
        ok &= (np.sign(lden) == np.sign(h[2, 1])) & (np.sign(rden) == np.sign(h[2, 1]))
    return np.where(ok, scale, np.nan)


def measure_metric(track: Track, cal: Calibration | None) -> Metric | None:
    """The track's size and speed on the ground, or None without a calibration (or when no box
    stands where the calibration can measure it)."""
    if not calibrated(cal) or not track.points:
        return None
    assert cal is not None
    rows = _sample(track)
    scale = scale_at_foot(cal, rows)
    ok = np.isfinite(scale)
    if ok.sum() * 2 < len(rows):
        return None
    times, feet = binned_feet(track)
    ground = ground_points(cal, feet)
    speed = path_speed(times, ground)
    if not math.isfinite(speed):
        return None
    width = float(np.median(rows[ok, 2] * scale[ok]))
    height = float(np.median(rows[ok, 3] * scale[ok]))
    return Metric(speed, width, height, _across(ground, cal, rows[ok]))


def _across(
    ground: NDArray[np.float64], cal: Calibration, rows: NDArray[np.float64]
) -> float | None:
    """How much the track travels across the view rather than along it, on the ground: |cos|
    of the angle between its displacement (first to last quarter of its binned foot points on
    the ground) and the ground direction of a box's bottom edge."""
    q = max(1, len(ground) // 4)
    travel = np.median(ground[-q:], axis=0) - np.median(ground[:q], axis=0)
    x, bottom, w = rows[len(rows) // 2, :3]
    edge = ground_points(cal, np.array([[x, bottom], [x + max(w, 1.0), bottom]]))
    side = edge[1] - edge[0]
    moved, wide = float(np.hypot(*travel)), float(np.hypot(*side))
    if not (math.isfinite(moved) and math.isfinite(wide)) or moved < MIN_TRAVEL_M or wide == 0:
        return None
    return min(1.0, abs(float(travel @ side)) / (moved * wide))
