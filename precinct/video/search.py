"""The search model of the footage index: what a detective asks for, and the geometry that the
database cannot do (cameras near a point or inside a drawn area; a region or line of interest on
one camera's view checked against a track's per-frame boxes).

Pure: dataclasses and numpy in, booleans and dataclasses out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from precinct.core.geo import LatLon, distance_m

Point = tuple[float, float]
COLOURS = (
    "black",
    "white",
    "grey",
    "red",
    "orange",
    "yellow",
    "green",
    "cyan",
    "blue",
    "purple",
    "pink",
    "brown",
)
CLASSES = ("person", "cyclist", "vehicle", "other")
SORTS = ("time", "duration", "confidence", "camera")
COMPASS = {"n": 0.0, "ne": 45.0, "e": 90.0, "se": 135.0, "s": 180.0}
COMPASS |= {"sw": 225.0, "w": 270.0, "nw": 315.0}


class SearchError(ValueError):
    """A search cannot be run as asked (the message names the field)."""


class RoiKind(StrEnum):
    INSIDE = "inside"  # was inside the area at some moment
    ENTERED = "entered"  # first seen outside, later inside
    LEFT = "left"  # seen inside, last seen outside
    CROSSED = "crossed"  # passed the line


@dataclass(frozen=True)
class Roi:
    """A region (polygon, ≥ 3 points) or a line (2 points) on one camera's view, in source
    pixels; tested against the bottom-centre (feet) of each per-frame box."""

    camera: str
    kind: RoiKind
    points: tuple[Point, ...]

    def __post_init__(self) -> None:
        need = 2 if self.kind is RoiKind.CROSSED else 3
        if len(self.points) < need:
            raise SearchError(f"roi: {self.kind} needs at least {need} points")


@dataclass(frozen=True)
class Area:
    """Cameras near a point (radius in metres) or inside a polygon of lat/lon points."""

    centre: LatLon | None = None
    radius_m: float = 0.0
    polygon: tuple[LatLon, ...] = ()

    def __post_init__(self) -> None:
        if self.centre is not None and self.radius_m <= 0:
            raise SearchError("radius: must be more than 0 metres")
        if self.polygon and len(self.polygon) < 3:
            raise SearchError("polygon: needs at least 3 points")


@dataclass(frozen=True)
class SearchQuery:
    start: datetime | None = None
    end: datetime | None = None
    cameras: tuple[str, ...] = ()
    area: Area | None = None
    classes: tuple[str, ...] = ()
    colour: str = ""
    heading_deg: float | None = None  # compass direction of travel
    heading_tolerance: float = 45.0
    speed_min: float | None = None  # metres per second
    speed_max: float | None = None
    min_duration_s: float = 0.0
    roi: Roi | None = None
    sort: str = "time"
    limit: int = 200
    offset: int = 0

    def __post_init__(self) -> None:
        check_query(self)

    def as_dict(self) -> dict[str, object]:
        """The query as the audit log records it."""
        out: dict[str, object] = {}
        for name, value in self.__dict__.items():
            if value in (None, (), "", 0.0) and name not in ("limit",):
                continue
            out[name] = value.isoformat() if isinstance(value, datetime) else str(value)
        return out


def check_query(q: SearchQuery) -> None:
    if q.start and q.end and q.end <= q.start:
        raise SearchError("end: must be after start")
    for name in ("start", "end"):
        value = getattr(q, name)
        if value is not None and value.tzinfo is None:
            raise SearchError(f"{name}: {value} has no time zone")
    unknown = [c for c in q.classes if c not in CLASSES]
    if unknown:
        raise SearchError(f"class: unknown {', '.join(unknown)} (one of {', '.join(CLASSES)})")
    if q.colour and q.colour not in COLOURS:
        raise SearchError(f"colour: unknown {q.colour!r} (one of {', '.join(COLOURS)})")
    if q.speed_min is not None and q.speed_max is not None and q.speed_max < q.speed_min:
        raise SearchError("speed: the maximum is below the minimum")
    if q.sort not in SORTS:
        raise SearchError(f"sort: one of {', '.join(SORTS)}")
    if not 1 <= q.limit <= 5000:
        raise SearchError("limit: between 1 and 5000")


def parse_heading(text: str) -> float | None:
    """A compass direction: N, NE, … or degrees clockwise from north; '' for any."""
    text = text.strip().lower()
    if not text:
        return None
    if text in COMPASS:
        return COMPASS[text]
    try:
        value = float(text)
    except ValueError as exc:
        raise SearchError(f"direction: {text!r} is not N/NE/E/SE/S/SW/W/NW or degrees") from exc
    return value % 360.0


def parse_points(text: str, what: str) -> tuple[Point, ...]:
    """'x,y;x,y;…' into points."""
    try:
        pairs = [p.split(",") for p in text.split(";") if p.strip()]
        return tuple((float(a), float(b)) for a, b in pairs)
    except ValueError as exc:
        raise SearchError(f"{what}: give points as 'a,b;a,b;…' ({exc})") from exc


def parse_latlons(text: str, what: str) -> tuple[LatLon, ...]:
    try:
        return tuple(LatLon(a, b) for a, b in parse_points(text, what))
    except ValueError as exc:
        raise SearchError(f"{what}: {exc}") from exc


# --- geometry --------------------------------------------------------------------------------


def angle_diff(a: float, b: float) -> float:
    """The smaller angle between two bearings, 0..180."""
    d = abs(a - b) % 360.0
    return min(d, 360.0 - d)


def inside_polygon(
    x: NDArray[np.float64], y: NDArray[np.float64], poly: Sequence[Point]
) -> NDArray[np.bool_]:
    """Even-odd rule for many points at once."""
    inside = np.zeros(x.shape, dtype=bool)
    n = len(poly)
    for i in range(n):
        (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % n]
        if y1 == y2:
            continue
        crosses = (y1 > y) != (y2 > y)
        at_x = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (x < at_x)
    return inside


@dataclass(frozen=True)
class CameraSpot:
    code: str
    at: LatLon
    heading_deg: float | None = None


def cameras_in(area: Area, cameras: Sequence[CameraSpot]) -> list[str]:
    chosen = []
    for c in cameras:
        if area.centre is not None and distance_m(area.centre, c.at) > area.radius_m:
            continue
        if area.polygon:
            lat = np.array([c.at.lat])
            lon = np.array([c.at.lon])
            poly = [(p.lat, p.lon) for p in area.polygon]
            if not inside_polygon(lat, lon, poly)[0]:
                continue
        chosen.append(c.code)
    return chosen


def feet(boxes: NDArray[np.float32]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Bottom-centre of each per-frame box (rows: frame, x, y, w, h)."""
    b = boxes.astype(np.float64)
    return b[:, 1] + b[:, 3] / 2, b[:, 2] + b[:, 4]


