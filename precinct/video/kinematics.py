"""Kinematic track classes: scale-free image cues, or ground size and speed with a calibration.

Pure: a track (and its camera's calibration, when there is one) in, scores per class out.
Without a calibration a track's speed is measured in box heights per second and its shape by
the box's height/width; with one (`metric`), by its speed in m/s on the ground and its width
in metres at its foot point. Unsteady blobs are OTHER either way (`KinematicClassifier.noise`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from precinct.video.features import median_height, speed_px_s
from precinct.video.metric import DIMENSIONS, Metric, expected_width, measure_metric
from precinct.video.types import Calibration, ObjectClass, Track

OTHER_CAP = 0.5  # OTHER means "fits nothing": never reported with more confidence than this
Scores = dict[ObjectClass, float]


def ramp(x: float, a: float, b: float, c: float, d: float, floor: float = 0.02) -> float:
    """Trapezoid membership: 0 below a, 1 from b to c, 0 above d (never below `floor`)."""
    if x < b:
        value = (x - a) / (b - a) if x > a else 0.0
    elif x > c:
        value = (d - x) / (d - c) if x < d else 0.0
    else:
        value = 1.0
    return max(floor, value)


@dataclass(frozen=True)
class Motion:
    """Scale-free figures of a track (heights are median box heights)."""

    aspect: float  # height / width
    heights_per_s: float  # foot speed in box heights per second
    wobble: float  # median distance of the foot from its running median, in box heights
    size_jump: float  # median frame-to-frame relative change of width + height
    frames: int
    height_px: float
    height_share: float  # box height / frame height


PIXEL_SLACK = 1.5  # box edges wander this much on any real object: not a sign of noise


def _wobble(track: Track, height: float) -> float:
    pts = np.array([(p.box.cx, p.box.bottom) for p in track.points], dtype=np.float64)
    if len(pts) < 5:
        return 0.0
    windows = np.lib.stride_tricks.sliding_window_view(pts, 5, axis=0)  # (N-4)×2×5
    off = np.linalg.norm(pts[2:-2] - np.median(windows, axis=2), axis=1)
    return float(np.median(np.maximum(off - PIXEL_SLACK, 0.0))) / height


def _size_jump(track: Track) -> float:
    wh = np.array([(p.box.w, p.box.h) for p in track.points], dtype=np.float64)
    if len(wh) < 2:
        return 0.0
    change = np.maximum(np.abs(np.diff(wh, axis=0)) - PIXEL_SLACK, 0.0) / np.maximum(wh[1:], 1.0)
    return float(np.median(change.sum(axis=1)))


def measure(track: Track, frame_size: tuple[int, int]) -> Motion:
    boxes = [p.box for p in track.points]
    height = max(median_height(track), 1.0)
    return Motion(
        aspect=float(np.median([b.h / max(b.w, 1.0) for b in boxes])),
        heights_per_s=speed_px_s(track) / height,
        wobble=_wobble(track, height),
        size_jump=_size_jump(track),
        frames=len(boxes),
        height_px=height,
        height_share=height / frame_size[1],
    )


@dataclass(frozen=True)
class KinematicClassifier:
    """Classes from shape and motion. Without a calibration (`image_fits`): walkers move
    ~0.5-1.5 heights/s and stand 2-3 times as tall as wide; cyclists ~2-4 heights/s at 1-1.6;
    cars are wider than tall and faster still. With one (`ground_fits`): speed in m/s and width
    in metres, which do not depend on the direction of travel (a cyclist riding towards the
    camera crosses few box heights per second, but still rides 5 m/s).
    Unsteady blobs (jumping foot point, flickering size, too short, tiny, huge) are OTHER."""

    min_frames: int = 5
    min_height_px: float = 6.0

    def noise(self, m: Motion) -> float:
        """0..1: how much the track looks like flicker or noise rather than an object."""
        signs = [
            ramp(m.wobble, 0.08, 0.25, 1e9, 2e9, floor=0.0),
            ramp(m.size_jump, 0.15, 0.4, 1e9, 2e9, floor=0.0),
            1.0 if m.frames < self.min_frames or m.height_px < self.min_height_px else 0.0,
            ramp(m.height_share, 0.6, 0.85, 1e9, 2e9, floor=0.0),
        ]
        return max(signs)

    def scores(
        self, track: Track, frame_size: tuple[int, int], cal: Calibration | None = None
    ) -> Scores:
        if not track.points:
            return {ObjectClass.OTHER: 1.0}
        m = measure(track, frame_size)
        ground = measure_metric(track, cal)
        fits = image_fits(m) if ground is None else ground_fits(ground, m)
        noise = self.noise(m)
        fits = {c: f * (1.0 - noise) for c, f in fits.items()}
        fits[ObjectClass.OTHER] = 0.1 + 0.9 * noise
        return normalise(fits)

    def classify(
        self, track: Track, frame_size: tuple[int, int], cal: Calibration | None = None
    ) -> tuple[ObjectClass, float]:
        return best(self.scores(track, frame_size, cal))


def image_fits(m: Motion) -> Scores:
    """Without a calibration: speed in box heights per second and the box's aspect."""
    v, a = m.heights_per_s, m.aspect
    return {
        ObjectClass.PERSON: ramp(v, -1.0, 0.0, 1.6, 2.8) * ramp(a, 1.3, 1.8, 3.6, 5.0),
        ObjectClass.CYCLIST: ramp(v, 0.9, 1.7, 4.5, 7.0) * ramp(a, 0.7, 1.0, 1.7, 2.3),
        ObjectClass.VEHICLE: ramp(v, 0.2, 1.5, 25.0, 50.0) * ramp(a, 0.1, 0.2, 0.8, 1.1),
    }


