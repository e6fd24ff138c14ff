"""Synthetic residents and officers for the 车谷 (Wuhan Economic & Technological Development Zone)
demo district.

Pure, deterministic generation: the same ``seed`` always yields the same people, and nothing
touches a database or the file system.  The data is meant to *look* real to a reviewer -- family
names follow their approximate national frequencies, given names follow the fashions of the birth
decade, ID numbers carry real region codes and valid check characters, phone numbers use real
mobile prefixes and addresses are streets and compounds of the 沌口 area -- but every person is
invented.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Generic, TypeVar

from precinct.core.identifiers import resident_id_check_char

__all__ = [
    "LEADER_RANKS",
    "MENTEE_MAX_YEARS",
    "MENTOR_MIN_YEARS",
    "RANKS",
    "REFERENCE_DATE",
    "OfficerSpec",
    "Resident",
    "generate_officers",
    "generate_residents",
    "is_wuhan_region",
]

#: "Today" for the demo: ages, service years and 师徒结对 eligibility are measured from here.
REFERENCE_DATE: Final = date(2024, 12, 15)

_T = TypeVar("_T")


class _Weighted(Generic[_T]):
    """Weighted random choice over a fixed table (cumulative weights + bisect)."""

    __slots__ = ("_items", "_cum", "_total")

    def __init__(self, pairs: Iterable[tuple[_T, float]]) -> None:
        items: list[_T] = []
        cum: list[float] = []
        total = 0.0
        for item, weight in pairs:
            total += weight
            items.append(item)
            cum.append(total)
        self._items = tuple(items)
        self._cum = tuple(cum)
        self._total = total

    def pick(self, rng: random.Random) -> _T:
        index = bisect(self._cum, rng.random() * self._total)
        return self._items[min(index, len(self._items) - 1)]


def _uniform(items: Iterable[_T]) -> _Weighted[_T]:
    return _Weighted((item, 1.0) for item in dict.fromkeys(items))


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

# Approximate share of the national population in percent for the ~100 commonest family names
# (after the published 2020 household-registration statistics; rounded, not exact), then a
# few rare two-character names.  Only relative weights matter.
_FAMILY_NAME_SHARES: Final = """
王 7.12 李 6.99 张 6.64 刘 5.34 陈 4.61 杨 3.07 黄 2.46 赵 2.03 吴 1.97 周 1.89
徐 1.45 孙 1.38 马 1.29 朱 1.28 胡 1.16 郭 1.13 何 1.06 林 1.01 高 1.00 罗 0.86
郑 0.80 梁 0.70 谢 0.65 宋 0.60 唐 0.58 许 0.55 韩 0.54 冯 0.52 邓 0.51 曹 0.50
彭 0.48 曾 0.46 肖 0.44 田 0.43 董 0.42 袁 0.41 潘 0.40 于 0.39 蒋 0.38 蔡 0.37
余 0.36 杜 0.35 叶 0.34 程 0.33 苏 0.32 魏 0.31 吕 0.30 丁 0.29 任 0.28 沈 0.28
姚 0.27 卢 0.27 姜 0.26 崔 0.25 钟 0.25 谭 0.24 陆 0.23 汪 0.23 范 0.22 金 0.22
石 0.21 廖 0.21 贾 0.20 夏 0.20 韦 0.19 付 0.19 方 0.18 白 0.18 邹 0.18 孟 0.17
熊 0.17 秦 0.17 邱 0.16 江 0.16 尹 0.15 薛 0.15 闫 0.15 段 0.14 雷 0.14 侯 0.14
龙 0.13 史 0.13 陶 0.13 黎 0.12 贺 0.12 顾 0.12 毛 0.12 郝 0.11 龚 0.11 邵 0.11
万 0.11 钱 0.10 严 0.10 覃 0.10 武 0.10 戴 0.10 莫 0.09 孔 0.09 向 0.09 汤 0.09
欧阳 0.05 上官 0.010 司马 0.010 司徒 0.010 诸葛 0.006 皇甫 0.005 东方 0.004 令狐 0.003
"""


# The list above covers only ~75 % of people; the rest carry thousands of rarer names.  They
# are stood in for by these (several are typical of Hubei: 涂 喻 童 柯 舒 詹 晏 鄢 操 冉 ...),
# sharing the missing mass, so the top names keep realistic shares (王 ~8 %).
_RARER_FAMILY_NAMES: Final = """
常 康 伍 申 易 聂 樊 甘 牛 庞 尚 温 施 洪 涂 喻 童 柯 舒 章 齐 梅 詹 祝 欧 关 殷 鲁 葛 左
耿 倪 岳 焦 包 柳 季 单 吉 华 阮 路 古 祁 宁 饶 晏 桂 苗 凌 费 卜 翟 文 蒲 邢 盛 靳 管 艾
冉 查 操 项 占 邬 柴 乔 车 房 边 辛 景 明 颜 裴 解 褚 鄢 郎 屈 税 符 谈 匡 纪 商 闵 鲍 滕
"""
_RARER_SHARE: Final = 12.0  # percent, spread evenly over _RARER_FAMILY_NAMES


def _family_name_table() -> _Weighted[str]:
    tokens = _FAMILY_NAME_SHARES.split()
    shares = {tokens[i]: float(tokens[i + 1]) for i in range(0, len(tokens), 2)}
    rarer = [name for name in dict.fromkeys(_RARER_FAMILY_NAMES.split()) if name not in shares]
    for name in rarer:
        shares[name] = _RARER_SHARE / len(rarer)
    return _Weighted(shares.items())


_FAMILY_NAMES: Final = _family_name_table()

# Given-name characters: a common pool per sex plus characters typical of a birth era.
_MALE_COMMON: Final = (
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林欢阳建国峰亮成"
    "志文斌海鹏洋东晨博伦雷振新毅坤春利彬锋诚"
)
_FEMALE_COMMON: Final = (
    "芳娜敏静丽艳娟霞秀玲桂英华慧巧美婷雪琳晶妍茜秋珊莎倩颖露瑶怡佳欣红梅琴燕萍洁莉兰月璐蓉丹晓"
)
_MALE_ERA: Final = {
    "old": "国建华德福富贵忠卫兵红军胜利荣庆发根生",
    "mid": "伟强磊杰涛明超鹏飞斌浩亮晨磊",
    "new": "子梓轩宇浩睿博辰逸泽皓然航铭奕俊熙铭杨宸",
}
_FEMALE_ERA: Final = {
    "old": "秀英兰桂芳珍凤玉梅淑华霞琴翠红素",
    "mid": "丽静敏燕艳娟婷倩晶琳丹慧",
    "new": "梓涵欣怡诗雨萱可馨子若语彤悦思佳琪一诺",
}


def _era(birth_year: int) -> str:
    if birth_year < 1970:
        return "old"
    return "mid" if birth_year < 2000 else "new"


def _given_pools() -> dict[tuple[str, str], _Weighted[str]]:
    pools: dict[tuple[str, str], _Weighted[str]] = {}
    for sex, common, eras in (("M", _MALE_COMMON, _MALE_ERA), ("F", _FEMALE_COMMON, _FEMALE_ERA)):
        for era, extra in eras.items():
            # Era characters weigh extra so names drift with the decade of birth.
            weights = dict.fromkeys(common, 1.0)
            for char in dict.fromkeys(extra):
                weights[char] = weights.get(char, 0.0) + 2.0
            pools[sex, era] = _Weighted(weights.items())
    return pools


_GIVEN_POOLS: Final = _given_pools()
_SINGLE_POOLS: Final = {"M": _uniform(_MALE_COMMON), "F": _uniform(_FEMALE_COMMON)}


def _given_name(rng: random.Random, sex: str, birth_year: int) -> str:
    if rng.random() < 0.3:
        # Single-character names come from the common pool ("子" or "梓" alone is no name).
        return _SINGLE_POOLS[sex].pick(rng)
    pool = _GIVEN_POOLS[sex, _era(birth_year)]
    return pool.pick(rng) + pool.pick(rng)


# --------------------------------------------------------------------------------------------
# Hukou regions, ages and phone numbers
# --------------------------------------------------------------------------------------------

# Wuhan districts: the three around the 经开区 dominate.
_WUHAN_REGIONS: Final = _Weighted(
    [
        ("420113", 30), ("420114", 25), ("420105", 20),
        ("420102", 4), ("420103", 3), ("420104", 3), ("420106", 4), ("420107", 2),
        ("420111", 4), ("420112", 2), ("420115", 3), ("420116", 3), ("420117", 2),
    ]
)  # fmt: skip

# Where Wuhan's migrant workers come from: the rest of Hubei first, then the neighbouring
# provinces, then the big cities further out.  Real prefecture-level district codes.
_MIGRANT_REGIONS: Final = _Weighted(
    [
        ("420606", 6),  # 湖北 襄阳 樊城区
        ("421002", 5),  # 湖北 荆州 沙市区
        ("420502", 4),  # 湖北 宜昌 西陵区
        ("421102", 6),  # 湖北 黄冈 黄州区
        ("420902", 6),  # 湖北 孝感 孝南区
        ("421202", 4),  # 湖北 咸宁 咸安区
        ("420802", 3),  # 湖北 荆门 东宝区
        ("422801", 3),  # 湖北 恩施市
        ("429004", 4),  # 湖北 仙桃市
        ("430102", 3),  # 湖南 长沙 芙蓉区
        ("430602", 3),  # 湖南 岳阳 岳阳楼区
        ("410102", 3),  # 河南 郑州 中原区
        ("411302", 3),  # 河南 南阳 宛城区
        ("411502", 3),  # 河南 信阳 浉河区
        ("412702", 2),  # 河南 周口 川汇区
        ("360102", 2),  # 江西 南昌 东湖区
        ("360402", 2),  # 江西 九江 濂溪区
        ("341102", 2),  # 安徽 滁州 琅琊区
        ("340102", 2),  # 安徽 合肥 瑶海区
        ("500101", 2),  # 重庆 万州区
        ("510104", 2),  # 四川 成都 锦江区
        ("440106", 1),  # 广东 广州 天河区
        ("370102", 1),  # 山东 济南 历下区
        ("610102", 1),  # 陕西 西安 新城区
    ]
)

_MIGRANT_SHARE: Final = 0.30

# Age pyramid of household heads (5-year bands from 20): a working-age industrial district.
_HEAD_AGE_BANDS: Final = _Weighted(
    [
        (20, 5.0), (25, 9.0), (30, 11.0), (35, 11.0), (40, 10.0), (45, 10.0), (50, 9.5),
        (55, 8.0), (60, 6.5), (65, 5.0), (70, 3.5), (75, 2.5), (80, 1.5), (85, 0.7),
    ]
)  # fmt: skip

_MOBILE_PREFIXES: Final = _uniform(
    "133 135 136 137 138 139 150 151 152 155 156 157 158 159 166 176 177 178 180 181 182 183 "
    "185 186 187 188 189 191 193 195 198 199".split()
)

_PHONE_MIN_AGE: Final = 12
_MAX_AGE: Final = 90


def is_wuhan_region(region_code: str) -> bool:
    """True when a 6-digit region code belongs to Wuhan (4201xx)."""
    return region_code.startswith("4201")


def _age_on(birth: date, today: date = REFERENCE_DATE) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# --------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------


_CENTRE_LAT: Final = 30.497
_CENTRE_LON: Final = 114.165
_SPREAD: Final = 0.03  # compounds lie within ±0.03° of the district centre
_BUILDING_SPREAD: Final = 0.0015  # buildings lie within ~150 m of their compound's centre
_COMPOUND_LAYOUT_SEED: Final = 420113  # fixed: compounds stay put whatever the seed


@dataclass(frozen=True)
class _Compound:
    name: str
    prefix: str
    street: str
    number: int
    top_floor: int
    buildings: tuple[tuple[float, float], ...]  # (lat, lon) of building 1, 2, ...


# (compound, district prefix, street, house number, buildings, floors)
_COMPOUND_TABLE: Final = (
    ("紫郡兰园", "武汉经开区", "沌阳大道", 168, 12, 18),
    ("东合中心", "武汉经开区", "东风大道", 36, 6, 33),
    ("枫树一路小区", "武汉经开区", "枫树路", 12, 9, 7),
    ("万科城市之光", "武汉经开区", "车城大道", 88, 18, 32),
    ("保利中央公馆", "武汉经开区", "神龙大道", 9, 14, 34),
    ("华润置地公园九里", "武汉经开区", "江城大道", 288, 16, 33),
    ("后官湖壹号", "武汉经开区", "后官湖大道", 55, 10, 26),
    ("全力花园", "武汉经开区", "全力大道", 21, 8, 11),
    ("太子湖畔", "武汉经开区", "太子湖北路", 66, 11, 18),
    ("川江池小区", "武汉经开区", "川江池路", 3, 7, 6),
    ("珠山湖壹号", "武汉经开区", "珠山湖大道", 118, 13, 30),
    ("汉南新城", "武汉市汉南区", "兴城大道", 201, 15, 18),
    ("纱帽春天", "武汉市汉南区", "兴城大道", 77, 9, 11),
    ("龙湖听蓝湾", "武汉经开区", "沌阳大道", 398, 20, 33),
    ("中建福地星城", "武汉经开区", "东风大道", 215, 17, 34),
    ("碧桂园生态城", "武汉经开区", "车城大道", 301, 22, 26),
    ("富力红树湾", "武汉经开区", "江城大道", 156, 12, 32),
    ("金地澜菲溪岸", "武汉经开区", "后官湖大道", 130, 14, 30),
    ("美好城市之光", "武汉经开区", "神龙大道", 180, 10, 28),
    ("枫树三路小区", "武汉经开区", "枫树路", 47, 8, 7),
    ("沌口小区", "武汉经开区", "沌阳大道", 52, 24, 7),
    ("东风公司宿舍", "武汉经开区", "东风大道", 10, 30, 6),
    ("汉南农场小区", "武汉市汉南区", "兴城大道", 312, 11, 6),
    ("江城一品", "武汉经开区", "江城大道", 33, 9, 25),
)


def _layout_compound(
    rng: random.Random, name: str, prefix: str, street: str, number: int, count: int, floors: int
) -> _Compound:
    lat = _CENTRE_LAT + rng.uniform(-_SPREAD, _SPREAD)
    lon = _CENTRE_LON + rng.uniform(-_SPREAD, _SPREAD)
    buildings = tuple(
        (
            round(lat + rng.uniform(-_BUILDING_SPREAD, _BUILDING_SPREAD), 6),
            round(lon + rng.uniform(-_BUILDING_SPREAD, _BUILDING_SPREAD), 6),
        )
        for _ in range(count)
    )
    return _Compound(name, prefix, street, number, floors, buildings)


def _compounds() -> _Weighted[_Compound]:
    rng = random.Random(_COMPOUND_LAYOUT_SEED)
    compounds = [_layout_compound(rng, *row) for row in _COMPOUND_TABLE]
    return _Weighted((c, float(len(c.buildings))) for c in compounds)


_COMPOUNDS: Final = _compounds()


@dataclass(frozen=True)
class _Home:
    address: str
    lat: float
    lon: float


def _home(rng: random.Random) -> _Home:
    compound = _COMPOUNDS.pick(rng)
    building = rng.randrange(len(compound.buildings))
    unit = rng.randint(1, 2 if compound.top_floor > 11 else 4)
    room = rng.randint(1, compound.top_floor) * 100 + rng.randint(1, 4)
    address = (
        f"{compound.prefix}{compound.street}{compound.number}号"
        f"{compound.name}{building + 1}栋{unit}单元{room}室"
    )
    lat, lon = compound.buildings[building]
    return _Home(address, lat, lon)


# --------------------------------------------------------------------------------------------
# Residents
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resident:
    """One synthetic resident of the demo district."""

    id_number: str
    name: str
    sex: str  # "M" or "F"
    birth_date: date
    phone: str  # 11 digits, or "" for children under 12
    address: str
    hukou_region: str  # 6-digit region code, the first six characters of ``id_number``
    lat: float
    lon: float


@dataclass(frozen=True)
class _Person:
    """What a household decides about a member before identifiers are issued."""

    family_name: str
    sex: str
    age: float
    region: str


class _Issuer:
    """Hands out unique ID numbers, phone numbers and flats for one generation run."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self._flats: set[str] = set()

    def home(self) -> _Home:
        # A free flat if one turns up quickly; once the district fills up, households double
        # up in the same flat (群租), which is realistic enough for very large runs.
        for _ in range(_FLAT_ATTEMPTS):
            home = _home(self._rng)
            if home.address not in self._flats:
                break
        self._flats.add(home.address)
        return home

    def resident_id(self, region: str, birth: date, sex: str) -> str:
        rng = self._rng
        while True:
            # Odd sequence for men, even for women (the 17th digit carries the sex).
            sequence = rng.randrange(500) * 2 + 1 if sex == "M" else rng.randrange(1, 500) * 2
            # Same digits as ResidentId.build, minus its re-validation (hot loop).
            first17 = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
            value = first17 + resident_id_check_char(first17)
            if value not in self._ids:
                self._ids.add(value)
                return value

    def phone(self) -> str:
        rng = self._rng
        while True:
            value = _MOBILE_PREFIXES.pick(rng) + f"{rng.randrange(100_000_000):08d}"
            if value not in self._phones:
                self._phones.add(value)
                return value


