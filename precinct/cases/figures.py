"""The quick-response figures: every alarm handled, every case solved, every loss recovered.

Pure functions over small records; the service feeds them from the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from statistics import median


@dataclass(frozen=True)
class AlarmClock:
    received_at: datetime
    dispatched_at: datetime | None
    on_scene_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True)
class CaseClock:
    reported_at: datetime
    solved_at: datetime | None
    is_open: bool


@dataclass(frozen=True)
class ItemValue:
    value_yuan: Decimal
    recovered: bool


@dataclass(frozen=True)
class Figures:
    alarms: int
    alarms_open: int
    alarms_handled_rate: float | None
    median_dispatch_min: float | None
    median_on_scene_min: float | None
    cases: int
    cases_open: int
    cases_solved: int
    solve_rate: float | None
    median_solve_hours: float | None
    value_stolen_yuan: Decimal
    value_recovered_yuan: Decimal
    recovery_rate: float | None


def _minutes(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 60.0


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(median(present), 1) if present else None


def _rate(part: int | Decimal, whole: int | Decimal) -> float | None:
    return round(float(part) / float(whole), 4) if whole else None


def compute_figures(
    alarms: Sequence[AlarmClock], cases: Sequence[CaseClock], items: Sequence[ItemValue]
) -> Figures:
    handled = sum(1 for a in alarms if a.closed_at is not None)
    solved = [c for c in cases if c.solved_at is not None]
    stolen = sum((i.value_yuan for i in items), Decimal(0))
    recovered = sum((i.value_yuan for i in items if i.recovered), Decimal(0))
    return Figures(
        alarms=len(alarms),
        alarms_open=len(alarms) - handled,
        alarms_handled_rate=_rate(handled, len(alarms)),
        median_dispatch_min=_median(_minutes(a.received_at, a.dispatched_at) for a in alarms),
        median_on_scene_min=_median(_minutes(a.received_at, a.on_scene_at) for a in alarms),
        cases=len(cases),
        cases_open=sum(1 for c in cases if c.is_open),
        cases_solved=len(solved),
        solve_rate=_rate(len(solved), len(cases)),
        median_solve_hours=_median(
            (m / 60.0 if (m := _minutes(c.reported_at, c.solved_at)) is not None else None)
            for c in solved
        ),
        value_stolen_yuan=stolen,
        value_recovered_yuan=recovered,
        recovery_rate=_rate(recovered, stolen),
    )
