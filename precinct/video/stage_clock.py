"""Time spent per stage of a scan, for its report."""

from __future__ import annotations

import time


class Stage:
    """One stage's running total, timed by `with` (a plain object, entered tens of thousands of
    times a file: a generator-based context manager cost ~1.5 µs an entry)."""

    __slots__ = ("name", "totals", "_started")

    def __init__(self, name: str, totals: dict[str, float]) -> None:
        self.name, self.totals, self._started = name, totals, 0.0

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        elapsed = time.perf_counter() - self._started
        self.totals[self.name] = self.totals.get(self.name, 0.0) + elapsed


class StageClock:
    """Accumulates wall time per stage for the scan report (stages appear in the order first
    timed; a stage may not be nested in itself)."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._stages: dict[str, Stage] = {}

    def stage(self, name: str) -> Stage:
        timer = self._stages.get(name)
        if timer is None:
            timer = self._stages[name] = Stage(name, self.totals)
        return timer
