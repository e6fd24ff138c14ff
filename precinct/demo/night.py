"""The night of 2024-12-15, when 12 cars parked beside 紫郡兰园 had their windows smashed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.orm import Session

from precinct.cases.domain import CaseStatus, CaseType, PartyRole, PropertyStatus
from precinct.cases.store import Alarm, Case, CaseParty, PropertyItem
from precinct.core.identifiers import Plate
from precinct.demo.cast import NIGHT_VICTIMS
from precinct.demo.catalogue import (
    BAG,
    CASH,
    CIGARETTES,
    DASHCAM,
    LAPTOP,
    LIQUOR,
    PHONE,
    SERIAL_CHARS,
    Loot,
    digits,
    pick_loot,
    spoken_list,
)
from precinct.demo.common import TZ
from precinct.demo.geography import Spot, offset
from precinct.demo.people import Resident
from precinct.demo.records import Context, draw_clock, make_alarm

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


def _car_spot(index: int) -> Spot:
    lat, lon = offset(*_FIRST_CAR, 0.0, index * _CAR_SPACING_M)
    return Spot(f"紫郡兰园东北侧路边(第{index + 1}辆车)", SCENE_ADDRESS, lat, lon)


def scene() -> tuple[float, float]:
    """The middle of the row of broken-into cars."""
    return offset(*_FIRST_CAR, 0.0, (NIGHT_VICTIMS - 1) * _CAR_SPACING_M / 2)


def _plate(rng: random.Random) -> str:
    """A Wuhan (鄂A) or Xiaogan (鄂K) plate; one car in four runs on electricity."""
    if rng.random() < 0.25:
        serial = rng.choice("DF") + digits(rng, 5)
    else:  # a letter, then mostly digits
        rest = (rng.choice(SERIAL_CHARS) if rng.random() < 0.15 else digits(rng, 1) for _ in "1234")
        serial = rng.choice(SERIAL_CHARS[:24]) + "".join(rest)
    return str(Plate("鄂", rng.choice("AAAAAAAK"), serial, energy=len(serial) == 6))


def _night_times(rng: random.Random) -> list[datetime]:
    first = datetime(2024, 12, 15, 6, 40, rng.randrange(60), tzinfo=TZ)
    last = datetime(2024, 12, 15, 9, 9, rng.randrange(60), tzinfo=TZ)
    span = int((last - first).total_seconds())
    middle = sorted(rng.randrange(1, span) for _ in range(NIGHT_VICTIMS - 2))
    return [first, *(first + timedelta(seconds=s) for s in middle), last]


def _night_loot(rng: random.Random) -> list[Loot]:
    kinds, weights = zip(*_NIGHT_LOOT, strict=True)
    picked = dict.fromkeys(rng.choices(kinds, weights=weights, k=rng.choice((1, 2, 2))))
    return [pick_loot(rng, k) for k in picked]


def _night_case(ctx: Context, reported: datetime, victims: int) -> Case:
    place = Spot("紫郡兰园东北侧路边", SCENE_ADDRESS, *scene()).place()
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
    ctx: Context, case: Case, owner: Resident, index: int, received: datetime
) -> Alarm:
    rng, owner_id = ctx.rng, ctx.ids[owner.id_number]
    loot = _night_loot(rng)
    text = rng.choice(_NIGHT_TEXTS).format(
        plate=_plate(rng), items=spoken_list([x.label for x in loot])
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
    alarm = make_alarm(
        ctx.numbers.alarm(received),
        draw_clock(rng, received),
        owner,
        owner_id,
        _car_spot(index).place(),
        text,
        ctx.staff.pick(rng, "沌口派出所"),
    )
    alarm.case = case
    return alarm


def write_night(
    session: Session, ctx: Context, victims: list[Resident]
) -> tuple[Case, list[Alarm]]:
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
