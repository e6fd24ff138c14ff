"""Motion stage on synthetic night frames: dark noisy background, moving rectangles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest

from precinct.video.blobs import merge_rects
from precinct.video.motion import MotionConfig, MotionDetector
from precinct.video.types import Box, Detection, Frame

H, W, FPS, SCALE = 180, 320, 25.0, 4.0
WARMUP = MotionConfig().warmup_frames


@dataclass(frozen=True)
class Mover:
    """A rectangle of one grey level moving at constant speed (pixels per frame)."""

    x: float
    y: float
    w: int
    h: int
    vx: float = 0.0
    vy: float = 0.0
    level: int = 120
    first: int = 0

    def box(self, i: int) -> Box:
        return Box(
            round(self.x + self.vx * (i - self.first)),
            round(self.y + self.vy * (i - self.first)),
            self.w,
            self.h,
        )


def night(rng: np.random.Generator) -> np.ndarray:
    return rng.normal(30, 6, (H, W))


def render(rng: np.random.Generator, i: int, movers: list[Mover], offset: float = 0) -> Frame:
    image = night(rng) + offset
    for m in movers:
        if i >= m.first:
            b = m.box(i)
            image[int(b.y) : int(b.y + b.h), max(0, int(b.x)) : max(0, int(b.x + b.w))] = m.level
    grey = image.clip(0, 255).astype(np.uint8)
    return Frame(i, i / FPS, np.repeat(grey[:, :, None], 3, axis=2), SCALE)


def run(
    movers: list[Mover], frames: int, seed: int = 1, config: MotionConfig | None = None
) -> list[list[Detection]]:
    rng = np.random.default_rng(seed)
    detector = MotionDetector(config)
    return [detector.detect(render(rng, i, movers)) for i in range(frames)]


def near(found: Box, truth: Box, tolerance: float = 2.0) -> bool:
    t = truth.scaled(SCALE)
    edges = zip(
        (found.x, found.y, found.x + found.w, found.y + found.h),
        (t.x, t.y, t.x + t.w, t.y + t.h),
        strict=True,
    )
    return all(abs(a - b) <= tolerance * SCALE for a, b in edges)


@pytest.mark.parametrize("level", [120, 5], ids=["bright", "dark"])
def test_a_mover_is_found_at_its_box_in_source_pixels(level: int) -> None:
    mover = Mover(20, 60, 10, 30, vx=3, level=level, first=WARMUP + 5)
    frames = run([mover], 60)
    for i in range(mover.first, 60):
        assert len(frames[i]) == 1, i
        assert near(frames[i][0].box, mover.box(i)), (i, frames[i][0].box)
        assert frames[i][0].frame == i and frames[i][0].t == pytest.approx(i / FPS)


def test_pure_noise_gives_nothing_after_warm_up() -> None:
    frames = run([], 200)
    assert not any(frames)
    assert not any(frames[:WARMUP])  # nor during it


def test_a_mover_present_during_warm_up_leaves_no_ghost() -> None:
    mover = Mover(10, 60, 10, 30, vx=4)
    frames = run([mover], 40)
    for i in range(WARMUP, 40):
        assert len(frames[i]) == 1 and near(frames[i][0].box, mover.box(i)), i


def test_a_global_brightness_jump_does_not_flood() -> None:
    rng = np.random.default_rng(2)
    detector = MotionDetector()
    mover = Mover(20, 60, 10, 30, vx=2, level=160, first=WARMUP + 5)
    counts = []
    for i in range(80):
        offset = 40 if i >= 40 else 0  # street lights brighten the whole scene and stay so
        counts.append(len(detector.detect(render(rng, i, [mover], offset))))
    assert max(counts) <= 1
    assert counts[40:] == [1] * 40  # the mover is still seen through and after the jump


def sweep(frames: int, lit: range, seed: int = 3) -> list[int]:
    """Detections per frame of one mover while headlights light the left half for `lit`."""
    rng = np.random.default_rng(seed)
    detector = MotionDetector()
    mover = Mover(20, 130, 10, 30, vx=3, level=160, first=WARMUP + 5)
    counts = []
    for i in range(frames):
        frame = render(rng, i, [mover])
        if i in lit:
            half = frame.image[:, : W // 2].astype(int) + 90
            frame.image[:, : W // 2] = np.clip(half, 0, 255)
        counts.append(len(detector.detect(frame)))
    return counts


def test_a_headlight_sweep_over_half_the_scene_is_skipped() -> None:
    counts = sweep(80, range(40, 43))
    assert counts[40:43] == [0, 0, 0]  # no flood of glare blobs
    assert counts[WARMUP + 5 : 40] == [1] * (35 - WARMUP) and counts[43:] == [1] * 37


def test_a_lasting_change_over_half_the_scene_is_learnt_again() -> None:
    counts = sweep(90, range(40, 90))
    assert max(counts) <= 1
    learnt = 40 + MotionConfig().max_skipped_frames + WARMUP
    assert counts[learnt:] == [1] * (90 - learnt)


def beam(x: float, y: float) -> np.ndarray:
    """Headlight light on the road ahead of a car: a smooth glare ahead of (x, y) and a cone."""
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    glare = 120 * np.exp(-((xx - x - 3) ** 2 + (yy - y) ** 2) / (2 * 5.0**2))
    ahead = np.clip(xx - x, 0, None)
    spread = np.clip(1 - np.abs(yy - y) / (4 + 0.3 * ahead), 0, 1)  # soft-edged, as beams are
    cone = np.where(ahead > 0, 25 * np.exp(-ahead / 60) * spread, 0)
    return glare + cone


def lit_car_widths(config: MotionConfig) -> list[float]:
    """Widths (working pixels) of the detection holding a dark car that drives right with its
    headlights on (the lamps' own glow may be found apart from it; it is not the car)."""
    rng = np.random.default_rng(4)
    detector = MotionDetector(config)
    car = Mover(40, 100, 40, 16, vx=3, level=8, first=WARMUP + 2)
    widths = []
    for i in range(60):
        frame = render(rng, i, [car])
        if i >= car.first:
            front = car.box(i)
            lit = frame.image[:, :, 0] + beam(front.x + front.w, front.y + front.h / 2)
            frame.image[:] = np.clip(lit, 0, 255).astype(np.uint8)[:, :, None]
        found = [d.box.scaled(1 / SCALE) for d in detector.detect(frame)]
        if i >= car.first:
            body = car.box(i)
            holding = [b for b in found if abs(b.x - body.x) <= 3 and abs(b.y - body.y) <= 5]
            assert len(holding) == 1, (i, found)
            widths.append(holding[0].w)
    return widths


def test_a_cars_box_is_its_body_not_its_headlight_beam() -> None:
    body_and_lamps = 40 + 12  # the body (40 px) and at most the lamps' own glow
    assert max(lit_car_widths(MotionConfig())) <= body_and_lamps
    unfiltered = lit_car_widths(MotionConfig(light_texture=0))
    assert min(unfiltered) > body_and_lamps  # without the filter the beam counts as car


def test_a_person_split_in_two_pieces_is_one_detection() -> None:
    head = Mover(100, 50, 6, 7, vx=1.5, level=110, first=WARMUP + 2)
    legs = Mover(99, 60, 8, 18, vx=1.5, level=110, first=WARMUP + 2)  # a 3 px dark belt between
    frames = run([head, legs], 40)
    whole = Mover(99, 50, 8, 28, vx=1.5, first=WARMUP + 2)
    for i in range(head.first, 40):
        assert len(frames[i]) == 1, i
        assert near(frames[i][0].box, whole.box(i)), (i, frames[i][0].box)


def test_two_movers_apart_stay_two() -> None:
    a = Mover(20, 30, 10, 25, vx=2, first=WARMUP + 2)
    b = Mover(200, 120, 30, 15, vx=-5, level=200, first=WARMUP + 2)
    frames = run([a, b], 40)
    assert all(len(frames[i]) == 2 for i in range(a.first, 40))


def test_a_slow_bright_mover_keeps_its_whole_box_and_leaves_no_trail() -> None:
    walker = Mover(100, 60, 12, 30, vx=1, level=200, first=WARMUP + 2)
    frames = run([walker], 120)
    for i in range(walker.first, 120):
        assert len(frames[i]) == 1 and near(frames[i][0].box, walker.box(i)), i


def test_a_blob_below_the_minimum_area_is_dropped() -> None:
    """The default minimum is small (the tracker's persistence drops brief specks); a blob
    below whatever minimum is set never becomes a detection."""
    speck = Mover(100, 60, 3, 3, vx=2, first=WARMUP + 2)
    assert any(run([speck], 30))
    assert not any(run([speck], 30, config=MotionConfig(min_area_frac=0.0005)))


def test_an_object_that_stops_is_absorbed_into_the_background() -> None:
    config = MotionConfig(absorb_frames=20)
    rng = np.random.default_rng(4)
    detector = MotionDetector(config)
    parked = Mover(100, 60, 30, 15, level=150, first=WARMUP + 2)
    counts = [len(detector.detect(render(rng, i, [parked]))) for i in range(80)]
    assert counts[WARMUP + 2 : WARMUP + 20] == [1] * 18
    assert counts[-10:] == [0] * 10


def test_reset_starts_a_new_warm_up() -> None:
    rng = np.random.default_rng(5)
    detector = MotionDetector()
    mover = Mover(20, 60, 10, 30, vx=3)
    for i in range(30):
        detector.detect(render(rng, i, [mover]))
    detector.reset()
    after = [detector.detect(render(rng, i, [mover])) for i in range(30, 50)]
    assert not any(after[: WARMUP - 1])
    assert all(len(d) == 1 for d in after[WARMUP:])


def test_a_jump_in_time_starts_a_new_warm_up() -> None:
    rng = np.random.default_rng(7)
    detector = MotionDetector()
    mover = Mover(20, 60, 10, 30, vx=3)
    for i in range(20):
        detector.detect(render(rng, i, [mover]))
    later = [render(rng, i, [mover], offset=25) for i in range(20, 40)]  # next span, brighter
    found = [detector.detect(Frame(f.index + 500, f.t + 60, f.image, f.scale)) for f in later]
    assert not any(found[:WARMUP])
    assert all(len(d) == 1 for d in found[WARMUP:])


def test_a_grey_image_is_accepted() -> None:
    rng = np.random.default_rng(6)
    detector = MotionDetector()
    mover = Mover(20, 60, 10, 30, vx=3, first=WARMUP + 2)
    frames = [render(rng, i, [mover]) for i in range(20)]
    found = [detector.detect(Frame(f.index, f.t, f.image[:, :, 0], f.scale)) for f in frames]
    assert len(found[-1]) == 1 and near(found[-1][0].box, mover.box(19))


def test_merge_rects_joins_close_fragments_only() -> None:
    far = (100, 0, 110, 10, 100)
    chain = [(0, 0, 10, 10, 100), (40, 5, 50, 15, 100), (0, 13, 10, 30, 170), (12, 5, 38, 12, 50)]
    rects = merge_rects([*chain, far], 4.0, 0.25)
    assert sorted(rects) == [(0, 0, 50, 30, 420), far]
    assert len(merge_rects([(0, 0, 10, 10, 100), (0, 16, 10, 30, 170)], 4.0, 0.25)) == 2


def glare(x: float, y: float, peak: float, sigma: float) -> np.ndarray:
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    return peak * np.exp(-((xx - x) ** 2 + (yy - y) ** 2) / (2 * sigma**2))


def test_slow_passing_glare_is_not_learnt_and_leaves_no_ghost_trail() -> None:
    """Glare that crawls across the road (a far car's lamps) keeps pixels moving for longer
    than `absorb_frames`, but never at a steady level: learning it would leave a dark ghost
    trail behind it, found as objects."""
    rng = np.random.default_rng(8)
    detector = MotionDetector(MotionConfig(absorb_frames=20))
    behind = []
    for i in range(160):
        frame = render(rng, i, [])
        x = 60 + 0.8 * (i - WARMUP)
        if WARMUP <= i < 130:
            lit = frame.image[:, :, 0] + glare(x, 90, 90, 10)
            frame.image[:] = np.clip(lit, 0, 255).astype(np.uint8)[:, :, None]
        found = [d.box.scaled(1 / SCALE) for d in detector.detect(frame)]
        behind += [b for b in found if i >= 130 or b.x + b.w < x - 25]
    assert behind == []


def test_parked_car_is_still_absorbed_at_a_steady_level() -> None:
    config = MotionConfig(absorb_frames=20, absorb_tolerance=12)
    rng = np.random.default_rng(4)
    detector = MotionDetector(config)
    parked = Mover(100, 60, 30, 15, level=150, first=WARMUP + 2)
    counts = [len(detector.detect(render(rng, i, [parked]))) for i in range(80)]
    assert counts[-10:] == [0] * 10


def car_in_glare(
    config: MotionConfig,
    car: Mover,
    glow: tuple[float, float],
    speckle: Callable[[np.random.Generator], np.ndarray] | None = None,
) -> list[tuple[Box, list[Box]]]:
    """An oncoming car whose lamps swamp its body (a saturated patch) inside a glare of `glow`
    (peak grey levels, sigma in pixels), optionally speckled as compression leaves it: per
    frame from the car's first, its box and the boxes found."""
    rng = np.random.default_rng(9)
    detector = MotionDetector(config)
    seen = []
    for i in range(60):
        frame = render(rng, i, [])
        if i >= car.first:
            b = car.box(i)
            light = glare(b.cx, b.cy, *glow)
            lit = frame.image[:, :, 0] + (light * speckle(rng) if speckle else light)
            lit[int(b.y) : int(b.y + b.h), int(b.x) : int(b.x + b.w)] = 250
            frame.image[:] = np.clip(lit, 0, 255).astype(np.uint8)[:, :, None]
        found = [d.box.scaled(1 / SCALE) for d in detector.detect(frame)]
        if i >= car.first:
            seen.append((car.box(i), found))
    return seen


def oncoming_ious(config: MotionConfig) -> list[float]:
    """IoU of the box found on an oncoming car with its body (the car, 16×10 px, in a wide
    glare)."""
    car = Mover(150, 60, 16, 10, vx=-1, vy=1, level=250, first=WARMUP + 2)
    ious = []
    for i, (truth, found) in enumerate(car_in_glare(config, car, (90, 9))):
        assert len(found) == 1, (i + car.first, found)
        ious.append(found[0].iou(truth))
    return ious


def test_an_oncoming_cars_box_is_its_glowing_body_not_its_glare() -> None:
    assert min(oncoming_ious(MotionConfig())) >= 0.45  # 0.29 when glare counts as car


def test_someone_lingering_is_not_absorbed_for_ten_seconds() -> None:
    """A slow walker (a suspect checking parked cars) covers the same pixels for seconds: the
    background must not learn them while they are there (the default waits 10 s)."""
    walker = Mover(100, 60, 12, 30, vx=0.1, level=90, first=WARMUP + 2)
    frames = run([walker], 230)
    for i in range(walker.first, 230):
        assert len(frames[i]) == 1 and near(frames[i][0].box, walker.box(i)), (i, frames[i])
