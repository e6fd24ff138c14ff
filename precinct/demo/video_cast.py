"""Who passes the cameras on the night: sparse 2 a.m. traffic, and the suspect.

A `Mover` is a piecewise-linear ground track (times and camera-local metres) with a class and a
look.  The suspect's night is laid out once in district metres (`suspect_legs`) and seen by
every camera through its own view (`suspect_movers`); everyone else is drawn per camera.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Final

from precinct.demo.cast import SUSPECT_HOME
from precinct.demo.video_scene import (
    CameraView,
    half_width,
    kerb_north,
    parked_row,
    street_centre,
    to_metres,
)
from precinct.video.types import ObjectClass

Colour = tuple[int, int, int]  # BGR albedo, 0-255

Palette = tuple[tuple[str, Colour, float], ...]  # name, colour, weight
# Clothes are mostly dark at night, but some colours make colour search meaningful.
CLOTHES: Final[Palette] = (
    ("black", (30, 30, 32), 0.30),
    ("grey", (80, 80, 84), 0.18),
    ("navy", (75, 45, 35), 0.12),
    ("brown", (40, 55, 75), 0.08),
    ("red", (45, 45, 190), 0.10),
    ("blue", (185, 100, 40), 0.08),
    ("white", (215, 215, 215), 0.10),
    ("yellow", (40, 190, 220), 0.04),
)
CAR_PAINT: Final[Palette] = (
    ("white", (220, 220, 222), 0.30),
    ("black", (28, 28, 30), 0.24),
    ("silver", (165, 165, 170), 0.18),
    ("grey", (95, 95, 100), 0.10),
    ("red", (40, 40, 180), 0.08),
    ("blue", (160, 80, 30), 0.10),
)
BIKES: Final[Palette] = (  # shared bikes in their operators' colours, and private ones
    ("yellow", (20, 190, 245), 0.35),
    ("blue", (210, 130, 30), 0.30),
    ("black", (35, 35, 38), 0.20),
    ("white", (210, 210, 210), 0.12),
    ("green", (70, 200, 90), 0.03),
)
SUSPECT_BIKE: Final = ("green", (70, 200, 90))  # a 青桔-style shared bike
SUSPECT_CLOTHES: Final = ("black", (26, 26, 28))
SPEEDS: Final = {
    ObjectClass.PERSON: (1.2, 1.6),
    ObjectClass.CYCLIST: (3.5, 6.0),
    ObjectClass.VEHICLE: (8.0, 15.0),
}
_KINDS: Final = (ObjectClass.VEHICLE, ObjectClass.CYCLIST, ObjectClass.PERSON)
_KIND_WEIGHTS: Final = (0.45, 0.3, 0.25)


@dataclass(frozen=True)
class Look:
    colour: str  # the name of the dominant colour (coat, or car paint)
    top: Colour  # coat, or car body
    bottom: Colour  # trousers
    bike_colour: str = ""
    bike: Colour = (0, 0, 0)
    head: Colour = (70, 95, 130)  # a face; a hood is dark


@dataclass(frozen=True)
class Mover:
    kind: ObjectClass
    look: Look
    times: tuple[float, ...]  # seconds from the start of the file, non-decreasing
    xs: tuple[float, ...]  # camera-local ground track, metres
    ys: tuple[float, ...]
    is_suspect: bool = False


def _pick(rng: random.Random, table: Palette) -> tuple[str, Colour]:
    name, colour, _ = rng.choices(table, weights=[w for *_, w in table])[0]
    return name, colour


def random_look(rng: random.Random, kind: ObjectClass) -> Look:
    if kind is ObjectClass.VEHICLE:
        name, paint = _pick(rng, CAR_PAINT)
        return Look(name, paint, paint)
    name, coat = _pick(rng, CLOTHES)
    trousers = rng.choice(((30, 30, 32), (60, 50, 45), (110, 80, 60)))
    if kind is ObjectClass.PERSON:
        return Look(name, coat, trousers)
    bike_name, bike = _pick(rng, BIKES)
    return Look(name, coat, trousers, bike_name, bike)


# --------------------------------------------------------------------------------------------
# The suspect: along the row of parked cars on foot, then away south-west on a shared bike
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leg:
    """One stretch of the suspect's night in district metres; times in seconds after the start."""

    kind: ObjectClass
    times: tuple[float, ...]
    points: tuple[tuple[float, float], ...]  # (north, east)


class _Path:
    def __init__(self, t: float, point: tuple[float, float]) -> None:
        self.times, self.points = [t], [point]

    def go(self, point: tuple[float, float], speed: float) -> None:
        (n0, e0), (n1, e1) = self.points[-1], point
        self.times.append(self.times[-1] + ((n1 - n0) ** 2 + (e1 - e0) ** 2) ** 0.5 / speed)
        self.points.append(point)

    def stay(self, seconds: float) -> None:
        self.times.append(self.times[-1] + seconds)
        self.points.append(self.points[-1])

    def leg(self, kind: ObjectClass) -> Leg:
        return Leg(kind, tuple(self.times), tuple(self.points))


