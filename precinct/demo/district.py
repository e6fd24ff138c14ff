"""The synthetic 车谷 district: streets and cameras, officers, residents, a background year of
民生小案 with their 110 alarms, and the night of 2024-12-15 when 12 cars parked beside 紫郡兰园
had their windows smashed.

Deterministic in ``DistrictSpec.seed``: every random choice comes from a ``random.Random``
derived from it (the street grid and the cameras are fixed, like the compounds of
``precinct.demo.people``).  ``build_district`` returns the exact ground truth, including the
suspect, whom nothing in the database links to the night's case yet.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from precinct.cases.domain import (
    RECOVERED_PROPERTY,
    AlarmStatus,
    CaseStatus,
    CaseType,
    PartyRole,
    PropertyStatus,
)
from precinct.cases.figures import Figures
from precinct.cases.service import figures
from precinct.cases.store import Alarm, Case, CaseParty, PropertyItem
from precinct.core.db import Database
from precinct.core.identifiers import Plate, luhn_check_digit
from precinct.demo.people import (
    REFERENCE_DATE,
    Resident,
    generate_officers,
    generate_residents,
    is_wuhan_region,
)
from precinct.registry.store import Camera, Officer, Person, PersonPhone, Place

__all__ = [
    "DistrictCounts",
    "DistrictSpec",
    "DistrictTruth",
    "build_district",
    "report_lines",
    "write_truth",
]

TZ: Final = ZoneInfo("Asia/Shanghai")
NIGHT_START: Final = datetime(2024, 12, 15, tzinfo=TZ)
#: "Now" for the demo: the evening after the night, two days before the arrest.
DEMO_NOW: Final = datetime(2024, 12, 15, 18, 0, tzinfo=TZ)

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DistrictSpec:
    seed: int = 20241215
    residents: int = 50_000
    background_year: int = 2024

    def __post_init__(self) -> None:
        if self.residents < 0:
            raise ValueError(f"residents must not be negative, got {self.residents}")
        if self.background_year > NIGHT_START.year:
            raise ValueError(f"background_year must be {NIGHT_START.year} or earlier")


@dataclass(frozen=True)
class DistrictCounts:
    residents: int
    phones: int
    cameras: int
    officers: int
    mentor_pairs: int
    alarms: int
    cases: int
    items: int


@dataclass(frozen=True)
class DistrictTruth:
    """What really happened, for tests and for the later video and big-data work."""

    seed: int
    background_year: int
    case_number: str  # the smashed-windows case
    night_alarm_numbers: tuple[str, ...]
    victim_id_numbers: tuple[str, ...]
    suspect_id_number: str  # not linked to the case in the database
    suspect_address: str
    scene: tuple[float, float]  # (lat, lon) of the middle of the row of cars
    camera_codes: tuple[str, ...]
    nearby_camera_codes: tuple[str, ...]  # within NEARBY_METRES of the scene
    counts: DistrictCounts


def _rng(seed: int, stage: str) -> random.Random:
    return random.Random(f"{seed}/{stage}")  # str seeds are hashed with SHA-512: stable


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


# --------------------------------------------------------------------------------------------
# Geography: a street grid with a camera at every intersection
# --------------------------------------------------------------------------------------------

_M_PER_DEG_LAT: Final = 111_320.0
NEARBY_METRES: Final = 700.0
_LAYOUT_SEED: Final = 420113  # fixed: the streets and cameras stay put whatever the seed


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dy = (lat2 - lat1) * _M_PER_DEG_LAT
    dx = (lon2 - lon1) * _M_PER_DEG_LAT * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(dx, dy)


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
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
    lat, lon = _offset(ew[1], ns[1], north * _CORNER_METRES, east * _CORNER_METRES)
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


def _insert_cameras(session: Session, sites: Sequence[CameraSite]) -> None:
    for site in sites:
        place = Place(name=site.name, address=site.address, lat=site.lat, lon=site.lon)
        calibration = {"metres_per_pixel": site.metres_per_pixel}
        session.add(
            Camera(
                code=site.code,
                name=site.name,
                place=place,
                heading_deg=float(site.heading_deg),
                calibration=calibration,
            )
        )


# --------------------------------------------------------------------------------------------
# Places where things happen
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spot:
    name: str
    address: str
    lat: float
    lon: float

    def place(self) -> Place:
        return Place(name=self.name, address=self.address, lat=self.lat, lon=self.lon)


_POIS: Final = (
    _Spot("武汉经开永旺梦乐城", "武汉经开区东风大道与川江池路交叉口西南侧", 30.5066, 114.1606),
    _Spot("地铁3号线沌阳大道站", "武汉经开区沌阳大道与东荆河路交叉口", 30.5163, 114.1727),
    _Spot("沌口商业步行街", "武汉经开区太子湖北路枫树路口", 30.5021, 114.1580),
    _Spot("沌口公交枢纽站", "武汉经开区后官湖大道车城大道口", 30.4990, 114.1680),
    _Spot("经开万达广场", "武汉经开区江城大道与川江池路交叉口东北侧", 30.4944, 114.1630),
    _Spot("车城文化广场", "武汉经开区珠山湖大道全力大道口", 30.4902, 114.1527),
    _Spot("沌口菜市场", "武汉经开区神龙大道枫树路口东侧", 30.5112, 114.1580),
    _Spot("武汉经开区人民医院", "武汉经开区东风大道东荆河路口", 30.5068, 114.1735),
)

_FLAT = re.compile(r"^(?P<compound>.+?\d+栋)")


def _home_spot(person: Resident) -> _Spot:
    return _Spot("", person.address, person.lat, person.lon)


def _downstairs_spot(person: Resident) -> _Spot:
    match = _FLAT.match(person.address)
    address = f"{match['compound']}楼下" if match else person.address
    return _Spot("", address, person.lat, person.lon)


def _street_spot(rng: random.Random) -> _Spot:
    """A kerbside spot on a random block of the grid."""
    if rng.random() < 0.5:
        row, col = rng.randrange(len(EW_STREETS)), rng.randrange(len(NS_STREETS) - 1)
        (street, lat), (a, lon1), (b, lon2) = EW_STREETS[row], NS_STREETS[col], NS_STREETS[col + 1]
        lon = lon1 + rng.uniform(0.1, 0.9) * (lon2 - lon1)
    else:
        row, col = rng.randrange(len(EW_STREETS) - 1), rng.randrange(len(NS_STREETS))
        (a, lat1), (b, lat2), (street, lon) = EW_STREETS[row], EW_STREETS[row + 1], NS_STREETS[col]
        lat = lat1 + rng.uniform(0.1, 0.9) * (lat2 - lat1)
    return _Spot("", f"武汉经开区{street}({a}至{b}段)路边", round(lat, 6), round(lon, 6))


def _crossing_spot(rng: random.Random) -> _Spot:
    (ew, lat), (ns, lon) = rng.choice(EW_STREETS), rng.choice(NS_STREETS)
    return _Spot("", f"武汉经开区{ew}与{ns}交叉口", lat, lon)


# --------------------------------------------------------------------------------------------
# Stolen property
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ItemKind:
    label: str  # as a caller says it: 现金, 笔记本电脑
    models: tuple[tuple[str, int, int], ...]  # (description, lowest, highest value in yuan)
    serial: str = ""  # "imei", "laptop", "frame", "card" or ""


@dataclass(frozen=True)
class _Loot:
    label: str
    description: str
    serial: str
    value: Decimal


CASH: Final = _ItemKind("现金", (("现金", 200, 5000),))
LAPTOP: Final = _ItemKind("笔记本电脑", (
    ("联想ThinkPad E14笔记本电脑", 4200, 5600), ("华为MateBook 14笔记本电脑", 4800, 6300),
    ("苹果MacBook Air 13英寸笔记本电脑", 6500, 8500), ("戴尔灵越14笔记本电脑", 3600, 4800),
    ("小米RedmiBook Pro 15笔记本电脑", 3900, 5200),
), "laptop")  # fmt: skip
PHONE: Final = _ItemKind("手机", (
    ("华为Mate 60手机", 4500, 6000), ("苹果iPhone 15手机", 4800, 6500),
    ("小米14手机", 3000, 4000), ("OPPO Reno11手机", 2200, 2900),
    ("vivo X100手机", 3200, 4300), ("荣耀Magic6手机", 3400, 4400),
), "imei")  # fmt: skip
EBIKE: Final = _ItemKind("电动自行车", (
    ("雅迪电动自行车(白色)", 2300, 3500), ("爱玛电动自行车(黑色)", 2100, 3200),
    ("新日电动自行车(蓝色)", 1800, 2800), ("台铃电动自行车(灰色)", 2000, 3100),
    ("小牛电动自行车(红色)", 3200, 4600),
), "frame")  # fmt: skip
BICYCLE: Final = _ItemKind("自行车", (
    ("捷安特山地自行车", 1500, 3200), ("美利达公路自行车", 2200, 4200), ("永久自行车", 450, 800),
), "frame")  # fmt: skip
CIGARETTES: Final = _ItemKind("香烟", (
    ("黄鹤楼(软蓝)香烟2条", 380, 420), ("黄鹤楼(1916)香烟1条", 950, 1100),
    ("中华(软)香烟2条", 1300, 1500),
))  # fmt: skip
LIQUOR: Final = _ItemKind("白酒", (("飞天茅台酒2瓶", 4400, 5200), ("五粮液2瓶", 1800, 2200)))
GOLD: Final = _ItemKind("金饰", (
    ("黄金项链", 3000, 12000), ("黄金手镯", 6000, 18000), ("黄金戒指", 1500, 4500),
))  # fmt: skip
WATCH: Final = _ItemKind("手表", (
    ("天梭机械手表", 3000, 5500), ("卡西欧手表", 600, 1500), ("欧米茄机械手表", 30000, 45000),
))  # fmt: skip
WALLET: Final = _ItemKind("钱包", (("钱包(内有现金及证件)", 300, 1500),))
DASHCAM: Final = _ItemKind(
    "行车记录仪", (("70迈行车记录仪", 300, 500), ("360行车记录仪", 200, 400))
)
BAG: Final = _ItemKind("背包", (("双肩背包(内有衣物、充电宝)", 200, 800),))
CARD_FUNDS: Final = _ItemKind("银行卡资金", (
    ("建设银行借记卡被盗刷资金", 800, 20000), ("工商银行借记卡被盗刷资金", 800, 20000),
    ("招商银行信用卡被盗刷资金", 500, 12000),
), "card")  # fmt: skip

CENT: Final = Decimal("0.01")
_TACS: Final = ("86453205", "86818104", "35328115", "86012604", "86791505", "86907305")
_SERIAL_CHARS: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _serial(rng: random.Random, kind: str) -> str:
    if kind == "imei":  # 8-digit type allocation code, 6-digit serial, Luhn check digit
        partial = rng.choice(_TACS) + _digits(rng, 6)
        return partial + luhn_check_digit(partial)
    if kind == "card":  # UnionPay 19-digit card number with its Luhn check digit
        partial = "62" + _digits(rng, 16)
        return partial + luhn_check_digit(partial)
    if kind == "laptop":
        return "PF" + "".join(rng.choice(_SERIAL_CHARS) for _ in range(6))
    if kind == "frame":
        return "LW" + _digits(rng, 13)
    return ""


def _loot(rng: random.Random, kind: _ItemKind) -> _Loot:
    description, low, high = rng.choice(kind.models)
    if kind is CASH:  # cash is counted in hundreds
        yuan = rng.randrange(low, high + 1, 100)
        description = f"现金人民币{yuan}元"
    else:
        yuan = rng.randint(low, high)
    return _Loot(kind.label, description, _serial(rng, kind.serial), Decimal(yuan).quantize(CENT))


def _spoken_list(labels: Sequence[str]) -> str:
    """Item labels as a caller says them: 现金和手机, 现金、手机和香烟."""
    unique = list(dict.fromkeys(labels))
    return unique[0] if len(unique) == 1 else "、".join(unique[:-1]) + "和" + unique[-1]


# --------------------------------------------------------------------------------------------
# Alarm and case records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    received: datetime
    dispatched: datetime
    on_scene: datetime
    closed: datetime


def _seconds(seconds: float) -> timedelta:
    return timedelta(seconds=round(seconds))


def _clock(rng: random.Random, received: datetime) -> _Clock:
    dispatched = received + timedelta(seconds=rng.randint(60, 240))
    on_scene = dispatched + timedelta(seconds=rng.randint(5 * 60, 15 * 60))
    closed = received + timedelta(seconds=rng.randint(30 * 60, 180 * 60))
    return _Clock(received, dispatched, on_scene, closed)


class _Numbers:
    """Alarm numbers JJyyyymmddNNNNNN and case numbers A420113000000yyyyNNNNNN.

    Serials leave gaps, as the bureau numbers calls and cases this demo does not hold.
    """

    UNIT: Final = "420113000000"

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._serials: Counter[str] = Counter()

    def _next(self, key: str) -> int:
        self._serials[key] += self._rng.randint(1, 4)
        return self._serials[key]

    def alarm(self, received: datetime) -> str:
        day = received.astimezone(TZ).strftime("%Y%m%d")
        return f"JJ{day}{self._next(day):06d}"

    def case(self, reported: datetime) -> str:
        year = str(reported.astimezone(TZ).year)
        return f"A{self.UNIT}{year}{self._next('A' + year):06d}"


@dataclass(frozen=True)
class _Staff:
    officer_ids: dict[str, list[int]]  # team -> officer ids
    zhou_yu: int | None  # lead investigator of the night's case

    def pick(self, rng: random.Random, team: str) -> int:
        return rng.choice(self.officer_ids[team])


def _load_staff(session: Session) -> _Staff:
    rows = session.execute(select(Officer.id, Officer.team, Officer.name).order_by(Officer.id))
    teams: dict[str, list[int]] = {}
    zhou = None
    for officer_id, team, name in rows:
        teams.setdefault(team, []).append(officer_id)
        zhou = officer_id if name == "周钰" else zhou
    return _Staff(teams, zhou)


def _alarm(
    number: str,
    clock: _Clock,
    caller: Resident,
    caller_id: int,
    place: Place,
    text: str,
    officer_id: int,
) -> Alarm:
    return Alarm(
        number=number,
        received_at=clock.received,
        caller_name=caller.name,
        caller_phone=caller.phone,
        caller_id=caller_id,
        place=place,
        text=text,
        status=AlarmStatus.CLOSED,
        officer_id=officer_id,
        dispatched_at=clock.dispatched,
        on_scene_at=clock.on_scene,
        closed_at=clock.closed,
    )


# --------------------------------------------------------------------------------------------
# The people of the story: the night's victims and the suspect
# --------------------------------------------------------------------------------------------

COMPOUND: Final = "紫郡兰园"
_COMPOUND_PREFIX: Final = "武汉经开区沌阳大道168号紫郡兰园"
_COMPOUND_CENTRE: Final = (30.5142, 114.1644)
NIGHT_VICTIMS: Final = 12
# A room in an urban village south-west of the scene, ~2.5 km away through the grid.
SUSPECT_HOME: Final = _Spot("", "武汉经开区沌口街道新庙村二组47号302室(出租屋)", 30.4962, 114.1540)


def _age(person: Resident) -> int:
    born, today = person.birth_date, REFERENCE_DATE
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _is_suspect_profile(person: Resident) -> bool:
    return (
        person.sex == "M"
        and person.name.startswith("刘")
        and 25 <= _age(person) <= 40
        and not is_wuhan_region(person.hukou_region)
        and bool(person.phone)
    )


def _pick_suspect(rng: random.Random, residents: Sequence[Resident]) -> Resident:
    """A migrant man named 刘, 25-40, preferably living alone; he moves to a rented room."""
    eligible = [r for r in residents if _is_suspect_profile(r)]
    if not eligible:
        raise ValueError("too few residents to cast the suspect; use at least 1,000")
    households = Counter(r.address for r in residents)
    alone = [r for r in eligible if households[r.address] == 1]
    chosen = rng.choice(alone or eligible)
    return replace(chosen, address=SUSPECT_HOME.address, lat=SUSPECT_HOME.lat, lon=SUSPECT_HOME.lon)


def _compound_buildings(residents: Sequence[Resident]) -> dict[int, tuple[float, float]]:
    found = (re.search(COMPOUND + r"(\d+)栋", r.address) for r in residents)
    buildings = {int(m[1]): (r.lat, r.lon) for m, r in zip(found, residents, strict=True) if m}
    return buildings or {1: _COMPOUND_CENTRE}


def _move_to_compound(
    rng: random.Random, person: Resident, buildings: dict[int, tuple[float, float]], taken: set[str]
) -> Resident:
    while True:
        building = rng.choice(sorted(buildings))
        room = rng.randint(2, 18) * 100 + rng.randint(1, 4)
        address = f"{_COMPOUND_PREFIX}{building}栋{rng.randint(1, 2)}单元{room}室"
        if address not in taken:
            taken.add(address)
            lat, lon = buildings[building]
            return replace(person, address=address, lat=lat, lon=lon)


def _pick_victims(
    rng: random.Random, residents: Sequence[Resident], suspect: Resident
) -> list[Resident]:
    """One car owner (25-65) from each of 12 households of 紫郡兰园, topped up by movers."""
    owners = [
        r for r in residents if 25 <= _age(r) <= 65 and r.phone and r.id_number != suspect.id_number
    ]
    by_home: dict[str, Resident] = {}
    for person in sorted(owners, key=lambda r: (COMPOUND not in r.address, rng.random())):
        by_home.setdefault(person.address, person)
    chosen = list(by_home.values())[:NIGHT_VICTIMS]
    taken = {r.address for r in residents}
    buildings = _compound_buildings(residents)
    return [
        r if COMPOUND in r.address else _move_to_compound(rng, r, buildings, taken) for r in chosen
    ]


@dataclass(frozen=True)
class _Cast:
    residents: list[Resident]
    victims: list[Resident]
    suspect: Resident


def _cast(seed: int, residents: list[Resident]) -> _Cast:
    rng = _rng(seed, "cast")
    suspect = _pick_suspect(rng, residents)
    victims = _pick_victims(rng, residents, suspect)
    if len(victims) < NIGHT_VICTIMS:
        raise ValueError("too few residents to cast the night's 12 car owners")
    changed = {r.id_number: r for r in (suspect, *victims)}
    return _Cast([changed.get(r.id_number, r) for r in residents], victims, suspect)


# --------------------------------------------------------------------------------------------
# Registry: cameras, officers, residents
# --------------------------------------------------------------------------------------------

_CHUNK: Final = 10_000


def _insert_officers(session: Session, seed: int) -> tuple[int, int]:
    specs = generate_officers(seed)
    rows = {
        s.badge: Officer(badge=s.badge, name=s.name, rank=s.rank, team=s.team, joined=s.joined)
        for s in specs
    }
    for spec in specs:
        if spec.mentor_badge is not None:
            rows[spec.badge].mentor = rows[spec.mentor_badge]
    session.add_all(rows.values())
    return len(specs), sum(1 for s in specs if s.mentor_badge is not None)


def _person_row(person: Resident) -> dict[str, Any]:
    return {
        "id_number": person.id_number,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "region_code": person.hukou_region,
        "address": person.address,
        "lat": person.lat,
        "lon": person.lon,
    }


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def _insert_residents(
    session: Session, residents: Sequence[Resident], progress: Progress
) -> dict[str, int]:
    """Bulk-insert residents and their phones; returns ID number -> person id."""
    rows = [_person_row(r) for r in residents]
    done = 0
    for chunk in _chunks(rows):
        session.execute(insert(Person), chunk)
        done += len(chunk)
        progress("residents", done, len(rows))
    ids = {number: pid for number, pid in session.execute(select(Person.id_number, Person.id))}
    phones = [{"person_id": ids[r.id_number], "phone": r.phone} for r in residents if r.phone]
    for chunk in _chunks(phones):
        session.execute(insert(PersonPhone), chunk)
    progress("phones", len(phones), len(phones))
    return ids


# --------------------------------------------------------------------------------------------
# The background year of small livelihood cases (民生小案) and other 110 calls
# --------------------------------------------------------------------------------------------

ALARMS_PER_YEAR: Final = 1_500
CASES_PER_YEAR: Final = 400

# Share of 110 calls by hour of day: quiet before dawn, busiest in the evening.
_HOUR_WEIGHTS: Final = tuple(
    float(w) for w in "2 1.5 1 1 1 1.5 2.5 4 5 5.5 5.5 5 5 5 5 5.5 5.5 6 6.5 6.5 6 5 4 3".split()
)


@dataclass(frozen=True)
class _CaseKind:
    case_type: CaseType
    weight: float
    solve_rate: float
    title: str
    team: str  # who leads the investigation
    items: tuple[tuple[_ItemKind, float], ...]
    max_items: int
    texts: tuple[str, ...]  # alarm texts, {items} = what was taken
    window_hours: tuple[float, float]  # the window opens this long before the call
    spot: Callable[[random.Random, Resident], _Spot]


def _vehicle_spot(rng: random.Random, victim: Resident) -> _Spot:
    return _street_spot(rng) if rng.random() < 0.7 else _downstairs_spot(victim)


def _bicycle_spot(rng: random.Random, victim: Resident) -> _Spot:
    return _downstairs_spot(victim) if rng.random() < 0.7 else rng.choice(_POIS)


def _crowd_spot(rng: random.Random, _victim: Resident) -> _Spot:
    return rng.choice(_POIS)


def _victim_home(_rng: random.Random, victim: Resident) -> _Spot:
    return _home_spot(victim)


_CASE_KINDS: Final = (
    _CaseKind(CaseType.THEFT_FROM_VEHICLE, 0.22, 0.85, "车内财物被盗案", "刑侦大队",
              ((CASH, 4), (LAPTOP, 1.5), (PHONE, 1), (CIGARETTES, 2), (DASHCAM, 1), (BAG, 1)), 2,
              ("停在{spot}的汽车车窗被砸，车内{items}被盗", "车停好后车门被撬，{items}不见了"),
              (4, 12), _vehicle_spot),
    _CaseKind(CaseType.BICYCLE_THEFT, 0.30, 0.82, "电动自行车被盗案", "沌口派出所",
              ((EBIKE, 4), (BICYCLE, 1)), 1,
              ("停在{spot}的{items}被盗", "{items}锁在{spot}，出来发现不见了"),
              (2, 10), _bicycle_spot),
    _CaseKind(CaseType.BURGLARY, 0.15, 0.90, "入室盗窃案", "刑侦大队",
              ((CASH, 4), (GOLD, 2), (LAPTOP, 1), (PHONE, 1), (LIQUOR, 1), (WATCH, 1),
               (CIGARETTES, 1)), 3,
              ("家中被盗，门锁有撬痕，{items}不见了", "回家发现窗户被撬，{items}被盗"),
              (3, 10), _victim_home),
    _CaseKind(CaseType.PICKPOCKETING, 0.15, 0.75, "扒窃案", "沌口派出所",
              ((PHONE, 3), (WALLET, 2), (CASH, 1)), 1,
              ("在{spot}购物时{items}被扒窃", "在{spot}等车时发现{items}被偷"),
              (0.5, 2), _crowd_spot),
    _CaseKind(CaseType.CARD_FRAUD, 0.18, 0.80, "盗刷银行卡案", "沌口派出所",
              ((CARD_FUNDS, 1),), 1,
              ("银行卡在本人身上，手机收到短信提示被盗刷，{items}被转走",),
              (1, 24), _victim_home),
)  # fmt: skip

_OTHER_ALARMS: Final = (
    ("邻居家深夜噪音扰民，多次沟通无果", "home"), ("楼上住户装修噪音太大，发生争执", "home"),
    ("夫妻发生争吵，请求民警调解", "home"), ("钥匙锁在屋内，家中有小孩，请求帮助", "home"),
    ("楼道内电动车违规充电，存在安全隐患", "home"), ("家中老人外出未归，联系不上", "home"),
    ("车辆被他人车辆堵住，联系不上车主", "home"), ("小区内有可疑人员徘徊，查看车辆", "home"),
    ("两车发生轻微刮擦，双方发生争执", "crossing"), ("路口信号灯故障，车辆拥堵", "crossing"),
    ("路边有人醉酒倒地", "street"), ("发现一名走失儿童在路边哭泣", "street"),
    ("有人在路边兜售来历不明的手机", "street"), ("捡到钱包一个，内有身份证和银行卡", "poi"),
    ("两名顾客发生口角，有推搡", "poi"), ("手机遗失，请求帮助查找", "poi"),
    ("商户称有人使用假币", "poi"),
)  # fmt: skip


@dataclass(frozen=True)
class _Pools:
    callers: list[Resident]  # 12+ with a phone
    victims: list[Resident]  # adults with a phone
    offenders: list[Resident]  # a small pool of repeat offenders


def _pools(rng: random.Random, cast: _Cast) -> _Pools:
    story = {cast.suspect.id_number, *(v.id_number for v in cast.victims)}
    others = [r for r in cast.residents if r.id_number not in story and r.phone]
    adults = [r for r in others if 18 <= _age(r) <= 80]
    young = [r for r in others if 18 <= _age(r) <= 50 and (r.sex == "M" or rng.random() < 0.1)]
    offenders = rng.sample(young, min(len(young), 120))
    return _Pools(others, adults, offenders)


def _moment(rng: random.Random, first: date, days: int) -> datetime:
    day = first + timedelta(days=rng.randrange(days))
    hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
    return datetime(
        day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60), tzinfo=TZ
    )


def _year_moments(rng: random.Random, year: int, count: int) -> list[datetime]:
    first = date(year, 1, 1)
    last = min(date(year + 1, 1, 1), NIGHT_START.date())
    return [_moment(rng, first, (last - first).days) for _ in range(count)]


@dataclass
class _Context:
    rng: random.Random
    ids: dict[str, int]
    staff: _Staff
    numbers: _Numbers
    pools: _Pools


def _draw_loot(rng: random.Random, kind: _CaseKind) -> list[_Loot]:
    kinds, weights = zip(*kind.items, strict=True)
    count = rng.randint(1, kind.max_items)
    picked = list(dict.fromkeys(rng.choices(kinds, weights=weights, k=count)))
    return [_loot(rng, k) for k in picked]


def _solve(rng: random.Random, case: Case, kind: _CaseKind) -> None:
    """Most cases are solved within days and closed weeks later; the rest stay open."""
    case.status = CaseStatus.INVESTIGATING
    if rng.random() > kind.solve_rate:
        return
    hours = min(max(rng.lognormvariate(math.log(30), 0.8), 2.0), 240.0)
    solved = case.reported_at + _seconds(hours * 3600)
    if solved > DEMO_NOW:
        return
    case.status, case.solved_at = CaseStatus.SOLVED, solved
    closed = solved + _seconds(rng.uniform(3, 30) * 86400)
    if closed <= DEMO_NOW and rng.random() < 0.7:
        case.status, case.closed_at = CaseStatus.CLOSED, closed


def _item_fate(
    rng: random.Random, loot: _Loot, solved: datetime | None
) -> tuple[PropertyStatus, datetime | None]:
    """Returned to the owner, held as seized, or gone (cash is often spent)."""
    if solved is None:
        return PropertyStatus.STOLEN, None
    draw, returned = rng.random(), 0.55 if loot.label == "现金" else 0.8
    back = solved + _seconds(rng.uniform(0.5, 10) * 86400)
    if draw < returned and back <= DEMO_NOW:
        return PropertyStatus.RETURNED, back
    if draw < returned + 0.12:
        return PropertyStatus.SEIZED, solved
    return PropertyStatus.STOLEN, None


def _items(ctx: _Context, case: Case, loot: list[_Loot], owner_id: int) -> list[PropertyItem]:
    items = []
    for one in loot:
        status, when = _item_fate(ctx.rng, one, case.solved_at)
        items.append(
            PropertyItem(
                description=one.description,
                serial=one.serial,
                value_yuan=one.value,
                owner_id=owner_id,
                status=status,
                status_changed_at=when or case.reported_at,
            )
        )
    return items


def _parties(ctx: _Context, case: Case, victim_id: int) -> list[CaseParty]:
    parties = [CaseParty(person_id=victim_id, role=PartyRole.VICTIM)]
    if case.solved_at is not None:
        count = 2 if ctx.rng.random() < 0.15 else 1
        for suspect in ctx.rng.sample(ctx.pools.offenders, count):
            parties.append(CaseParty(person_id=ctx.ids[suspect.id_number], role=PartyRole.SUSPECT))
    return parties


def _window(rng: random.Random, kind: _CaseKind, received: datetime) -> tuple[datetime, datetime]:
    start = received - timedelta(hours=rng.uniform(*kind.window_hours))
    end = received - timedelta(minutes=rng.uniform(5, 30))
    return min(start, end - timedelta(minutes=5)), end


def _case_alarm(ctx: _Context, received: datetime) -> Alarm:
    rng = ctx.rng
    kind = rng.choices(_CASE_KINDS, weights=[k.weight for k in _CASE_KINDS])[0]
    victim = rng.choice(ctx.pools.victims)
    victim_id, loot, spot = ctx.ids[victim.id_number], _draw_loot(rng, kind), kind.spot(rng, victim)
    place = spot.place()
    text = rng.choice(kind.texts).format(
        spot=spot.name or spot.address.removeprefix("武汉经开区"),
        items=_spoken_list([x.label for x in loot]),
    )
    start, end = _window(rng, kind, received)
    case = Case(
        number=ctx.numbers.case(received),
        case_type=kind.case_type,
        title=f"{victim.name[0]}某{kind.title}",
        summary=text,
        reported_at=received,
        window_start=start,
        window_end=end,
        place=place,
        created_at=received,
        lead_officer_id=ctx.staff.pick(rng, kind.team),
    )
    _solve(rng, case, kind)
    case.items = _items(ctx, case, loot, victim_id)
    case.parties = _parties(ctx, case, victim_id)
    alarm = _alarm(
        ctx.numbers.alarm(received),
        _clock(rng, received),
        victim,
        victim_id,
        place,
        text,
        ctx.staff.pick(rng, "沌口派出所"),
    )
    alarm.case = case
    return alarm


def _other_spot(rng: random.Random, where: str, caller: Resident) -> _Spot:
    if where == "home":
        return _home_spot(caller)
    if where == "crossing":
        return _crossing_spot(rng)
    return _street_spot(rng) if where == "street" else rng.choice(_POIS)


def _other_alarm(ctx: _Context, received: datetime) -> Alarm:
    rng = ctx.rng
    caller = rng.choice(ctx.pools.callers)
    text, where = rng.choice(_OTHER_ALARMS)
    place = _other_spot(rng, where, caller).place()
    return _alarm(
        ctx.numbers.alarm(received),
        _clock(rng, received),
        caller,
        ctx.ids[caller.id_number],
        place,
        text,
        ctx.staff.pick(rng, "沌口派出所"),
    )


def _background(session: Session, ctx: _Context, year: int) -> tuple[int, int, int]:
    cases = [(t, True) for t in _year_moments(ctx.rng, year, CASES_PER_YEAR)]
    others = [(t, False) for t in _year_moments(ctx.rng, year, ALARMS_PER_YEAR - CASES_PER_YEAR)]
    alarms = [
        _case_alarm(ctx, when) if is_case else _other_alarm(ctx, when)
        for when, is_case in sorted(cases + others)
    ]
    session.add_all(alarms)
    items = sum(len(a.case.items) for a in alarms if a.case is not None)
    return len(alarms), len(cases), items


# --------------------------------------------------------------------------------------------
# The night of 2024-12-15
# --------------------------------------------------------------------------------------------

NIGHT_TITLE: Final = "紫郡兰园东北侧路边12辆汽车被砸车窗盗窃案"
SCENE_ADDRESS: Final = "武汉经开区沌阳大道紫郡兰园东北侧路边"
# The cars stood nose to tail on the south kerb of 沌阳大道, ~6 m apart, west to east.
_FIRST_CAR: Final = (30.51655, 114.16520)
_CAR_SPACING_M: Final = 6.0
_NIGHT_LOOT: Final = (
    (CASH, 5),
    (LAPTOP, 2.5),
    (PHONE, 1),
    (CIGARETTES, 1.5),
    (DASHCAM, 1),
    (BAG, 1),
    (LIQUOR, 0.5),
)
_NIGHT_TEXTS: Final = (
    "停在紫郡兰园东北侧马路边的车辆({plate})车窗被砸，车内{items}被盗",
    "早上下楼发现车窗被砸，车内{items}被盗，车牌{plate}，停在紫郡兰园东北侧马路边",
    "车窗被砸，车内{items}被盗，车停在紫郡兰园东北侧路边，车牌{plate}",
)


def _car_spot(index: int) -> _Spot:
    lat, lon = _offset(*_FIRST_CAR, 0.0, index * _CAR_SPACING_M)
    return _Spot(f"紫郡兰园东北侧路边(第{index + 1}辆车)", SCENE_ADDRESS, lat, lon)


def scene() -> tuple[float, float]:
    """The middle of the row of broken-into cars."""
    return _offset(*_FIRST_CAR, 0.0, (NIGHT_VICTIMS - 1) * _CAR_SPACING_M / 2)


def _plate(rng: random.Random) -> str:
    """A Wuhan (鄂A) or Xiaogan (鄂K) plate; one car in four runs on electricity."""
    if rng.random() < 0.25:
        serial = rng.choice("DF") + _digits(rng, 5)
    else:  # a letter, then mostly digits
        rest = (
            rng.choice(_SERIAL_CHARS) if rng.random() < 0.15 else _digits(rng, 1) for _ in "1234"
        )
        serial = rng.choice(_SERIAL_CHARS[:24]) + "".join(rest)
    return str(Plate("鄂", rng.choice("AAAAAAAK"), serial, energy=len(serial) == 6))


def _night_times(rng: random.Random) -> list[datetime]:
    first = datetime(2024, 12, 15, 6, 40, rng.randrange(60), tzinfo=TZ)
    last = datetime(2024, 12, 15, 9, 9, rng.randrange(60), tzinfo=TZ)
    span = int((last - first).total_seconds())
    middle = sorted(rng.randrange(1, span) for _ in range(NIGHT_VICTIMS - 2))
    return [first, *(first + timedelta(seconds=s) for s in middle), last]


def _night_loot(rng: random.Random) -> list[_Loot]:
    kinds, weights = zip(*_NIGHT_LOOT, strict=True)
    picked = dict.fromkeys(rng.choices(kinds, weights=weights, k=rng.choice((1, 2, 2))))
    return [_loot(rng, k) for k in picked]


def _night_case(ctx: _Context, reported: datetime, victims: int) -> Case:
    place = _Spot("紫郡兰园东北侧路边", SCENE_ADDRESS, *scene()).place()
    summary = (
        f"2024年12月15日6时40分起，沌口派出所陆续接到{victims}名群众报警：停放在紫郡兰园"
        "东北侧马路边的汽车车窗被砸，车内现金、笔记本电脑等财物被盗。经现场勘查，发案时间为"
        "当日凌晨1时至5时之间。刑侦大队民警周钰、罗涛联合沌口派出所启动“民生小案快反机制”开展侦查。"
    )
    return Case(
        number=ctx.numbers.case(reported),
        case_type=CaseType.THEFT_FROM_VEHICLE,
        status=CaseStatus.INVESTIGATING,
        title=NIGHT_TITLE,
        summary=summary,
        reported_at=reported,
        created_at=reported,
        place=place,
        window_start=datetime(2024, 12, 15, 1, 0, tzinfo=TZ),
        window_end=datetime(2024, 12, 15, 5, 0, tzinfo=TZ),
        lead_officer_id=ctx.staff.zhou_yu,
    )


def _night_alarm(
    ctx: _Context, case: Case, owner: Resident, index: int, received: datetime
) -> Alarm:
    rng, owner_id = ctx.rng, ctx.ids[owner.id_number]
    loot = _night_loot(rng)
    text = rng.choice(_NIGHT_TEXTS).format(
        plate=_plate(rng), items=_spoken_list([x.label for x in loot])
    )
    for one in loot:
        case.items.append(
            PropertyItem(
                description=one.description,
                serial=one.serial,
                value_yuan=one.value,
                owner_id=owner_id,
                status=PropertyStatus.STOLEN,
                status_changed_at=received,
            )
        )
    case.parties.append(CaseParty(person_id=owner_id, role=PartyRole.VICTIM))
    alarm = _alarm(
        ctx.numbers.alarm(received),
        _clock(rng, received),
        owner,
        owner_id,
        _car_spot(index).place(),
        text,
        ctx.staff.pick(rng, "沌口派出所"),
    )
    alarm.case = case
    return alarm


def _night(session: Session, ctx: _Context, victims: list[Resident]) -> tuple[Case, list[Alarm]]:
    times = _night_times(ctx.rng)
    case = _night_case(ctx, times[0], len(victims))
    cars = ctx.rng.sample(range(len(victims)), len(victims))  # which car each owner parked
    alarms = [
        _night_alarm(ctx, case, owner, car, when)
        for owner, car, when in zip(victims, cars, times, strict=True)
    ]
    session.add(case)
    session.add_all(alarms)
    return case, alarms


# --------------------------------------------------------------------------------------------
# Building it all
# --------------------------------------------------------------------------------------------


def build_district(
    db: Database, spec: DistrictSpec, progress: Progress | None = None
) -> DistrictTruth:
    """Write the whole district into an empty, migrated database and return its ground truth."""
    report = progress or _noop
    sites = camera_sites()
    with db.write() as session:
        if session.scalar(select(Camera.id).limit(1)) is not None:
            raise ValueError("the database already holds a district; build into an empty one")
        _insert_cameras(session, sites)
        officers, mentor_pairs = _insert_officers(session, spec.seed)
    report("cameras and officers", len(sites) + officers, len(sites) + officers)
    cast = _cast(spec.seed, generate_residents(spec.residents, spec.seed))
    with db.write() as session:
        ids = _insert_residents(session, cast.residents, report)
    with db.write() as session:
        ctx = _Context(
            _rng(spec.seed, "alarms"),
            ids,
            _load_staff(session),
            _Numbers(_rng(spec.seed, "numbers")),
            _pools(_rng(spec.seed, "pools"), cast),
        )
        alarms, cases, items = _background(session, ctx, spec.background_year)
    report("background year", alarms, alarms)
    with db.write() as session:
        night_ctx = replace(ctx, rng=_rng(spec.seed, "night"))
        case, night_alarms = _night(session, night_ctx, cast.victims)
    report("the night", len(night_alarms), len(night_alarms))
    counts = DistrictCounts(
        residents=len(cast.residents),
        phones=sum(1 for r in cast.residents if r.phone),
        cameras=len(sites),
        officers=officers,
        mentor_pairs=mentor_pairs,
        alarms=alarms + len(night_alarms),
        cases=cases + 1,
        items=items + len(case.items),
    )
    return _truth(spec, cast, case, night_alarms, sites, counts)


def _truth(
    spec: DistrictSpec,
    cast: _Cast,
    case: Case,
    alarms: list[Alarm],
    sites: list[CameraSite],
    counts: DistrictCounts,
) -> DistrictTruth:
    lat, lon = scene()
    nearby = [s.code for s in sites if _metres(lat, lon, s.lat, s.lon) <= NEARBY_METRES]
    return DistrictTruth(
        seed=spec.seed,
        background_year=spec.background_year,
        case_number=case.number,
        night_alarm_numbers=tuple(a.number for a in alarms),
        victim_id_numbers=tuple(v.id_number for v in cast.victims),
        suspect_id_number=cast.suspect.id_number,
        suspect_address=cast.suspect.address,
        scene=(lat, lon),
        camera_codes=tuple(s.code for s in sites),
        nearby_camera_codes=tuple(nearby),
        counts=counts,
    )


def write_truth(truth: DistrictTruth, folder: Path) -> Path:
    """Write ``ground_truth/district.json`` under ``folder``; returns its path."""
    path = folder / "ground_truth" / "district.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(asdict(truth), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path


# --------------------------------------------------------------------------------------------
# The report: every figure is read back from the database
# --------------------------------------------------------------------------------------------


def _count(session: Session, column: Any, *where: Any) -> int:
    return int(session.scalar(select(func.count(column)).where(*where)) or 0)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.1f}%"


def _num(value: float | None, unit: str) -> str:
    return "n/a" if value is None else f"{value:.1f} {unit}"


def _yuan(value: Decimal) -> str:
    return f"¥{value:,.2f}"


def _figure_lines(title: str, fig: Figures) -> list[str]:
    dispatch, on_scene = _num(fig.median_dispatch_min, "min"), _num(fig.median_on_scene_min, "min")
    return [
        title,
        f"  alarms {fig.alarms:,}, handled {_pct(fig.alarms_handled_rate)}, "
        f"median dispatch {dispatch}, median on scene {on_scene}",
        f"  cases {fig.cases:,}, open {fig.cases_open:,}, solved {fig.cases_solved:,} "
        f"({_pct(fig.solve_rate)}), median time to solve {_num(fig.median_solve_hours, 'h')}",
        f"  property stolen {_yuan(fig.value_stolen_yuan)}, recovered "
        f"{_yuan(fig.value_recovered_yuan)} ({_pct(fig.recovery_rate)})",
    ]


def _registry_lines(session: Session) -> list[str]:
    persons, phones = _count(session, Person.id), _count(session, PersonPhone.id)
    officers = _count(session, Officer.id)
    pairs = _count(session, Officer.id, Officer.mentor_id.is_not(None))
    return [
        f"Residents: {persons:,} ({phones:,} phones)",
        f"Cameras: {_count(session, Camera.id):,}",
        f"Officers: {officers:,} ({pairs:,} mentor-apprentice pairs)",
    ]


def _case_lines(session: Session, case: Case) -> list[str]:
    victims = _count(
        session, CaseParty.id, CaseParty.case_id == case.id, CaseParty.role == PartyRole.VICTIM
    )
    items = session.execute(
        select(PropertyItem.value_yuan, PropertyItem.status).where(PropertyItem.case_id == case.id)
    ).all()
    stolen = sum((v for v, _ in items), Decimal(0))
    recovered = sum((v for v, s in items if s in RECOVERED_PROPERTY), Decimal(0))
    alarms = _count(session, Alarm.id, Alarm.case_id == case.id)
    lead = case.lead_officer.name if case.lead_officer else "none"
    return [
        f"  case {case.number} {case.title}",
        f"    status {case.status}, lead officer {lead}, alarms {alarms}, victims {victims}",
        f"    items {len(items)}, value stolen {_yuan(stolen)}, recovered {_yuan(recovered)}",
    ]


def report_lines(db: Database, truth: DistrictTruth) -> list[str]:
    """A short report of the district as it is in the database now."""
    with db.read() as session:
        case = session.scalar(select(Case).where(Case.number == truth.case_number))
        if case is None:
            raise LookupError(f"no case {truth.case_number} in the database")
        year_start = datetime(truth.background_year, 1, 1, tzinfo=TZ)
        night = case.window_start.astimezone(TZ)
        return [
            f"Demo district (seed {truth.seed})",
            *_registry_lines(session),
            *_figure_lines(f"Year {year_start:%Y} to date:", figures(session, year_start)),
            *_figure_lines(f"The night (since {night:%Y-%m-%d %H:%M}):", figures(session, night)),
            *_case_lines(session, case),
        ]
