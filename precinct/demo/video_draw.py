"""Movers as simple shaded shapes: a pose is a set of projected points grouped into parts, and
its box is exactly the extent of those parts, so the ground truth matches the pixels.

People are head, torso, arms and swinging legs; cyclists ride a bicycle with wheels, frame and
basket; cars are tyres, body, glass and roof, with head and tail lights (and glare) when lit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import cv2
import numpy as np
from numpy.typing import NDArray

from precinct.demo.video_cast import Colour, Look
from precinct.demo.video_scene import Floats, Lens
from precinct.video.types import ObjectClass

Image = NDArray[np.uint8]
Point3 = tuple[float, float, float]  # a mover's own frame: ahead, to the side, up (metres)
_SHIFT = 4  # sub-pixel drawing: coordinates × 16
_TYRE, _GLASS = (16, 16, 18), (40, 32, 28)
_HEADLIGHT, _TAIL_LIGHT = (235, 248, 255), (40, 40, 235)
_WHEEL = [(0.34 * math.cos(t), 0.34 + 0.34 * math.sin(t)) for t in np.linspace(0, 2 * np.pi, 13)]


@dataclass(frozen=True)
class State:
    """Where a mover is in one frame: ground point, unit direction, metres travelled, speed."""

    x: float
    y: float
    dx: float
    dy: float
    travelled: float
    speed: float


@dataclass(frozen=True)
class Part:
    shape: str  # "poly" (filled convex hull), "line" (polyline) or "disc" (one point)
    start: int  # its points: uv[start:stop]
    stop: int
    size: float  # line thickness or disc radius, pixels
    colour: Colour
    gain: float  # × the light where the mover stands; 0: it shines by itself


@dataclass
class Pose:
    uv: Floats  # N×2 pixels
    parts: list[Part]
    glows: list[tuple[float, float, float, Colour]] = field(default_factory=list)  # u, v, r

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) of everything drawn, before clipping to the frame."""
        pad = np.zeros(len(self.uv))
        for p in self.parts:
            reach = {"line": p.size / 2, "disc": p.size}.get(p.shape, 0.0)
            pad[p.start : p.stop] = np.maximum(pad[p.start : p.stop], reach)
        lo, hi = (self.uv - pad[:, None]).min(axis=0), (self.uv + pad[:, None]).max(axis=0)
        return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


class _Builder:
    """Collects a mover's parts in its own frame, then projects every point at once."""

    def __init__(self, lens: Lens, s: State) -> None:
        self.lens, self.s = lens, s
        self.ppm = lens.f / max(float(lens.depth(s.x, s.y, 0.9)), 0.1)  # pixels per metre
        self.points: list[Point3] = []
        self.parts: list[Part] = []

    def add(
        self, shape: str, pts: list[Point3], size_m: float, colour: Colour, gain: float = 1.0
    ) -> None:
        start = len(self.points)
        self.points += pts
        size = max(1.0, size_m * self.ppm) if size_m > 0 else 0.0
        self.parts.append(Part(shape, start, len(self.points), size, colour, gain))

    def pose(self) -> Pose:
        a, b, z = np.array(self.points).T
        s = self.s
        x, y = s.x + a * s.dx - b * s.dy, s.y + a * s.dy + b * s.dx
        u, v, _ = self.lens.project(x, y, z)
        return Pose(np.stack([u, v], axis=1), self.parts)


def _box3(a: tuple[float, float], b: tuple[float, float], z: tuple[float, float]) -> list[Point3]:
    return [(i, j, k) for i in a for j in b for k in z]


def person_pose(lens: Lens, s: State, look: Look) -> Pose:
    body = _Builder(lens, s)
    swing = 0.3 * min(1.0, s.speed) * math.sin(2 * math.pi * s.travelled / 1.4)
    body.add("line", [(0, 0.1, 0.9), (swing, 0.1, 0.02)], 0.15, look.bottom)
    body.add("line", [(0, -0.1, 0.9), (-swing, -0.1, 0.02)], 0.15, look.bottom)
    body.add("poly", _box3((-0.11, 0.11), (-0.2, 0.2), (0.88, 1.45)), 0, look.top)
    body.add("line", [(0, 0.2, 1.42), (-0.8 * swing, 0.26, 0.82)], 0.09, look.top, 0.85)
    body.add("line", [(0, -0.2, 1.42), (0.8 * swing, -0.26, 0.82)], 0.09, look.top, 0.85)
    body.add("disc", [(0, 0, 1.58)], 0.12, look.head)
    return body.pose()


def cyclist_pose(lens: Lens, s: State, look: Look) -> Pose:
    body = _Builder(lens, s)
    for hub in (-0.55, 0.55):
        body.add("line", [(hub + a, 0.0, z) for a, z in _WHEEL], 0.05, _TYRE)
    rear, seat, crank = (-0.55, 0.0, 0.34), (-0.2, 0.0, 0.88), (-0.02, 0.0, 0.3)
    head, front = (0.42, 0.0, 0.95), (0.55, 0.0, 0.34)
    bars = [(0.45, 0.28, 1.02), (0.45, -0.28, 1.02)]
    body.add("line", [rear, crank, head, front], 0.06, look.bike)
    body.add("line", [rear, seat, crank], 0.06, look.bike)
    body.add("line", [seat, head, *bars], 0.06, look.bike)
    body.add("poly", _box3((0.55, 0.8), (-0.15, 0.15), (0.8, 1.0)), 0, look.bike)
    angle = 2 * math.pi * s.travelled / 4.5
    hip = (-0.2, 0.0, 0.95)
    for k, side in ((0.0, 0.1), (math.pi, -0.1)):
        pedal = (-0.02 + 0.17 * math.cos(angle + k), side, 0.3 + 0.17 * math.sin(angle + k))
        knee = ((hip[0] + pedal[0]) / 2 + 0.2, side, (hip[2] + pedal[2]) / 2 + 0.12)
        body.add("line", [hip, knee, pedal], 0.14, look.bottom)
    body.add("poly", _box3((-0.25, 0.1), (-0.18, 0.18), (0.95, 1.5)), 0, look.top)
    body.add("line", [(0.05, 0.2, 1.45), bars[0]], 0.09, look.top)
    body.add("line", [(0.05, -0.2, 1.45), bars[1]], 0.09, look.top)
    body.add("disc", [(0.12, 0.0, 1.63)], 0.12, look.head)
    return body.pose()


