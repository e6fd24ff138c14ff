"""Burst sampling decodes a GOP's tail when its packets surge: something large came in just
after the burst (a car out of a side street) and would be gone before the next one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from precinct.video import bursts
from precinct.video.triage import Span

from .clips import encode_h264

W, H, FPS, GOP = 320, 240, 25, 50


def make_street(path: Path, car: range) -> Path:
    """A dark noisy street, a keyframe every 50 frames; a bright textured car (a third of the
    picture) crosses it during the frames of `car`."""
    rng = np.random.default_rng(5)
    background = rng.integers(15, 45, (H, W)).astype(np.int16)
    noise = rng.normal(0, 3, (5, H, W)).astype(np.int16)
    body = rng.integers(120, 230, (60, 110)).astype(np.int16)
    options = {"g": str(GOP), "keyint_min": str(GOP), "sc_threshold": "0", "bf": "0"}
    return encode_h264(path, street_pictures(car, background, noise, body), options)


def street_pictures(
    car: range, background: np.ndarray, noise: np.ndarray, body: np.ndarray
) -> Iterator[np.ndarray]:
    for i in range(6 * GOP):
        grey = background + noise[i % len(noise)]
        if i in car:
            x = W - 110 - (i - car.start) * (W - 110) // len(car)
            grey[120:180, x : x + 110] = body
        yield np.clip(grey, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def street(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_street(tmp_path_factory.mktemp("surge") / "street.mp4", car=range(270, 295))


def decoded(path: Path, surge: float) -> list[int]:
    control = bursts.BurstControl((W, H), burst_s=0.4, surge=surge)
    return [s.frame.index for s in bursts.iter_bursts(path, [Span(0.0, 12.0)], control, 160)]


def test_a_car_between_two_bursts_makes_the_tail_decoded(street: Path) -> None:
    assert decoded(street, surge=0.0) == [g + i for g in range(0, 300, GOP) for i in range(10)]
    found = decoded(street, surge=2.0)
    assert found == [*(g + i for g in range(0, 250, GOP) for i in range(10)), *range(250, 300)]


def test_packet_sizes_surge_against_their_place_in_the_gops_before() -> None:
    sizes = bursts.PacketSizes()
    sizes.key_size = 10_000
    for _ in range(4):
        assert not sizes.surges(7, 600, ratio=2.0)
        assert not sizes.surges(30, 300, ratio=2.0)
    assert not sizes.surges(7, 1000, ratio=2.0)  # less than twice its place's usual size
    assert sizes.surges(30, 900, ratio=2.0)  # late in a GOP packets are smaller
    assert not sizes.surges(30, 900, ratio=0.0)  # off
    for _ in range(4):
        sizes.surges(45, 50, ratio=2.0)
    assert not sizes.surges(45, 120, ratio=2.0)  # it must also grow by 2% of the keyframe
