"""The background year of small livelihood cases (民生小案) and other 110 calls."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy.orm import Session

from precinct.cases.domain import CaseStatus, PartyRole, PropertyStatus
from precinct.cases.store import Alarm, Case, CaseParty, PropertyItem
from precinct.demo.catalogue import CASE_KINDS, OTHER_ALARMS, CaseKind, Loot, pick_loot, spoken_list
from precinct.demo.common import DEMO_NOW, NIGHT_START, TZ
from precinct.demo.geography import POIS, Spot, crossing_spot, home_spot, street_spot
from precinct.demo.people import Resident
from precinct.demo.records import Context, draw_clock, duration, make_alarm

ALARMS_PER_YEAR: Final = 1_500
CASES_PER_YEAR: Final = 400

# Share of 110 calls by hour of day: quiet before dawn, busiest in the evening.
_HOUR_WEIGHTS: Final = tuple(
    float(w) for w in "2 1.5 1 1 1 1.5 2.5 4 5 5.5 5.5 5 5 5 5 5.5 5.5 6 6.5 6.5 6 5 4 3".split()
)


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


def _draw_loot(rng: random.Random, kind: CaseKind) -> list[Loot]:
    kinds, weights = zip(*kind.items, strict=True)
    count = rng.randint(1, kind.max_items)
    picked = list(dict.fromkeys(rng.choices(kinds, weights=weights, k=count)))
    return [pick_loot(rng, k) for k in picked]


def _solve(rng: random.Random, case: Case, kind: CaseKind) -> None:
    """Most cases are solved within days and closed weeks later; the rest stay open."""
    case.status = CaseStatus.INVESTIGATING
    if rng.random() > kind.solve_rate:
        return
    hours = min(max(rng.lognormvariate(math.log(30), 0.8), 2.0), 240.0)
    solved = case.reported_at + duration(hours * 3600)
    if solved > DEMO_NOW:
        return
    case.status, case.solved_at = CaseStatus.SOLVED, solved
    closed = solved + duration(rng.uniform(3, 30) * 86400)
    if closed <= DEMO_NOW and rng.random() < 0.7:
        case.status, case.closed_at = CaseStatus.CLOSED, closed


def _item_fate(
    rng: random.Random, loot: Loot, solved: datetime | None
) -> tuple[PropertyStatus, datetime | None]:
    """Returned to the owner, held as seized, or gone (cash is often spent)."""
    if solved is None:
        return PropertyStatus.STOLEN, None
    draw, returned = rng.random(), 0.55 if loot.label == "现金" else 0.8
    back = solved + duration(rng.uniform(0.5, 10) * 86400)
    if draw < returned and back <= DEMO_NOW:
        return PropertyStatus.RETURNED, back
    if draw < returned + 0.12:
        return PropertyStatus.SEIZED, solved
    return PropertyStatus.STOLEN, None


def _items(ctx: Context, case: Case, loot: list[Loot], owner_id: int) -> list[PropertyItem]:
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


def _parties(ctx: Context, case: Case, victim_id: int) -> list[CaseParty]:
    parties = [CaseParty(person_id=victim_id, role=PartyRole.VICTIM)]
    if case.solved_at is not None:
        count = 2 if ctx.rng.random() < 0.15 else 1
        for suspect in ctx.rng.sample(ctx.pools.offenders, count):
            parties.append(CaseParty(person_id=ctx.ids[suspect.id_number], role=PartyRole.SUSPECT))
    return parties


def _window(rng: random.Random, kind: CaseKind, received: datetime) -> tuple[datetime, datetime]:
    start = received - timedelta(hours=rng.uniform(*kind.window_hours))
    end = received - timedelta(minutes=rng.uniform(5, 30))
    return min(start, end - timedelta(minutes=5)), end


def _case_alarm(ctx: Context, received: datetime) -> Alarm:
    rng = ctx.rng
    kind = rng.choices(CASE_KINDS, weights=[k.weight for k in CASE_KINDS])[0]
    victim = rng.choice(ctx.pools.victims)
    victim_id, loot, spot = ctx.ids[victim.id_number], _draw_loot(rng, kind), kind.spot(rng, victim)
    place = spot.place()
    text = rng.choice(kind.texts).format(
        spot=spot.name or spot.address.removeprefix("武汉经开区"),
        items=spoken_list([x.label for x in loot]),
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
    alarm = make_alarm(
        ctx.numbers.alarm(received),
        draw_clock(rng, received),
        victim,
        victim_id,
        place,
        text,
        ctx.staff.pick(rng, "沌口派出所"),
    )
    alarm.case = case
    return alarm


def _other_spot(rng: random.Random, where: str, caller: Resident) -> Spot:
    if where == "home":
        return home_spot(caller)
    if where == "crossing":
        return crossing_spot(rng)
    return street_spot(rng) if where == "street" else rng.choice(POIS)


def _other_alarm(ctx: Context, received: datetime) -> Alarm:
    rng = ctx.rng
    caller = rng.choice(ctx.pools.callers)
    text, where = rng.choice(OTHER_ALARMS)
    place = _other_spot(rng, where, caller).place()
    return make_alarm(
        ctx.numbers.alarm(received),
        draw_clock(rng, received),
        caller,
        ctx.ids[caller.id_number],
        place,
        text,
        ctx.staff.pick(rng, "沌口派出所"),
    )


def write_background(session: Session, ctx: Context, year: int) -> tuple[int, int, int]:
    cases = [(t, True) for t in _year_moments(ctx.rng, year, CASES_PER_YEAR)]
    others = [(t, False) for t in _year_moments(ctx.rng, year, ALARMS_PER_YEAR - CASES_PER_YEAR)]
    alarms = [
        _case_alarm(ctx, when) if is_case else _other_alarm(ctx, when)
        for when, is_case in sorted(cases + others)
    ]
    session.add_all(alarms)
    items = sum(len(a.case.items) for a in alarms if a.case is not None)
    return len(alarms), len(cases), items
