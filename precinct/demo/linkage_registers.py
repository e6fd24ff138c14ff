"""The registers of the demo district's big-data sources: shared-bike accounts, hotel stays,
rental registrations, prior records and the pawn and second-hand feed, with realistic noise.
Each row's truth is the ID number of the person who really made it."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final

from precinct.demo.cast import SUSPECT_HOME
from precinct.demo.common import TZ
from precinct.demo.linkage_noise import Noise, homophone, id_typo, romanised
from precinct.demo.people import Resident
from precinct.demo.video_cast import Leg

HOTELS: Final = (
    ("汉庭酒店(武汉经开区沌阳大道店)", 30.5160, 114.1700),
    ("7天连锁酒店(沌口万达店)", 30.4950, 114.1640),
    ("如家酒店(车城大道店)", 30.5010, 114.1680),
    ("锦江之星(武汉经开永旺店)", 30.5060, 114.1600),
)
VILLAGES: Final = (
    ("新庙村", 30.4962, 114.1540),
    ("东风村", 30.4890, 114.1700),
    ("民意村", 30.5050, 114.1760),
    ("沌口村", 30.5120, 114.1530),
)
SHOPS: Final = ("沌口大家典当行", "经开数码回收店", "车谷二手手机店", "闲鱼个人卖家")
NIGHT_MO: Final = "砸车窗盗窃车内财物"
OTHER_MOS: Final = (
    "入室盗窃",
    "盗窃电动自行车",
    "扒窃手机",
    "盗刷银行卡",
    "电信网络诈骗",
    "拉车门盗窃车内财物",
)
SECOND_HAND: Final = (
    "联想ThinkPad E14笔记本电脑",
    "华为MateBook 14笔记本电脑",
    "苹果iPhone 15手机",
    "小米14手机",
    "华为Mate 60手机",
    "戴尔灵越14笔记本电脑",
    "OPPO Reno11手机",
)


@dataclass
class Table:
    name: str
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    truth: list[str] = field(default_factory=list)

    def add(self, cells: list[str], who: str) -> None:
        self.rows.append(cells)
        self.truth.append(who)


@dataclass(frozen=True)
class Loot:
    description: str
    serial: str


@dataclass(frozen=True)
class Story:
    """What the sources must contain about the night."""

    suspect: Resident
    ride: Leg
    loot: tuple[Loot, ...] = ()


def _day(rng: random.Random, first: datetime, days: int) -> datetime:
    return first + timedelta(seconds=rng.randrange(days * 86400))


def _ts(when: datetime) -> str:
    return when.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")


def _rental_address(rng: random.Random) -> tuple[str, float, float]:
    village, lat, lon = rng.choice(VILLAGES)
    room = f"{rng.randint(1, 6)}0{rng.randint(1, 4)}室"
    address = (
        f"武汉经开区沌口街道{village}{rng.choice('一二三四五')}组{rng.randint(1, 120)}号{room}"
    )
    return (
        address,
        round(lat + rng.uniform(-0.002, 0.002), 6),
        round(lon + rng.uniform(-0.002, 0.002), 6),
    )


def accounts(rng: random.Random, people: Sequence[Resident], story: Story) -> Table:
    t = Table("bike_accounts", ["账户手机号", "实名姓名", "身份证号", "注册时间"])
    noise = Noise(rng, {"homophone": 0.03, "id_typo": 0.02})
    for p in [*people, story.suspect]:
        registered = _day(rng, datetime(2021, 3, 1, tzinfo=TZ), 1300)
        t.add(
            [p.phone, noise.name(p.name), noise.id_number(p.id_number), _ts(registered)],
            p.id_number,
        )
    return t


def hotels(rng: random.Random, people: Sequence[Resident], story: Story, count: int) -> Table:
    t = Table(
        "hotel_stays", ["姓名", "证件号码", "联系电话", "酒店", "入住时间", "地址", "纬度", "经度"]
    )
    noise = Noise(
        rng,
        {"roman": 0.06, "homophone": 0.04, "id_typo": 0.03, "no_phone": 0.25, "phone_typo": 0.02},
    )
    guests = [rng.choice(people) for _ in range(count)]
    guests += [g for g in guests[: count // 10]]  # the same guest checks in again
    for g in guests:
        hotel, lat, lon = rng.choice(HOTELS)
        when = _day(rng, datetime(2024, 9, 1, tzinfo=TZ), 100)
        row = [
            noise.name(g.name),
            noise.id_number(g.id_number),
            noise.phone(g.phone),
            hotel,
            _ts(when),
            hotel,
            f"{lat}",
            f"{lon}",
        ]
        t.add(row, g.id_number)
    s = story.suspect
    hotel, lat, lon = HOTELS[1]
    t.add(
        [
            romanised(s.name, True),
            s.id_number,
            "",
            hotel,
            "2024-11-02 23:41:00",
            hotel,
            f"{lat}",
            f"{lon}",
        ],
        s.id_number,
    )
    return t


def rentals(rng: random.Random, people: Sequence[Resident], story: Story, count: int) -> Table:
    t = Table(
        "rentals", ["承租人姓名", "身份证号", "联系电话", "出租屋地址", "纬度", "经度", "登记日期"]
    )
    noise = Noise(
        rng,
        {"homophone": 0.04, "id_typo": 0.03, "no_id": 0.04, "no_phone": 0.1, "phone_typo": 0.02},
    )
    tenants = rng.sample(list(people), count)
    tenants += [p for p in tenants[: count // 12]]  # registered twice (renewals, a second landlord)
    for p in tenants:
        address, lat, lon = _rental_address(rng)
        when = _day(rng, datetime(2023, 6, 1, tzinfo=TZ), 540)
        t.add(
            [
                noise.name(p.name),
                noise.id_number(p.id_number),
                noise.phone(p.phone),
                address,
                f"{lat}",
                f"{lon}",
                f"{when:%Y-%m-%d}",
            ],
            p.id_number,
        )
    s = story.suspect
    t.add(
        [
            s.name,
            id_typo(rng, s.id_number),
            s.phone,
            SUSPECT_HOME.address,
            f"{SUSPECT_HOME.lat}",
            f"{SUSPECT_HOME.lon}",
            "2024-10-08",
        ],
        s.id_number,
    )
    return t


def priors(rng: random.Random, offenders: Sequence[Resident], story: Story) -> Table:
    t = Table("prior_records", ["姓名", "身份证号", "案件编号", "角色", "作案手段", "处理日期"])
    noise = Noise(rng, {"homophone": 0.03, "id_typo": 0.02})
    for i, p in enumerate(offenders):
        for _ in range(rng.choice((1, 1, 2))):
            year = rng.randint(2016, 2023)
            mo = NIGHT_MO if i % 6 == 0 else rng.choice(OTHER_MOS)
            t.add(
                [
                    noise.name(p.name),
                    noise.id_number(p.id_number),
                    f"A420113000000{year}{rng.randrange(10**6):06d}",
                    "违法嫌疑人",
                    mo,
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                ],
                p.id_number,
            )
    s = story.suspect
    t.add(
        [s.name, s.id_number, "A4201130000002021003187", "违法嫌疑人", NIGHT_MO, "2021-07-19"],
        s.id_number,
    )
    return t


def pawn_feed(rng: random.Random, people: Sequence[Resident], story: Story, count: int) -> Table:
    t = Table(
        "pawn_listings",
        ["卖家姓名", "身份证号", "联系电话", "店铺", "物品描述", "串号/序列号", "收当时间", "价格"],
    )
    noise = Noise(rng, {"homophone": 0.03, "id_typo": 0.02, "no_phone": 0.3})
    for _ in range(count):
        p = rng.choice(people)
        when = _day(rng, datetime(2024, 11, 15, tzinfo=TZ), 32)
        serial = "".join(rng.choice("0123456789") for _ in range(15))
        t.add(
            [
                noise.name(p.name),
                noise.id_number(p.id_number),
                noise.phone(p.phone),
                rng.choice(SHOPS),
                rng.choice(SECOND_HAND),
                serial,
                _ts(when),
                str(rng.randint(300, 5000)),
            ],
            p.id_number,
        )
    s = story.suspect
    for n, item in enumerate(story.loot):
        serial = item.serial if n % 2 == 0 else item.serial[:-2] + item.serial[-1] + item.serial[-2]
        when = datetime(2024, 12, 15, 10, 20, tzinfo=TZ) + timedelta(hours=5 * n)
        t.add(
            [
                homophone(rng, s.name),
                s.id_number,
                s.phone,
                SHOPS[n % 3],
                "二手 " + item.description,
                serial,
                _ts(when),
                str(rng.randint(800, 3000)),
            ],
            s.id_number,
        )
    return t