_FLAT_ATTEMPTS: Final = 20
_HOUSEHOLD_SIZES: Final = _Weighted([(1, 0.25), (2, 0.30), (3, 0.25), (4, 0.12), (5, 0.08)])


def _region(rng: random.Random, migrant: bool) -> str:
    return (_MIGRANT_REGIONS if migrant else _WUHAN_REGIONS).pick(rng)


def _head_age(rng: random.Random) -> float:
    return _HEAD_AGE_BANDS.pick(rng) + rng.random() * 5


def _spouse(rng: random.Random, head: _Person, migrant: bool) -> _Person:
    sex = "F" if head.sex == "M" else "M"
    gap = rng.gauss(2.0, 3.0) * (1 if sex == "F" else -1)  # husbands are a little older
    age = min(max(head.age - gap, 20.0), _MAX_AGE - 0.01)
    # Most couples share a hukou origin; some met in Wuhan.
    region = head.region if rng.random() < 0.6 else _region(rng, migrant)
    return _Person(_FAMILY_NAMES.pick(rng), sex, age, region)


def _children(rng: random.Random, father: _Person, mother: _Person, count: int) -> list[_Person]:
    children = []
    for _ in range(count):
        age = mother.age - rng.uniform(22.0, 38.0)
        if age < 0:
            continue  # the couple is too young for another child; the household stays smaller
        sex = "M" if rng.random() < 0.52 else "F"
        # Children take the father's family name and, usually, his hukou.
        region = father.region if rng.random() < 0.8 else mother.region
        children.append(_Person(father.family_name, sex, age, region))
    return children