def _crossed(x: NDArray[np.float64], y: NDArray[np.float64], line: Sequence[Point]) -> bool:
    (ax, ay), (bx, by) = line[0], line[1]
    if len(x) < 2:
        return False
    side = np.sign((bx - ax) * (y - ay) - (by - ay) * (x - ax))
    changes = np.nonzero(side[:-1] * side[1:] < 0)[0]
    for i in changes:  # the step must also pass between the line's ends
        px, py, qx, qy = x[i], y[i], x[i + 1], y[i + 1]
        s1 = (qx - px) * (ay - py) - (qy - py) * (ax - px)
        s2 = (qx - px) * (by - py) - (qy - py) * (bx - px)
        if s1 * s2 <= 0:
            return True
    return False


def roi_match(boxes: NDArray[np.float32], roi: Roi) -> bool:
    """Whether a track's per-frame boxes satisfy the region/line rule."""
    if len(boxes) == 0:
        return False
    x, y = feet(boxes[np.argsort(boxes[:, 0])])
    if roi.kind is RoiKind.CROSSED:
        return _crossed(x, y, roi.points)
    inside = inside_polygon(x, y, roi.points)
    if roi.kind is RoiKind.INSIDE:
        return bool(inside.any())
    if roi.kind is RoiKind.ENTERED:
        return bool(not inside[0] and inside.any())
    return bool(inside.any() and not inside[-1])


@dataclass
class Hit:
    """One search result, flat enough for JSON, the contact sheet and the CLI."""

    track_id: int
    camera: str
    camera_name: str
    object_class: str
    start_at: datetime
    end_at: datetime
    duration_s: float
    colours: list[str]
    direction_deg: float | None
    heading_deg: float | None
    speed_m_s: float | None
    confidence: float
    crop: str | None
    lat: float
    lon: float
    extra: dict[str, object] = field(default_factory=dict)
