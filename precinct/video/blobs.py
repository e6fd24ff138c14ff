"""The blobs of a motion mask as rectangles, merged when they are fragments of one object (head
and legs, a car split by a reflection), and as detections in source pixels. Pure geometry, used
by the motion stage (`motion`)."""

from __future__ import annotations

import cv2
from cv2.typing import MatLike

from precinct.video.types import Box, Detection, Frame

Rect = tuple[int, int, int, int, int]  # x0, y0, x1 (exclusive), y1 (exclusive), moving pixels


def outlines(
    mask: MatLike, window: tuple[slice, slice], opening: MatLike, closing: MatLike
) -> list[Rect]:
    """The rectangles of the blobs of `mask` (a frame's `window`) after an opening and a
    closing by the given kernels, in the frame's pixels."""
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, opening)
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, closing)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    left, top = window[1].start, window[0].start
    rects = [rect(mask, *cv2.boundingRect(c)) for c in contours]
    return [(x0 + left, y0 + top, x1 + left, y1 + top, n) for x0, y0, x1, y1, n in rects]


def rect(mask: MatLike, x: int, y: int, w: int, h: int) -> Rect:
    return (x, y, x + w, y + h, cv2.countNonZero(mask[y : y + h, x : x + w]))


def detection(frame: Frame, rect: Rect) -> Detection:
    x0, y0, x1, y1, area = rect
    box = Box(float(x0), float(y0), float(x1 - x0), float(y1 - y0)).scaled(frame.scale)
    fill = area / max(1, (x1 - x0) * (y1 - y0))
    return Detection(frame=frame.index, t=frame.t, box=box, score=min(1.0, fill))


def merge_rects(rects: list[Rect], distance: float, relative: float) -> list[Rect]:
    """Merge rectangles whose gap is at most `distance` pixels or `relative` times the smaller
    one's larger side, until no two are that close."""
    rects = list(rects)
    while (pair := _close_pair(rects, distance, relative)) is not None:
        i, j = pair
        rects[i] = _union(rects[i], rects.pop(j))
    return rects


def _close_pair(rects: list[Rect], distance: float, relative: float) -> tuple[int, int] | None:
    for i, a in enumerate(rects):
        for j in range(i + 1, len(rects)):
            if _close(a, rects[j], distance, relative):
                return i, j
    return None


def _close(a: Rect, b: Rect, distance: float, relative: float) -> bool:
    gap_x = max(a[0], b[0]) - min(a[2], b[2])
    gap_y = max(a[1], b[1]) - min(a[3], b[3])
    smaller = min(max(a[2] - a[0], a[3] - a[1]), max(b[2] - b[0], b[3] - b[1]))
    return max(gap_x, gap_y) <= max(distance, relative * smaller)


def _union(a: Rect, b: Rect) -> Rect:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]), a[4] + b[4])
