"""The demo district's data tables: kinds of stolen property with their models and values,
the kinds of small livelihood case (民生小案) and the texts of other 110 calls."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from precinct.cases.domain import CaseType
from precinct.core.identifiers import luhn_check_digit
from precinct.demo.geography import POIS, Spot, downstairs_spot, home_spot, street_spot
from precinct.demo.people import Resident

# --------------------------------------------------------------------------------------------
# Stolen property
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemKind:
    label: str  # as a caller says it: 现金, 笔记本电脑
    models: tuple[tuple[str, int, int], ...]  # (description, lowest, highest value in yuan)
    serial: str = ""  # "imei", "laptop", "frame", "card" or ""


@dataclass(frozen=True)
class Loot:
    label: str
    description: str
    serial: str
    value: Decimal


CASH: Final = ItemKind("现金", (("现金", 200, 5000),))
LAPTOP: Final = ItemKind("笔记本电脑", (
    ("联想ThinkPad E14笔记本电脑", 4200, 5600), ("华为MateBook 14笔记本电脑", 4800, 6300),
    ("苹果MacBook Air 13英寸笔记本电脑", 6500, 8500), ("戴尔灵越14笔记本电脑", 3600, 4800),
    ("小米RedmiBook Pro 15笔记本电脑", 3900, 5200),
), "laptop")  # fmt: skip
PHONE: Final = ItemKind("手机", (
    ("华为Mate 60手机", 4500, 6000), ("苹果iPhone 15手机", 4800, 6500),
    ("小米14手机", 3000, 4000), ("OPPO Reno11手机", 2200, 2900),
    ("vivo X100手机", 3200, 4300), ("荣耀Magic6手机", 3400, 4400),
), "imei")  # fmt: skip
EBIKE: Final = ItemKind("电动自行车", (
    ("雅迪电动自行车(白色)", 2300, 3500), ("爱玛电动自行车(黑色)", 2100, 3200),
    ("新日电动自行车(蓝色)", 1800, 2800), ("台铃电动自行车(灰色)", 2000, 3100),
    ("小牛电动自行车(红色)", 3200, 4600),
), "frame")  # fmt: skip
BICYCLE: Final = ItemKind("自行车", (
    ("捷安特山地自行车", 1500, 3200), ("美利达公路自行车", 2200, 4200), ("永久自行车", 450, 800),
), "frame")  # fmt: skip
CIGARETTES: Final = ItemKind("香烟", (
    ("黄鹤楼(软蓝)香烟2条", 380, 420), ("黄鹤楼(1916)香烟1条", 950, 1100),
    ("中华(软)香烟2条", 1300, 1500),
))  # fmt: skip
LIQUOR: Final = ItemKind("白酒", (("飞天茅台酒2瓶", 4400, 5200), ("五粮液2瓶", 1800, 2200)))
GOLD: Final = ItemKind("金饰", (
    ("黄金项链", 3000, 12000), ("黄金手镯", 6000, 18000), ("黄金戒指", 1500, 4500),
))  # fmt: skip
WATCH: Final = ItemKind("手表", (
    ("天梭机械手表", 3000, 5500), ("卡西欧手表", 600, 1500), ("欧米茄机械手表", 30000, 45000),
))  # fmt: skip
WALLET: Final = ItemKind("钱包", (("钱包(内有现金及证件)", 300, 1500),))
DASHCAM: Final = ItemKind("行车记录仪", (("70迈行车记录仪", 300, 500), ("360行车记录仪", 200, 400)))
BAG: Final = ItemKind("背包", (("双肩背包(内有衣物、充电宝)", 200, 800),))
CARD_FUNDS: Final = ItemKind("银行卡资金", (
    ("建设银行借记卡被盗刷资金", 800, 20000), ("工商银行借记卡被盗刷资金", 800, 20000),
    ("招商银行信用卡被盗刷资金", 500, 12000),
), "card")  # fmt: skip

CENT: Final = Decimal("0.01")
_TACS: Final = ("86453205", "86818104", "35328115", "86012604", "86791505", "86907305")
SERIAL_CHARS: Final = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(count))


def _serial(rng: random.Random, kind: str) -> str:
    if kind == "imei":  # 8-digit type allocation code, 6-digit serial, Luhn check digit
        partial = rng.choice(_TACS) + digits(rng, 6)
        return partial + luhn_check_digit(partial)
    if kind == "card":  # UnionPay 19-digit card number with its Luhn check digit
        partial = "62" + digits(rng, 16)
        return partial + luhn_check_digit(partial)
    if kind == "laptop":
        return "PF" + "".join(rng.choice(SERIAL_CHARS) for _ in range(6))
    if kind == "frame":
        return "LW" + digits(rng, 13)
    return ""


def pick_loot(rng: random.Random, kind: ItemKind) -> Loot:
    description, low, high = rng.choice(kind.models)
    if kind is CASH:  # cash is counted in hundreds
        yuan = rng.randrange(low, high + 1, 100)
        description = f"现金人民币{yuan}元"
    else:
        yuan = rng.randint(low, high)
    return Loot(kind.label, description, _serial(rng, kind.serial), Decimal(yuan).quantize(CENT))


def spoken_list(labels: Sequence[str]) -> str:
    """Item labels as a caller says them: 现金和手机, 现金、手机和香烟."""
    unique = list(dict.fromkeys(labels))
    return unique[0] if len(unique) == 1 else "、".join(unique[:-1]) + "和" + unique[-1]


# --------------------------------------------------------------------------------------------
# Kinds of case and other 110 calls
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseKind:
    case_type: CaseType
    weight: float
    solve_rate: float
    title: str
    team: str  # who leads the investigation
    items: tuple[tuple[ItemKind, float], ...]
    max_items: int
    texts: tuple[str, ...]  # alarm texts, {items} = what was taken
    window_hours: tuple[float, float]  # the window opens this long before the call
    spot: Callable[[random.Random, Resident], Spot]


def _vehicle_spot(rng: random.Random, victim: Resident) -> Spot:
    return street_spot(rng) if rng.random() < 0.7 else downstairs_spot(victim)


def _bicycle_spot(rng: random.Random, victim: Resident) -> Spot:
    return downstairs_spot(victim) if rng.random() < 0.7 else rng.choice(POIS)


def _crowd_spot(rng: random.Random, _victim: Resident) -> Spot:
    return rng.choice(POIS)


def _victim_home(_rng: random.Random, victim: Resident) -> Spot:
    return home_spot(victim)


CASE_KINDS: Final = (
    CaseKind(CaseType.THEFT_FROM_VEHICLE, 0.22, 0.85, "车内财物被盗案", "刑侦大队",
              ((CASH, 4), (LAPTOP, 1.5), (PHONE, 1), (CIGARETTES, 2), (DASHCAM, 1), (BAG, 1)), 2,
              ("停在{spot}的汽车车窗被砸，车内{items}被盗", "车停好后车门被撬，{items}不见了"),
              (4, 12), _vehicle_spot),
    CaseKind(CaseType.BICYCLE_THEFT, 0.30, 0.82, "电动自行车被盗案", "沌口派出所",
              ((EBIKE, 4), (BICYCLE, 1)), 1,
              ("停在{spot}的{items}被盗", "{items}锁在{spot}，出来发现不见了"),
              (2, 10), _bicycle_spot),
    CaseKind(CaseType.BURGLARY, 0.15, 0.90, "入室盗窃案", "刑侦大队",
              ((CASH, 4), (GOLD, 2), (LAPTOP, 1), (PHONE, 1), (LIQUOR, 1), (WATCH, 1),
               (CIGARETTES, 1)), 3,
              ("家中被盗，门锁有撬痕，{items}不见了", "回家发现窗户被撬，{items}被盗"),
              (3, 10), _victim_home),
    CaseKind(CaseType.PICKPOCKETING, 0.15, 0.75, "扒窃案", "沌口派出所",
              ((PHONE, 3), (WALLET, 2), (CASH, 1)), 1,
              ("在{spot}购物时{items}被扒窃", "在{spot}等车时发现{items}被偷"),
              (0.5, 2), _crowd_spot),
    CaseKind(CaseType.CARD_FRAUD, 0.18, 0.80, "盗刷银行卡案", "沌口派出所",
              ((CARD_FUNDS, 1),), 1,
              ("银行卡在本人身上，手机收到短信提示被盗刷，{items}被转走",),
              (1, 24), _victim_home),
)  # fmt: skip

OTHER_ALARMS: Final = (
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
