"""Full-resolution crops taken while the detail pass decodes (no second decode of the file).

The sampled detail pass holds each decoded frame at full resolution for a moment; for every
confirmed track matched in that frame, `CropHarvest.offer` keeps the view if it is among the
track's `count` largest so far (spread at least `SPACING` frames apart), cutting only the
track's neighbourhood out of the picture: the YUV planes of that region are converted, never
the whole 1080p frame. Kept per view: the tight crop (display, colours, the best view) and a
square crop with context (what a detector verifies), the latter reduced to at most
`CONTEXT_SIDE` pixels (detectors look at 300–320 px). Memory: `count` views per track.

Most views offered are later pushed out by larger ones, so a view holds only its region's BGR
pixels until its crops are wanted, or its track ends (then they are cut and the region let go:
while a track is live it holds at most `count` regions).
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
    point: TrackPoint
    region: Image | None  # the pixels around the box, until the crops are cut from them
    local: Box  # the box in the region
    _crops: tuple[Crop, Crop] | None = None

    def crops(self) -> tuple[Crop, Crop]:
        """The tight crop and the (reduced) square crop with context, cut once."""
        if self._crops is None:
            assert self.region is not None
            tight = cut(self.region, self.local)  # the region holds the padded box: clipped
            context = _reduced(square_crop(self.region, self.local, CONTEXT_PAD))
            sharp = features.sharpness(tight)
            point = self.point
            self._crops = (
                Crop(point.frame, point.t, point.box, tight, sharp),
                Crop(point.frame, point.t, point.box, context, sharp),
            )
            self.region = None
        return self._crops


@dataclass
class _Kept:
    views: list[_View] = field(default_factory=list)


class CropHarvest:
    """The best `count` views of every track, collected frame by frame."""

    def __init__(self, count: int, size: tuple[int, int]) -> None:
        self.count, self.size = max(1, count), size
        self._kept: dict[int, _Kept] = {}
        self._open: set[int] = set()  # tracks whose views may hold uncut regions

    def offer(self, movers: list[Mover], frame: int, picture: av.VideoFrame) -> None:
        """Consider the views of the tracks matched in `frame` (`picture`, full resolution);
        cut the crops of the tracks that ended."""
        for mover in movers:
            point = mover.points[-1] if mover.points and mover.confirmed else None
            if point is None or point.frame != frame:
                continue
            key = id(mover.points)
            kept = self._kept.setdefault(key, _Kept())
            if self._wanted(kept, point):
                self._keep(kept, point, picture)
                self._open.add(key)
        if self._open:
            self._close(self._open - {id(mover.points) for mover in movers})

    def tight(self, points: list[TrackPoint]) -> list[Crop]:
        return [v.crops()[0] for v in self._kept.get(id(points), _Kept()).views]

    def context(self, points: list[TrackPoint]) -> list[Crop]:
        return [v.crops()[1] for v in self._kept.get(id(points), _Kept()).views]

    def _close(self, ended: set[int]) -> None:
        for key in ended:
            for view in self._kept[key].views:
                view.crops()
            self._open.discard(key)

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
        edge = features.touches_edge(box, self.size, EDGE_MARGIN_PX)
        return _View(point.frame, box.area, edge, point, region, local)


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
