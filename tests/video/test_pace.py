"""Burst sampling only where the stream's pace suits it: keyframes close enough for a track to
coast from one burst to the next, yet far enough apart to leave a tail to skip, and enough
frames in a burst to confirm a mover. Other streams (PETS09's AVI: a keyframe every 25 s)
are scanned in full."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from precinct.video.pace import BurstNeeds, Pace, pace_of, unfit_for_bursts
from precinct.video.packets import read_packets
from precinct.video.scan import ScanConfig, Scanner

from .clips import encode_h264

NEEDS = BurstNeeds(burst_s=0.6, coast_s=2.5, min_frames=6)


def street(path: Path, gop: int, seconds: int = 8) -> Path:
    """A noisy street at 25 fps with a square crossing it, a keyframe every `gop` frames."""
    rng = np.random.default_rng(2)
    base = rng.integers(20, 50, (180, 320)).astype(np.int16)
    pictures = []
    for i in range(seconds * 25):
        grey = base + rng.normal(0, 3, base.shape).astype(np.int16)
        x = 10 + 1.5 * i
        grey[80:110, int(x) : int(x) + 24] = 200
        pictures.append(np.clip(grey, 0, 255).astype(np.uint8))
    options = {"g": str(gop), "keyint_min": str(gop), "sc_threshold": "0", "bf": "0"}
    return encode_h264(path, pictures, options)


def test_the_pace_is_read_from_the_keyframes(tmp_path: Path) -> None:
    a, b = street(tmp_path / "a.mp4", gop=50), street(tmp_path / "b.mp4", gop=500)
    assert pace_of(read_packets(a)) == Pace(25.0, pytest.approx(2.0))
    assert pace_of(read_packets(b)).keyless_s == pytest.approx(8.0)


@pytest.mark.parametrize(
    ("pace", "why"),
    [
        (Pace(25.0, 2.0), None),  # the demo night: GOP 50 at 25 fps
        (Pace(10.0, 25.0), "coasts"),  # PETS09-S2L1's AVI
        (Pace(25.0, 0.04), "no tail"),  # intra-only
        (Pace(7.0, 2.0), "fewer than 6 frames"),  # a 0.6 s burst at 7 fps: 4 frames
    ],
)
def test_bursts_fit_only_streams_of_a_suitable_pace(pace: Pace, why: str | None) -> None:
    found = unfit_for_bursts(pace, NEEDS)
    assert found is None if why is None else why in (found or "")


def test_a_long_gop_stream_is_scanned_in_full(tmp_path: Path) -> None:
    path = street(tmp_path / "C01_20241215020000.mp4", gop=250)
    burst = Scanner(ScanConfig(person_detector=False, sampling="burst")).scan(path)
    full = Scanner(ScanConfig(person_detector=False, sampling="full")).scan(path)
    assert burst.decoded_frames == full.decoded_frames
    assert [t.boxes.tolist() for t in burst.tracks] == [t.boxes.tolist() for t in full.tracks]
    path = street(tmp_path / "C02_20241215020000.mp4", gop=50)  # this one suits bursts
    burst = Scanner(ScanConfig(person_detector=False, sampling="burst")).scan(path)
    full = Scanner(ScanConfig(person_detector=False, sampling="full")).scan(path)
    assert burst.decoded_frames < full.decoded_frames
