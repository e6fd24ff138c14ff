"""Full-resolution views of tracks held while the `full` scan's detail pass decodes, so that
the crops pass decodes again only the candidate frames it lacks (`crops.track_crops`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from precinct.video import features
from precinct.video.classify import Cutout, square_window
from precinct.video.crops import (
    EDGE_MARGIN_PX,
    NEAR_LARGEST,
    SPACING,
    crop_candidates,
    tight_rect,
)
from precinct.video.decode import plane
from precinct.video.track import Mover
from precinct.video.types import Image, Track, TrackPoint

Rank = tuple[bool, int, float]


@dataclass(eq=False)
class _View:
    point: TrackPoint
    lead: int
    rect: tuple[int, int, int, int] = (0, 0, 0, 0)  # x0, y0, x1, y1 in the picture (even)
    i420: Image | None = None  # the region's Y, U and V planes, stacked as libswscale reads
    colour: tuple[str, int, int] = ("yuv420p", 0, 0)  # the picture's format, space and range

    def rank(self, largest: float) -> Rank:
        return _rank(self.point.box.area, self.lead, largest)


def _rank(area: float, lead: int, largest: float) -> Rank:
    """As `crop_candidates` ranks a track's points, once `largest` is its largest view."""
    near = area >= NEAR_LARGEST * largest
    return (not near, lead if near else 0, -area)


@dataclass
class _Held:
    first: TrackPoint  # the track's first point (held: its id names the track; the finished
    # track may hold a new list, with gaps filled, but the same points)
    points: list[TrackPoint]  # the tracker's list of its points
    largest: float = 0.0
    views: list[_View] = field(default_factory=list)
    worst: tuple[float, Rank] | None = None  # (largest, the worst view's rank) when computed

    def worst_rank(self) -> Rank:
        if self.worst is None or self.worst[0] != self.largest:
            self.worst = (self.largest, max(v.rank(self.largest) for v in self.views))
        return self.worst[1]


