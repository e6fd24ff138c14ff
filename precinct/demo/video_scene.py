"""Where the demo night's cameras stand and what they see.

The district is laid out in metres (north, east) from the north-west corner of the street grid.
Each camera is a pinhole camera on a pole at a corner of its intersection, looking along one
street (the *main* street) with the other (the *cross* street) just ahead of it.  A view works in
camera-local ground coordinates: ``x`` metres to the right, ``y`` metres ahead (along the
camera's compass heading), ``z`` metres up; a `Lens` projects them to pixels of a given size.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
from numpy.typing import NDArray

from precinct.demo.cast import NIGHT_VICTIMS
from precinct.demo.geography import EW_STREETS, NS_STREETS, CameraSite, camera_sites
from precinct.demo.night import _CAR_SPACING_M, _FIRST_CAR  # the row of cars of the story

Floats = NDArray[np.float64]
Floats32 = NDArray[np.float32]

_M_PER_DEG: Final = 111_320.0
_ORIGIN: Final = (EW_STREETS[0][1], NS_STREETS[0][1])
_COS_LAT: Final = math.cos(math.radians(_ORIGIN[0]))
#: The two cameras at either end of the block where the cars were parked: long lenses on the kerb.
SCENE_CAMERAS: Final = ("C04", "C03")


def to_metres(lat: float, lon: float) -> tuple[float, float]:
    """(north, east) metres from the north-west corner of the grid."""
    return (lat - _ORIGIN[0]) * _M_PER_DEG, (lon - _ORIGIN[1]) * _M_PER_DEG * _COS_LAT


def half_width(street: str) -> float:
    """Half the kerb-to-kerb width: avenues (大道) carry three lanes each way and a side lane."""
    return 16.0 if street.endswith("大道") else 10.0


def street_centre(name: str) -> float:
    """The centre line of a street: its north (east-west streets) or east (north-south) metres."""
    for street, lat in EW_STREETS:
        if street == name:
            return to_metres(lat, _ORIGIN[1])[0]
    for street, lon in NS_STREETS:
        if street == name:
            return to_metres(_ORIGIN[0], lon)[1]
    raise KeyError(name)


def kerb_north() -> float:
    """The south kerb of 沌阳大道, where the cars stood."""
    return street_centre("沌阳大道") - half_width("沌阳大道")


def parked_row() -> list[tuple[float, float]]:
    """(north, east) of the centres of the 12 broken-into cars, west to east."""
    _, east0 = to_metres(*_FIRST_CAR)
    return [(kerb_north() + 1.1, east0 + i * _CAR_SPACING_M) for i in range(NIGHT_VICTIMS)]


def scene_middle() -> tuple[float, float]:
    row = parked_row()
    return (row[0][0] + row[-1][0]) / 2, (row[0][1] + row[-1][1]) / 2


@dataclass(frozen=True)
class CameraView:
    """One camera's pose and the two streets it sees."""

    code: str
    north: float
    east: float
    heading_deg: float
    height: float
    hfov_deg: float
    pitch_deg: float
    yaw_deg: float
    far: float  # beyond this many metres ahead the night swallows everything
    road_x: float  # main street: its centre line's offset to the right, metres
    road_hw: float
    cross_y: float  # cross street: its centre line's distance ahead, metres
    cross_hw: float
    parked_side: float = 1.0  # cars park along the right (+1) or left (-1) kerb of the main street

    def nearest_ground(self) -> float:
        """How far ahead the ground comes into view at the bottom of a 16:9 picture."""
        half_v = math.atan(math.tan(math.radians(self.hfov_deg / 2)) * 9 / 16)
        return self.height / math.tan(math.radians(self.pitch_deg) + half_v)

    def local(self, north: float, east: float) -> tuple[float, float]:
        """(x right, y ahead) of a district point, in metres from the foot of the pole."""
        h = math.radians(self.heading_deg)
        dn, de = north - self.north, east - self.east
        return dn * -math.sin(h) + de * math.cos(h), dn * math.cos(h) + de * math.sin(h)


