"""Burst sampling with the busy-scene people assist: the person detector splits a group that
background subtraction sees as one blob, on the pictures the burst decoder hands over (no
second decoder). The detector here is a stub that finds the red walkers by their colour."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from precinct.video.classify import COCO_PERSON, Classifier, CropVerifier, Hit
from precinct.video.evaluate import Labelled, score
from precinct.video.people import HeldPicture, PeopleConfig
from precinct.video.scan import ScanConfig, Scanner
from precinct.video.types import Box, Image

from .clips import encode_h264

W, H, FRAMES, WALKER_W, WALKER_H = 640, 360, 200, 14, 40
RED = (60, 60, 250)  # BGR
# Three walkers side by side (one blob to motion: 6 px apart) and two alone, 1.5 px a frame.
STARTS = [(100, 150), (120, 150), (140, 150), (480, 60), (420, 270)]
SPEEDS = [1.5, 1.5, 1.5, -1.5, -1.5]


def walker_boxes() -> dict[int, dict[int, Box]]:
    return {
        k: {i: Box(x + v * i, y, WALKER_W, WALKER_H) for i in range(FRAMES)}
        for k, ((x, y), v) in enumerate(zip(STARTS, SPEEDS, strict=True))
    }


@dataclass
class ColourPeople:
    """A person detector for this scene: every red region is a person."""

    labels: frozenset[int] = frozenset({COCO_PERSON})
    calls: list[int] = field(default_factory=list)

    def detect_all(self, image: Image) -> list[Hit]:
        self.calls.append(image.shape[0])
        red = ((image[:, :, 2] > 180) & (image[:, :, 1] < 120)).astype(np.uint8)
        count, _, stats, _ = cv2.connectedComponentsWithStats(red)
        return [
            Hit(COCO_PERSON, Box(*map(float, stats[k, :4])), 0.9)
            for k in range(1, count)
            if stats[k, 4] >= 60
        ]


@pytest.fixture(scope="module")
def street(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, dict[int, Box]]]:
    rng = np.random.default_rng(3)
    base = np.repeat(rng.integers(50, 70, (H, W, 1)), 3, axis=2).astype(np.int16)
    noise = rng.normal(0, 2, (5, H, W, 1)).astype(np.int16)
    truth = walker_boxes()
    pictures = []
    for i in range(FRAMES):
        picture = np.clip(base + noise[i % len(noise)], 0, 255).astype(np.uint8)
        for boxes in truth.values():
            b = boxes[i]
            picture[int(b.y) : int(b.y + b.h), int(b.x) : int(b.x + b.w)] = RED
        pictures.append(picture)
    path = tmp_path_factory.mktemp("people") / "C01_20241215120000.mp4"
    encode_h264(path, pictures, {"g": "50", "keyint_min": "50", "sc_threshold": "0", "bf": "0"})
    return path, truth


def walkers_found(path: Path, truth: dict[int, dict[int, Box]], enabled: bool) -> float:
    detector = ColourPeople()
    config = ScanConfig(sampling="burst", people=PeopleConfig(enabled=enabled))
    classifier = Classifier(verifier=CropVerifier(detector, pad=0.0, max_crops=1))
    outcome = Scanner(config, classifier).scan(path)
    assert outcome.decoded_frames < FRAMES  # sampled in bursts
    assert all(t.crop_jpeg for t in outcome.tracks)  # cut during the burst decode
    found = [
        Labelled(i, None, {int(r[0]): Box(*map(float, r[1:5])) for r in t.boxes})
        for i, t in enumerate(outcome.tracks)
    ]
    walkers = [Labelled(k, None, b) for k, b in truth.items()]
    return score(walkers, found, min_frames=25).recall  # each covered for 1 s at least


def test_the_assist_splits_a_group_in_burst_sampling(
    street: tuple[Path, dict[int, dict[int, Box]]],
) -> None:
    path, truth = street
    assert walkers_found(path, truth, enabled=False) <= 0.6  # the group's one track
    assert walkers_found(path, truth, enabled=True) == 1.0


def test_the_held_picture_is_only_the_frame_being_decoded() -> None:
    held = HeldPicture()
    image = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    assert held(0) is None
    held.hold(7, av.VideoFrame.from_ndarray(image, format="bgr24"))
    assert held(6) is None
    assert np.array_equal(held(7), image)  # type: ignore[arg-type]
