"""Boxes of a burst-sampled track: interpolation across the gaps it was followed through, and
continuation to the picture's edge where it came in or left between two bursts."""

from __future__ import annotations

import numpy as np
import pytest

from precinct.video import link
from precinct.video.types import Box, Track, TrackPoint

FPS = 25.0


def sampled(frames: list[int], x0: float = 100.0, vx: float = 4.0) -> Track:
    """A 20×40 box moving `vx` px per frame, seen only at `frames`."""
    return Track(1, [TrackPoint(f, f / FPS, Box(x0 + vx * f, 50.0, 20.0, 40.0)) for f in frames])


def test_gaps_are_filled_linearly_with_weight_zero() -> None:
    track = sampled([0, 1, 2, 10, 11])
    rows = link.interpolated_boxes(track, max_gap=40)
    assert rows[:, 0].tolist() == list(range(12))
    assert rows[:, 5].tolist() == [1, 1, 1] + [0] * 7 + [1, 1]
    # a constant velocity is recovered exactly in between
    np.testing.assert_allclose(rows[:, 1], 100.0 + 4.0 * rows[:, 0], atol=1e-4)
    np.testing.assert_allclose(rows[:, 3:5], [[20.0, 40.0]] * 12)


def test_gaps_longer_than_the_limit_stay_gaps() -> None:
    rows = link.interpolated_boxes(sampled([0, 1, 60, 61]), max_gap=40)
    assert rows[:, 0].tolist() == [0, 1, 60, 61]
    assert rows[:, 5].tolist() == [1, 1, 1, 1]


def test_observed_boxes_carry_weight_one() -> None:
    rows = link.observed_boxes(sampled([3, 4]))
    assert rows.shape == (2, 6) and rows[:, 5].tolist() == [1, 1]


def test_dense_track_has_a_point_per_frame_with_interpolated_times() -> None:
    dense = link.dense_track(sampled([0, 1, 2, 50, 51, 52]), max_gap=60)
    assert [p.frame for p in dense.points] == list(range(53))
    assert dense.points[25].t == pytest.approx(1.0)
    assert dense.points[25].box.x == pytest.approx(200.0)


def test_unseen_frames_around_a_track_come_from_the_decoded_frames() -> None:
    decoded = [*range(0, 10), *range(50, 60), *range(100, 110)]
    track = sampled([50, 51, 52, 59])
    unseen = link.unseen_around(track, decoded, (640, 360))
    assert (unseen.before, unseen.after) == (40, 40)
    inside_burst = link.unseen_around(sampled([52, 53, 54, 55]), decoded, (640, 360))
    assert inside_burst.before == 0  # frames 50 and 51 were decoded: it was not there yet


def test_a_passer_that_came_in_unseen_is_continued_back_to_the_edge() -> None:
    track = sampled(list(range(50, 60)), x0=-170.0, vx=4.0)  # x = 30 at frame 50
    rows = link.entry_and_exit(track, link.Unseen(before=40, after=0, size=(640, 360)))
    assert len(rows) and rows[:, 5].max() == 0.0
    assert rows[:, 0].max() == 49 and rows[:, 0].min() > 10
    assert rows[:, 1].min() == 0.0  # clipped at the left edge
    assert (rows[:, 3] >= link.MIN_INSIDE * 20.0).all()


def test_no_continuation_where_the_path_stays_inside_the_picture() -> None:
    track = sampled(list(range(50, 60)), x0=100.0, vx=1.0)  # mid-picture, slow
    rows = link.entry_and_exit(track, link.Unseen(before=40, after=40, size=(640, 360)))
    assert rows.shape == (0, 6)


def test_a_passer_leaving_unseen_is_continued_to_the_edge() -> None:
    track = sampled(list(range(0, 10)), x0=560.0, vx=4.0)  # x = 596 at frame 9
    rows = link.entry_and_exit(track, link.Unseen(before=0, after=40, size=(640, 360)))
    assert rows[:, 0].min() == 10 and rows[:, 0].max() < 50
    assert (rows[:, 1] + rows[:, 3] <= 640.0 + 1e-3).all()