def suspect_legs(rng: random.Random, start_s: float = 60.0) -> tuple[Leg, Leg]:
    """On foot westward along the cars (stopping at each), then west and south by bike."""
    row, side = parked_row(), kerb_north() + 2.9
    walk = rng.uniform(1.2, 1.4)
    path = _Path(start_s + rng.uniform(0, 20), (side, row[-1][1] + 60.0))
    for _, east in reversed(row):
        path.go((side, east + 0.8), walk * 0.8)
        path.stay(rng.uniform(8.0, 15.0))  # a window, a grab
    bike = (side, row[0][1] - 9.0)
    path.go(bike, walk)
    path.stay(rng.uniform(6.0, 9.0))  # unlocking the shared bike
    on_foot = path.leg(ObjectClass.PERSON)
    ride, speed = _Path(path.times[-1], bike), rng.uniform(4.6, 5.6)
    lane_n = kerb_north() + 2.5
    lane_e = street_centre("枫树路") - half_width("枫树路") + 2.5
    home_n, home_e = to_metres(SUSPECT_HOME.lat, SUSPECT_HOME.lon)
    for point in ((lane_n, lane_e), (home_n, lane_e), (home_n, home_e)):
        ride.go(point, speed)
    return on_foot, ride.leg(ObjectClass.CYCLIST)


def suspect_movers(view: CameraView, legs: tuple[Leg, Leg], offset_s: float) -> list[Mover]:
    """The suspect as one camera sees him, times from the start of its file."""
    name, coat = SUSPECT_CLOTHES
    bike_name, bike = SUSPECT_BIKE
    on_foot = Look(name, coat, (24, 24, 26), head=(30, 30, 33))  # hooded
    riding = replace(on_foot, bike_colour=bike_name, bike=bike)
    movers = []
    for leg in legs:
        xy = [view.local(n, e) for n, e in leg.points]
        times = tuple(t - offset_s for t in leg.times)
        xs, ys = tuple(p[0] for p in xy), tuple(p[1] for p in xy)
        look = on_foot if leg.kind is ObjectClass.PERSON else riding
        movers.append(Mover(leg.kind, look, times, xs, ys, is_suspect=True))
    return movers


# --------------------------------------------------------------------------------------------
# Everyone else: a few passers a minute, with long quiet stretches
# --------------------------------------------------------------------------------------------


def _lane(rng: random.Random, view: CameraView, kind: ObjectClass, ahead: bool) -> float:
    """Camera-local x of a lane on the main street (traffic keeps to the right)."""
    side = 1.0 if ahead else -1.0
    if kind is ObjectClass.VEHICLE:
        lanes = max(1, int((view.road_hw - 3.0) // 3.5))
        return view.road_x + side * (1.75 + 3.5 * rng.randrange(lanes))
    if kind is ObjectClass.CYCLIST:
        return view.road_x + side * (view.road_hw - 3.0)
    return view.road_x - view.parked_side * (view.road_hw + rng.uniform(1.0, 3.0))


def _along(rng: random.Random, view: CameraView, kind: ObjectClass, t: float) -> Mover:
    ahead = rng.random() < 0.5
    x = _lane(rng, view, kind, ahead)
    near, far = 2.0, view.far + 5.0
    if kind is ObjectClass.PERSON:  # pedestrians walk part of the block
        near = rng.uniform(near, view.far * 0.6)
        far = near + rng.uniform(30.0, 80.0)
    y0, y1 = (near, far) if ahead else (far, near)
    speed = rng.uniform(*SPEEDS[kind])
    return Mover(kind, random_look(rng, kind), (t, t + (far - near) / speed), (x, x), (y0, y1))


def _across(rng: random.Random, view: CameraView, kind: ObjectClass, t: float) -> Mover:
    rightward = rng.random() < 0.5
    side = -1.0 if rightward else 1.0  # keep right: rightward traffic uses the near half
    offset = {ObjectClass.VEHICLE: 1.75, ObjectClass.CYCLIST: view.cross_hw - 2.0}
    y = view.cross_y + side * offset.get(kind, view.cross_hw + 2.0)
    span = 70.0 if kind is not ObjectClass.PERSON else rng.uniform(25.0, 45.0)
    x0, x1 = (-span, span) if rightward else (span, -span)
    speed = rng.uniform(*SPEEDS[kind])
    return Mover(kind, random_look(rng, kind), (t, t + 2 * span / speed), (x0, x1), (y, y))


def traffic(rng: random.Random, view: CameraView, duration_s: float) -> list[Mover]:
    """Sparse night traffic: ~1.5 passers a minute, one gap in six a quiet stretch of 1-4 min."""
    crossing_ok = view.nearest_ground() < view.cross_y + view.cross_hw  # long lenses look past it
    movers, t = [], rng.uniform(-40.0, 10.0)
    while t < duration_s:
        kind = rng.choices(_KINDS, weights=_KIND_WEIGHTS)[0]
        across = crossing_ok and rng.random() < 0.3
        movers.append((_across if across else _along)(rng, view, kind, t))
        t += rng.uniform(60.0, 240.0) if rng.random() < 1 / 6 else rng.expovariate(1 / 18.0)
    return movers
