"""Small hand-made transfer sets: each transfer is (src, dst, time in minutes, yuan)."""

from __future__ import annotations

import numpy as np

from precinct.linkage.rings_graph import Transfers


def transfers(
    rows: list[tuple[int, int, int, float]], reported: set[int] = frozenset()
) -> Transfers:  # type: ignore[assignment]
    order = sorted(range(len(rows)), key=lambda i: rows[i][2])
    src = np.array([rows[i][0] for i in order], dtype=np.int64)
    dst = np.array([rows[i][1] for i in order], dtype=np.int64)
    time = np.array([rows[i][2] * 60 for i in order], dtype=np.int64)
    cents = np.array([round(rows[i][3] * 100) for i in order], dtype=np.int64)
    flags = np.array([i in reported for i in order], dtype=bool)
    n = int(max(src.max(), dst.max())) + 1
    return Transfers(src, dst, time, cents, flags, n)


def no_hubs(t: Transfers) -> np.ndarray:
    return np.zeros(t.accounts, dtype=bool)
