"""Multi-object tracking of moving blobs: a Kalman filter per object, Hungarian assignment.

`Tracker.update(detections, t, frame)` is fed every processed frame of a span (also frames with no
detections, so that time passes for the tracks); `finish()` ends the span and returns the
confirmed tracks, numbered in order of their first frame.

- State per track: centre, width, height and their velocities in source pixels and pixels per
  second, constant-velocity model with dt taken from the frame times (frames may be skipped).
  Noises are proportional to the box size, so one setting fits a far walker and a near bus.
- Cost: a mix of 1 − IoU and the centre's Mahalanobis distance (normalised by the gate), gated by
  that distance or a good IoU, and by the change of size. The gate widens with the filter's own
  uncertainty: wide for a new track whose speed is unknown (a fast car jumps a box length per
  frame), narrow for a steady one, wider again while a track coasts through a gap.
- Confirmed tracks are matched first, then tentative ones, then new tentative tracks start.
- Birth after `min_hits` consecutive matches; death `max_missed` seconds after the last match.
- Crossings: a blob that covers half or more of the predicted boxes of two confirmed tracks moving
  apart (two people passing merge into one blob) updates none of them; they coast on their
  predictions, count as seen while the blob covers them, and pick up their own blobs when these
  separate. Tracks moving together (fragments of one object) may share a blob as usual, and a
  blob far larger than the tracks' union (`crossing_cover`) is something new, not a crossing.
- Gaps: frames without a matched detection (missed or merged blobs) are LEFT OUT of the track's
  points; a track's points are the filtered boxes at the frames where it was matched.
- Kept tracks have at least `min_points` points, last `min_duration` seconds and travel
  `min_travel` box sizes (flickering lamps and swaying branches stay put and are dropped), or
  `long_travel` for a track followed `long_s` whose smoothed path stands out from its jitter
  (someone lingering at a parked car; a lamp's flicker only wanders); a
  track briefer than `brief_s` must travel `brief_travel` box sizes (persistence: a small blob
  counts when it is followed for a while, so the motion stage may accept small blobs without
  keeping every flicker of a lamp or fragment of glare).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from precinct.video.types import Box, Detection, Track, TrackPoint

Vector = NDArray[np.float64]
Matrix = NDArray[np.float64]
INFEASIBLE = 1e6
SMOOTH_POINTS = 25
"""Points averaged when a long, slow track's travel is measured (a second at 25 fps)."""


@dataclass
class TrackerConfig:
    min_hits: int = 3  # consecutive matches before a track is confirmed
    max_missed: float = 1.0  # seconds without a match before a track ends
    min_points: int = 4  # a kept track has at least this many points ...
    min_duration: float = 0.1  # ... spans at least this many seconds ...
    min_travel: float = 0.5  # ... and its centre moves at least this many box sizes
    brief_s: float = 1.0  # a track shorter than this (lamp flicker, a glare fragment) is kept
    brief_travel: float = 1.0  # ... only if it crosses this many box sizes (a fast passer)
    long_s: float = 5.0  # a track followed this long needs to travel only ...
    long_travel: float = 0.1  # ... this many box sizes, smoothed (someone lingering at a car),
    long_significance: float = 15.0  # ... and this many times its smoothed jitter
    gate_sigmas: float = 3.0  # Mahalanobis gate on the predicted centre
    iou_accept: float = 0.5  # a pair with at least this IoU is feasible whatever the distance
    iou_weight: float = 0.5  # cost = w × (1 − IoU) + (1 − w) × distance / gate
    max_size_ratio: float = 3.0  # width or height may change at most this factor per match
    coast_size_ratio: float = 1.5  # across a gap in the frames (sampled decoding: longer than
    coast_gap_s: float = 0.2  # … this), a box's size stays within this factor of the last seen
    crossing_speed: float = 0.3  # tracks moving apart this fast (box sizes/s) share no blob
    crossing_cover: float = 1.5  # ... unless it is over this many times their boxes' union
    crossing_relative: float = 0.5  # ... and unless that is under this share of their speed
    measure_noise: float = 0.15  # std of a measured centre or side, in box sizes
    accel_noise: float = 3.0  # std of acceleration, box sizes per second²
    init_speed: float = 20.0  # std of a new track's unknown speed, box sizes per second
    first_id: int = 1


