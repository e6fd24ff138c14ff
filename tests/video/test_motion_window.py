"""Motion works on the moving area's window (shapes, blobs, the absorb bookkeeping) and picks the
frame's median difference among a few samples: it must find exactly what the straightforward
whole-frame computation finds, movers at the picture's edges and in glare included."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np
import pytest

from precinct.video import pixels
from precinct.video.motion import MotionConfig, MotionDetector
from precinct.video.types import Frame

from .test_motion import WARMUP, H, Mover, W, glare, render


def whole_frame(box: pixels.Box, margin: int, shape: tuple[int, ...]) -> pixels.Window:
    return slice(0, shape[0]), slice(0, shape[1])


def plain_learn(
    self: MotionDetector, gray: np.ndarray, square: np.ndarray, mask: np.ndarray, box: object
) -> None:
    """The background update written plainly over the whole frame (as it was before windows)."""
    assert self._mean is not None and self._var is not None and self._age is not None
    config = self.config
    drift = cv2.absdiff(gray, self._held) > config.absorb_tolerance
    steady = cv2.bitwise_and(mask, np.where(drift, 0, 255).astype(np.uint8))
    self._age = cv2.bitwise_and(cv2.add(self._age, np.ones_like(self._age)), steady)
    self._held = np.where(self._age == 0, gray, self._held).astype(np.float32)
    still = cv2.bitwise_not(mask)
    cv2.accumulateWeighted(gray, self._mean, config.learning_rate, mask=still)
    cv2.accumulateWeighted(square, self._var, 1.0 / config.noise_history, mask=still)
    np.minimum(self._var, np.float32(config.max_noise_sigma**2), out=self._var)
    stale = (self._age > config.absorb_frames).astype(np.uint8)
    cv2.accumulateWeighted(gray, self._mean, config.absorb_rate, mask=stale)


def edge_street(seed: int) -> Iterator[Frame]:
    """Movers entering and leaving at every edge of the picture, a lamp-lit car in glare at the
    right edge, a dim walker, and a car parking at the bottom edge (absorbed later)."""
    rng = np.random.default_rng(seed)
    movers = [
        Mover(-12, 40, 12, 24, vx=3, level=150, first=WARMUP + 1),  # in from the left
        Mover(W - 30, 90, 14, 26, vx=2, level=8, first=WARMUP + 3),  # out at the right
        Mover(60, -10, 10, 20, vy=2, level=110, first=WARMUP + 5),  # in from the top
        Mover(200, H - 20, 30, 12, vx=-1, level=90, first=WARMUP),  # along the bottom
        Mover(120, 70, 8, 20, vx=0.3, level=22, first=WARMUP + 2),  # dim walker
    ]
    parked = Mover(W - 50, H - 14, 30, 14, level=70, first=WARMUP + 4)  # stays: absorbed
    for i in range(WARMUP + 60):
        frame = render(rng, i, [*movers, parked])
        if i >= WARMUP + 8:  # an oncoming car at the right edge, its lamps swamping its body
            x, y = W - 12 - (i - WARMUP - 8) // 4, 30 + (i - WARMUP - 8) // 3
            lit = frame.image[:, :, 0] + glare(x + 6, y + 4, 90, 8)
            lit[y : y + 8, x : x + 12] = 250
            frame.image[:] = np.clip(lit, 0, 255).astype(np.uint8)[:, :, None]
        yield frame


def trace(config: MotionConfig, seed: int) -> list[tuple[object, ...]]:
    """Per frame: the detections and the background state (mean, noise, ages, levels held)."""
    detector = MotionDetector(config)
    out: list[tuple[object, ...]] = []
    for frame in edge_street(seed):
        found = [(d.box, d.score) for d in detector.detect(frame)]
        state = (detector._mean, detector._var, detector._age, detector._held)
        out.append((found, *(None if s is None else s.copy() for s in state)))
    return out


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("absorb", [250, 20], ids=["plain", "absorbing"])
def test_the_window_finds_what_the_whole_frame_finds(
    monkeypatch: pytest.MonkeyPatch, seed: int, absorb: int
) -> None:
    config = MotionConfig(absorb_frames=absorb)
    fast = trace(config, seed)
    with monkeypatch.context() as patch:
        patch.setattr(pixels, "window", whole_frame)
        patch.setattr(MotionDetector, "_learn", plain_learn)
        reference = trace(config, seed)
    assert sum(len(f[0]) for f in fast) > 100  # the scene has movers to find
    for i, (got, want) in enumerate(zip(fast, reference, strict=True)):
        assert got[0] == want[0], i
        for a, b in zip(got[1:], want[1:], strict=True):
            assert (a is None and b is None) or np.array_equal(a, b), i


def test_the_blur_in_a_window_equals_the_blur_of_the_frame() -> None:
    """Windows touching the right edge are where vector lanes and scalar tails would round the
    Gaussian differently, were the window's columns not aligned."""
    rng = np.random.default_rng(5)
    for width in (384, 350):
        image = rng.normal(0, 10, (216, width)).astype(np.float32)
        whole = cv2.GaussianBlur(image, (0, 0), 1.5)
        margin = pixels.gauss_radius(1.5)
        for _ in range(300):
            x, y = int(rng.integers(0, width)), int(rng.integers(0, 216))
            w, h = int(rng.integers(1, width - x + 1)), int(rng.integers(1, 217 - y))
            rows, cols = pixels.window((x, y, w, h), margin, image.shape)
            part = cv2.GaussianBlur(image[rows, cols], (0, 0), 1.5)
            inner = part[y - rows.start : y + h - rows.start, x - cols.start : x + w - cols.start]
            assert np.array_equal(inner, whole[y : y + h, x : x + w]), (x, y, w, h)


def test_the_median_is_numpys() -> None:
    rng = np.random.default_rng(6)
    for size in (1, 2, 3, 16, 17, 5183, 5184):
        for draw in range(40):
            if draw % 3 == 0:
                values = rng.normal(0, 3, size)
            elif draw % 3 == 1:  # mostly ties
                values = rng.integers(-2, 3, size).astype(float)
            else:  # mostly 0 with far outliers
                values = np.where(rng.random(size) < 0.9, 0.0, rng.normal(0, 60, size))
            values = values.astype(np.float32)
            assert pixels.median(values) == np.float32(np.median(values)), (size, draw)
