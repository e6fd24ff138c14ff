"""The busy-scene guard: a junction that is never quiet still gets scanned."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from precinct.video.busy import busy_spans
from precinct.video.scan import ScanConfig, Scanner

from .clips import encode_h264

FPS, W, H = 25, 320, 240


def busy_clip(path: Path, seconds: int = 12) -> Path:
    """People (bright blocks) crossing the whole time, one after another."""
    rng = np.random.default_rng(4)
    base = rng.integers(30, 60, (H, W)).astype(np.int16)

    def pictures() -> Iterator[np.ndarray]:
        for i in range(seconds * FPS):
            grey = base + rng.normal(0, 2, (H, W)).astype(np.int16)
            for k in range(3):  # three walkers, staggered, always someone in view
                x = (i * 3 + k * 110) % (W - 16)
                grey[80 + 40 * k : 120 + 40 * k, x : x + 16] = 200
            yield np.clip(grey, 0, 255).astype(np.uint8)

    options = {"g": "25", "keyint_min": "25", "sc_threshold": "0", "preset": "veryfast"}
    return encode_h264(path, pictures(), options)


def test_busy_scene_is_all_active(tmp_path: Path) -> None:
    spans = busy_spans(busy_clip(tmp_path / "busy.mp4"))
    assert sum(s.duration for s in spans) >= 10


def test_scanner_tracks_people_in_a_never_quiet_scene(tmp_path: Path) -> None:
    outcome = Scanner(ScanConfig(person_detector=False)).scan(busy_clip(tmp_path / "busy.mp4"))
    assert outcome.active_s >= 10
    assert len(outcome.tracks) >= 3


@pytest.mark.skipif(
    not (Path(__file__).resolve().parents[3] / "shared/data/video/PETS09-S2L1/vtest.avi").is_file(),
    reason="../shared/data/video/PETS09-S2L1 is not on this machine",
)
def test_pets_junction_is_found_busy() -> None:
    video = Path(__file__).resolve().parents[3] / "shared/data/video/PETS09-S2L1/vtest.avi"
    assert sum(s.duration for s in busy_spans(video)) >= 70
