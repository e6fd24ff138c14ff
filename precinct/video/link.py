"""Per-frame boxes of a sampled track: the observed boxes, and between them boxes interpolated
linearly over the frames the sampled decode skipped (pure: tracks in, arrays out).

A burst-sampled scan sees a passer in bursts (the first frames after each keyframe) and its
tracker follows it across the gaps; the stored track must still give a box for every frame it
spans (MOT export, clips, the synopsis, scoring). Interpolated rows carry weight 0 in the
sixth column and observed ones 1, so exports can tell them apart; summaries (start, end,
speed, path) are computed from the observed points only.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from precinct.video.types import Box, Track, TrackPoint

OBSERVED, INTERPOLATED = 1.0, 0.0


def observed_boxes(track: Track) -> NDArray[np.float32]:
    """Rows frame, left, top, width, height, weight (1) of the track's observed points."""
    rows = [(p.frame, p.box.x, p.box.y, p.box.w, p.box.h, OBSERVED) for p in track.points]
    return np.asarray(rows, dtype=np.float32).reshape(-1, 6)


def interpolated_boxes(track: Track, max_gap: int) -> NDArray[np.float32]:
    """The observed rows plus a linearly interpolated row (weight 0) for every frame of a gap
    of at most `max_gap` frames between two observed points (longer gaps stay gaps: the
    tracker lost the object, or coasted on a guess for too long)."""
    observed = observed_boxes(track)
    if len(observed) < 2:
        return observed
    parts = [observed[:1]]
    for before, after in zip(observed[:-1], observed[1:], strict=True):
        missing = int(after[0] - before[0]) - 1
        if 0 < missing <= max_gap:
            parts.append(_between(before, after, missing))
        parts.append(after[None, :])
    return np.concatenate(parts).astype(np.float32)


def _between(
    before: NDArray[np.float32], after: NDArray[np.float32], count: int
) -> NDArray[np.float32]:
    share = (np.arange(1, count + 1, dtype=np.float64) / (count + 1))[:, None]
    rows = before[None, :5] + share * (after[None, :5] - before[None, :5])
    rows[:, 0] = before[0] + np.arange(1, count + 1)
    return np.hstack([rows, np.full((count, 1), INTERPOLATED)]).astype(np.float32)


def dense_track(track: Track, max_gap: int) -> Track:
    """The track with a point at every interpolated frame too (what frame-to-frame figures
    such as wobble and size changes expect; times interpolated like the boxes)."""
    rows = interpolated_boxes(track, max_gap)
    if len(rows) == len(track.points):
        return track
    frames = [p.frame for p in track.points]
    times = np.interp(rows[:, 0], frames, [p.t for p in track.points]).tolist()
    points = [
        TrackPoint(int(f), t, Box(x, y, w, h))
        for (f, x, y, w, h, _), t in zip(rows.tolist(), times, strict=True)
    ]
    return Track(track.track_id, points)


@dataclass(frozen=True)
class Unseen:
    """The frames a sampled decode skipped before a track's first point and after its last
    (`before`, `after`: counts of consecutive undecoded frames), and the picture size."""

    before: int
    after: int
    size: tuple[int, int]


def unseen_around(track: Track, decoded: Sequence[int], size: tuple[int, int]) -> Unseen:
    """How many frames right before the track's first point and right after its last one the
    decode skipped (`decoded`: the sorted indices of the frames decoded)."""
    first, last = track.points[0].frame, track.points[-1].frame
    at = bisect.bisect_left(decoded, first)
    previous = decoded[at - 1] if at > 0 else -1
    at = bisect.bisect_right(decoded, last)
    following = decoded[at] if at < len(decoded) else last + 1
    return Unseen(first - previous - 1, following - last - 1, size)


def entry_and_exit(track: Track, unseen: Unseen, fit_frames: int = 12) -> NDArray[np.float32]:
    """Rows (weight 0) continuing the track at constant velocity into the skipped frames before
    its first point and after its last, only where that path reaches the picture's edge within
    them: the object came in (or left) unseen between two bursts. Boxes are clipped to the
    picture and end when less than `MIN_INSIDE` of the box is still inside."""
    parts = [
        _to_edge(track.points[:fit_frames], -1, unseen.before, unseen.size),
        _to_edge(track.points[-fit_frames:], 1, unseen.after, unseen.size),
    ]
    return np.concatenate([p for p in parts if len(p)] or [np.zeros((0, 6), np.float32)])


MIN_INSIDE = 0.25


def _to_edge(
    points: list[TrackPoint], direction: int, frames: int, size: tuple[int, int]
) -> NDArray[np.float32]:
    if frames <= 0 or len(points) < 3 or points[-1].frame == points[0].frame:
        return np.zeros((0, 6), np.float32)
    f = np.array([p.frame for p in points], np.float64)
    velocity = [np.polyfit(f, [getattr(p.box, a) for p in points], 1)[0] for a in ("cx", "cy")]
    anchor = points[0] if direction < 0 else points[-1]
    rows: list[tuple[float, ...]] = []
    for step in range(1, frames + 1):
        cx = anchor.box.cx + direction * step * velocity[0]
        cy = anchor.box.cy + direction * step * velocity[1]
        box = Box(cx - anchor.box.w / 2, cy - anchor.box.h / 2, anchor.box.w, anchor.box.h)
        clipped = _clip(box, size)
        if clipped.area < MIN_INSIDE * box.area:
            return np.asarray(rows, np.float32).reshape(-1, 6)  # reached the edge: came/left
        frame = anchor.frame + direction * step
        rows.append((frame, clipped.x, clipped.y, clipped.w, clipped.h, INTERPOLATED))
    return np.zeros((0, 6), np.float32)  # still inside after the gap: not an entry or exit


def _clip(box: Box, size: tuple[int, int]) -> Box:
    x0, y0 = max(0.0, box.x), max(0.0, box.y)
    x1, y1 = min(float(size[0]), box.x + box.w), min(float(size[1]), box.y + box.h)
    return Box(x0, y0, max(0.0, x1 - x0), max(0.0, y1 - y0))
