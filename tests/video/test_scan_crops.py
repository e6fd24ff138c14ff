"""Which frames a track's crops come from, and which tracks the person detector looks at."""

from __future__ import annotations

import numpy as np

from precinct.video.classify import Classifier, CropVerifier, Hit
from precinct.video.scan import ScanConfig, Scanner, crop_candidates
from precinct.video.types import Box, Image, Track, TrackPoint

SIZE = (640, 360)


def growing_track(first: int, last: int) -> Track:
    """A box that grows until frame 48 and shrinks after it."""
    track = Track(1)
    for f in range(first, last):
        side = 40 + 20 - abs(f - 48) * 0.5
        track.add(TrackPoint(f, f / 25, Box(100 + f, 100, side * 0.5, side)))
    return track


def test_candidates_are_the_largest_views_spread_over_the_track() -> None:
    chosen = crop_candidates(growing_track(20, 80), SIZE, 3)
    assert chosen[0] == 48
    assert all(abs(a - b) > 5 for a in chosen for b in chosen if a != b)


def test_candidates_prefer_near_largest_views_just_after_a_keyframe() -> None:
    chosen = crop_candidates(growing_track(20, 80), SIZE, 2, keyframes=[0, 50, 100])
    assert chosen[0] == 50  # 2 frames smaller than at 48, but 48 needs 48 frames decoded
    track = growing_track(20, 80)
    best = max(track.points, key=lambda p: p.box.area).box.area
    for frame in chosen:
        assert track.points[frame - 20].box.area >= 0.8 * best


class CountingDetector:
    labels = frozenset({1})

    def __init__(self) -> None:
        self.calls = 0

    def detect_all(self, image: Image) -> list[Hit]:
        self.calls += 1
        return []


def walker() -> Track:
    track = Track(7)
    for f in range(60):
        track.add(TrackPoint(f, f / 25, Box(100 + f * 1.0, 100, 20, 50)))
    return track


def scanner_with(config: ScanConfig) -> tuple[Scanner, CountingDetector]:
    detector = CountingDetector()
    verifier = CropVerifier(detector, pad=0.0, max_crops=config.verify_crops)
    return Scanner(config, Classifier(verifier=verifier)), detector


def test_the_detector_looks_at_one_crop_per_track_by_default() -> None:
    scanner, detector = scanner_with(ScanConfig())
    images = {f: np.full((SIZE[1], SIZE[0], 3), 40, np.uint8) for f in (10, 30, 50)}
    scanner._finish(walker(), images, [10, 30, 50], SIZE)
    assert detector.calls == 1


def test_confident_kinematics_skip_the_detector_when_asked() -> None:
    images = {f: np.full((SIZE[1], SIZE[0], 3), 40, np.uint8) for f in (10, 30, 50)}
    confident, detector = scanner_with(ScanConfig(verify_below=0.0))
    summary = confident._finish(walker(), images, [10, 30, 50], SIZE).summary
    assert detector.calls == 0 and str(summary.object_class) == "person"
    unsure, detector = scanner_with(ScanConfig(verify_below=1.0, verify_crops=2))
    unsure._finish(walker(), images, [10, 30, 50], SIZE)
    assert detector.calls == 2
