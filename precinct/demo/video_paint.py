"""A camera's static night: sky glow, dark buildings with a few lit windows, the road with kerbs,
lane marks and a zebra crossing, sodium street lights with their orange pools, trees, and the
cars parked along one kerb.  Painted once per camera; movers are drawn over it frame by frame.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

import cv2
import numpy as np
from numpy.typing import NDArray

from precinct.demo.video_cast import CAR_PAINT, Look
from precinct.demo.video_draw import Image, State, car_pose, draw_pose, glow
from precinct.demo.video_scene import SCENE_CAMERAS, CameraView, Floats, Lens, parked_row

Grid = NDArray[np.floating[Any]]  # one value per pixel
AMBIENT: Final = np.array([0.3, 0.29, 0.29])  # city glow, camera gain turned up for the night
SODIUM: Final = np.array([0.4, 0.78, 1.2])  # BGR: low-pressure sodium orange
_POOL_SIGMA: Final = 9.0
_LAMP_SPACING: Final = 25.0
_ASPHALT, _PAVING, _VERGE = (78, 78, 82), (110, 112, 116), (40, 55, 45)
_WHITE, _YELLOW = (165, 165, 165), (40, 140, 175)


@dataclass(frozen=True)
class Lighting:
    """Ground positions (x, y) of the street lamps' pools of light."""

    pools: NDArray[np.float64]  # N×2

    def at(self, x: float, y: float) -> Floats:
        d2 = (self.pools[:, 0] - x) ** 2 + (self.pools[:, 1] - y) ** 2
        return AMBIENT + SODIUM * float(np.exp(-d2 / (2 * _POOL_SIGMA**2)).sum())

    def field(self, xg: Grid, yg: Grid) -> NDArray[np.float32]:
        total = np.zeros(xg.shape, np.float32)
        for px, py in self.pools:
            total += np.exp(-((xg - px) ** 2 + (yg - py) ** 2) / (2 * _POOL_SIGMA**2)).astype(
                np.float32
            )
        total = np.nan_to_num(total)
        return AMBIENT.astype(np.float32) + SODIUM.astype(np.float32) * total[..., None]


@dataclass(frozen=True)
class Scenery:
    lamps: tuple[tuple[float, float, float], ...]  # pole foot (x, y) and arm direction ±1
    trees: tuple[tuple[float, float], ...]
    buildings: tuple[tuple[float, float, float, float], ...]  # wall x, y0, y1, height
    parked: tuple[tuple[State, Look], ...]

    @property
    def lighting(self) -> Lighting:
        return Lighting(np.array([(x + 1.8 * arm, y) for x, y, arm in self.lamps] or [(0, -999)]))


def _lamps(rng: random.Random, view: CameraView) -> list[tuple[float, float, float]]:
    start = view.cross_y + view.cross_hw + rng.uniform(2.0, 8.0)
    ys = np.arange(start, view.far, _LAMP_SPACING)
    lamps = [(view.road_x + side * (view.road_hw + 0.5), float(y), -side)
             for y in ys for side in (-1.0, 1.0)]  # fmt: skip
    for x in (-50.0, -25.0, 25.0, 50.0):
        lamps += [(x, view.cross_y + side * (view.cross_hw + 0.5), 0.0) for side in (-1.0, 1.0)]
    return lamps


def _buildings(rng: random.Random, view: CameraView) -> list[tuple[float, float, float, float]]:
    found = []
    tall = 90.0 if view.code in SCENE_CAMERAS else 45.0
    for side in (-1.0, 1.0):
        x = view.road_x + side * (view.road_hw + rng.uniform(8.0, 14.0))
        y = view.cross_y + view.cross_hw + rng.uniform(3.0, 10.0)
        while y < view.far * 1.15:
            length = rng.uniform(18.0, 50.0)
            found.append((x, y, y + length, rng.uniform(9.0, tall)))
            y += length + rng.uniform(4.0, 16.0)
    return found


def _parked(rng: random.Random, view: CameraView) -> list[tuple[State, Look]]:
    if view.code in SCENE_CAMERAS:
        spots = [(view.local(n, e), view.local(n, e + 1.0)) for n, e in parked_row()]
        cars = [(a, (b[0] - a[0], b[1] - a[1])) for a, b in spots]
    else:
        x = view.road_x + view.parked_side * (view.road_hw - 1.1)
        ys = sorted(rng.uniform(view.cross_y + view.cross_hw + 6, 90.0) for _ in range(4))
        ys = [y for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > 5.5]
        cars = [((x, y), (0.0, 1.0)) for y in ys[: rng.randint(1, len(ys))]]
    looks = [Look(n, c, c) for n, c, _ in CAR_PAINT]
    return [(State(x, y, dx, dy, 0.0, 0.0), rng.choice(looks)) for (x, y), (dx, dy) in cars]


