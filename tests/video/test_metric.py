"""Ground size and speed of tracks through a camera's calibration (#3): a pinhole street camera
(`ground_scene`) gives exact boxes of objects of known size moving at known speed."""

from __future__ import annotations

import numpy as np
import pytest

from precinct.video.metric import expected_width, measure_metric, scale_at_foot
from precinct.video.scan import ScanConfig, Scanner, TrackCrops
from precinct.video.types import Box, Calibration, ObjectClass, Track, TrackPoint

from .ground_scene import SIZE, Path, across, calibration, ground_track, towards

WALKER = (0.5, 1.7, 0.3)  # width across, height, depth along the view (metres)
BURSTS = [b + i * 0.04 for b in (0.0, 1.0, 2.0, 3.0) for i in range(3)]  # 3 frames a second


@pytest.mark.parametrize("path", [towards(1.4), across(1.4)], ids=["towards", "across"])
def test_a_walker_measures_his_size_and_speed(path: Path) -> None:
    metric = measure_metric(ground_track(path, WALKER), calibration())
    assert metric is not None
    assert metric.speed_m_s == pytest.approx(1.4, abs=0.05)
    assert 0.45 < metric.width_m < 0.7  # his breadth, and a little of his depth
    assert metric.height_m == pytest.approx(1.7, rel=0.1)


def test_direction_of_travel_is_read_on_the_ground() -> None:
    cal = calibration()
    head_on = measure_metric(ground_track(towards(5.0), WALKER), cal)
    sideways = measure_metric(ground_track(across(5.0), WALKER), cal)
    assert head_on is not None and sideways is not None
    assert head_on.across == pytest.approx(0.0, abs=0.02)
    assert sideways.across == pytest.approx(1.0, abs=0.02)
    still = measure_metric(ground_track(lambda t: (1.0, 20.0), WALKER), cal)
    assert still is not None and still.across is None and still.speed_m_s < 0.05


def test_sparse_bursts_measure_like_every_frame() -> None:
    cal = calibration()
    dense = measure_metric(ground_track(towards(5.0), (0.6, 1.7, 1.7)), cal)
    sparse = measure_metric(ground_track(towards(5.0), (0.6, 1.7, 1.7), times=BURSTS), cal)
    assert dense is not None and sparse is not None
    assert sparse.speed_m_s == pytest.approx(5.0, rel=0.03)
    assert sparse.width_m == pytest.approx(dense.width_m, rel=0.15)


def test_metres_per_pixel_scales_boxes_and_speed() -> None:
    track = Track(1)
    for i in range(50):
        track.add(TrackPoint(i, i / 25, Box(100 + 2.0 * i, 300, 20, 50)))  # 50 px/s
    metric = measure_metric(track, Calibration(metres_per_pixel=0.04))
    assert metric is not None
    assert (metric.width_m, metric.height_m) == pytest.approx((0.8, 2.0))
    assert metric.speed_m_s == pytest.approx(2.0, rel=0.02)


def test_no_calibration_or_feet_above_the_horizon_measure_nothing() -> None:
    track = ground_track(towards(1.4), WALKER)
    assert measure_metric(track, None) is None
    assert measure_metric(track, Calibration()) is None
    sky = Track(2, [TrackPoint(i, i / 25, Box(600 + i, 40, 20, 50)) for i in range(30)])
    assert measure_metric(sky, calibration()) is None
    rows = np.array([[600.0, 90.0, 20.0, 50.0], [600.0, 650.0, 20.0, 50.0]])
    above, below = scale_at_foot(calibration(), rows)
    assert np.isnan(above) and 0 < below < 0.05


def test_expected_width_runs_from_breadth_to_length() -> None:
    car = (4.5, 1.8)
    assert expected_width(car, 0.0) == pytest.approx((1.8, 1.8))
    assert expected_width(car, 1.0) == pytest.approx((4.5, 4.5))
    assert expected_width(car, None) == (1.8, 4.5)


def test_the_scanner_classes_tracks_on_its_cameras_ground() -> None:
    """A cyclist riding at the camera: the scan's summary says cyclist at 5 m/s when the camera
    is calibrated, and what image cues say (a walker) when it is not."""
    track = ground_track(towards(5.0), (0.6, 1.7, 1.75), seconds=2.5)
    calibrated = Scanner(ScanConfig(verify_crops=0), calibration=calibration())
    summary = calibrated._finish(track, TrackCrops(), SIZE).summary
    assert summary.object_class is ObjectClass.CYCLIST
    assert summary.speed_m_s == pytest.approx(5.0, rel=0.03)
    plain = Scanner(ScanConfig(verify_crops=0))._finish(track, TrackCrops(), SIZE).summary
    assert plain.object_class is ObjectClass.PERSON and plain.speed_m_s is None
