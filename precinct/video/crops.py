"""Full-resolution crops of tracks for the `full` scan: the candidate frames (largest views,
cheapest to decode) and the crops cut from their pictures. The detail pass holds the regions
around each track's likeliest candidates while it decodes (`views.ViewCache`); only the candidates
it does not hold are decoded again (the `burst` scan takes its crops while decoding, see
`harvest`)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from numpy.typing import NDArray

from precinct.video import decode, features
from precinct.video.classify import Cutout, square_crop, square_window
from precinct.video.regions import Region, Scalers, cuttable, even_rect
from precinct.video.types import Box, Crop, Track, TrackPoint

if TYPE_CHECKING:
    from precinct.video.views import ViewCache

EDGE_MARGIN_PX = 4
TIGHT_PAD = 0.1  # a tight crop is the box plus this share of its size on each side
NEAR_LARGEST = 0.8
"""Crop candidates are frames where the track's box is at least this share of its largest."""
SPACING = 5
"""… more than this many frames apart."""


@dataclass
class TrackCrops:
    """A track's crops: tight ones (display, colours) and square ones with context around the
    object (what the detector verifies, when it looks at this track)."""

    tight: list[Crop] = field(default_factory=list)
    context: list[Crop] = field(default_factory=list)


def crop_candidates(
    track: Track, size: tuple[int, int], count: int, keyframes: Sequence[int] = ()
) -> list[int]:
    """Frames where the track is largest and fully inside the picture (spread over the track).

    With the sorted `keyframes` known, frames near the largest (`NEAR_LARGEST`) come first,
    those fewest frames after a keyframe first: their full-resolution picture decodes
    fewest frames (up to a GOP each, 50 at 25 fps)."""
    inside = [
        p for p in track.points if not features.touches_edge(p.box, size, EDGE_MARGIN_PX)
    ] or track.points
    largest = max(p.box.area for p in inside)

    def rank(point: TrackPoint) -> tuple[bool, int, float]:
        near = point.box.area >= NEAR_LARGEST * largest
        return (not near, _lead(point.frame, keyframes) if near else 0, -point.box.area)

    ranked = sorted(inside, key=rank)
    chosen: list[int] = []
    for point in ranked:
        if all(abs(point.frame - other) > SPACING for other in chosen):
            chosen.append(point.frame)
        if len(chosen) == count:
            break
    return chosen


def _lead(frame: int, keyframes: Sequence[int]) -> int:
    """Frames to decode from the last keyframe at or before `frame` (0 when none are known)."""
    if not keyframes:
        return 0
    at = bisect.bisect_right(keyframes, frame)
    return frame - keyframes[at - 1] if at else frame + 1


def tight_rect(
    box: Box, size: tuple[int, int], pad: float = TIGHT_PAD
) -> tuple[int, int, int, int]:
    """The tight crop's rectangle (x0, y0, x1, y1) in a picture of `size` (width, height)."""
    width, height = size
    x0 = int(max(0, box.x - box.w * pad))
    y0 = int(max(0, box.y - box.h * pad))
    x1 = int(min(width, box.x + box.w * (1 + pad)))
    y1 = int(min(height, box.y + box.h * (1 + pad)))
    return x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)


def crop_window(box: Box, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The rectangle (x0, y0, x1, y1; even, inside a picture of `size`) that holds both crops
    of `box`: the tight one and the square one with context."""
    x0, y0, x1, y1 = tight_rect(box, size)
    left, top, side = square_window(box)
    wide = (min(x0, left), min(y0, top), max(x1, left + side), max(y1, top + side))
    return even_rect(wide, size)


def cut(image: NDArray[np.uint8] | Cutout, box: Box, pad: float = TIGHT_PAD) -> NDArray[np.uint8]:
    """The tight crop of `box` (plus `pad` each side), clipped to `image`."""
    cutout = image if isinstance(image, Cutout) else Cutout.whole(image)
    return cutout.rect(*tight_rect(box, cutout.size, pad)).copy()


def make_crops(
    track: Track, frames: dict[int, NDArray[np.uint8]], context: bool = False
) -> list[Crop]:
    """Crops of the track at the given frames: tight (for display) or square with context
    around the object (what a detector needs to recognise it)."""
    by_frame = {p.frame: p for p in track.points}
    return [
        crops_of(Cutout.whole(image), by_frame[index], context)
        for index, image in frames.items()
        if index in by_frame
    ]


def crops_of(cutout: Cutout, point: TrackPoint, context: bool) -> Crop:
    """The tight crop (or, with `context`, the square one) of a track at one of its points."""
    pixels = square_crop(cutout, point.box) if context else cut(cutout, point.box)
    return Crop(point.frame, point.t, point.box, pixels, features.sharpness(pixels))


@dataclass(frozen=True)
class CropRequest:
    """What the crops pass cuts: `count` candidates per track in a picture of `size`, judged
    with the `keyframes` decoded; context crops for the tracks in `verify` (ids)."""

    size: tuple[int, int]
    count: int
    keyframes: Sequence[int]
    verify: set[int]


def track_crops(
    path: Path, tracks: list[Track], request: CropRequest, views: ViewCache | None = None
) -> dict[int, TrackCrops]:
    """Each track's crops at its candidate frames: from the regions `views` held, else cut
    from the full-resolution pictures decoded again, one at a time (memory stays bounded by
    the crops, however many tracks the file holds). Crops of a track are in frame order."""
    found: dict[tuple[int, int], tuple[Crop, Crop | None]] = {}
    missing: dict[int, list[Track]] = {}
    for track in tracks:
        for frame in crop_candidates(track, request.size, request.count, request.keyframes):
            cutout = views.cutout(track, frame) if views is not None else None
            if cutout is None:
                missing.setdefault(frame, []).append(track)
            else:
                found[track.track_id, frame] = _both(cutout, track, frame, request.verify)
    scalers, scaler = Scalers(), VideoReformatter()
    for index, picture in decode.decoded(path, missing):
        whole = None if cuttable(picture) else Cutout.whole(decode.bgr(picture, scaler))
        for track in missing[index]:
            cutout = (
                whole
                if whole is not None
                else _region(picture, track, index, request.size, scalers)
            )
            found[track.track_id, index] = _both(cutout, track, index, request.verify)
    crops = {t.track_id: TrackCrops() for t in tracks}
    for (track_id, _), (tight, context) in sorted(found.items()):
        crops[track_id].tight.append(tight)
        crops[track_id].context += [context] if context is not None else []
    return crops


def _region(
    picture: av.VideoFrame, track: Track, frame: int, size: tuple[int, int], scalers: Scalers
) -> Cutout:
    """The part of `picture` that both crops of `track` at `frame` are cut from, converted on
    its own (a region, not the whole 1080p picture: see `regions`)."""
    point = next(p for p in track.points if p.frame == frame)
    return scalers.convert(Region.of(picture, crop_window(point.box, size)), size)


def _both(cutout: Cutout, track: Track, frame: int, verify: set[int]) -> tuple[Crop, Crop | None]:
    point = next(p for p in track.points if p.frame == frame)
    context = crops_of(cutout, point, context=True) if track.track_id in verify else None
    return crops_of(cutout, point, context=False), context
