"""Burst sampling: only the first frames after each keyframe of an active GOP are decoded,
more while the consumer asks; crops are cut from those pictures on the way."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from precinct.video import bursts, decode
from precinct.video.harvest import CropHarvest, region_bgr
from precinct.video.motion import MotionConfig, MotionDetector
from precinct.video.track import Mover
from precinct.video.triage import Span
from precinct.video.types import Box, Frame, TrackPoint
from tests.video.clips import make_clip

SIZE = (320, 240)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("bursts") / "clip.mp4", seconds=6)  # GOP 50


def indices(path: Path, spans: list[Span], control: bursts.BurstControl) -> list[int]:
    keyframes: set[int] = set()
    found = [s.frame.index for s in bursts.iter_bursts(path, spans, control, 160, keyframes)]
    assert keyframes == {i for i in found if i % 50 == 0}
    return found


def test_each_active_gop_gives_its_keyframe_and_the_burst_after_it(clip: Path) -> None:
    found = indices(clip, [Span(0.0, 6.0)], bursts.BurstControl(SIZE, burst_s=0.4, surge=0.0))
    assert found == [*range(0, 10), *range(50, 60), *range(100, 110)]


def test_quiet_gops_are_not_decoded(clip: Path) -> None:
    found = indices(clip, [Span(2.5, 3.0)], bursts.BurstControl(SIZE, burst_s=0.2, surge=0.0))
    assert found == list(range(50, 55))


def test_the_consumer_can_ask_for_the_rest_of_the_gop(clip: Path) -> None:
    control = bursts.BurstControl(SIZE, burst_s=0.4, surge=0.0)
    found = []
    for sample in bursts.iter_bursts(clip, [Span(0.0, 6.0)], control, 160):
        found.append(sample.frame.index)
        control.extend = 50 <= sample.frame.index < 100  # a fast mover in the second GOP
        assert sample.picture.width == 320 and sample.frame.image.shape[1] == 160
    assert found == [*range(0, 10), *range(50, 100), *range(100, 110)]


def mover(box: Box, vx: float, confirmed: bool = True, frame: int = 0) -> Mover:
    return Mover([TrackPoint(frame, frame / 25, box)], box, vx, 0.0, confirmed)


def test_fast_or_leaving_movers_extend_the_burst_slow_ones_do_not() -> None:
    control = bursts.BurstControl((1920, 1080), burst_s=0.4, probe_s=0.2)
    walker = mover(Box(900, 500, 40, 100), vx=60.0)  # 96 px across the 1.6 s gap
    car = mover(Box(900, 500, 300, 120), vx=600.0)  # half the picture
    leaving = mover(Box(1880, 500, 30, 90), vx=60.0)
    assert not bursts.needs_more([walker], control, t=0.4)
    assert bursts.needs_more([walker, car], control, t=0.4)
    assert bursts.needs_more([leaving], control, t=0.4)


def test_a_new_blob_extends_the_burst_only_a_little() -> None:
    control = bursts.BurstControl((1920, 1080), burst_s=0.4, probe_s=0.2)
    new = mover(Box(900, 500, 40, 100), vx=0.0, confirmed=False)
    assert bursts.needs_more([new], control, t=0.5)
    assert not bursts.needs_more([new], control, t=0.7)


def picture(width: int = 64, height: int = 48) -> av.VideoFrame:
    rng = np.random.default_rng(1)
    bgr = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    return av.VideoFrame.from_ndarray(bgr, format="bgr24").reformat(format="yuv420p")


def test_a_region_converts_like_the_whole_picture() -> None:
    frame = picture()
    whole = frame.to_ndarray(format="bgr24").astype(int)
    region, left, top = region_bgr(frame, (10.3, 7.0, 41.0, 30.5))
    assert (left, top) == (10, 6) and region.shape[2] == 3
    h, w = region.shape[:2]
    difference = np.abs(region.astype(int) - whole[top : top + h, left : left + w])
    assert np.median(difference) <= 3  # libswscale and OpenCV round the colours differently


def test_the_harvest_keeps_the_largest_views_of_each_track_spread_out() -> None:
    harvest = CropHarvest(count=2, size=(64, 48))
    points: list[TrackPoint] = []
    frame = picture()
    for f, side in enumerate([8, 10, 9, 12, 11, 11, 14, 13, 20, 9]):
        points.append(TrackPoint(f * 3, f * 0.12, Box(20, 10, side, side)))
        harvest.offer([Mover(points, points[-1].box, 0.0, 0.0, True)], f * 3, frame)
    views = harvest.tight(points)
    assert [v.box.w for v in views] == [20, 14]
    assert all(v.image.size for v in views) and len(harvest.context(points)) == 2
    assert harvest.tight([]) == []  # a track it never saw


def test_streams_with_b_frames_are_sampled_too(tmp_path: Path) -> None:
    from tests.video.test_decode import make_clip as make_b_frame_clip

    path = make_b_frame_clip(tmp_path / "b.mp4")
    found = indices(path, [Span(0.0, 60.0)], bursts.BurstControl(SIZE, burst_s=0.4, surge=0.0))
    assert found == sorted(found) and 0 in found
    assert all(i % 50 < 10 for i in found)  # never past the burst


def test_a_quiet_burst_ends_early_and_a_busy_one_goes_on(
    clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(decode, "THREADS", 1)  # as the scan workers: no frames in flight
    control = bursts.BurstControl(SIZE, burst_s=0.4, surge=0.0, quiet_s=0.16)
    found = []
    for sample in bursts.iter_bursts(clip, [Span(0.0, 6.0)], control, 160):
        found.append(sample.frame.index)
        moving = [mover(Box(100, 100, 20, 40), vx=5.0, frame=sample.frame.index)]
        busy = 50 <= sample.frame.index < 100  # something moves in the second GOP only
        control.extend = bursts.needs_more(moving if busy else [], control, sample.frame.t)
    assert found == [*range(0, 4), *range(50, 60), *range(100, 104)]


def settling(detector: MotionDetector, times: list[float], settle_s: float) -> list[bool]:
    """After each frame (a still grey street) at these times: must the burst go on?"""
    rng = np.random.default_rng(3)
    still = rng.integers(20, 50, (60, 80)).astype(np.uint8)
    going = []
    for i, t in enumerate(times):
        detector.detect(Frame(i, t, still, 1.0))
        going.append(detector.settling(t, settle_s))
    return going


def test_a_burst_goes_on_past_the_warm_up_until_motion_has_looked_for_the_quiet_span() -> None:
    """After a gap motion learns its background for `warmup_frames` frames and sees nothing;
    a burst ending there (nothing moved: quiet) would have looked at nothing at all."""
    config = MotionConfig(warmup_frames=11)
    warming = MotionDetector(config)
    going = settling(warming, [i / 25 for i in range(30)], 0.4)
    assert going == [True] * 20 + [False] * 10  # 10 learning, the 11th learns, 0.4 s looking
    later = settling(warming, [100 + i / 25 for i in range(30)], 0.4)  # a gap: learning again
    assert later == going
    plain = MotionDetector(config)  # no quiet rule: learning only
    assert settling(plain, [i / 25 for i in range(12)], 0.0) == [True] * 10 + [False] * 2