class ViewCache:
    """Full-resolution regions around tracks' likeliest crop candidates, held while the detail
    pass decodes, so that the crops pass decodes again only the frames it lacks.

    For every live track matched in a frame, inside the picture, the region holding its tight
    and square crops is copied (YUV, a few kB to a few hundred) when it ranks among the track's
    2·`count` best points so far by `crop_candidates`' order. Crops cut from a held region equal
    those from the whole picture: the region is converted by libswscale as the picture is, and
    cut in picture coordinates (`Cutout`). When a track ends, only its candidates stay.
    Memory: up to 4·`count` regions per live track, `count` per ended one."""

    def __init__(self, size: tuple[int, int], count: int) -> None:
        self.size, self.count, self.keep = size, max(1, count), 2 * max(1, count)
        self.enabled = size[0] % 2 == 0 and size[1] % 2 == 0
        self._held: dict[int, _Held] = {}
        self._live: dict[int, bool] = {}  # keys of the tracks being followed: confirmed?
        self._keyframes: set[int] = set()  # indices of the keyframes seen so far
        self._scalers: dict[tuple[int, int], VideoReformatter] = {}

    def offer(self, movers: list[Mover], frame: int, picture: av.VideoFrame, lead: int) -> None:
        """Consider the views of the tracks matched in `frame` (`picture` at full resolution,
        decoded `lead` frames after its keyframe)."""
        if not self.enabled or picture.format.name not in ("yuv420p", "yuvj420p"):
            return
        live = {id(m.points[0]): m.confirmed for m in movers if m.points}
        self._keyframes.add(frame - lead)
        for key in [k for k in self._live if k not in live]:
            self._ended(key)
        for mover in movers:
            point = mover.points[-1] if mover.points else None
            if point is None or point.frame != frame or point.box.w < 1 or point.box.h < 1:
                continue
            if features.touches_edge(point.box, self.size, EDGE_MARGIN_PX):
                continue
            key = id(mover.points[0])
            held = self._held.setdefault(key, _Held(mover.points[0], mover.points))
            self._live[key] = mover.confirmed
            self._consider(held, point, lead, picture)

    def _ended(self, key: int) -> None:
        """A track left the tracker: if it was never confirmed it is gone, else its crop
        candidates are known now (unless gaps are filled later): only those views stay."""
        confirmed = self._live.pop(key)
        held = self._held[key]
        if not confirmed:
            del self._held[key]
            return
        track = Track(0, held.points)
        wanted = set(crop_candidates(track, self.size, self.count, sorted(self._keyframes)))
        held.views = [v for v in held.views if v.point.frame in wanted]

    @property
    def held_bytes(self) -> int:
        views = [v for held in self._held.values() for v in held.views]
        return sum(v.i420.nbytes for v in views if v.i420 is not None)

    def cutout(self, track: Track, frame: int) -> Cutout | None:
        """The held region of `track` at `frame` (None when it was not kept)."""
        held = self._held.get(id(track.points[0])) if track.points else None
        if held is None or held.first is not track.points[0]:
            return None
        point = next((p for p in track.points if p.frame == frame), None)
        for view in held.views:
            if point is not None and view.point.frame == frame and view.point.box == point.box:
                return self._convert(view)
        return None

    def _consider(self, held: _Held, point: TrackPoint, lead: int, picture: av.VideoFrame) -> None:
        held.largest = max(held.largest, point.box.area)
        if len(held.views) >= self.keep:
            if _rank(point.box.area, lead, held.largest) >= held.worst_rank():
                return  # ties go to the earlier point, as in `crop_candidates`
        view = _View(point, lead)
        ranked = sorted([*held.views, view], key=lambda v: v.rank(held.largest))
        held.views, held.worst = _spread(ranked, self.keep), None
        if any(v is view for v in held.views):
            self._fill(view, picture)  # pixels are copied only for a view that is kept

    def _fill(self, view: _View, picture: av.VideoFrame) -> None:
        x0, y0, x1, y1 = tight_rect(view.point.box, self.size)
        left, top, side = square_window(view.point.box)
        x0, y0 = max(0, min(x0, left)) & ~1, max(0, min(y0, top)) & ~1
        x1 = min(self.size[0], max(x1, left + side) + 1) & ~1
        y1 = min(self.size[1], max(y1, top + side) + 1) & ~1
        width, height = x1 - x0, y1 - y0
        i420 = np.empty((height * 3 // 2, width), np.uint8)  # Y, then U, then V, flat
        i420[:height] = plane(picture, 0)[y0:y1, x0:x1]
        chroma = i420[height:].reshape(2, height // 2, width // 2)
        chroma[0] = plane(picture, 1)[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2]
        chroma[1] = plane(picture, 2)[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2]
        view.rect, view.i420 = (x0, y0, x1, y1), i420
        view.colour = (picture.format.name, int(picture.colorspace), int(picture.color_range))

    def _convert(self, view: _View) -> Cutout:
        assert view.i420 is not None
        x0, y0, x1, y1 = view.rect
        name, space, level = view.colour
        region = av.VideoFrame.from_ndarray(view.i420, format=name)
        region.colorspace, region.color_range = space, level
        scaler = self._scalers.pop((x1 - x0, y1 - y0), None) or VideoReformatter()
        self._scalers[(x1 - x0, y1 - y0)] = scaler  # most recent last
        while len(self._scalers) > 16:
            del self._scalers[next(iter(self._scalers))]
        bgr = scaler.reformat(region, format="bgr24").to_ndarray()
        return Cutout(np.ascontiguousarray(bgr, dtype=np.uint8), x0, y0, self.size)


def _spread(ranked: list[_View], count: int) -> list[_View]:
    """The first `count` views in rank order more than `SPACING` frames from each better one
    (how `crop_candidates` chooses), and as many again of those it passed over that may yet be
    chosen: a view passed over for a better one nearby that is smaller or later after its
    keyframe may outrank it once the track grows (being near its largest then decides)."""
    chosen: list[_View] = []
    spare: list[_View] = []
    for view in ranked:
        near = [other for other in chosen if abs(view.point.frame - other.point.frame) <= SPACING]
        if not near and len(chosen) < count:
            chosen.append(view)
        elif not all(_dominates(other, view) for other in near) and len(spare) < count:
            spare.append(view)
    return chosen + spare


def _dominates(a: _View, b: _View) -> bool:
    """Whether `a` ranks before `b` however large the track grows."""
    return a.point.box.area >= b.point.box.area and a.lead <= b.lead
