"""Burst sampling decodes on only for movers it can still see (`bursts.needs_more`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from precinct.video import bursts, decode
from precinct.video.track import Mover
from precinct.video.triage import Span
from precinct.video.types import Box, TrackPoint
from tests.video.clips import make_clip

FPS = 25.0
SIZE = (1920, 1080)


def seen_at(times: list[float], box: Box, vx: float, confirmed: bool = True) -> Mover:
    """A mover matched to a blob at `times` (seconds), now at `box`, moving `vx` px/s."""
    points = [TrackPoint(round(t * FPS), t, box) for t in times]
    return Mover(points, box, vx, 0.0, confirmed)


def control(**settings: float) -> bursts.BurstControl:
    return bursts.BurstControl(SIZE, burst_s=0.6, probe_s=0.2, quiet_s=0.4, **settings)  # type: ignore[arg-type]


def test_a_mover_out_of_sight_no_longer_extends_the_burst() -> None:
    # A car leaving at the right edge, last matched 0.4 s ago: it has left; decoding on
    # cannot follow it. Seen in the frame before, it is followed out.
    gone = seen_at([0.0, 0.04, 0.08, 0.12], Box(1880, 500, 200, 90), vx=400.0)
    here = seen_at([0.0, 0.04, 0.44, 0.48], Box(1700, 500, 200, 90), vx=400.0)
    assert not bursts.needs_more([gone], control(sight_s=0.2), t=0.52)
    assert bursts.needs_more([here], control(sight_s=0.2), t=0.52)
    assert bursts.needs_more([gone], control(sight_s=0.0), t=0.52)  # the rule off: followed


def test_a_fast_mover_out_of_sight_no_longer_extends_the_burst() -> None:
    fast = seen_at([0.0, 0.04, 0.08], Box(900, 500, 200, 90), vx=800.0)
    assert not bursts.needs_more([fast], control(sight_s=0.2), t=0.9)
    assert bursts.needs_more([fast], control(sight_s=0.0), t=0.9)
    assert bursts.needs_more([fast], control(sight_s=0.2), t=0.24)  # seen 0.16 s ago: on


def test_the_burst_goes_on_past_its_quiet_part_only_for_movers_in_sight() -> None:
    slow = Box(900, 500, 40, 100)
    coasting = seen_at([-1.6, -1.56], slow, vx=10.0)  # from the burst before, not seen again
    walking = seen_at([0.32, 0.36], slow, vx=10.0)
    assert not bursts.needs_more([coasting], control(sight_s=0.2), t=0.4)
    assert bursts.needs_more([walking], control(sight_s=0.2), t=0.4)
    assert bursts.needs_more([coasting], control(sight_s=0.0), t=0.4)


def test_a_mover_whose_course_the_burst_has_seen_does_not_extend_it() -> None:
    slow = Box(900, 500, 40, 100)
    followed = seen_at([i / FPS for i in range(10)], slow, vx=10.0)  # every frame of the burst
    late = seen_at([-1.6, 0.32, 0.36], slow, vx=10.0)  # found again near the burst's end
    assert not bursts.needs_more([followed], control(course_points=8), t=0.4)
    assert bursts.needs_more([late], control(course_points=8), t=0.4)
    assert bursts.needs_more([followed], control(course_points=0), t=0.4)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("lean") / "c.mp4", seconds=6)


def test_a_burst_ends_at_its_quiet_part_once_its_only_mover_is_out_of_sight(
    clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Through the decoder: in the second GOP the only mover was last seen in the GOP before.
    monkeypatch.setattr(decode, "THREADS", 1)
    found = []
    lean = bursts.BurstControl((320, 240), burst_s=0.4, surge=0.0, quiet_s=0.16, sight_s=0.2)
    for sample in bursts.iter_bursts(clip, [Span(0.0, 6.0)], lean, 160):
        found.append(sample.frame.index)
        t = sample.frame.t
        box = Box(100, 100, 20, 40)
        last = t if sample.frame.index < 50 else 0.2  # unseen since frame 5
        lean.extend = bursts.needs_more([seen_at([last], box, vx=5.0)], lean, t)
    assert found == [*range(0, 10), *range(50, 54), *range(100, 104)]