EYE4 = np.eye(4)
NOISE_PATTERNS = np.stack(
    [
        np.kron(np.array(block, np.float64), EYE4).ravel()
        for block in ([[1, 0], [0, 0]], [[0, 1], [1, 0]], [[0, 0], [0, 1]])
    ]
)
"""The process noise of a constant-velocity step, (dt⁴/4, dt³/2, dt²)·σ² placed by `np.kron`
of its 2×2 block with the 4×4 identity: one row per coefficient (a product, not a kron)."""
NOISE_INDEX = np.where(NOISE_PATTERNS.any(axis=0), NOISE_PATTERNS.argmax(axis=0), 3).reshape(8, 8)
"""Which coefficient each entry of the process noise holds (3: none, zero): every entry holds at
most one, so picking it is the product with `NOISE_PATTERNS`, exactly."""


@lru_cache(maxsize=64)
def _transition(dt: float) -> Matrix:
    """The constant-velocity step over `dt` (read only: shared by every filter)."""
    f = np.eye(8)
    f[:4, 4:] = EYE4 * dt
    f.flags.writeable = False
    return f


class KalmanBox:
    """Constant-velocity Kalman filter over (cx, cy, w, h); noises scale with the box size.

    Every call builds only what changes: the step matrix is cached per time step, the noise
    matrices are products of fixed patterns (the filter runs for every live track in every
    decoded frame; building them with `np.eye`/`np.kron` each time cost more than the
    filtering itself).

    The four coordinates are independent: the step, the noises and the measurement act on each
    (value, rate) pair apart, so `p` couples a coordinate only with its own rate, and the
    innovation covariance (`p[:4, :4]` plus the measurement noise) is diagonal, its entries
    off the diagonal exactly zero. Its inverse is the reciprocals of its diagonal, which is
    what `np.linalg.inv` returns for it, to the bit (`update`, `centre_precisions`).
    `x` changes only through `predict` and `update` (the box is cached between them)."""

    def __init__(self, box: Box, config: TrackerConfig) -> None:
        self.config = config
        self.x: Vector = np.array([box.cx, box.cy, box.w, box.h, 0, 0, 0, 0], np.float64)
        size = max(box.w, box.h, 1.0)
        pos, speed = config.measure_noise * size, config.init_speed * size
        self.p: Matrix = np.diag([pos**2] * 4 + [speed**2] * 2 + [(speed / 4) ** 2] * 2)
        self.measured = (box.w, box.h)  # the last measured size
        self._box: Box | None = None

    @property
    def size(self) -> float:
        return max(float(self.x[2]), float(self.x[3]), 1.0)

    @property
    def box(self) -> Box:
        if self._box is None:
            w, h = max(float(self.x[2]), 1.0), max(float(self.x[3]), 1.0)
            self._box = Box(float(self.x[0]) - w / 2, float(self.x[1]) - h / 2, w, h)
        return self._box

    def predict(self, dt: float) -> None:
        f = _transition(dt)
        sigma = self.config.accel_noise * self.size
        coefficients = np.array([dt**4 / 4, dt**3 / 2, dt**2, 0.0]) * sigma**2
        q = coefficients[NOISE_INDEX]
        self.x = f @ self.x
        self.p = f @ self.p @ f.T + q
        self._box = None
        if dt > self.config.coast_gap_s:
            self._hold_size()

    def _hold_size(self) -> None:
        """A box's rate of growth holds for a few frames, not across a gap: while the filter
        coasts, its size stays within `coast_size_ratio` of the last measured one (a far walker
        unseen between two bursts would otherwise shrink to a pixel and fail the size gate)."""
        ratio = self.config.coast_size_ratio
        for i, measured in ((2, self.measured[0]), (3, self.measured[1])):
            self.x[i] = min(max(self.x[i], measured / ratio), measured * ratio)
        self._box = None

    def update(self, box: Box) -> None:
        z = np.array([box.cx, box.cy, box.w, box.h])
        variances = np.diagonal(self.p)[:4] + self._measure_variance()
        gain = self.p[:, :4] * (1.0 / variances)  # p[:, :4] @ inv(s): s is diagonal
        self.x = self.x + gain @ (z - self.x[:4])
        self.measured = (box.w, box.h)
        self.p = self.p - gain @ self.p[:4, :]
        self._box = None

    def distances(self, centres: Matrix) -> Vector:
        """Mahalanobis distances of n centres (n×2) from the predicted centre."""
        precisions = np.array([self.centre_precisions()])
        row: Vector = centre_distances(self.x[None, :2], precisions, centres)[0]
        return row

    def centre_precisions(self) -> tuple[float, float]:
        """The inverse of the centre's innovation covariance (diagonal): its diagonal."""
        variance, p = self._measure_variance(), self.p
        return 1.0 / (float(p[0, 0]) + variance), 1.0 / (float(p[1, 1]) + variance)

    def _measure_variance(self) -> float:
        return float((self.config.measure_noise * self.size) ** 2)


