"""The demo cameras' homographies come from the lens that renders their footage."""

from __future__ import annotations

import math

import numpy as np
import pytest

from precinct.demo.calibration import district_of, ground_homography
from precinct.demo.registry import DEMO_RESOLUTION
from precinct.demo.video import FootageSpec
from precinct.demo.video_scene import Lens, camera_view
from precinct.video.features import ground_points
from precinct.video.heading import compass_heading
from precinct.video.types import Calibration


def test_demo_resolution_is_the_rendered_one() -> None:
    assert DEMO_RESOLUTION == (FootageSpec().width, FootageSpec().height)


@pytest.mark.parametrize("code", ["C02", "C04", "C14", "C20", "C26"])
def test_homography_maps_projected_ground_points_back(code: str) -> None:
    width, height = DEMO_RESOLUTION
    view = camera_view(code)
    lens = Lens(view, width, height)
    rng = np.random.default_rng(7)
    x, y = rng.uniform(-15, 15, 200), rng.uniform(view.nearest_ground(), 60.0, 200)
    u, v, depth = lens.project(x, y, np.zeros_like(x))
    seen = (depth > 0) & (u >= 0) & (u < width) & (v >= 0) & (v < height)
    assert seen.sum() > 50
    rows = ground_homography(code, width, height)
    cal = Calibration(homography=tuple((r[0], r[1], r[2]) for r in rows))
    mapped = ground_points(cal, np.column_stack([u[seen], v[seen]]))
    truth = np.array([district_of(view, a, b) for a, b in zip(x[seen], y[seen], strict=True)])
    assert float(np.abs(mapped - truth).max()) < 0.03  # metres


def test_rider_towards_the_camera_reads_his_true_heading() -> None:
    # C20 looks along its street; a rider 5 m to its right comes towards it from 40 m to 12 m.
    width, height = DEMO_RESOLUTION
    view = camera_view("C20")
    lens = Lens(view, width, height)
    y = np.linspace(40.0, 12.0, 16)
    u, v, _ = lens.project(np.full_like(y, 5.0), y, np.zeros_like(y))
    path = [[float(a), float(b)] for a, b in zip(u, v, strict=True)]
    rows = ground_homography("C20", width, height)
    cal = Calibration(homography=tuple((r[0], r[1], r[2]) for r in rows))
    direction = math.degrees(math.atan2(u[-1] - u[0], -(v[-1] - v[0]))) % 360.0
    heading = compass_heading(path, cal, direction, view.heading_deg)
    towards = (view.heading_deg + 180.0) % 360.0
    assert heading is not None and abs((heading - towards + 180) % 360 - 180) < 1.0
