"""Tracker on synthetic detections (movers at 320 px wide, scaled to 1920) and, end to end, on
synthetic night frames through the motion stage."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from precinct.video.motion import MotionDetector
from precinct.video.track import Tracker, TrackerConfig
from precinct.video.types import Box, Detection, Frame, Track

FPS, SCALE = 25.0, 6.0  # work at 320 px wide, report in 1920 px source pixels


@dataclass(frozen=True)
class Mover:
    """A box (working pixels) moving at constant speed (pixels per frame) from `first` to `last`."""

    x: float
    y: float
    w: float
    h: float
    vx: float
    first: int
    last: int
    vy: float = 0.0

    def box(self, i: int) -> Box:
        k = i - self.first
        return Box(self.x + self.vx * k, self.y + self.vy * k, self.w, self.h)

    def seen(self, i: int) -> bool:
        return self.first <= i <= self.last


def jitter(box: Box, rng: np.random.Generator, px: float = 0.7) -> Box:
    dx, dy, dw, dh = rng.normal(0, px, 4)
    return Box(box.x + dx, box.y + dy, box.w + dw, box.h + dh).scaled(SCALE)


def union(a: Box, b: Box) -> Box:
    x0, y0 = min(a.x, b.x), min(a.y, b.y)
    return Box(x0, y0, max(a.x + a.w, b.x + b.w) - x0, max(a.y + a.h, b.y + b.h) - y0)


def blobs(movers: list[Mover], i: int) -> list[Box]:
    """The movers' boxes at frame i, those that touch or overlap merged into one blob."""
    boxes = [m.box(i) for m in movers if m.seen(i)]
    merged: list[Box] = []
    for box in boxes:
        touching = [b for b in merged if union(b, box).area <= b.area + box.area + 3 * box.h]
        for b in touching:
            merged.remove(b)
            box = union(b, box)
        merged.append(box)
    return merged


def track(
    movers: list[Mover], frames: int, step: int = 1, seed: int = 0, merge: bool = True
) -> list[Track]:
    """Track the movers' boxes (jittered); `merge`: touching boxes come as one blob."""
    rng = np.random.default_rng(seed)
    tracker = Tracker()
    for i in range(0, frames, step):
        t = i / FPS
        boxes = blobs(movers, i) if merge else [m.box(i) for m in movers if m.seen(i)]
        tracker.update([Detection(i, t, jitter(b, rng)) for b in boxes], t, i)
    return tracker.finish()


def centre_error(tr: Track, mover: Mover) -> float:
    return max(abs(p.box.cx - mover.box(p.frame).scaled(SCALE).cx) for p in tr.points)


def assert_follows(tr: Track, mover: Mover, slack: int = 2) -> None:
    assert abs(tr.points[0].frame - mover.first) <= slack
    assert abs(tr.points[-1].frame - mover.last) <= slack
    assert centre_error(tr, mover) < 4 * SCALE


def test_one_mover_gives_one_track_with_its_frames_and_boxes() -> None:
    walker = Mover(20, 80, 8, 20, vx=2, first=10, last=110)
    (tr,) = track([walker], 130)
    assert tr.track_id == 1
    assert_follows(tr, walker, slack=0)
    assert [p.frame for p in tr.points] == list(range(10, 111))
    assert tr.points[0].t == 10 / FPS
    last = walker.box(110).scaled(SCALE)
    assert abs(tr.points[-1].box.w - last.w) < 2 * SCALE
    assert abs(tr.points[-1].box.h - last.h) < 2 * SCALE


def test_a_slow_walker_is_one_track() -> None:
    walker = Mover(100, 80, 8, 20, vx=1, first=5, last=200, vy=0.2)
    (tr,) = track([walker], 220)
    assert_follows(tr, walker)


def test_a_fast_car_is_tracked_across_the_frame() -> None:
    car = Mover(0, 120, 40, 18, vx=40, first=3, last=9)  # 40 px/frame: crosses 320 px in 7 frames
    (tr,) = track([car], 20)
    assert_follows(tr, car, slack=1)


def test_a_fast_car_is_tracked_when_frames_are_skipped() -> None:
    car = Mover(0, 120, 60, 25, vx=20, first=0, last=14)
    (tr,) = track([car], 20, step=2)
    assert_follows(tr, car, slack=2)


