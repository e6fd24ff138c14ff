"""Which frames a track's crops come from, and which tracks the person detector looks at."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from precinct.video.classify import Classifier, CropVerifier, Hit
from precinct.video.decode import frames_at
from precinct.video.scan import (
    ScanConfig,
    Scanner,
    TrackCrops,
    build_classifier,
    crop_candidates,
    make_crops,
)
from precinct.video.types import Box, Image, Track, TrackPoint

from .clips import encode_h264

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


def crops_of(scanner: Scanner, track: Track, frames: list[int]) -> TrackCrops:
    image = np.full((SIZE[1], SIZE[0], 3), 40, np.uint8)
    verify = scanner._verify(track, SIZE)
    found = TrackCrops()
    for f in frames:
        found.tight += make_crops(track, {f: image})
        found.context += make_crops(track, {f: image}, context=True) if verify else []
    return found


def test_the_detector_looks_at_one_crop_per_track_by_default() -> None:
    scanner, detector = scanner_with(ScanConfig(verify_below=1.01))  # every track
    scanner._finish(walker(), crops_of(scanner, walker(), [10, 30, 50]), SIZE)
    assert detector.calls == 1


def test_confident_kinematics_skip_the_detector_when_asked() -> None:
    confident, detector = scanner_with(ScanConfig(verify_below=0.0))
    crops = crops_of(confident, walker(), [10, 30, 50])
    summary = confident._finish(walker(), crops, SIZE).summary
    assert detector.calls == 0 and str(summary.object_class) == "person"
    unsure, detector = scanner_with(ScanConfig(verify_below=1.0, verify_crops=2))
    unsure._finish(walker(), crops_of(unsure, walker(), [10, 30, 50]), SIZE)
    assert detector.calls == 2


def test_crops_are_cut_one_picture_at_a_time(tmp_path: Path) -> None:
    """Every track gets its crops from the file, whatever frames the tracks share."""
    path = tmp_path / "clip.mp4"
    shades = (np.full((SIZE[1], SIZE[0], 3), i * 2, np.uint8) for i in range(100))
    encode_h264(path, shades, {"qp": "0", "g": "50"})  # lossless: each frame's shade is exact
    scanner, _ = scanner_with(ScanConfig(crop_candidates=2, verify_below=1.01))
    tracks = [growing_track(20, 80), walker()]
    tracks[1].track_id = 2
    crops = scanner._crops(path, tracks, SIZE, [0, 50])
    for track in tracks:
        wanted = crop_candidates(track, SIZE, 2, [0, 50])
        assert sorted(c.frame for c in crops[track.track_id].tight) == sorted(wanted)
        assert len(crops[track.track_id].context) == 2
        reference = frames_at(path, wanted)
        for crop in crops[track.track_id].tight:  # each frame has its own shade
            assert abs(crop.image.mean() - reference[crop.frame].mean()) < 0.5


def test_no_verification_loads_no_detector(tmp_path: Path) -> None:
    assert build_classifier(ScanConfig(verify_crops=0), tmp_path).verifier is None
    assert ScanConfig(verify_crops=0).engine_id() != ScanConfig().engine_id()
