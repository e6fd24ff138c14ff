"""Burst sampling follows a mover through the GOP's tail when no later burst will see it.

Between bursts the tracker coasts and the next burst picks a slow mover up again. A far, slow
car that appears in the last active GOP (the file ends, or the next GOP is quiet) is seen only
in that burst: 0.6 s in which it moves a fraction of its length, too brief to tell from a
flicker, so its track is dropped. The tail of such a GOP is decoded while it stays in sight.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from precinct.video import bursts
from precinct.video.evaluate import Labelled, score
from precinct.video.scan import ScanConfig, Scanner
from precinct.video.triage import Span
from precinct.video.types import Box, TrackPoint

from .clips import NightStreet, encode_h264, make_clip
from .test_bursts import mover

FPS, W, H, GOP = 25, 640, 360, 50
CAR_FROM, FRAMES, CAR_W, CAR_H = 350, 400, 24, 16  # the car: the last GOP, to the file's end


def car_boxes() -> dict[int, Box]:
    return {i: Box(500.0 - (i - CAR_FROM), 120.0, CAR_W, CAR_H) for i in range(CAR_FROM, FRAMES)}


def far_car_clip(path: Path) -> dict[int, Box]:
    """A dark noisy street; a small bright car creeps left (1 px a frame) in the last GOP."""
    truth = car_boxes()
    images = NightStreet(W, H, seed=11, noise_sigma=3, noise_frames=7).pictures(FRAMES, truth, 190)
    options = {"g": str(GOP), "keyint_min": str(GOP), "sc_threshold": "0", "preset": "veryfast"}
    encode_h264(path, images, options)
    return truth


def test_the_last_bursts_far_slow_car_is_followed_through_the_tail(tmp_path: Path) -> None:
    path = tmp_path / "C01_20241215020000.mp4"
    truth = far_car_clip(path)
    outcome = Scanner(ScanConfig(person_detector=False, sampling="burst")).scan(path)
    found = [
        Labelled(i, None, {int(r[0]): Box(*map(float, r[1:5])) for r in t.boxes})
        for i, t in enumerate(outcome.tracks)
    ]
    assert score([Labelled(0, None, truth)], found).recall == 1.0
    car = max(outcome.tracks, key=lambda t: len(t.boxes))
    assert car.boxes[-1, 0] >= FRAMES - 3  # followed to the file's end


def test_the_decoder_tells_when_no_burst_follows(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.mp4", seconds=8)  # keyframes at 0, 50, 100, 150
    for spans, expected in (
        ([Span(0.0, 8.0)], {0: False, 50: False, 100: False, 150: True}),  # the file ends
        ([Span(0.0, 3.5), Span(6.5, 8.0)], {0: False, 50: True, 150: True}),  # a quiet GOP
    ):
        control = bursts.BurstControl((320, 240), burst_s=0.2, surge=0.0)
        last = {}
        for sample in bursts.iter_bursts(clip, spans, control, 160):
            last.setdefault(sample.frame.index, control.last)
        assert {k: v for k, v in last.items() if k % GOP == 0} == expected


@pytest.mark.parametrize("last", [False, True])
def test_a_new_mover_in_sight_extends_only_a_burst_no_other_follows(last: bool) -> None:
    control = bursts.BurstControl((1920, 1080), burst_s=0.4, probe_s=0.2, key_t=10.0)
    control.last = last
    t = 10.8  # past the burst and the probe
    box = Box(900, 300, 40, 30)
    first, latest = TrackPoint(255, 10.2, box), TrackPoint(270, t, box)
    new = mover(box, vx=20.0)._replace(points=[first, latest])
    assert bursts.needs_more([new], control, t) is last
    old = new._replace(points=[TrackPoint(237, 9.5, box), first, latest])
    assert not bursts.needs_more([old], control, t)  # seen by an earlier burst: kept anyway
    gone = new._replace(points=new.points[:1])  # last seen at 10.2 s: it went out of sight
    assert not bursts.needs_more([gone], control, t)
    assert not bursts.needs_more([new._replace(confirmed=False)], control, t)
