"""Synopsis packing: every track appears, no two overlap, a busy night fits in two minutes."""

from __future__ import annotations

import random

import numpy as np

from precinct.demo.video_tracks import boxes_along
from precinct.video.synopsis import (
    Tube,
    length_steps,
    overlapping_pairs,
    pack,
    speed_factor,
    tube_of,
)

FPS = 25.0


def tube(track_id: int, start_t: float, seconds: float, y: float) -> Tube:
    boxes = boxes_along(((0.0, y), (1200.0, y)), start_t, seconds, step=1)
    return tube_of(track_id, start_t, boxes, FPS)


def test_tube_samples_the_boxes_every_half_second() -> None:
    t = tube(1, 100.0, 4.0, 300.0)
    assert t.steps == 8 and t.start_t == 100.0
    assert t.boxes[0][0] == -20.0 and t.boxes[-1][0] > 1000  # walks left to right


def test_tracks_in_separate_lanes_share_the_same_moment() -> None:
    tubes = [tube(1, 0.0, 6, 200.0), tube(2, 3000.0, 6, 500.0)]  # an hour apart, other lane
    placed = pack(tubes)
    assert [p.slot for p in placed] == [0, 0]
    assert overlapping_pairs(tubes, placed) == []


def test_tracks_in_the_same_lane_queue_up() -> None:
    tubes = [tube(n, n * 600.0, 6, 300.0) for n in range(3)]
    placed = pack(tubes)
    assert overlapping_pairs(tubes, placed) == []
    assert len({p.slot for p in placed}) == 3
    assert length_steps(placed) < 3 * 12 + 12  # tight: each starts when the lane frees up


def test_a_night_of_random_tracks_all_appear_without_overlap_in_two_minutes() -> None:
    rng = random.Random(5)
    tubes = []
    for n in range(120):
        y1, y2 = rng.uniform(100, 700), rng.uniform(100, 700)
        boxes = boxes_along(
            ((rng.uniform(0, 600), y1), (rng.uniform(600, 1280), y2)),
            rng.uniform(0, 36000),
            rng.uniform(2, 20),
            step=5,
        )
        tubes.append(tube_of(n, float(boxes[0, 0]) / FPS, boxes, FPS))
    placed = pack(tubes)
    assert sorted(p.track_id for p in placed) == list(range(120))
    assert overlapping_pairs(tubes, placed) == []
    factor = speed_factor(placed, max_s=120.0)
    assert length_steps(placed) * 0.5 / factor <= 120.0
    assert factor < 10  # packing, not only speed-up, does the condensing
    assert np.isfinite(factor)
