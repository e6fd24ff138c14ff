"""Shortcuts taken for speed give exactly what the plain computations they replace give."""

from __future__ import annotations

from collections import deque
from pathlib import Path

import cv2
import numpy as np
import pytest

from precinct.video import decode, views
from precinct.video.bursts import SURGE_SHARE, PacketSizes
from precinct.video.crops import CropRequest, make_crops, track_crops
from precinct.video.features import split_medians
from precinct.video.keyframes import largest_patch
from precinct.video.types import Box, TrackPoint

from .test_scan_reuse import SIZE, encode_colour, moving


def plain_surges(seen: dict[int, deque[int]], key_size: int, position: int, size: int) -> bool:
    """`PacketSizes.surges` as it was first written, with `np.median`."""
    history = seen.setdefault(position, deque(maxlen=PacketSizes.GOPS))
    usual = float(np.median(history)) if len(history) >= PacketSizes.GOPS // 2 else None
    history.append(size)
    if usual is None:
        return False
    return size >= 2.0 * usual and size - usual >= SURGE_SHARE * key_size


def test_packet_surges_are_judged_as_with_numpys_median() -> None:
    rng = np.random.default_rng(5)
    sizes, seen = PacketSizes(), dict[int, deque[int]]()
    sizes.key_size = 20_000
    verdicts = []
    for gop in range(60):
        for position in range(1, 50):
            size = int(rng.integers(200, 900)) * (3 if rng.random() < 0.05 else 1)
            expected = plain_surges(seen, sizes.key_size, position, size)
            assert sizes.surges(position, size, 2.0) == expected, (gop, position)
            verdicts.append(expected)
    assert any(verdicts) and not all(verdicts)


def labelled_largest(mask: np.ndarray) -> int:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return int(stats[1:count, cv2.CC_STAT_AREA].max()) if count > 1 else 0


def test_the_largest_patch_is_labelled_as_in_the_whole_mask() -> None:
    rng = np.random.default_rng(2)
    empty = np.zeros((180, 320), np.uint8)
    assert largest_patch(empty) == 0
    assert largest_patch(np.full((18, 32), 255, np.uint8)) == 18 * 32
    for share in (0.0005, 0.005, 0.05, 0.3):
        for _ in range(20):
            mask = np.where(rng.random((180, 320)) < share, 255, 0).astype(np.uint8)
            corner = rng.integers(0, 170), rng.integers(0, 310)
            mask[corner[0] : corner[0] + 6, corner[1] : corner[1] + 5] = 255
            assert largest_patch(mask) == labelled_largest(mask)


def plain_consider(held: list[views._View], largest: float, keep: int) -> list[views._View]:
    """The cache's choice as first written: rank every view afresh, then spread them out."""
    ranked = sorted(held, key=lambda v: views._rank(v.point.box.area, v.lead, largest))
    chosen: list[views._View] = []
    spare: list[views._View] = []
    for view in ranked:
        frame = view.point.frame
        near = [o for o in chosen if abs(frame - o.point.frame) <= views.SPACING]
        if not near and len(chosen) < keep:
            chosen.append(view)
        elif not all(views._dominates(o, view) for o in near) and len(spare) < keep:
            spare.append(view)
    return chosen + spare


def test_the_view_cache_keeps_the_views_the_plain_ranking_keeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(views.ViewCache, "_fill", lambda self, view, picture: None)
    rng = np.random.default_rng(8)
    for trial in range(30):
        cache = views.ViewCache((1920, 1080), int(rng.integers(1, 5)))
        first = TrackPoint(0, 0.0, Box(10, 10, 4, 4))
        held = views._Held(first, [first])
        expected: list[views._View] = []
        for frame in range(1, 200):
            side = float(rng.integers(4, 30))  # whole pixels: equal areas (ties) are common
            point = TrackPoint(frame, frame / 25, Box(50.0, 50.0, side, side * 2))
            lead = int(rng.integers(0, 50))
            largest = max(held.largest, point.box.area)
            worst = max(
                (views._rank(v.point.box.area, v.lead, largest) for v in expected), default=None
            )
            if len(expected) < cache.keep or views._rank(point.box.area, lead, largest) < worst:
                expected = plain_consider(
                    [*expected, views._View(point, lead)], largest, cache.keep
                )
            cache._consider(held, point, lead, None)  # type: ignore[arg-type]
            kept = [(v.point.frame, v.lead) for v in held.views]
            assert kept == [(v.point.frame, v.lead) for v in expected], (trial, frame)


@pytest.mark.parametrize("pix_fmt", ["yuv420p", "yuvj420p", "yuv444p"])  # 4:4:4: whole
def test_the_crops_pass_converts_regions_equal_to_the_whole_picture(
    tmp_path: Path, pix_fmt: str
) -> None:
    clip = encode_colour(tmp_path / "colour.mp4", pix_fmt)
    tracks = [moving(1, -20.4, 0.5), moving(2, 300.6, 1.4)]  # the first starts off the edge
    request = CropRequest(SIZE, 3, [0, 50], {1, 2})
    found = track_crops(clip, tracks, request)
    for track in tracks:
        wanted = [c.frame for c in found[track.track_id].tight]
        assert len(wanted) == 3
        whole = decode.frames_at(clip, wanted)
        for context, crops in (
            (False, found[track.track_id].tight),
            (True, found[track.track_id].context),
        ):
            plain = make_crops(track, whole, context)
            assert [c.frame for c in crops] == [c.frame for c in plain]
            assert all(np.array_equal(a.image, b.image) for a, b in zip(crops, plain, strict=True))


def test_split_medians_are_numpys_medians_of_the_split_runs() -> None:
    rng = np.random.default_rng(4)
    for n in range(1, 60):
        values = rng.normal(500.0, 200.0, (n, 3)).round(int(rng.integers(0, 3)))
        for parts in {1, min(n, 2), min(n, 7), min(n, 16), n}:  # (as binned_feet: ≤ n)
            runs = np.array_split(np.arange(n), parts)
            expected = np.array([np.median(values[r], axis=0) for r in runs])
            assert np.array_equal(split_medians(values, parts), expected), (n, parts)
