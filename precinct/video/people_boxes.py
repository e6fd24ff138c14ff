"""Box geometry of detector-assisted people detection (pure): merged blobs split into the
people they hold, people carried between detector runs at their speeds, close-ups of blobs
mapped back, and short gaps of tracks filled by interpolation. See `people`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from precinct.video.classify import Hit, square_crop
from precinct.video.types import Box, Detection, Image, ObjectClass, Track, TrackPoint


def close_up_hits(
    detect: Callable[[Image], list[Hit]], picture: Image, box: Box, pad: float = 0.3
) -> list[Hit]:
    """Hits of `detect` on a square around `box` (with `pad` of context), in `picture`'s
    pixels."""
    crop = square_crop(picture, box, pad)
    side = crop.shape[0]
    x0, y0 = round(box.cx - side / 2), round(box.cy - side / 2)
    return [
        Hit(h.class_id, Box(h.box.x + x0, h.box.y + y0, h.box.w, h.box.h), h.score)
        for h in detect(crop)
    ]


def changed(blobs: Sequence[Detection], out: Sequence[Detection], same_iou: float = 0.5) -> bool:
    """Whether the detector changed a frame's detections materially: more of them (a group
    split, a person added), or a blob replaced by a box it hardly overlaps."""
    if len(out) != len(blobs):
        return True
    return any(max((o.box.iou(b.box) for b in blobs), default=0.0) < same_iou for o in out)


def speed(box: Box, before: Sequence[Box], frames: int, reach: float = 0.6) -> tuple[float, float]:
    """Pixels per frame from the box of `before` that is nearest to `box`, `frames` earlier,
    of a like height and at most `reach` heights away ((0, 0) when there is none: a new
    person)."""
    if frames <= 0:
        return (0.0, 0.0)
    alike = [b for b in before if 2 / 3 <= b.h / max(box.h, 1e-9) <= 3 / 2]
    if not alike:
        return (0.0, 0.0)
    near = min(alike, key=lambda b: _feet(b, box))
    if _feet(near, box) > reach * box.h:
        return (0.0, 0.0)
    return ((box.cx - near.cx) / frames, (box.bottom - near.bottom) / frames)


def _feet(a: Box, b: Box) -> float:
    return float(((a.cx - b.cx) ** 2 + (a.bottom - b.bottom) ** 2) ** 0.5)


def shifted(box: Box, velocity: tuple[float, float], frames: int) -> Box:
    return Box(box.x + velocity[0] * frames, box.y + velocity[1] * frames, box.w, box.h)


def held(blob: Box, people: Sequence[Box], inside: float) -> list[int]:
    """Indices of the people with at least `inside` of their box within `blob`."""
    return [k for k, p in enumerate(people) if blob.intersection(p) >= inside * max(p.area, 1e-9)]


def split_blobs(
    blobs: Sequence[Detection], people: Sequence[Box], inside: float, keep_iou: float = 2.0
) -> tuple[list[Detection], set[int]]:
    """Blobs holding people are replaced by those people (each person goes to the blob that
    holds most of it), except a blob holding one person it overlaps by `keep_iou` or more (the
    blob is that person: on frames without a detector run, a blob is fresher than a guess).
    Blobs holding nobody pass. Returns the detections and the indices of the people placed."""
    owner: dict[int, int] = {}
    for j, blob in enumerate(blobs):
        for k in held(blob.box, people, inside):
            if k not in owner or blob.box.intersection(people[k]) > (
                blobs[owner[k]].box.intersection(people[k])
            ):
                owner[k] = j
    members: dict[int, list[int]] = {}
    for k, j in owner.items():
        members.setdefault(j, []).append(k)
    out: list[Detection] = []
    placed: set[int] = set()
    for j, blob in enumerate(blobs):
        mine = members.get(j, [])
        if not mine or (len(mine) == 1 and blob.box.iou(people[mine[0]]) >= keep_iou):
            out.append(blob)
            continue
        out += [
            Detection(blob.frame, blob.t, people[k], blob.score, ObjectClass.PERSON) for k in mine
        ]
        placed.update(mine)
    return out, placed


def fill_gaps(
    tracks: Sequence[Track], busy: Sequence[tuple[int, int]], gap_s: float, step: int = 1
) -> list[Track]:
    """Tracks with their gaps of up to `gap_s` seconds inside busy frame ranges filled by
    linear interpolation of the boxes on either side (every `step`-th frame, as the scan
    decodes)."""
    return [Track(t.track_id, _filled(t.points, busy, gap_s, step)) for t in tracks]


def _filled(
    points: list[TrackPoint], busy: Sequence[tuple[int, int]], gap_s: float, step: int
) -> list[TrackPoint]:
    out: list[TrackPoint] = points[:1]
    for a, b in zip(points, points[1:], strict=False):
        gap = b.frame - a.frame
        if gap > step and b.t - a.t <= gap_s and _within(a.frame, b.frame, busy):
            for frame in range(a.frame + step, b.frame, step):
                out.append(_between(a, b, (frame - a.frame) / gap, frame))
        out.append(b)
    return out


def _within(first: int, last: int, busy: Sequence[tuple[int, int]]) -> bool:
    return any(start <= first and last <= end for start, end in busy)


def _between(a: TrackPoint, b: TrackPoint, share: float, frame: int) -> TrackPoint:
    def mix(u: float, v: float) -> float:
        return u + (v - u) * share

    box = Box(
        mix(a.box.x, b.box.x), mix(a.box.y, b.box.y), mix(a.box.w, b.box.w), mix(a.box.h, b.box.h)
    )
    return TrackPoint(frame, mix(a.t, b.t), box)
