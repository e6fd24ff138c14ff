"""Geography of the demo district: a street grid with a camera at every intersection, and
the places where things happen (homes, kerbsides, crossings, busy public places)."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from typing import Final

from precinct.demo.people import Resident
from precinct.registry.store import Place

_M_PER_DEG_LAT: Final = 111_320.0
NEARBY_METRES: Final = 700.0
_LAYOUT_SEED: Final = 420113  # fixed: the streets and cameras stay put whatever the seed


def metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat1) * _M_PER_DEG_LAT
    dx = (lon2 - lon1) * _M_PER_DEG_LAT * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    dlat = north_m / _M_PER_DEG_LAT
    dlon = east_m / (_M_PER_DEG_LAT * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)


# East-west streets, north to south (latitude), and north-south streets, west to east
# (longitude); spacing 420-560 m.  紫郡兰园 (30.513-30.516 N, 114.163-114.166 E) sits in the
# block between 沌阳大道, 神龙大道, 川江池路 and 车城大道.
EW_STREETS: Final = (
    ("沌阳大道", 30.5168), ("神龙大道", 30.5118), ("东风大道", 30.5074), ("太子湖北路", 30.5027),
    ("后官湖大道", 30.4985), ("江城大道", 30.4938), ("珠山湖大道", 30.4896), ("兴城大道", 30.4849),
)  # fmt: skip
NS_STREETS: Final = (
    ("全力大道", 114.1515), ("枫树路", 114.1566), ("川江池路", 114.1618),
    ("车城大道", 114.1672), ("东荆河路", 114.1724), ("三角湖路", 114.1779),
)  # fmt: skip

# Which way a corner camera can look across its intersection (degrees clockwise from north).
_CORNER_HEADINGS: Final = {
    "东北角": ((1, 1), (180, 270)),
    "东南角": ((-1, 1), (0, 270)),
    "西北角": ((1, -1), (90, 180)),
    "西南角": ((-1, -1), (0, 90)),
}
# The two cameras at either end of the block where the cars were parked look along 沌阳大道.
_CAMERA_OVERRIDES: Final = {
    ("沌阳大道", "车城大道"): ("东北角", 270),
    ("沌阳大道", "川江池路"): ("西北角", 90),
}
_CORNER_METRES: Final = 12.0


@dataclass(frozen=True)
class CameraSite:
    code: str
    name: str
    address: str
    lat: float
    lon: float
    heading_deg: int
    metres_per_pixel: float


def _camera_site(
    rng: random.Random, index: int, ew: tuple[str, float], ns: tuple[str, float]
) -> CameraSite:
    corner = rng.choice(sorted(_CORNER_HEADINGS))
    (north, east), headings = _CORNER_HEADINGS[corner]
    heading = rng.choice(headings)
    mpp = round(rng.uniform(0.04, 0.06), 3)
    corner, heading = _CAMERA_OVERRIDES.get((ew[0], ns[0]), (corner, heading))
    (north, east), _ = _CORNER_HEADINGS[corner]
    lat, lon = offset(ew[1], ns[1], north * _CORNER_METRES, east * _CORNER_METRES)
    return CameraSite(
        code=f"C{index:02d}",
        name=f"{ew[0]}与{ns[0]}路口({corner})",
        address=f"武汉经开区{ew[0]}与{ns[0]}交叉口{corner}",
        lat=lat,
        lon=lon,
        heading_deg=heading,
        metres_per_pixel=mpp,
    )


def camera_sites() -> list[CameraSite]:
    """One camera at a corner of every intersection, C01 in the north-west, row by row."""
    rng = random.Random(_LAYOUT_SEED)
    pairs = [(ew, ns) for ew in EW_STREETS for ns in NS_STREETS]
    return [_camera_site(rng, i, ew, ns) for i, (ew, ns) in enumerate(pairs, start=1)]


# --------------------------------------------------------------------------------------------
# Places where things happen
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    name: str
    address: str
    lat: float
    lon: float

    def place(self) -> Place:
        return Place(name=self.name, address=self.address, lat=self.lat, lon=self.lon)


POIS: Final = (
    Spot("武汉经开永旺梦乐城", "武汉经开区东风大道与川江池路交叉口西南侧", 30.5066, 114.1606),
    Spot("地铁3号线沌阳大道站", "武汉经开区沌阳大道与东荆河路交叉口", 30.5163, 114.1727),
    Spot("沌口商业步行街", "武汉经开区太子湖北路枫树路口", 30.5021, 114.1580),
    Spot("沌口公交枢纽站", "武汉经开区后官湖大道车城大道口", 30.4990, 114.1680),
    Spot("经开万达广场", "武汉经开区江城大道与川江池路交叉口东北侧", 30.4944, 114.1630),
    Spot("车城文化广场", "武汉经开区珠山湖大道全力大道口", 30.4902, 114.1527),
    Spot("沌口菜市场", "武汉经开区神龙大道枫树路口东侧", 30.5112, 114.1580),
    Spot("武汉经开区人民医院", "武汉经开区东风大道东荆河路口", 30.5068, 114.1735),
)

_FLAT = re.compile(r"^(?P<compound>.+?\d+栋)")


def home_spot(person: Resident) -> Spot:
    return Spot("", person.address, person.lat, person.lon)


def downstairs_spot(person: Resident) -> Spot:
    match = _FLAT.match(person.address)
    address = f"{match['compound']}楼下" if match else person.address
    return Spot("", address, person.lat, person.lon)


def street_spot(rng: random.Random) -> Spot:
    """A kerbside spot on a random block of the grid."""
    if rng.random() < 0.5:
        row, col = rng.randrange(len(EW_STREETS)), rng.randrange(len(NS_STREETS) - 1)
        (street, lat), (a, lon1), (b, lon2) = EW_STREETS[row], NS_STREETS[col], NS_STREETS[col + 1]
        lon = lon1 + rng.uniform(0.1, 0.9) * (lon2 - lon1)
    else:
        row, col = rng.randrange(len(EW_STREETS) - 1), rng.randrange(len(NS_STREETS))
        (a, lat1), (b, lat2), (street, lon) = EW_STREETS[row], EW_STREETS[row + 1], NS_STREETS[col]
        lat = lat1 + rng.uniform(0.1, 0.9) * (lat2 - lat1)
    return Spot("", f"武汉经开区{street}({a}至{b}段)路边", round(lat, 6), round(lon, 6))


def crossing_spot(rng: random.Random) -> Spot:
    (ew, lat), (ns, lon) = rng.choice(EW_STREETS), rng.choice(NS_STREETS)
    return Spot("", f"武汉经开区{ew}与{ns}交叉口", lat, lon)