@pytest.mark.parametrize("speed", [0.5, 1.0, 2.0])
def test_ids_stay_with_two_people_passing_each_other(speed: float) -> None:
    frames = int(200 / speed)  # at 0.5 px/frame their blobs are one for over a second
    right = Mover(60, 80, 10, 24, vx=speed, first=0, last=frames)
    left = Mover(260, 80, 10, 24, vx=-speed, first=0, last=frames)
    assert len(blobs([right, left], frames // 2)) == 1  # they merge into one blob while passing
    for seed in range(3):
        tracks = track([right, left], frames + 10, seed=seed)
        assert [t.track_id for t in tracks] == [1, 2]
        assert_follows(tracks[0], right)
        assert_follows(tracks[1], left)


def test_ids_stay_when_one_walker_overtakes_another() -> None:
    fast = Mover(40, 80, 8, 20, vx=2.5, first=0, last=100)
    slow = Mover(100, 82, 8, 20, vx=1, first=0, last=100)
    assert len(blobs([fast, slow], 40)) == 1
    tracks = track([fast, slow], 110)
    assert [t.track_id for t in tracks] == [1, 2]
    assert_follows(tracks[0], fast)
    assert_follows(tracks[1], slow)


def test_a_walker_and_a_fast_car_crossing_keep_their_ids() -> None:
    walker = Mover(150, 70, 8, 20, vx=0, vy=1, first=0, last=60)
    car = Mover(-40, 90, 40, 18, vx=12, first=0, last=30)
    tracks = track([walker, car], 70)
    assert len(tracks) == 2
    by_size = sorted(tracks, key=lambda t: t.points[0].box.w)
    assert_follows(by_size[0], walker)
    assert_follows(by_size[1], car)


def test_a_short_gap_keeps_the_track_and_leaves_the_gap_out() -> None:
    walker = Mover(20, 80, 8, 20, vx=2, first=0, last=100)
    hidden = range(40, 50)  # behind a pole for 0.4 s
    rng = np.random.default_rng(1)
    tracker = Tracker()
    for i in range(101):
        dets = [] if i in hidden else [Detection(i, i / FPS, jitter(walker.box(i), rng))]
        tracker.update(dets, i / FPS, i)
    (tr,) = tracker.finish()
    assert [p.frame for p in tr.points] == [i for i in range(101) if i not in hidden]


def test_a_long_absence_ends_the_track_and_ids_increase() -> None:
    first = Mover(20, 80, 8, 20, vx=2, first=0, last=40)
    later = Mover(20, 80, 8, 20, vx=2, first=80, last=120)  # 1.6 s later, same path
    tracks = track([first, later], 130)
    assert [t.track_id for t in tracks] == [1, 2]
    assert_follows(tracks[0], first)
    assert_follows(tracks[1], later)


def test_a_track_never_bridges_a_gap_between_spans() -> None:
    walker = Mover(20, 80, 8, 20, vx=2, first=0, last=30)
    rng = np.random.default_rng(6)
    tracker = Tracker()
    for start in (0.0, 60.0):  # the same path again a minute later, in the next active span
        for i in range(31):
            t = start + i / FPS
            tracker.update([Detection(i, t, jitter(walker.box(i), rng))], t, i)
    tracks = tracker.finish()
    assert [(t.track_id, len(t.points)) for t in tracks] == [(1, 31), (2, 31)]


def test_ids_continue_across_spans() -> None:
    walker = Mover(20, 80, 8, 20, vx=2, first=0, last=30)
    tracker = Tracker(TrackerConfig(first_id=7))
    rng = np.random.default_rng(2)
    ids = []
    for _span in range(2):
        for i in range(31):
            tracker.update([Detection(i, i / FPS, jitter(walker.box(i), rng))], i / FPS, i)
        ids += [t.track_id for t in tracker.finish()]
    assert ids == [7, 8]


def test_stationary_noise_gives_no_tracks() -> None:
    rng = np.random.default_rng(3)
    tracker = Tracker()
    lamp = Box(200, 40, 6, 6)
    for i in range(250):
        dets = [Detection(i, i / FPS, jitter(lamp, rng, 0.5))] if rng.random() < 0.7 else []
        for _ in range(rng.poisson(1.5)):  # speckle anywhere
            spot = Box(
                rng.uniform(0, 310), rng.uniform(0, 170), rng.uniform(3, 8), rng.uniform(3, 8)
            )
            dets.append(Detection(i, i / FPS, spot.scaled(SCALE)))
        tracker.update(dets, i / FPS, i)
    assert tracker.finish() == []


def test_a_track_is_born_after_min_hits_consecutive_matches() -> None:
    config = TrackerConfig(min_hits=5, min_points=1, min_duration=0, min_travel=0, brief_s=0)
    walker = Mover(20, 80, 8, 20, vx=2, first=0, last=100)
    rng = np.random.default_rng(5)
    found = []
    for seen in (4, 5):
        tracker = Tracker(config)
        for i in range(seen + 3):
            dets = [Detection(i, i / FPS, jitter(walker.box(i), rng))] if i < seen else []
            tracker.update(dets, i / FPS, i)
        found.append(len(tracker.finish()))
    assert found == [0, 1]


def test_no_detections_no_tracks() -> None:
    tracker = Tracker()
    for i in range(10):
        tracker.update([], i / FPS, i)
    assert tracker.finish() == []


# -- end to end: frames → motion → tracks --------------------------------------------------


def night_frames(movers: list[Mover], frames: int, seed: int = 4) -> list[Frame]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(frames):
        image = rng.normal(30, 6, (180, 320))
        for m in movers:
            if m.seen(i):
                b = m.box(i)
                image[int(b.y) : int(b.y + b.h), max(0, int(b.x)) : max(0, int(b.x + b.w))] = 140
        grey = image.clip(0, 255).astype(np.uint8)
        out.append(Frame(i, i / FPS, np.repeat(grey[:, :, None], 3, axis=2), SCALE))
    return out


def test_frames_to_tracks_two_people_crossing_and_a_car() -> None:
    right = Mover(40, 80, 8, 20, vx=1.5, first=15, last=140)
    left = Mover(270, 83, 8, 20, vx=-1.5, first=15, last=140)
    car = Mover(-30, 140, 40, 18, vx=10, first=40, last=70)
    detector, tracker = MotionDetector(), Tracker()
    for frame in night_frames([right, left, car], 160):
        tracker.update(detector.detect(frame), frame.t, frame.index)
    tracks = tracker.finish()
    assert [t.track_id for t in tracks] == [1, 2, 3]
    starts_left = [
        t for t in tracks if t.points[0].box.cx < 100 * SCALE and t.points[0].box.y < 120 * SCALE
    ]
    starts_right = [t for t in tracks if t.points[0].box.cx > 200 * SCALE]
    cars = [t for t in tracks if t.points[0].box.y > 120 * SCALE]
    assert len(starts_left) == len(starts_right) == len(cars) == 1
    assert_follows(starts_left[0], right, slack=3)
    assert_follows(starts_right[0], left, slack=3)
    assert abs(cars[0].points[0].frame - 40) <= 3


def test_a_big_blob_over_two_fragments_moving_apart_starts_its_own_track() -> None:
    """A car entering shows as two fragments (its front outruns its rear) that become
    confirmed tracks moving apart; the whole car then covers both. That blob is not two
    tracks crossing (it is far bigger than their union): the car gets its own track."""
    rear = Mover(20, 100, 10, 10, vx=2, first=0, last=9)
    front = Mover(40, 100, 10, 10, vx=4, first=0, last=9)
    car = Mover(10, 80, 120, 50, vx=3, first=10, last=40)
    tracks = track([rear, front, car], 50, seed=0, merge=False)
    whole = [t for t in tracks if t.points[0].box.w > 60 * SCALE]
    assert len(whole) == 1
    assert_follows(whole[0], car)


def test_the_two_halves_of_a_fast_car_merging_are_not_a_crossing() -> None:
    """A fast car's halves are found apart at first (their speeds differ a little as the car
    enters) and then as one blob: that blob is the car, followed by a track."""
    rear = Mover(0, 120, 20, 12, vx=12, first=0, last=8)
    front = Mover(30, 120, 20, 12, vx=14, first=0, last=8)
    car = Mover(108, 120, 70, 12, vx=13, first=9, last=20)
    tracks = track([rear, front, car], 30, seed=1, merge=False)
    covered = {p.frame for t in tracks for p in t.points if p.box.w > 50 * SCALE}
    assert len(covered & set(range(car.first, car.last + 1))) >= 10


def test_someone_lingering_for_seconds_is_kept_but_a_still_blob_is_not() -> None:
    """A track followed for `long_s` needs to travel only `long_travel` box sizes: someone
    lingering at a parked car moves little for a long time; a blob that does not move at all
    (a ghost, a lamp) is still dropped."""
    frames = int(8 * FPS)
    lingering = Mover(100, 80, 8, 20, vx=0.012, first=0, last=frames)  # 0.12 px/s … 0.2 sizes
    still = Mover(200, 80, 8, 20, vx=0.0, first=0, last=frames)
    tracks = track([lingering, still], frames + 30, seed=3)
    assert len(tracks) == 1
    assert_follows(tracks[0], lingering)


def test_a_far_walker_seen_in_bursts_is_one_track() -> None:
    """Sampled decoding: 15 frames of every 50. The walker's blob narrows within a burst (noise
    on a 6-8 px box); across the 1.4 s gap that rate must not shrink its predicted box to a pixel,
    or the next burst's blob fails the size gate and the walker is cut into brief pieces."""
    tracker = Tracker(TrackerConfig(max_missed=2.5))
    for burst in range(4):
        for step in range(15):
            frame = burst * 50 + step
            width = 8.0 - 2.0 * step / 14  # 8 px narrowing to 6 px in every burst
            box = Box(100.0 + 1.2 * frame, 200.0, width, 16.0)
            tracker.update([Detection(frame, frame / 25, box, 1.0)], frame / 25, frame)
    tracks = tracker.finish()
    assert len(tracks) == 1
    assert [p.frame for p in tracks[0].points][-1] == 3 * 50 + 14