def _streets_of(site: CameraSite) -> tuple[str, str]:
    index = int(site.code[1:]) - 1
    return EW_STREETS[index // len(NS_STREETS)][0], NS_STREETS[index % len(NS_STREETS)][0]


def _site(code: str) -> CameraSite:
    for site in camera_sites():
        if site.code == code:
            return site
    raise KeyError(f"no camera {code} in the demo district")


def camera_view(code: str) -> CameraView:
    """The fixed pose of a demo camera (the same whatever the seed, like the street grid)."""
    site = _site(code)
    ew, ns = _streets_of(site)
    north, east = to_metres(site.lat, site.lon)
    along_ew = site.heading_deg in (90, 270)
    main, cross = (ew, ns) if along_ew else (ns, ew)
    base = CameraView(code, north, east, site.heading_deg, 6.0, 62.0, 11.0, 0.0, 120.0, 0, 0, 0, 0)
    ew_n, ns_e = street_centre(ew), street_centre(ns)
    if along_ew:
        road_x, cross_y = base.local(ew_n, east)[0], base.local(north, ns_e)[1]
    else:
        road_x, cross_y = base.local(north, ns_e)[0], base.local(ew_n, east)[1]
    posed = _scene_pose(base) if code in SCENE_CAMERAS else _street_pose(base, road_x)
    posed = replace(
        posed, road_x=road_x, road_hw=half_width(main), cross_y=cross_y, cross_hw=half_width(cross)
    )
    return replace(posed, parked_side=_parked_side(posed))


def _parked_side(view: CameraView) -> float:
    """The scene cameras see the row of cars on the south kerb; elsewhere either kerb."""
    if view.code in SCENE_CAMERAS:
        x, _ = view.local(*scene_middle())
        return 1.0 if x > view.road_x else -1.0
    return random.Random(f"video-kerb/{view.code}").choice((-1.0, 1.0))


def _street_pose(base: CameraView, road_x: float) -> CameraView:
    """An ordinary corner camera: wide lens, 5.5-7.5 m up, looking down its street."""
    rng = random.Random(f"video-pose/{base.code}")
    return replace(
        base,
        height=round(rng.uniform(5.5, 7.5), 1),
        hfov_deg=round(rng.uniform(58.0, 68.0), 1),
        pitch_deg=round(rng.uniform(10.0, 13.0), 1),
        yaw_deg=round(math.degrees(math.atan2(0.6 * road_x, 35.0)), 2),
    )


def _scene_pose(base: CameraView) -> CameraView:
    """A long lens 10 m up, aimed at the row of parked cars (the middle of the scene)."""
    x, y = base.local(*scene_middle())
    distance = math.hypot(x, y)
    hfov = math.degrees(2 * math.atan(30.0 / distance))
    vfov = math.degrees(2 * math.atan(math.tan(math.radians(hfov / 2)) * 9 / 16))
    pitch = math.degrees(math.atan(10.0 / distance)) + 0.2 * vfov / 2
    return replace(
        base,
        height=10.0,
        hfov_deg=round(hfov, 2),
        pitch_deg=round(pitch, 3),
        yaw_deg=round(math.degrees(math.atan2(x, y)), 3),
        far=round(distance + 150.0, 1),
    )


class Lens:
    """Projection of a view's camera-local metres to pixels of a width × height image."""

    def __init__(self, view: CameraView, width: int, height: int) -> None:
        self.view, self.width, self.height = view, width, height
        self.f = (width / 2) / math.tan(math.radians(view.hfov_deg / 2))
        self.cx, self.cy = width / 2, height / 2
        yaw, pitch = math.radians(view.yaw_deg), math.radians(view.pitch_deg)
        self._cy, self._sy = math.cos(yaw), math.sin(yaw)
        self._cp, self._sp = math.cos(pitch), math.sin(pitch)

    @property
    def horizon_v(self) -> float:
        return self.cy - self.f * self._sp / self._cp

    def depth(self, x: Floats | float, y: Floats | float, z: Floats | float) -> Floats:
        """Distance along the optical axis (negative: behind the camera)."""
        yr = np.asarray(x) * self._sy + np.asarray(y) * self._cy
        return np.asarray(yr * self._cp - (np.asarray(z) - self.view.height) * self._sp)

    def project(
        self, x: Floats | float, y: Floats | float, z: Floats | float
    ) -> tuple[Floats, Floats, Floats]:
        """Pixel (u, v) and depth of points given in camera-local metres."""
        x, y, z = np.asarray(x, float), np.asarray(y, float), np.asarray(z, float)
        xr = x * self._cy - y * self._sy
        yr = x * self._sy + y * self._cy
        zr = z - self.view.height
        depth = yr * self._cp - zr * self._sp
        down = -yr * self._sp - zr * self._cp
        safe = np.where(depth > 1e-3, depth, 1e-3)
        return self.cx + self.f * xr / safe, self.cy + self.f * down / safe, depth

    def ground(self) -> tuple[Floats32, Floats32]:
        """Ground (x, y) under every pixel centre; NaN at and above the horizon."""
        u = ((np.arange(self.width) + 0.5 - self.cx) / self.f).astype(np.float32)
        v = ((np.arange(self.height) + 0.5 - self.cy) / self.f).astype(np.float32)[:, None]
        denom = np.float32(self._sp) + v * np.float32(self._cp)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(denom > 1e-4, np.float32(self.view.height) / denom, np.float32(np.nan))
        yr = t * (np.float32(self._cp) - v * np.float32(self._sp))  # a column: one per row
        xr = t * u
        x: Floats32 = xr * np.float32(self._cy) + yr * np.float32(self._sy)
        y: Floats32 = yr * np.float32(self._cy) - xr * np.float32(self._sy)
        return x, y
