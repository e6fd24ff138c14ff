"""Alarm and case records: clocks, alarm and case numbers, the officers on duty, and the
context every writer of alarms shares."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.cases.domain import AlarmStatus
from precinct.cases.store import Alarm
from precinct.demo.cast import Pools
from precinct.demo.common import TZ
from precinct.demo.people import Resident
from precinct.registry.store import Officer, Place


@dataclass(frozen=True)
class Clock:
    received: datetime
    dispatched: datetime
    on_scene: datetime
    closed: datetime


def duration(seconds: float) -> timedelta:
    return timedelta(seconds=round(seconds))


def draw_clock(rng: random.Random, received: datetime) -> Clock:
    dispatched = received + timedelta(seconds=rng.randint(60, 240))
    on_scene = dispatched + timedelta(seconds=rng.randint(5 * 60, 15 * 60))
    closed = received + timedelta(seconds=rng.randint(30 * 60, 180 * 60))
    return Clock(received, dispatched, on_scene, closed)


class Numbers:
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
class Staff:
    officer_ids: dict[str, list[int]]  # team -> officer ids
    zhou_yu: int | None  # lead investigator of the night's case

    def pick(self, rng: random.Random, team: str) -> int:
        return rng.choice(self.officer_ids[team])


def load_staff(session: Session) -> Staff:
    rows = session.execute(select(Officer.id, Officer.team, Officer.name).order_by(Officer.id))
    teams: dict[str, list[int]] = {}
    zhou = None
    for officer_id, team, name in rows:
        teams.setdefault(team, []).append(officer_id)
        zhou = officer_id if name == "周钰" else zhou
    return Staff(teams, zhou)


def make_alarm(
    number: str,
    clock: Clock,
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


@dataclass
class Context:
    rng: random.Random
    ids: dict[str, int]
    staff: Staff
    numbers: Numbers
    pools: Pools
