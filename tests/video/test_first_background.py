"""A car standing in view from the footage's first frame, which then drives off (#3).

The motion warm-up (its first `warmup_frames` frames) sees the car standing still, so a
background learnt from them alone holds the car: when it leaves, its ghost and the car make one
blob and no track fits the car. Where the footage starts, the scanner seeds the background with
the keyframes of the first seconds (`MotionDetector.seed`), whose median holds the empty road.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from precinct.video import decode
from precinct.video.evaluate import Labelled, score
from precinct.video.motion import MotionConfig, MotionDetector
from precinct.video.scan import ScanConfig, Scanner
from precinct.video.track import Tracker
from precinct.video.triage import Span
from precinct.video.types import Box, Frame, Track

from .clips import NightStreet, encode_h264

FPS, WIDTH, HEIGHT = 25, 640, 360
STAND, DRIVE = 40, 50  # frames the car stands still from the first, then drives off
CAR_W, CAR_H, CAR_Y, CAR_X, CAR_V = 110, 44, 200, 150.0, 9.0  # px, px/frame to the right


def car_boxes(frames: int) -> dict[int, Box]:
    boxes = {}
    for i in range(min(frames, STAND + DRIVE)):
        x = CAR_X + CAR_V * max(0, i - STAND)
        if x + CAR_W <= WIDTH:
            boxes[i] = Box(x, CAR_Y, CAR_W, CAR_H)
    return boxes


def scene(frames: int, seed: int = 5) -> tuple[list[np.ndarray], dict[int, Box]]:
    """Grey night frames: a dark textured road, noise, and the car (bright) from frame 0."""
    truth = car_boxes(frames)
    street = NightStreet(WIDTH, HEIGHT, seed=seed, noise_sigma=4, noise_frames=9)
    return street.pictures(frames, truth, 200), truth


def tracked(images: list[np.ndarray], seeds: list[np.ndarray] | None) -> list[Track]:
    detector, tracker = MotionDetector(MotionConfig()), Tracker()
    if seeds is not None:
        detector.seed(seeds)
    for i, image in enumerate(images):
        frame = Frame(i, i / FPS, image, 1.0)
        tracker.update(detector.detect(frame), frame.t, frame.index)
    return tracker.finish()


def car_found(tracks: list[Track], truth: dict[int, Box]) -> bool:
    found = [
        Labelled(t.track_id, None, {p.frame: p.box for p in t.points}) for t in tracks if t.points
    ]
    return score([Labelled(0, None, truth)], found).recall == 1.0


def test_a_car_there_from_the_first_frame_is_baked_in_without_a_seed() -> None:
    """Why the seed is needed: the warm-up alone cannot tell the standing car from the road."""
    images, truth = scene(STAND + DRIVE + 30)
    assert not car_found(tracked(images, None), truth)


def test_a_seeded_background_finds_the_car_that_drives_off() -> None:
    images, truth = scene(STAND + DRIVE + 300)
    keyframes = images[::50]  # the car is in the first of seven
    assert car_found(tracked(images, keyframes), truth)


def test_too_few_seed_pictures_are_ignored() -> None:
    images, _ = scene(30)
    detector = MotionDetector()
    detector.seed(images[:2])
    for i, image in enumerate(images[: MotionConfig().warmup_frames]):
        detector.detect(Frame(i, i / FPS, image, 1.0))
    assert detector._mean is not None  # learnt from the warm-up, as without a seed
    assert abs(float(detector._mean[CAR_Y + 10, int(CAR_X) + 10]) - 200) < 10


def make_clip(path: Path, seconds: int = 16) -> dict[int, Box]:
    images, truth = scene(seconds * FPS)
    options = {"g": "50", "keyint_min": "50", "sc_threshold": "0", "preset": "veryfast"}
    encode_h264(path, images, options)
    return truth


@pytest.mark.parametrize("threads", [0, 1])  # 1: as the index's workers decode
@pytest.mark.parametrize("sampling", ["full", "burst"])
def test_the_scanner_finds_a_car_that_stood_there_from_the_first_frame(
    tmp_path: Path, sampling: str, threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decode, "THREADS", threads)
    path = tmp_path / "C01_20241215020000.mp4"
    truth = make_clip(path)
    outcome = Scanner(ScanConfig(person_detector=False, sampling=sampling)).scan(path)
    found = [
        Labelled(i, None, {int(r[0]): Box(*map(float, r[1:5])) for r in t.boxes})
        for i, t in enumerate(outcome.tracks)
    ]
    assert score([Labelled(0, None, truth)], found).recall == 1.0
    assert outcome.tracks and all(len(t.boxes) for t in outcome.tracks)


def test_keyframe_lumas_are_the_keyframes_reduced_as_the_detail_pass_reduces_frames(
    tmp_path: Path,
) -> None:
    path = tmp_path / "C01_20241215020000.mp4"
    make_clip(path, seconds=6)
    lumas = decode.keyframe_lumas(path, 0.0, 5.0, width=320)
    frames = {f.index: f.image for f in decode.iter_frames(path, [Span(0, 5)], 320, grey=True)}
    assert len(lumas) == 3  # keyframes every 50 frames: 0, 50, 100
    for luma, index in zip(lumas, (0, 50, 100), strict=True):
        assert luma.shape == frames[index].shape == (180, 320)
        assert np.array_equal(luma, frames[index])