def _household_members(rng: random.Random, size: int) -> list[_Person]:
    migrant = rng.random() < _MIGRANT_SHARE
    head_sex = "M" if rng.random() < 0.6 else "F"
    head = _Person(_FAMILY_NAMES.pick(rng), head_sex, _head_age(rng), _region(rng, migrant))
    if size == 1:
        return [head]
    spouse = _spouse(rng, head, migrant)
    father, mother = (head, spouse) if head.sex == "M" else (spouse, head)
    return [head, spouse, *_children(rng, father, mother, size - 2)]


def _resident(rng: random.Random, issuer: _Issuer, person: _Person, home: _Home) -> Resident:
    birth = REFERENCE_DATE - timedelta(days=int(person.age * 365.25))
    needs_phone = _age_on(birth) >= _PHONE_MIN_AGE
    return Resident(
        id_number=issuer.resident_id(person.region, birth, person.sex),
        name=person.family_name + _given_name(rng, person.sex, birth.year),
        sex=person.sex,
        birth_date=birth,
        phone=issuer.phone() if needs_phone else "",
        address=home.address,
        hukou_region=person.region,
        lat=home.lat,
        lon=home.lon,
    )


def generate_residents(count: int, seed: int) -> list[Resident]:
    """``count`` synthetic residents living in the demo district, deterministic in ``seed``.

    People come in households of 1-5 sharing an address: a head, a spouse and children who
    carry the father's family name.  About 70 % hold a Wuhan hukou (mostly 汉南, 蔡甸, 汉阳);
    the rest are migrants from elsewhere in Hubei and the neighbouring provinces.  ID numbers
    and phone numbers are unique; children under 12 have no phone.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}")
    rng = random.Random(seed)
    issuer = _Issuer(rng)
    residents: list[Resident] = []
    while len(residents) < count:
        home = issuer.home()
        for person in _household_members(rng, _HOUSEHOLD_SIZES.pick(rng)):
            residents.append(_resident(rng, issuer, person, home))
    del residents[count:]
    return residents


# --------------------------------------------------------------------------------------------
# Officers
# --------------------------------------------------------------------------------------------

#: Officers who joined at most this many years before REFERENCE_DATE get a mentor (师徒结对).
MENTEE_MAX_YEARS: Final = 3
#: Mentors have served at least this many years.
MENTOR_MIN_YEARS: Final = 8

LEADER_RANKS: Final = ("三级警督", "二级警督", "一级警督")
RANKS: Final = (
    *("二级警员", "一级警员", "四级警长", "三级警长", "二级警长", "一级警长"),
    *LEADER_RANKS,
)


@dataclass(frozen=True)
class OfficerSpec:
    """One officer of the demo bureau."""

    badge: str  # 6 digits, unique
    name: str
    rank: str  # one of RANKS
    team: str
    mentor_badge: str | None  # senior officer of the same team, for officers in their first years
    joined: date


@dataclass(frozen=True)
class _TeamPlan:
    team: str
    seniors: int  # generated seniors, besides the leader and the named officers
    mid: int
    young: int


_TEAM_PLANS: Final = (
    _TeamPlan("刑侦大队", seniors=1, mid=2, young=3),
    _TeamPlan("沌口派出所", seniors=4, mid=3, young=4),
    _TeamPlan("大数据实战中心", seniors=1, mid=0, young=6),
    _TeamPlan("交警大队", seniors=2, mid=2, young=1),
    _TeamPlan("户政科", seniors=2, mid=1, young=1),
)

# The two investigators of the news story (name, team, rank, joined).
_NAMED_OFFICERS: Final = (
    ("周钰", "刑侦大队", "一级警长", date(2009, 7, 15)),
    ("罗涛", "刑侦大队", "二级警长", date(2014, 8, 1)),
)

# Years before REFERENCE_DATE.year that each kind of officer joined (inclusive ranges).
_LEADER_YEARS: Final = (15, 28)
_SENIOR_YEARS: Final = (MENTOR_MIN_YEARS, 22)
_MID_YEARS: Final = (MENTEE_MAX_YEARS + 1, MENTOR_MIN_YEARS - 1)
_YOUNG_YEARS: Final = (0, MENTEE_MAX_YEARS - 1)


@dataclass(frozen=True)
class _Draft:
    name: str
    rank: str
    team: str
    joined: date
    kind: str  # "leader", "senior", "mid" or "young"


def _joined(rng: random.Random, years: tuple[int, int]) -> date:
    # Police academy graduates and recruits start in July-September.
    year = REFERENCE_DATE.year - rng.randint(*years)
    return date(year, rng.randint(7, 9), rng.randint(1, 28))


def _rank(kind: str, joined: date) -> str:
    years = REFERENCE_DATE.year - joined.year
    if kind == "leader":
        return "一级警督" if years >= 26 else "二级警督" if years >= 21 else "三级警督"
    if kind == "young":
        return "二级警员" if years == 0 else "一级警员"
    if kind == "mid":
        return "三级警长" if years >= 6 else "四级警长"
    return "一级警长" if years >= 13 else "二级警长"


def _officer_name(rng: random.Random, joined: date, taken: set[str]) -> str:
    while True:
        sex = "M" if rng.random() < 0.75 else "F"
        name = _FAMILY_NAMES.pick(rng) + _given_name(rng, sex, joined.year - 22)
        if name not in taken:
            taken.add(name)
            return name


_KIND_YEARS: Final = {
    "leader": _LEADER_YEARS,
    "senior": _SENIOR_YEARS,
    "mid": _MID_YEARS,
    "young": _YOUNG_YEARS,
}


def _team_drafts(rng: random.Random, plan: _TeamPlan, taken: set[str]) -> list[_Draft]:
    drafts = [
        _Draft(name, rank, team, joined, "senior")
        for name, team, rank, joined in _NAMED_OFFICERS
        if team == plan.team
    ]
    counts = {"leader": 1, "senior": plan.seniors, "mid": plan.mid, "young": plan.young}
    for kind, count in counts.items():
        for _ in range(count):
            joined = _joined(rng, _KIND_YEARS[kind])
            name = _officer_name(rng, joined, taken)
            drafts.append(_Draft(name, _rank(kind, joined), plan.team, joined, kind))
    return sorted(drafts, key=lambda d: d.joined)


def _mentors(rng: random.Random, drafts: list[_Draft], badges: dict[str, str]) -> dict[str, str]:
    """Map each young officer's name to a mentor's badge, spreading apprentices evenly."""
    seniors = [d.name for d in drafts if d.kind == "senior"]
    rng.shuffle(seniors)
    # The leader takes apprentices only once every senior has one.
    mentors = seniors + [d.name for d in drafts if d.kind == "leader"]
    young = [d.name for d in drafts if d.kind == "young"]
    return {name: badges[mentors[i % len(mentors)]] for i, name in enumerate(young)}


def generate_officers(seed: int) -> list[OfficerSpec]:
    """About 40 officers in five teams, deterministic in ``seed``.

    Each team has one leader (警督), seniors, mid-career officers and young officers; every
    officer who joined within MENTEE_MAX_YEARS of REFERENCE_DATE is paired with a mentor of
    the same team who has served at least MENTOR_MIN_YEARS.  周钰 and 罗涛 serve in 刑侦大队.
    """
    rng = random.Random(seed)
    taken = {name for name, *_ in _NAMED_OFFICERS}
    teams = [_team_drafts(rng, plan, taken) for plan in _TEAM_PLANS]
    drafts = [draft for team in teams for draft in team]
    badges = dict(
        zip(
            (d.name for d in drafts),
            (f"{n:06d}" for n in rng.sample(range(100_000, 1_000_000), len(drafts))),
            strict=True,
        )
    )
    mentors: dict[str, str] = {}
    for team in teams:
        mentors.update(_mentors(rng, team, badges))
    return [
        OfficerSpec(
            badge=badges[d.name],
            name=d.name,
            rank=d.rank,
            team=d.team,
            mentor_badge=mentors.get(d.name),
            joined=d.joined,
        )
        for d in drafts
    ]