def car_pose(lens: Lens, s: State, look: Look, lit: bool) -> Pose:
    body = _Builder(lens, s)
    body.add("poly", _box3((-2.1, 2.1), (-0.85, 0.85), (0.0, 0.3)), 0, _TYRE)
    body.add("poly", _box3((-2.25, 2.25), (-0.9, 0.9), (0.3, 0.95)), 0, look.top, 0.85)
    sides = ((-1.9, 0.95), (1.0, 0.95), (-1.3, 1.5), (0.4, 1.5))  # windscreens slope
    cabin = [(a, b, z) for a, z in sides for b in (-0.8, 0.8)]
    body.add("poly", cabin, 0, _GLASS)
    body.add("poly", _box3((-1.3, 0.4), (-0.75, 0.75), (1.5, 1.5)), 0, look.top, 1.05)
    facing = -(s.x * s.dx + s.y * s.dy) / max(math.hypot(s.x, s.y), 1e-6)  # cos to the camera
    heads, tails = lit and facing > -0.3, lit and facing < 0.3
    for b in (0.62, -0.62) if heads else ():
        body.add("disc", [(2.26, b, 0.7)], 0.13, _HEADLIGHT, 0.0)
    for b in (0.7, -0.7) if tails else ():
        body.add("disc", [(-2.26, b, 0.8)], 0.1, _TAIL_LIGHT, 0.0)
    pose = body.pose()
    for part in pose.parts:
        if part.gain == 0.0:
            (u, v), head = pose.uv[part.start], part.colour == _HEADLIGHT
            radius = body.ppm * ((0.4 + 0.8 * max(facing, 0.0)) if head else 0.35)
            pose.glows.append((u, v, max(1.0, radius), (120, 150, 170) if head else (0, 0, 90)))
    return pose


def pose_of(lens: Lens, kind: ObjectClass, s: State, look: Look) -> Pose:
    if kind is ObjectClass.PERSON:
        return person_pose(lens, s, look)
    if kind is ObjectClass.CYCLIST:
        return cyclist_pose(lens, s, look)
    return car_pose(lens, s, look, lit=True)


# --------------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------------


def _shade(part: Part, light: tuple[float, float, float]) -> Colour:
    if part.gain == 0.0:
        return part.colour
    (b, g, r), gain = part.colour, part.gain
    return (min(255, int(b * light[0] * gain)), min(255, int(g * light[1] * gain)),
            min(255, int(r * light[2] * gain)))  # fmt: skip


def draw_pose(img: Image, pose: Pose, light: Floats) -> tuple[int, int, int, int]:
    """Draw a pose lit by `light` (BGR factors); returns the touched (x0, y0, x1, y1)."""
    fixed = np.round(pose.uv * (1 << _SHIFT)).astype(np.int32)
    lit = (float(light[0]), float(light[1]), float(light[2]))
    for part in pose.parts:
        pts, colour = fixed[part.start : part.stop], _shade(part, lit)
        if part.shape == "poly":
            hull = cv2.convexHull(pts)
            cv2.fillConvexPoly(img, hull, colour, cv2.LINE_AA, _SHIFT)
        elif part.shape == "line":
            thick = max(1, round(part.size))
            cv2.polylines(img, [pts], False, colour, thick, cv2.LINE_AA, _SHIFT)
        else:
            radius = max(1 << _SHIFT, round(part.size * (1 << _SHIFT)))
            centre = (int(pts[0, 0]), int(pts[0, 1]))
            cv2.circle(img, centre, radius, colour, -1, cv2.LINE_AA, _SHIFT)
    left, top, right, bottom = pose.box()
    rect = (math.floor(left) - 2, math.floor(top) - 2, math.ceil(right) + 2, math.ceil(bottom) + 2)
    for u, v, r, colour in pose.glows:
        rect = _union(rect, glow(img, u, v, r, colour))
    return rect


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    if b[2] <= b[0]:
        return a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


@lru_cache(maxsize=256)
def _blob(radius: int) -> NDArray[np.float32]:
    grid = np.arange(-3 * radius, 3 * radius + 1, dtype=np.float32)
    blob: NDArray[np.float32] = np.exp(
        -(grid[None, :] ** 2 + grid[:, None] ** 2) / (2.0 * radius**2)
    )
    return blob


def glow(
    img: Image, u: float, v: float, radius: float, colour: Colour
) -> tuple[int, int, int, int]:
    """Add a soft light of the given colour; returns the touched (x0, y0, x1, y1)."""
    r = min(max(1, round(radius)), 200)
    blob = _blob(r)
    x0, y0 = round(u) - 3 * r, round(v) - 3 * r
    h, w = img.shape[:2]
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + blob.shape[1], w), min(y0 + blob.shape[0], h)
    if cx0 >= cx1 or cy0 >= cy1:
        return 0, 0, 0, 0
    patch = blob[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0, None] * np.array(colour, np.float32)
    img[cy0:cy1, cx0:cx1] = cv2.add(img[cy0:cy1, cx0:cx1], patch.astype(np.uint8))
    return cx0, cy0, cx1, cy1
