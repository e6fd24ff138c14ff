"""Full-resolution crops taken while the detail pass decodes (no second decode of the file).

The sampled detail pass holds each decoded frame at full resolution for a moment; for every
confirmed track matched in that frame, `CropHarvest.offer` keeps the view if it is among the
track's `count` largest so far (spread at least `SPACING` frames apart), cutting only the
track's neighbourhood out of the picture: the YUV planes of that region are converted, never
the whole 1080p frame. Kept per view: the tight crop (display, colours, the best view) and a
square crop with context (what a detector verifies), the latter reduced to at most
`CONTEXT_SIDE` pixels (detectors look at 300–320 px). Memory: `count` views per track.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import av
import cv2
import numpy as np

from precinct.video import features
from precinct.video.classify import square_crop
from precinct.video.crops import EDGE_MARGIN_PX, cut
from precinct.video.decode import plane
from precinct.video.track import Mover
from precinct.video.types import Box, Crop, Image, TrackPoint

SPACING = 5
CONTEXT_SIDE = 480
CONTEXT_PAD = 0.3  # as `square_crop`


@dataclass
class _View:
    frame: int
    area: float
    edge: bool  # cut by the picture's edge (kept only while there is no other view)
    tight: Crop
    context: Crop


@dataclass
class _Kept:
    views: list[_View] = field(default_factory=list)


class CropHarvest:
    """The best `count` views of every track, collected frame by frame."""

    def __init__(self, count: int, size: tuple[int, int]) -> None:
        self.count, self.size = max(1, count), size
        self._kept: dict[int, _Kept] = {}

    def offer(self, movers: list[Mover], frame: int, picture: av.VideoFrame) -> None:
        """Consider the views of the tracks matched in `frame` (`picture`, full resolution)."""
        for mover in movers:
            point = mover.points[-1] if mover.points and mover.confirmed else None
            if point is None or point.frame != frame:
                continue
            kept = self._kept.setdefault(id(mover.points), _Kept())
            if self._wanted(kept, point):
                self._keep(kept, point, picture)

    def tight(self, points: list[TrackPoint]) -> list[Crop]:
        return [v.tight for v in self._kept.get(id(points), _Kept()).views]

    def context(self, points: list[TrackPoint]) -> list[Crop]:
        return [v.context for v in self._kept.get(id(points), _Kept()).views]

    def _wanted(self, kept: _Kept, point: TrackPoint) -> bool:
        inside = not features.touches_edge(point.box, self.size, EDGE_MARGIN_PX)
        if not inside and kept.views:
            return False  # a view cut by the edge only while there is nothing better
        if inside and any(v.edge for v in kept.views):
            return True
        near = [v for v in kept.views if abs(v.frame - point.frame) <= SPACING]
        if near:
            return all(v.area < point.box.area for v in near)
        return len(kept.views) < self.count or point.box.area > min(v.area for v in kept.views)

    def _keep(self, kept: _Kept, point: TrackPoint, picture: av.VideoFrame) -> None:
        view = self._view(point, picture)
        if view is None:
            return
        kept.views = [v for v in kept.views if abs(v.frame - point.frame) > SPACING]
        kept.views = [v for v in kept.views if not v.edge or view.edge]
        kept.views.append(view)
        kept.views.sort(key=lambda v: -v.area)
        del kept.views[self.count :]

    def _view(self, point: TrackPoint, picture: av.VideoFrame) -> _View | None:
        box = point.box
        side = max(box.w, box.h) * (1 + 2 * CONTEXT_PAD)
        x0, y0 = box.cx - side / 2, box.cy - side / 2
        region, left, top = region_bgr(picture, (x0, y0, x0 + side, y0 + side))
        if region.size == 0:
            return None
        local = Box(box.x - left, box.y - top, box.w, box.h)
        tight = cut(region, local)  # the region holds the padded box: clipped as in the picture
        context = _reduced(square_crop(region, local, CONTEXT_PAD))
        edge = features.touches_edge(box, self.size, EDGE_MARGIN_PX)
        sharp = features.sharpness(tight)
        return _View(
            point.frame,
            box.area,
            edge,
            Crop(point.frame, point.t, box, tight, sharp),
            Crop(point.frame, point.t, box, context, sharp),
        )


def _reduced(image: Image) -> Image:
    side = image.shape[0]
    if side <= CONTEXT_SIDE:
        return image
    small = cv2.resize(image, (CONTEXT_SIDE, CONTEXT_SIDE), interpolation=cv2.INTER_AREA)
    return np.asarray(small, dtype=np.uint8)


def region_bgr(
    picture: av.VideoFrame, rect: tuple[float, float, float, float]
) -> tuple[Image, int, int]:
    """The BGR pixels of `rect` (x0, y0, x1, y1; clipped to the picture, aligned to even
    pixels) and its top-left corner. 4:2:0 pictures convert only the region's planes."""
    width, height = picture.width, picture.height
    x0, y0 = max(0, int(rect[0]) & ~1), max(0, int(rect[1]) & ~1)
    x1 = min(width & ~1, (int(np.ceil(rect[2])) + 1) & ~1)
    y1 = min(height & ~1, (int(np.ceil(rect[3])) + 1) & ~1)
    if x1 <= x0 or y1 <= y0:
        return np.zeros((0, 0, 3), np.uint8), x0, y0
    if picture.format.name not in ("yuv420p", "yuvj420p"):
        whole = picture.to_ndarray(format="bgr24")
        return np.ascontiguousarray(whole[y0:y1, x0:x1]), x0, y0
    luma = plane(picture, 0)[y0:y1, x0:x1]
    u = plane(picture, 1)[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2]
    v = plane(picture, 2)[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2]
    i420 = np.concatenate([luma.ravel(), u.ravel(), v.ravel()])
    bgr = cv2.cvtColor(i420.reshape((y1 - y0) * 3 // 2, x1 - x0), cv2.COLOR_YUV2BGR_I420)
    return np.ascontiguousarray(bgr, dtype=np.uint8), x0, y0
