"""The tracker's shortcuts give, to the bit, what the textbook matrix forms give: the inverse of
the (diagonal) innovation covariance as reciprocals, and all track × blob costs in one pass."""

from __future__ import annotations

import numpy as np

from precinct.video import features, track
from precinct.video.track import KalmanBox, Tracker, TrackerConfig, centre_distances
from precinct.video.types import Box, Detection, Track, TrackPoint


def random_filter(rng: np.random.Generator, config: TrackerConfig) -> KalmanBox:
    """A filter after a random run of steps and measurements."""
    x, y, w, h = rng.uniform(0, 1500), rng.uniform(0, 900), rng.uniform(3, 300), rng.uniform(3, 300)
    kalman = KalmanBox(Box(x, y, w, h), config)
    for _ in range(int(rng.integers(0, 12))):
        kalman.predict(float(rng.choice([0.04, 0.08, 0.5, 1.4])))
        if rng.random() < 0.7:
            b = kalman.box
            kalman.update(Box(*(np.array([b.x, b.y, b.w, b.h]) + rng.normal(0, 3, 4))))
    return kalman


def test_the_innovation_covariance_is_diagonal_and_its_inverse_the_reciprocals() -> None:
    rng, config = np.random.default_rng(5), TrackerConfig()
    for _ in range(300):
        kalman = random_filter(rng, config)
        variance = (config.measure_noise * kalman.size) ** 2
        s = kalman.p[:4, :4] + np.eye(4) * variance
        assert np.array_equal(s, np.diag(np.diagonal(s)))
        inverse = np.linalg.inv(s)
        assert np.array_equal(np.diagonal(inverse), 1.0 / np.diagonal(s))
        assert np.array_equal(np.diagonal(inverse)[:2], kalman.centre_precisions())


def test_the_update_is_the_textbook_one() -> None:
    rng, config = np.random.default_rng(6), TrackerConfig()
    for _ in range(300):
        kalman = random_filter(rng, config)
        x, p = kalman.x.copy(), kalman.p.copy()
        box = Box(rng.uniform(0, 1500), rng.uniform(0, 900), 40.0, 80.0)
        z = np.array([box.cx, box.cy, box.w, box.h])
        s = p[:4, :4] + np.eye(4) * (config.measure_noise * kalman.size) ** 2
        gain = p[:, :4] @ np.linalg.inv(s)
        kalman.update(box)
        assert np.array_equal(kalman.x, x + gain @ (z - x[:4]))
        assert np.array_equal(kalman.p, p - gain @ p[:4, :])
        w, h = max(float(kalman.x[2]), 1.0), max(float(kalman.x[3]), 1.0)  # the box follows
        assert kalman.box == Box(float(kalman.x[0]) - w / 2, float(kalman.x[1]) - h / 2, w, h)


def test_centre_distances_are_the_einsum_with_the_inverse() -> None:
    rng = np.random.default_rng(7)
    for _ in range(300):
        m, n = int(rng.integers(1, 6)), int(rng.integers(1, 9))
        means, centres = rng.uniform(0, 1900, (m, 2)), rng.uniform(0, 1900, (n, 2))
        variances = rng.uniform(0.5, 1e5, (m, 2))
        found = centre_distances(means, 1.0 / variances, centres)
        for i in range(m):
            s_inv = np.linalg.inv(np.diag(variances[i]))
            y = centres - means[i]
            expected = np.sqrt(np.einsum("ni,ij,nj->n", y, s_inv, y))
            assert np.array_equal(found[i], expected)