class Mover(NamedTuple):
    points: list[TrackPoint]
    box: Box  # the filter's current box
    vx: float  # px/s
    vy: float
    confirmed: bool


@dataclass
class _Live:
    """A track being followed: its filter, its state time, and the points seen so far."""

    kalman: KalmanBox
    t: float
    last_seen: float  # last time a blob was matched to it, or covered it in a crossing
    hits: int = 1
    confirmed: bool = False
    points: list[TrackPoint] = field(default_factory=list)


class Tracker:
    """Follows blobs across the frames of a span; one instance can serve many spans."""

    def __init__(self, config: TrackerConfig | None = None) -> None:
        self.config = config or TrackerConfig()
        self._live: list[_Live] = []
        self._done: list[_Live] = []
        self._next_id = self.config.first_id

    def update(self, detections: list[Detection], t: float, frame: int) -> None:
        self._retire_stale(t)
        for live in self._live:
            live.kalman.predict(max(0.0, t - live.t))
            live.t = t
        free = self._set_aside_crossings(detections, t)
        confirmed = [live for live in self._live if live.confirmed]
        tentative = [live for live in self._live if not live.confirmed]
        free = self._match(confirmed, free, frame)
        free = self._match(tentative, free, frame)
        self._drop_missed_tentative(t)
        self._live += [self._start(det, t, frame) for det in free]

    def finish(self) -> list[Track]:
        """End the span: return its kept tracks (ids increasing with the first frame)."""
        self._done += [live for live in self._live if live.confirmed]
        kept = sorted(filter(self._keep, self._done), key=lambda live: live.points[0].frame)
        self._live, self._done = [], []
        tracks = [Track(self._next_id + i, live.points) for i, live in enumerate(kept)]
        self._next_id += len(tracks)
        return tracks

    def movers(self) -> list[Mover]:
        """Live tracks (for a sampling decoder and online crops; `points` is the list the
        finished `Track` will hold)."""
        return [
            Mover(live.points, live.kalman.box, *_velocity(live), live.confirmed)
            for live in self._live
        ]

    def _set_aside_crossings(self, detections: list[Detection], t: float) -> list[Detection]:
        """Set aside blobs covering half or more of the predicted boxes of confirmed tracks that
        move apart (a crossing): those tracks coast, and count as seen. Fragments of one object
        move together and may merge again."""
        confirmed = [live for live in self._live if live.confirmed]
        if len(confirmed) < 2:
            return detections
        predicted = _boxes([live.kalman.box for live in confirmed])
        halves = 0.5 * _areas(predicted)
        shared = _intersection_matrix(_boxes([det.box for det in detections]), predicted)
        free: list[Detection] = []
        for det, row in zip(detections, shared, strict=True):
            covered = np.flatnonzero(row >= halves)
            crossing = _wholes([confirmed[k] for k in covered]) if len(covered) > 1 else []
            if len(crossing) > 1 and self._apart(crossing) and self._explains(det.box, crossing):
                for live in crossing:
                    live.last_seen = t
            else:
                free.append(det)
        return free

    def _explains(self, blob: Box, lives: list[_Live]) -> bool:
        """Whether the tracks' predicted boxes explain the blob: a crossing's blob is about
        their union. A far larger one is something new that covers them (a car entering over
        the fragments of its own first frames), and must be free to start its own track."""
        boxes = [live.kalman.box for live in lives]
        x0, y0 = min(b.x for b in boxes), min(b.y for b in boxes)
        x1, y1 = max(b.x + b.w for b in boxes), max(b.y + b.h for b in boxes)
        return blob.area <= self.config.crossing_cover * (x1 - x0) * (y1 - y0)

    def _apart(self, lives: list[_Live]) -> bool:
        """Whether any two of the tracks move apart faster than `crossing_speed` box sizes per
        second and than `crossing_relative` of the faster one's speed: the two halves of a fast
        car differ by a few box sizes per second (their boxes grow as it enters), not by their
        speed, as people crossing or overtaking do."""
        for i, a in enumerate(lives):
            for b in lives[i + 1 :]:
                relative = float(np.hypot(*(a.kalman.x[4:6] - b.kalman.x[4:6])))
                fastest = max(float(np.hypot(*live.kalman.x[4:6])) for live in (a, b))
                size = min(a.kalman.size, b.kalman.size)
                if relative > max(
                    self.config.crossing_speed * size, self.config.crossing_relative * fastest
                ):
                    return True
        return False

    def _match(self, lives: list[_Live], dets: list[Detection], frame: int) -> list[Detection]:
        """Assign detections to tracks; return the detections left over."""
        if not lives or not dets:
            return dets
        cost = self._costs(lives, _boxes([det.box for det in dets]))
        used: set[int] = set()
        for i, j in zip(*linear_sum_assignment(cost), strict=True):
            if cost[i, j] < INFEASIBLE:
                self._hit(lives[i], dets[j], frame)
                used.add(int(j))
        return [det for j, det in enumerate(dets) if j not in used]

    def _costs(self, lives: list[_Live], boxes: Matrix) -> Matrix:
        """Cost of matching each of m tracks to each of n boxes (n×4: x, y, w, h), gated: m×n,
        in one pass over all pairs (element by element what one track's row would be)."""
        predicted = _boxes([live.kalman.box for live in lives])
        iou = _iou_matrix(predicted, boxes)
        means = np.array([live.kalman.x[:2] for live in lives])
        precisions = np.array([live.kalman.centre_precisions() for live in lives])
        centres = boxes[:, :2] + boxes[:, 2:] / 2
        distance = centre_distances(means, precisions, centres) / self.config.gate_sigmas
        gated = (distance <= 1) | (iou >= self.config.iou_accept)
        gated &= _size_ratio_matrix(predicted, boxes) <= self.config.max_size_ratio
        w = self.config.iou_weight
        cost = w * (1 - iou) + (1 - w) * np.minimum(distance, 1.0)
        return np.where(gated, cost, INFEASIBLE)

    def _hit(self, live: _Live, det: Detection, frame: int) -> None:
        live.kalman.update(det.box)
        live.hits += 1
        live.last_seen = live.t
        live.confirmed = live.confirmed or live.hits >= self.config.min_hits
        live.points.append(TrackPoint(frame, live.t, live.kalman.box))

    def _start(self, det: Detection, t: float, frame: int) -> _Live:
        live = _Live(KalmanBox(det.box, self.config), t, t)
        live.points.append(TrackPoint(frame, t, det.box))
        return live

    def _retire_stale(self, t: float) -> None:
        """End confirmed tracks unseen for over `max_missed` s (before matching, so that a track
        from before a gap between spans never catches a blob after it)."""
        stale = [live for live in self._live if t - live.last_seen > self.config.max_missed]
        self._done += [live for live in stale if live.confirmed]
        self._live = [live for live in self._live if t - live.last_seen <= self.config.max_missed]

    def _drop_missed_tentative(self, t: float) -> None:
        """A tentative track dies at its first miss."""
        self._live = [live for live in self._live if live.confirmed or live.last_seen >= t]

    def _keep(self, live: _Live) -> bool:
        points, config = live.points, self.config
        duration = points[-1].t - points[0].t if points else 0.0
        if len(points) < config.min_points or duration < config.min_duration:
            return False
        size = _median_size(points)
        travel = _travel(points) / size
        if duration < config.brief_s:
            return travel >= config.brief_travel
        if duration >= config.long_s and travel < config.min_travel:
            return self._lingers(points, size)
        return travel >= config.min_travel

    def _lingers(self, points: list[TrackPoint], size: float) -> bool:
        """A long track that moved little: its path smoothed over `SMOOTH_POINTS` must span
        `long_travel` box sizes and stand out from its own jitter (a lamp's flicker wanders a
        few of its averaged jitters; a walker's steps, dozens)."""
        if len(points) <= SMOOTH_POINTS:
            return False
        centres = np.array([(p.box.cx, p.box.cy) for p in points])
        kernel = np.ones(SMOOTH_POINTS) / SMOOTH_POINTS
        path = np.stack([np.convolve(c, kernel, mode="valid") for c in centres.T], axis=1)
        extent = float(np.hypot(*(path.max(axis=0) - path.min(axis=0))))
        half = SMOOTH_POINTS // 2
        jitter = centres[half : half + len(path)] - path
        noise = float(np.sqrt((jitter**2).sum(axis=1).mean())) / np.sqrt(SMOOTH_POINTS)
        config = self.config
        return bool(extent >= max(config.long_travel * size, config.long_significance * noise))


