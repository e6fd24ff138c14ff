"""Video synopsis (pure): re-time every track of a window so that all are shown in a short video
without two figures ever covering each other, then say how fast to play it to fit a limit.

A track becomes a *tube*: its box sampled every `step` seconds. Tubes are placed one by one (in
their real order) at the earliest synopsis time where none of their boxes intersects a box of an
already placed tube at the same synopsis moment. Every tube is placed (a free time always exists
after the last placed one), so every track appears.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

STEP_S = 0.5


@dataclass(frozen=True)
class Tube:
    track_id: int
    start_t: float  # seconds in the source file
    boxes: NDArray[np.float64]  # (k, 4) x, y, w, h every STEP_S seconds from start_t

    @property
    def steps(self) -> int:
        return len(self.boxes)


@dataclass(frozen=True)
class Placement:
    track_id: int
    slot: int  # synopsis step at which the tube starts (× step seconds)
    steps: int


def tube_of(
    track_id: int, start_t: float, boxes: NDArray[np.float32], fps: float, step: float = STEP_S
) -> Tube:
    """Sample per-frame boxes (frame, x, y, w, h) every `step` seconds from the track's start
    (the nearest stored box at each sample time)."""
    rows = boxes[np.argsort(boxes[:, 0])].astype(np.float64)
    times = rows[:, 0] / fps
    samples = np.arange(times[0], times[-1] + 1e-9, step)
    nearest = np.clip(np.searchsorted(times, samples), 0, len(rows) - 1)
    before = np.clip(nearest - 1, 0, len(rows) - 1)
    closer = np.abs(times[before] - samples) < np.abs(times[nearest] - samples)
    chosen = np.where(closer, before, nearest)
    return Tube(track_id, float(times[0]), rows[chosen, 1:5])


def intersects(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.bool_]:
    """Row-wise: does box a[i] overlap box b[i] (positive area)?"""
    ix = np.minimum(a[:, 0] + a[:, 2], b[:, 0] + b[:, 2]) - np.maximum(a[:, 0], b[:, 0])
    iy = np.minimum(a[:, 1] + a[:, 3], b[:, 1] + b[:, 3]) - np.maximum(a[:, 1], b[:, 1])
    return np.asarray((ix > 0) & (iy > 0))


class _Timeline:
    """The boxes already placed, per synopsis step."""

    def __init__(self) -> None:
        self.at: list[list[NDArray[np.float64]]] = []

    def free(self, tube: Tube, slot: int) -> bool:
        for i in range(tube.steps):
            if slot + i >= len(self.at):
                return True
            others = self.at[slot + i]
            if (
                others
                and intersects(
                    np.asarray(others), np.repeat(tube.boxes[i : i + 1], len(others), 0)
                ).any()
            ):
                return False
        return True

    def put(self, tube: Tube, slot: int) -> None:
        need = slot + tube.steps - len(self.at)
        if need > 0:
            self.at.extend([] for _ in range(need))
        for i in range(tube.steps):
            self.at[slot + i].append(tube.boxes[i])


def pack(tubes: Sequence[Tube]) -> list[Placement]:
    """Place every tube at its earliest free slot, in the order the tracks really happened."""
    timeline = _Timeline()
    placed = []
    for tube in sorted(tubes, key=lambda t: (t.start_t, t.track_id)):
        slot = 0
        while not timeline.free(tube, slot):
            slot += 1
        timeline.put(tube, slot)
        placed.append(Placement(tube.track_id, slot, tube.steps))
    return placed


def length_steps(placements: Sequence[Placement]) -> int:
    return max((p.slot + p.steps for p in placements), default=0)


def speed_factor(placements: Sequence[Placement], max_s: float, step: float = STEP_S) -> float:
    """How much faster than real time to play the synopsis so that it lasts ≤ max_s."""
    return max(1.0, length_steps(placements) * step / max_s)


def overlapping_pairs(
    tubes: Sequence[Tube], placements: Sequence[Placement]
) -> list[tuple[int, int]]:
    """Pairs of tracks whose boxes meet at the same synopsis moment (a check: should be none)."""
    by_id = {t.track_id: t for t in tubes}
    found = []
    for n, p in enumerate(placements):
        for q in placements[n + 1 :]:
            lo, hi = max(p.slot, q.slot), min(p.slot + p.steps, q.slot + q.steps)
            if lo >= hi:
                continue
            a = by_id[p.track_id].boxes[lo - p.slot : hi - p.slot]
            b = by_id[q.track_id].boxes[lo - q.slot : hi - q.slot]
            if intersects(a, b).any():
                found.append((p.track_id, q.track_id))
    return found
