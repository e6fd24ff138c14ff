"""Ground calibration of the demo cameras from the demo's own lens model (#4, #5).

Each camera's homography maps pixels of footage rendered at ``width × height`` to ground metres
``(east, north)`` from the north-west corner of the street grid: the ground frame of
`precinct.video.heading` (x east, y north), so a track's compass heading is read on the ground.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from precinct.demo.video_scene import CameraView, Lens, camera_view
from precinct.video.features import homography_from_points

#: Ground points (metres to the right of the optical axis, metres ahead of the near edge of the
#: picture) whose pixels fix the homography: a trapezoid over the lower part of the view.
_OFFSETS = ((-4.0, 1.0), (4.0, 1.0), (-8.0, 30.0), (8.0, 30.0), (0.0, 12.0))


def district_of(view: CameraView, x: float, y: float) -> tuple[float, float]:
    """(east, north) district metres of camera-local ground (x right, y ahead): inverse of
    `CameraView.local`."""
    h = math.radians(view.heading_deg)
    north = view.north - x * math.sin(h) + y * math.cos(h)
    east = view.east + x * math.cos(h) + y * math.sin(h)
    return east, north


def control_points(
    view: CameraView, width: int, height: int
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Matching (pixel, ground east/north) points: ground points along the optical axis's
    direction, projected by the lens that renders the footage."""
    lens = Lens(view, width, height)
    yaw = math.radians(view.yaw_deg)
    near = view.nearest_ground()
    local = [
        (
            s * math.cos(yaw) + (near + d) * math.sin(yaw),
            -s * math.sin(yaw) + (near + d) * math.cos(yaw),
        )
        for s, d in _OFFSETS
    ]
    xs, ys = np.array([p[0] for p in local]), np.array([p[1] for p in local])
    u, v, _ = lens.project(xs, ys, np.zeros_like(xs))
    pixels = [(float(a), float(b)) for a, b in zip(u, v, strict=True)]
    return pixels, [district_of(view, x, y) for x, y in local]


def ground_homography(code: str, width: int, height: int) -> list[list[float]]:
    """The 3×3 pixel → (east, north) metres homography of a demo camera at this resolution.

    Fitted in metres from the foot of the pole (well conditioned), then shifted to the grid."""
    view = camera_view(code)
    pixels, ground = control_points(view, width, height)
    local = [(e - view.east, n - view.north) for e, n in ground]
    h = np.asarray(homography_from_points(pixels, local).homography, dtype=np.float64)
    shift = np.array([[1.0, 0.0, view.east], [0.0, 1.0, view.north], [0.0, 0.0, 1.0]])
    moved = shift @ h
    return [[float(c) for c in row] for row in moved / moved[2, 2]]


def demo_calibration(
    code: str, metres_per_pixel: float | None, width: int, height: int
) -> dict[str, Any]:
    """What the registry stores for a demo camera: the homography (for footage of this
    resolution), and its metres per pixel too."""
    data: dict[str, Any] = {"homography": ground_homography(code, width, height)}
    if metres_per_pixel is not None:
        data["metres_per_pixel"] = metres_per_pixel
    return data