def _wholes(lives: list[_Live]) -> list[_Live]:
    """The tracks that are not fragments of another: a box mostly inside one at least twice
    its size is a piece of that object (an entering car's first blobs), not a second object."""
    boxes = [live.kalman.box for live in lives]
    predicted = _boxes(boxes)
    inside = [
        (_intersections(box, predicted) >= 0.8 * box.area) & (_areas(predicted) >= 2 * box.area)
        for box in boxes
    ]
    return [live for live, within in zip(lives, inside, strict=True) if not within.any()]


def _velocity(live: _Live) -> tuple[float, float]:
    return float(live.kalman.x[4]), float(live.kalman.x[5])


def _boxes(boxes: list[Box]) -> Matrix:
    """n boxes as an n×4 array (x, y, w, h)."""
    return np.array([[b.x, b.y, b.w, b.h] for b in boxes], np.float64).reshape(-1, 4)


def _areas(boxes: Matrix) -> Vector:
    areas: Vector = boxes[:, 2] * boxes[:, 3]
    return areas


def centre_distances(means: Matrix, precisions: Matrix, centres: Matrix) -> Matrix:
    """Mahalanobis distances (m×n) of n centres (n×2) from m predicted centres (m×2), each
    with the diagonal of its inverse covariance (m×2): the sum `np.einsum("ni,ij,nj->n")`
    takes with that diagonal matrix, term by term in its order."""
    y = centres[None, :, :] - means[:, None, :]
    dx, dy = y[..., 0], y[..., 1]
    squared = (dx * precisions[:, 0:1]) * dx + (dy * precisions[:, 1:2]) * dy
    distances: Matrix = np.sqrt(squared)
    return distances


