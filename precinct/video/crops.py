"""Full-resolution crops of tracks for the `full` scan: the candidate frames (largest views,
cheapest to decode) and the crops cut from their pictures (a second decode pass; the `burst`
scan takes its crops while decoding, see `harvest`)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from precinct.video import features
from precinct.video.classify import square_crop
from precinct.video.types import Box, Crop, Track, TrackPoint

EDGE_MARGIN_PX = 4
TIGHT_PAD = 0.1  # a tight crop is the box plus this share of its size on each side
NEAR_LARGEST = 0.8
"""Crop candidates are frames where the track's box is at least this share of its largest."""


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
        if all(abs(point.frame - other) > 5 for other in chosen):
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


def cut(image: NDArray[np.uint8], box: Box, pad: float = TIGHT_PAD) -> NDArray[np.uint8]:
    """The tight crop of `box` (plus `pad` each side), clipped to `image`."""
    height, width = image.shape[:2]
    x0 = int(max(0, box.x - box.w * pad))
    y0 = int(max(0, box.y - box.h * pad))
    x1 = int(min(width, box.x + box.w * (1 + pad)))
    y1 = int(min(height, box.y + box.h * (1 + pad)))
    return image[y0 : max(y1, y0 + 1), x0 : max(x1, x0 + 1)].copy()


def make_crops(
    track: Track, frames: dict[int, NDArray[np.uint8]], context: bool = False
) -> list[Crop]:
    """Crops of the track at the given frames: tight (for display) or square with context
    around the object (what a detector needs to recognise it)."""
    by_frame = {p.frame: p for p in track.points}
    crops = []
    for index, image in frames.items():
        point = by_frame.get(index)
        if point is None:
            continue
        pixels = square_crop(image, point.box) if context else cut(image, point.box)
        crops.append(Crop(index, point.t, point.box, pixels, features.sharpness(pixels)))
    return crops