def row_costs(tracker: Tracker, kalman: KalmanBox, boxes: np.ndarray) -> np.ndarray:
    """One track's costs, computed as the tracker did track by track."""
    b, config = kalman.box, tracker.config
    ix = np.minimum(b.x + b.w, boxes[:, 0] + boxes[:, 2]) - np.maximum(b.x, boxes[:, 0])
    iy = np.minimum(b.y + b.h, boxes[:, 1] + boxes[:, 3]) - np.maximum(b.y, boxes[:, 1])
    inter = np.clip(ix, 0, None) * np.clip(iy, 0, None)
    union = b.area + boxes[:, 2] * boxes[:, 3] - inter
    iou = np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)
    y = boxes[:, :2] + boxes[:, 2:] / 2 - kalman.x[:2]
    variance = (config.measure_noise * kalman.size) ** 2
    s_inv = np.linalg.inv(kalman.p[:2, :2] + np.eye(2) * variance)
    distance = np.sqrt(np.einsum("ni,ij,nj->n", y, s_inv, y)) / config.gate_sigmas
    ratio = np.maximum(boxes[:, 2:], 1e-9) / np.array([b.w, b.h])
    gated = (distance <= 1) | (iou >= config.iou_accept)
    gated &= np.max(np.maximum(ratio, 1 / ratio), axis=1) <= config.max_size_ratio
    w = config.iou_weight
    cost = w * (1 - iou) + (1 - w) * np.minimum(distance, 1.0)
    return np.where(gated, cost, track.INFEASIBLE)


def test_the_cost_matrix_is_the_costs_row_by_row() -> None:
    rng, tracker, feasible = np.random.default_rng(8), Tracker(), 0
    for _ in range(200):
        lives = [
            track._Live(random_filter(rng, tracker.config), 0.0, 0.0)
            for _ in range(int(rng.integers(1, 6)))
        ]
        near = [live.kalman.box for live in lives]  # blobs around the tracks, and anywhere
        dets = [
            Detection(0, 0.0, Box(b.x + dx, b.y + dy, b.w * k, b.h * k))
            for b in near
            for dx, dy, k in [(*rng.normal(0, 10, 2), rng.uniform(0.5, 2))]
        ] + [Detection(0, 0.0, Box(*rng.uniform(0, 1500, 2), *rng.uniform(2, 200, 2)))]
        boxes = track._boxes([d.box for d in dets])
        cost = tracker._costs(lives, boxes)
        feasible += int((cost < track.INFEASIBLE).sum())
        for i, live in enumerate(lives):
            assert np.array_equal(cost[i], row_costs(tracker, live.kalman, boxes))
    assert feasible > 100


def test_the_shared_areas_are_each_boxs_own() -> None:
    rng = np.random.default_rng(9)
    a, b = rng.uniform(0, 100, (7, 4)), rng.uniform(0, 100, (5, 4))
    matrix = track._intersection_matrix(a, b)
    for i, row in enumerate(a):
        assert np.array_equal(matrix[i], track._intersections(Box(*row), b))
    assert (matrix > 0).any()


def test_foot_points_are_the_boxes_bottom_centres() -> None:
    rng = np.random.default_rng(10)
    points = [
        TrackPoint(i, i / 25, Box(*rng.uniform(0, 1900, 2), *rng.uniform(1, 300, 2)))
        for i in range(50)
    ]
    found = features.foot_points(Track(1, points))
    assert np.array_equal(found, np.array([(p.box.cx, p.box.bottom) for p in points]))
    assert len(features.foot_points(Track(2, []))) == 0


def test_the_shared_areas_clip_at_zero_as_np_clip() -> None:
    rng = np.random.default_rng(11)
    a, b = rng.uniform(0, 100, (40, 4)), rng.uniform(0, 100, (30, 4))
    a[::3, 2:] = 0.0  # boxes without area, touching others: zero widths, -0.0 differences
    right = np.minimum((a[:, 0] + a[:, 2])[:, None], (b[:, 0] + b[:, 2])[None, :])
    bottom = np.minimum((a[:, 1] + a[:, 3])[:, None], (b[:, 1] + b[:, 3])[None, :])
    ix = right - np.maximum(a[:, 0:1], b[None, :, 0])
    iy = bottom - np.maximum(a[:, 1:2], b[None, :, 1])
    expected = np.clip(ix, 0, None) * np.clip(iy, 0, None)
    found = track._intersection_matrix(a, b)
    assert np.array_equal(found, expected) and np.array_equal(
        np.signbit(found), np.signbit(expected)
    )
    assert (found == 0).any() and (found > 0).any()
