"""Motion stage rules that recover passers the demo night missed: a far car's glare fringe is
light, a dim passer on a clean road is found by its patch."""

from __future__ import annotations

import numpy as np
import pytest

from precinct.video.motion import MotionConfig, MotionDetector

from .test_motion import SCALE, WARMUP, H, Mover, W, car_in_glare, near, render, run


def blocky(rng: np.random.Generator, block: int = 4, amount: float = 0.35) -> np.ndarray:
    """A multiplicative pattern of blocks, as compression leaves on a smooth glare."""
    cells = rng.normal(0, amount, (H // block + 1, W // block + 1))
    return 1 + np.kron(cells, np.ones((block, block)))[:H, :W]


def far_car_ious(config: MotionConfig) -> list[float]:
    """IoU of the best box with a far oncoming car (10×6 px, its lamps saturated) inside a glare
    disc twice its size, whose faint fringe is speckled by compression."""
    car = Mover(150, 60, 10, 6, vx=-1, vy=0.3, level=250, first=WARMUP + 2)
    return [
        max([box.iou(truth) for box in found], default=0.0)
        for truth, found in car_in_glare(config, car, (110, 6), blocky)
    ]


def test_a_far_cars_glare_fringe_is_light_not_car() -> None:
    """The glare connected to a lamp is light down to the faint fringe, where compression
    speckle looks like texture; counted as object it doubles the car's box."""
    assert float(np.median(far_car_ious(MotionConfig()))) >= 0.35
    assert float(np.median(far_car_ious(MotionConfig(halo_level=30)))) < 0.25


def dim_walker_hits(config: MotionConfig, seed: int) -> int:
    """Frames (of 67) in which a slow walker 8 grey levels darker than the road (less than the
    8-level threshold once blurred) is found at its box."""
    walker = Mover(100, 60, 8, 20, vx=0.3, level=22, first=WARMUP + 2)
    frames = run([walker], 80, seed=seed, config=config)
    return sum(
        any(near(d.box, walker.box(i), 3) for d in frames[i]) for i in range(walker.first, 80)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_dim_walker_on_a_clean_road_is_found_by_its_patch(seed: int) -> None:
    assert dim_walker_hits(MotionConfig(), seed) >= 20
    assert dim_walker_hits(MotionConfig(faint_size=1), seed) == 0  # per pixel, it hides


def test_faint_patches_add_nothing_on_pure_noise() -> None:
    frames = run([], 200, seed=5)
    assert not any(frames)


def shadowed_walker_ious(config: MotionConfig, offset: float) -> list[float]:
    """IoU of the best box with a walker whose faint shadow (7 grey levels darker than the
    road, under the threshold) lies beside its feet; `offset` lifts the whole scene."""
    rng = np.random.default_rng(1)
    detector = MotionDetector(config)
    walker = Mover(100, 60, 10, 30, vx=1, level=250, first=WARMUP + 2)
    shadow = Mover(110, 80, 24, 10, vx=1, level=round(23 + offset), first=WARMUP + 2)
    ious = []
    for i in range(60):
        found = detector.detect(render(rng, i, [shadow, walker], offset))
        if i >= walker.first:
            boxes = [d.box.scaled(1 / SCALE) for d in found]
            ious.append(max((b.iou(walker.box(i)) for b in boxes), default=0.0))
    return ious


def test_in_daylight_a_faint_shadow_does_not_stretch_a_walkers_box() -> None:
    """Faint patches count in the dark only: by day a passer has contrast to spare, and what
    differs faintly beside him is his shadow."""
    day = float(np.median(shadowed_walker_ious(MotionConfig(), offset=100)))
    always = float(np.median(shadowed_walker_ious(MotionConfig(faint_dark=255), offset=100)))
    assert day >= 0.7 > 0.5 > always