def ground_fits(g: Metric, m: Motion) -> Scores:
    """With a calibration: ground speed (walkers 1-2 m/s, cyclists 3.5-7, vehicles 6-20 at
    night) and the box's width in metres against what each class shows at the angle the track
    travels (`metric.expected_width`: a car is 1.8 m head-on, 4.5 m across; a bicycle 0.65 and
    1.75 m); the image aspect only breaks ties."""
    v, a = g.speed_m_s, m.aspect
    return {
        ObjectClass.PERSON: ramp(v, -1.0, 0.0, 2.2, 3.2)
        * _width_fit(g, "person", (0.25, 0.5, 1.6, 2.5))
        * ramp(a, 0.9, 1.4, 4.0, 6.0, floor=0.3),
        ObjectClass.CYCLIST: ramp(v, 2.0, 3.0, 8.0, 12.0)
        * _width_fit(g, "cyclist", (0.25, 0.5, 1.4, 2.2))
        * ramp(a, 0.5, 0.8, 3.0, 4.5, floor=0.3),
        ObjectClass.VEHICLE: ramp(v, 2.5, 7.0, 40.0, 60.0)
        * _width_fit(g, "vehicle", (0.55, 0.8, 2.5, 4.0))
        * ramp(a, 0.1, 0.2, 1.3, 2.0, floor=0.3),
    }


def _width_fit(g: Metric, kind: str, shares: tuple[float, float, float, float]) -> float:
    """Trapezoid on the measured width over the class's expected width (`shares` of it). Night
    blobs often hold only the lit part of an object (narrower than it), seldom much more."""
    low, high = expected_width(DIMENSIONS[kind], g.across)
    a, b, c, d = shares
    return ramp(g.width_m, a * low, b * low, c * high, d * high)


def normalise(scores: Scores) -> Scores:
    total = sum(scores.values()) or 1.0
    return {c: s / total for c, s in scores.items()}


def best(scores: Scores) -> tuple[ObjectClass, float]:
    cls = max(scores, key=lambda c: scores[c])
    confidence = min(scores[cls], OTHER_CAP) if cls is ObjectClass.OTHER else scores[cls]
    return cls, round(confidence, 4)
