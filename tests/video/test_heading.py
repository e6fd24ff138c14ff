"""Compass heading of a track: on the ground with a homography, image + camera heading without."""

from __future__ import annotations

import math

import pytest

from precinct.video.features import homography_from_points
from precinct.video.heading import angle_off, calibration_from, compass_heading, compass_of
from precinct.video.types import Calibration

# A pinhole camera 6 m up at the origin looking SOUTH (heading 180°) onto 1280×720 pixels:
# a ground point `ahead` metres south and `right` metres west of it (right of a camera looking
# south is west) is seen at u = 640 + F·right/ahead, v = HORIZON + F·6/ahead.
F, HORIZON, CAMERA_HEADING = 800.0, 200.0, 180.0


def pixel(east: float, north: float) -> tuple[float, float]:
    ahead, right = -north, -east
    return 640 + F * right / ahead, HORIZON + F * 6 / ahead


def lens_homography() -> Calibration:
    ground = [(-5.0, -8.0), (5.0, -8.0), (-5.0, -30.0), (5.0, -30.0)]  # (east, north)
    return homography_from_points([pixel(*g) for g in ground], ground)


def walk(start: tuple[float, float], end: tuple[float, float], n: int = 12) -> list[list[float]]:
    """Foot points in pixels of a figure walking straight on the ground from start to end."""
    out = []
    for i in range(n):
        f = i / (n - 1)
        east, north = (start[0] + f * (end[0] - start[0]), start[1] + f * (end[1] - start[1]))
        out.append(list(pixel(east, north)))
    return out


def image_direction(path: list[list[float]]) -> float:
    (x0, y0), (x1, y1) = path[0], path[-1]
    return math.degrees(math.atan2(x1 - x0, -(y1 - y0))) % 360.0


def test_rider_coming_towards_the_camera_heads_north_on_the_ground() -> None:
    # 8 m east of the optical axis, riding north (towards the camera) from 30 m to 10 m away:
    # on screen he moves mostly sideways (to the left) and down.
    path = walk((8.0, -30.0), (8.0, -10.0))
    direction = image_direction(path)
    old = compass_of(direction, CAMERA_HEADING)
    assert old is not None and angle_off(old, 0.0) > 45  # the old heading: about NE, wrong
    heading = compass_heading(path, lens_homography(), direction, CAMERA_HEADING)
    assert heading is not None and angle_off(heading, 0.0) < 1.0
    # without a homography the heading stays what it was
    assert compass_heading(path, Calibration(metres_per_pixel=0.05), direction, 180.0) == old
    assert compass_heading(path, None, direction, 180.0) == old


@pytest.mark.parametrize(
    ("start", "end", "truth"),
    [((-4.0, -12.0), (6.0, -12.0), 90.0), ((0.0, -9.0), (-3.0, -25.0), 190.6)],
)
def test_crossing_and_walking_away(
    start: tuple[float, float], end: tuple[float, float], truth: float
) -> None:
    path = walk(start, end)
    heading = compass_heading(path, lens_homography(), image_direction(path), CAMERA_HEADING)
    assert heading is not None and angle_off(heading, truth) < 1.0


def test_no_heading_when_it_barely_moves() -> None:
    path = walk((0.0, -12.0), (0.1, -12.1))
    assert compass_heading(path, lens_homography(), None, CAMERA_HEADING) is None
    assert compass_heading(path, lens_homography(), 90.0, CAMERA_HEADING) is None  # 0.14 m


def test_stored_calibration_prefers_the_homography() -> None:
    rows = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    both = calibration_from({"homography": rows, "metres_per_pixel": 0.05})
    assert both is not None and both.homography is not None and both.metres_per_pixel is None
    assert calibration_from({"metres_per_pixel": 0.05}) == Calibration(metres_per_pixel=0.05)
    assert calibration_from(None) is None and calibration_from({}) is None
