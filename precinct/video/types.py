"""The value types every stage of the video scan shares (one type flows through the pipeline).

Coordinates are always in the *source* video's pixels (full resolution), whatever resolution a
stage works at: a stage that works on a reduced frame scales its boxes back with `Box.scaled`.
Times are seconds from the start of the file (`t`); frames are 0-based indices in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]  # H×W×3 BGR (OpenCV order)


class ObjectClass(StrEnum):
    PERSON = "person"
    CYCLIST = "cyclist"
    VEHICLE = "vehicle"
    OTHER = "other"


@dataclass(frozen=True)
class Box:
    """Axis-aligned box: left, top, width, height in source pixels."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def area(self) -> float:
        return self.w * self.h

    def scaled(self, factor: float) -> Box:
        return Box(self.x * factor, self.y * factor, self.w * factor, self.h * factor)

    def intersection(self, other: Box) -> float:
        """The area the two boxes share."""
        ix = max(0.0, min(self.x + self.w, other.x + other.w) - max(self.x, other.x))
        iy = max(0.0, min(self.y + self.h, other.y + other.h) - max(self.y, other.y))
        return ix * iy

    def iou(self, other: Box) -> float:
        inter = self.intersection(other)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0


@dataclass(frozen=True)
class Frame:
    """One decoded frame handed to the stages: a (possibly reduced) image and its place in time.

    `scale` maps this image's pixels to source pixels (source = image × scale).
    """

    index: int
    t: float
    image: Image
    scale: float = 1.0


@dataclass(frozen=True)
class Detection:
    """Something found in one frame: a moving blob or a detector hit."""

    frame: int
    t: float
    box: Box
    score: float = 1.0
    label: ObjectClass | None = None


@dataclass(frozen=True)
class TrackPoint:
    frame: int
    t: float
    box: Box


@dataclass
class Track:
    """A tracked object's per-frame boxes; summaries and classes are derived from it."""

    track_id: int
    points: list[TrackPoint] = field(default_factory=list)

    @property
    def start_t(self) -> float:
        return self.points[0].t

    @property
    def end_t(self) -> float:
        return self.points[-1].t

    @property
    def duration(self) -> float:
        return self.end_t - self.start_t

    def add(self, point: TrackPoint) -> None:
        self.points.append(point)


@dataclass(frozen=True)
class Crop:
    """The best view of a track: where it was taken and the full-resolution pixels."""

    frame: int
    t: float
    box: Box
    image: Image
    sharpness: float


@dataclass(frozen=True)
class Calibration:
    """Ground-plane calibration of one camera: a 3×3 image→ground homography (metres), or a
    single metres-per-pixel figure."""

    homography: tuple[tuple[float, float, float], ...] | None = None
    metres_per_pixel: float | None = None


@dataclass(frozen=True)
class TrackSummary:
    """What the index stores and searches for each track."""

    track_id: int
    start_t: float
    end_t: float
    frames: int
    object_class: ObjectClass
    confidence: float
    direction_deg: float | None  # image direction of travel: 0 = up, 90 = right (clockwise)
    speed_px_s: float
    speed_m_s: float | None
    mean_box: Box
    colours: tuple[str, ...]  # dominant colour names, most dominant first
    path: tuple[tuple[float, float], ...]  # box bottom-centre points, thinned