def _intersections(box: Box, boxes: Matrix) -> Vector:
    ix = np.minimum(box.x + box.w, boxes[:, 0] + boxes[:, 2]) - np.maximum(box.x, boxes[:, 0])
    iy = np.minimum(box.y + box.h, boxes[:, 1] + boxes[:, 3]) - np.maximum(box.y, boxes[:, 1])
    inter: Vector = np.clip(ix, 0, None) * np.clip(iy, 0, None)
    return inter


def _intersection_matrix(a: Matrix, b: Matrix) -> Matrix:
    """Areas shared by each of the boxes `a` (m×4) with each of `b` (n×4): m×n."""
    right = np.minimum((a[:, 0] + a[:, 2])[:, None], (b[:, 0] + b[:, 2])[None, :])
    bottom = np.minimum((a[:, 1] + a[:, 3])[:, None], (b[:, 1] + b[:, 3])[None, :])
    ix = right - np.maximum(a[:, 0:1], b[None, :, 0])
    iy = bottom - np.maximum(a[:, 1:2], b[None, :, 1])
    inter: Matrix = np.maximum(ix, 0.0) * np.maximum(iy, 0.0)  # as np.clip(…, 0, None)
    return inter


def _iou_matrix(a: Matrix, b: Matrix) -> Matrix:
    """Intersection over union of each of the boxes `a` (m×4) with each of `b` (n×4): m×n."""
    inter = _intersection_matrix(a, b)
    union = _areas(a)[:, None] + _areas(b)[None, :] - inter
    ious: Matrix = np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)
    return ious


def _size_ratio_matrix(a: Matrix, b: Matrix) -> Matrix:
    """The largest factor by which the width or height of each box of `b` (n×4) differs from
    each of `a` (m×4): m×n."""
    sides = np.maximum(b[:, 2:], 1e-9)
    ratio = sides[None, :, :] / a[:, None, 2:]
    worst: Matrix = np.max(np.maximum(ratio, 1 / ratio), axis=2)
    return worst


def _travel(points: list[TrackPoint]) -> float:
    xs = [p.box.cx for p in points]
    ys = [p.box.cy for p in points]
    return float(np.hypot(max(xs) - min(xs), max(ys) - min(ys)))


def _median_size(points: list[TrackPoint]) -> float:
    return float(np.median([max(p.box.w, p.box.h) for p in points]))