def scenery(rng: random.Random, view: CameraView) -> Scenery:
    lamps = _lamps(rng, view)
    trees = [(x - 6.0 * arm, y + _LAMP_SPACING / 2) for x, y, arm in lamps if arm != 0]  # verge
    return Scenery(
        tuple(lamps), tuple(trees), tuple(_buildings(rng, view)), tuple(_parked(rng, view))
    )


# --------------------------------------------------------------------------------------------
# Painting
# --------------------------------------------------------------------------------------------


def _marks(view: CameraView, rx: Grid, cy: Grid, yg: Grid, xg: Grid) -> Grid:
    """Albedo (H×W×3) of the ground: asphalt, kerbs, paving, verges and white/yellow marks."""
    on_main, on_cross = np.abs(rx) <= view.road_hw, np.abs(cy) <= view.cross_hw
    junction = on_main & on_cross
    out = np.empty((*rx.shape, 3), np.float32)
    out[:] = _VERGE
    paved = (np.abs(rx) <= view.road_hw + 5.0) | (np.abs(cy) <= view.cross_hw + 5.0)
    out[paved] = _PAVING
    out[on_main | on_cross] = _ASPHALT
    lanes = max(1, int((view.road_hw - 3.0) // 3.5))
    dashed = np.mod(yg, 9.0) < 3.5
    for k in range(1, lanes + 1):
        out[on_main & ~on_cross & dashed & (np.abs(np.abs(rx) - 3.5 * k) < 0.08)] = _WHITE
    out[on_main & ~on_cross & (np.abs(np.abs(rx) - 0.2) < 0.08)] = _YELLOW
    zebra = on_main & (np.abs(cy - view.cross_hw - 3.0) < 2.0) & (np.mod(rx, 1.2) < 0.6)
    out[zebra] = _WHITE
    out[on_cross & ~junction & (np.abs(cy) < 0.1) & (np.mod(xg, 9.0) < 3.5)] = _WHITE
    kerb = (np.abs(np.abs(rx) - view.road_hw) < 0.2) & ~on_cross
    out[kerb] = (150, 150, 150)
    return out


def _paint_ground(lens: Lens, view: CameraView, light: Lighting) -> tuple[Image, Floats]:
    """The ground at twice the resolution, reduced (no crawling lane marks); and its albedo."""
    big = Lens(view, lens.width * 2, lens.height * 2)
    xg, yg = big.ground()
    sky = np.isnan(yg)
    xg, yg = np.nan_to_num(xg), np.nan_to_num(yg, nan=1e6)
    albedo = _marks(view, xg - view.road_x, yg - view.cross_y, yg, xg)
    fog = np.clip((view.far - yg) / (0.35 * view.far), 0.0, 1.0)[..., None]
    lit = albedo * light.field(xg, yg) * fog
    rows = np.linspace(0.0, 1.0, big.height, dtype=np.float32)[:, None, None]
    lit[sky] = (np.array([14, 10, 10]) + rows * np.array([30, 30, 38]))[np.nonzero(sky)[0], 0]
    small = cv2.resize(lit, (lens.width, lens.height), interpolation=cv2.INTER_AREA)
    grey = cv2.resize(albedo.mean(axis=2) * fog[..., 0] / 255.0, (lens.width, lens.height))
    return np.clip(small, 0, 255).astype(np.uint8), grey


def _quad(lens: Lens, pts: list[tuple[float, float, float]]) -> NDArray[np.int32] | None:
    x, y, z = (np.array(c, float) for c in zip(*pts, strict=True))
    u, v, depth = lens.project(x, y, z)
    if (depth < 0.5).any():
        return None
    return np.round(np.stack([u, v], axis=1) * 16).astype(np.int32)


def _building(
    img: Image, lens: Lens, b: tuple[float, float, float, float], rng: random.Random
) -> None:
    x, y0, y1, h = b
    fog = max(0.0, min(1.0, (lens.view.far * 1.1 - y0) / (0.4 * lens.view.far)))
    outer = x + np.sign(x - lens.view.road_x) * 15.0
    end = _quad(lens, [(x, y0, 0), (outer, y0, 0), (outer, y0, h), (x, y0, h)])
    wall = _quad(lens, [(x, y0, 0), (x, y1, 0), (x, y1, h), (x, y0, h)])
    if end is None or wall is None:
        return
    cv2.fillConvexPoly(img, end, (int(13 * fog), int(13 * fog), int(15 * fog)), cv2.LINE_AA, 4)
    cv2.fillConvexPoly(img, wall, (int(20 * fog), int(20 * fog), int(24 * fog)), cv2.LINE_AA, 4)
    for z in np.arange(3.0, h - 2.0, 3.0):
        for y in np.arange(y0 + 2.0, y1 - 2.0, 3.6):
            if rng.random() < 0.07:
                warm = rng.choice(((60, 140, 200), (170, 140, 110), (90, 170, 220)))
                win = _quad(
                    lens, [(x, y, z), (x, y + 1.4, z), (x, y + 1.4, z + 1.5), (x, y, z + 1.5)]
                )
                if win is not None:
                    colour = tuple(int(c * fog * 0.8) for c in warm)
                    cv2.fillConvexPoly(img, win, colour, cv2.LINE_AA, 4)


def _lamp(img: Image, lens: Lens, lamp: tuple[float, float, float]) -> None:
    x, y, arm = lamp
    pts = _quad(lens, [(x, y, 0), (x, y, 9.0), (x + 1.8 * arm, y, 9.0)])
    if pts is None:
        return
    _, _, depth = lens.project(x, y, 9.0)
    thick = max(1, round(0.15 * lens.f / float(depth)))
    cv2.polylines(img, [pts], False, (30, 30, 34), thick, cv2.LINE_AA, 4)
    u, v = pts[2] / 16
    glow(img, u, v, min(0.01 * lens.width, max(1.5, 0.25 * lens.f / float(depth))), (150, 215, 255))
    glow(img, u, v, min(0.03 * lens.width, max(3.0, 1.5 * lens.f / float(depth))), (30, 70, 110))


def _tree(img: Image, lens: Lens, tree: tuple[float, float], light: Lighting) -> None:
    x, y = tree
    pts = _quad(lens, [(x, y, 0), (x, y, 2.6), (x, y, 4.2), (x, y, 6.4)])
    if pts is None:
        return
    ppm = lens.f / float(lens.depth(x, y, 3.0))
    cv2.line(
        img, tuple(pts[0]), tuple(pts[1]), (20, 22, 26), max(1, round(0.3 * ppm)), cv2.LINE_AA, 4
    )
    colour = np.clip(np.array([18, 30, 22]) * light.at(x, y), 0, 255).astype(int)
    axes = (max(16, round(1.9 * ppm * 16)), max(16, round(1.7 * ppm * 16)))
    cv2.ellipse(
        img, tuple(pts[2]), axes, 0, 0, 360, tuple(int(c) for c in colour), -1, cv2.LINE_AA, 4
    )


@dataclass(frozen=True)
class Backdrop:
    image: Image  # the clean background, BGR
    albedo: NDArray[np.float32]  # grey albedo of the ground under each pixel (0 where no ground)
    xg: NDArray[np.float32]  # ground x, y under each pixel (NaN above the horizon)
    yg: NDArray[np.float32]
    lighting: Lighting


def paint(lens: Lens, rng: random.Random) -> Backdrop:
    """The camera's static night, and the maps the headlight cones need."""
    view = lens.view
    things = scenery(rng, view)
    light = things.lighting
    img, albedo = _paint_ground(lens, view, light)
    for b in sorted(things.buildings, key=lambda b: -b[1]):
        _building(img, lens, b, rng)
    props: list[tuple[float, Callable[[], None]]] = [
        (t[1], partial(_tree, img, lens, t, light)) for t in things.trees
    ]
    props += [(lamp[1], partial(_lamp, img, lens, lamp)) for lamp in things.lamps]
    props += [(car[0].y, partial(_parked_car, img, lens, car, light)) for car in things.parked]
    for _, draw in sorted(props, key=lambda p: -p[0]):
        draw()
    img = _finish(img, view.code)
    xg, yg = lens.ground()
    return Backdrop(
        img, albedo.astype(np.float32), xg.astype(np.float32), yg.astype(np.float32), light
    )


def _parked_car(img: Image, lens: Lens, car: tuple[State, Look], light: Lighting) -> None:
    state, look = car
    if lens.depth(state.x, state.y, 0.0) > 2.0 and state.y < lens.view.far:
        draw_pose(img, car_pose(lens, state, look, lit=False), light.at(state.x, state.y))


def _finish(img: Image, code: str) -> Image:
    """Soft optics, a vignette and the camera's on-screen name."""
    h, w = img.shape[:2]
    soft = cv2.GaussianBlur(img, (0, 0), 0.5 * w / 960)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2
    img = np.asarray(soft * (1.0 - 0.18 * r2)[..., None], np.uint8)
    scale = h / 540
    cv2.putText(img, code, (round(16 * scale), round(34 * scale)), cv2.FONT_HERSHEY_SIMPLEX,
                0.8 * scale, (190, 190, 190), max(1, round(2 * scale)), cv2.LINE_AA)  # fmt: skip
    return img
