"""Full-resolution views of tracks held while the `full` scan's detail pass decodes, so that
the crops pass decodes again only the candidate frames it lacks (`crops.track_crops`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import av

from precinct.video import features
from precinct.video.classify import Cutout
from precinct.video.crops import (
    EDGE_MARGIN_PX,
    NEAR_LARGEST,
    SPACING,
    crop_candidates,
    crop_window,
)
from precinct.video.regions import Region, Scalers
from precinct.video.track import Mover
from precinct.video.types import Track, TrackPoint

Rank = tuple[bool, int, float]


@dataclass(eq=False)
class _View:
    point: TrackPoint
    lead: int
    region: Region | None = None  # the pixels of both its crops (copied once it is kept)
    frame: int = field(init=False)  # the point's frame and box area, read on every offer
    area: float = field(init=False)

    def __post_init__(self) -> None:
        self.frame, self.area = self.point.frame, self.point.box.area

    def rank(self, largest: float) -> Rank:
        return _rank(self.area, self.lead, largest)


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
            near = NEAR_LARGEST * self.largest  # `_rank`, inlined
            ranks = [(v.area < near, v.lead if v.area >= near else 0, -v.area) for v in self.views]
            self.worst = (self.largest, max(ranks))
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
        self._scalers = Scalers()

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
        return sum(v.region.i420.nbytes for v in views if v.region is not None)

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
        area = point.box.area
        held.largest = max(held.largest, area)
        if len(held.views) >= self.keep:
            if _rank(area, lead, held.largest) >= held.worst_rank():
                return  # ties go to the earlier point, as in `crop_candidates`
        view = _View(point, lead)
        near = NEAR_LARGEST * held.largest  # `_rank`, inlined: this runs for most offers
        ranked = sorted(
            [*held.views, view],
            key=lambda v: (v.area < near, v.lead if v.area >= near else 0, -v.area),
        )
        held.views, held.worst = _spread(ranked, self.keep), None
        if any(v is view for v in held.views):
            self._fill(view, picture)  # pixels are copied only for a view that is kept

    def _fill(self, view: _View, picture: av.VideoFrame) -> None:
        view.region = Region.of(picture, crop_window(view.point.box, self.size))

    def _convert(self, view: _View) -> Cutout:
        assert view.region is not None
        return self._scalers.convert(view.region, self.size)


def _spread(ranked: list[_View], count: int) -> list[_View]:
    """The first `count` views in rank order more than `SPACING` frames from each better one
    (how `crop_candidates` chooses), and as many again of those it passed over that may yet be
    chosen: a view passed over for a better one nearby that is smaller or later after its
    keyframe may outrank it once the track grows (being near its largest then decides)."""
    chosen: list[_View] = []
    spare: list[_View] = []
    for view in ranked:
        frame, area, lead = view.frame, view.area, view.lead
        near = [other for other in chosen if abs(frame - other.frame) <= SPACING]
        if not near:
            if len(chosen) < count:
                chosen.append(view)
        elif len(spare) < count and any(o.area < area or o.lead > lead for o in near):
            spare.append(view)  # (not all of `near` dominate it: see `_dominates`)
        if len(chosen) == count and len(spare) == count:
            break  # both full: nothing later is kept
    return chosen + spare


def _dominates(a: _View, b: _View) -> bool:
    """Whether `a` ranks before `b` however large the track grows."""
    return a.area >= b.area and a.lead <= b.lead
