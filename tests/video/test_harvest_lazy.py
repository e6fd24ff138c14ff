"""The harvest cuts a view's crops only when they are wanted or its track ends: the crops are
those it would have cut at once, from the picture the view was offered with."""

from __future__ import annotations

import av
import numpy as np

from precinct.video import features
from precinct.video.classify import square_crop
from precinct.video.crops import cut
from precinct.video.harvest import CONTEXT_PAD, CropHarvest, _reduced, region_bgr
from precinct.video.track import Mover
from precinct.video.types import Box, TrackPoint

SIZE = (1280, 720)


def pictures(n: int) -> list[av.VideoFrame]:
    rng = np.random.default_rng(2)
    return [
        av.VideoFrame.from_ndarray(
            rng.integers(0, 255, (SIZE[1], SIZE[0], 3), dtype=np.uint8), format="bgr24"
        ).reformat(format="yuv420p")
        for _ in range(n)
    ]


def at_once(point: TrackPoint, picture: av.VideoFrame) -> tuple[np.ndarray, np.ndarray, float]:
    """The tight crop, the context crop and the sharpness, cut when the view is offered."""
    box = point.box
    side = max(box.w, box.h) * (1 + 2 * CONTEXT_PAD)
    x0, y0 = box.cx - side / 2, box.cy - side / 2
    region, left, top = region_bgr(picture, (x0, y0, x0 + side, y0 + side))
    local = Box(box.x - left, box.y - top, box.w, box.h)
    tight = cut(region, local)
    return tight, _reduced(square_crop(region, local, CONTEXT_PAD)), features.sharpness(tight)


def test_lazy_crops_are_the_crops_cut_at_once_and_ended_tracks_let_their_regions_go() -> None:
    frames = pictures(8)
    harvest = CropHarvest(count=3, size=SIZE)
    walker: list[TrackPoint] = []  # small: context kept whole
    car: list[TrackPoint] = []  # large: context reduced
    expected: dict[int, tuple[np.ndarray, np.ndarray, float]] = {}
    for f, picture in enumerate(frames):
        index = f * 6
        walker.append(TrackPoint(index, f * 0.24, Box(100 + 9 * f, 300, 20 + f, 50 + 2 * f)))
        movers = [Mover(walker, walker[-1].box, 0.0, 0.0, True)]
        if f < 5:
            car.append(TrackPoint(index, f * 0.24, Box(500 + 30 * f, 200, 380 + 9 * f, 300)))
            movers.append(Mover(car, car[-1].box, 0.0, 0.0, True))
            expected[id(car[-1])] = at_once(car[-1], picture)
        expected[id(walker[-1])] = at_once(walker[-1], picture)
        harvest.offer(movers, index, picture)
        if f == 5:  # the car's track ended: its crops are cut, its regions let go
            assert all(v.region is None for v in harvest._kept[id(car)].views)
            assert any(v.region is not None for v in harvest._kept[id(walker)].views)
    for points in (walker, car):
        tight, context = harvest.tight(points), harvest.context(points)
        assert len(tight) == 3
        for t, c in zip(tight, context, strict=True):
            point = next(p for p in points if p.frame == t.frame)
            image, square, sharp = expected[id(point)]
            assert np.array_equal(t.image, image) and np.array_equal(c.image, square)
            assert t.sharpness == sharp == c.sharpness and t.box == point.box == c.box
    assert max(c.image.shape[0] for c in harvest.context(car)) == 480  # reduced
