"""Money flow: follow victims' money forward through mule layers, transfer by transfer in time
order, so that only time-respecting paths carry it; amounts add up at every account (what goes
out never exceeds what came in). Rule: tainted money leaves first (the usual freezing rule).
Money paid into a hub (clearing account, payment app, shop) is reported as an exit, not
followed. Backward: from a known mule to the reported victim payments that reached it.

Pure: arrays in (transfers in time order), dataclasses out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from precinct.linkage.rings_graph import I64, Transfers


@dataclass(frozen=True)
class TraceParams:
    until: int | None = None  # stop at this time (seconds); default: the last transfer
    min_cents: int = 100_000  # accounts receiving less than this are not flagged
    max_hops: int = 8


@dataclass
class Trace:
    seeded_cents: int = 0
    held: dict[int, int] = field(default_factory=dict)  # account -> victims' cents still there
    received: dict[int, int] = field(default_factory=dict)  # account -> victims' cents received
    exits: dict[int, int] = field(default_factory=dict)  # hub -> victims' cents paid into it
    flows: dict[tuple[int, int], int] = field(default_factory=dict)  # (src, dst) -> cents
    hops: dict[int, int] = field(default_factory=dict)  # account -> fewest hops from a victim
    last_seen: dict[int, int] = field(default_factory=dict)
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # first, last

    def flagged(self, min_cents: int) -> list[int]:
        return [a for a, c in self.received.items() if c >= min_cents]

    def freeze(self, min_cents: int) -> list[tuple[int, int, int]]:
        """(account, cents held, last seen), largest first."""
        rows = [(a, c, self.last_seen.get(a, 0)) for a, c in self.held.items() if c >= min_cents]
        return sorted(rows, key=lambda r: -r[1])


def _reachable(
    t: Transfers, start: I64, hubs: NDArray[np.bool_], max_hops: int
) -> NDArray[np.bool_]:
    """Accounts reachable from `start` in at most max_hops transfers, not passing through hubs."""
    seen = np.zeros(t.accounts, dtype=bool)
    seen[start] = True
    frontier = seen.copy()
    for _ in range(max_hops):
        step = frontier[t.src] & ~hubs[t.src]
        nxt = np.zeros(t.accounts, dtype=bool)
        nxt[t.dst[step]] = True
        frontier = nxt & ~seen
        if not frontier.any():
            break
        seen |= frontier
    return seen


def trace_forward(t: Transfers, seeds: I64, hubs: NDArray[np.bool_], params: TraceParams) -> Trace:
    """Follow the money of the seed transfers (indices into t, victims' payments)."""
    result = Trace()
    if len(seeds) == 0:
        return result
    area = _reachable(t, t.dst[seeds], hubs, params.max_hops)
    until = params.until if params.until is not None else int(t.time.max())
    is_seed = np.zeros(len(t), dtype=bool)
    is_seed[seeds] = True
    window = (t.time >= t.time[seeds].min()) & (t.time <= until)
    todo = np.flatnonzero(window & ((area[t.src] & ~hubs[t.src]) | is_seed))
    taint: dict[int, int] = defaultdict(int)
    hops: dict[int, int] = {}
    for i in todo.tolist():
        src, dst, cents = int(t.src[i]), int(t.dst[i]), int(t.cents[i])
        if is_seed[i]:
            moved, hop = cents, 0
            result.seeded_cents += cents
        else:
            moved, hop = min(cents, taint.get(src, 0)), hops.get(src, 0)
            if moved <= 0:
                continue
            taint[src] -= moved
        _move(result, (src, dst, moved, int(t.time[i])), hubs[dst], hop)
        if not hubs[dst]:
            taint[dst] += moved
            hops[dst] = min(hops.get(dst, hop + 1), hop + 1)
    result.held = {a: c for a, c in taint.items() if c > 0}
    result.hops = hops
    return result


def _move(result: Trace, step: tuple[int, int, int, int], into_hub: bool, hop: int) -> None:
    src, dst, moved, when = step
    result.flows[(src, dst)] = result.flows.get((src, dst), 0) + moved
    first, _ = result.spans.get((src, dst), (when, when))
    result.spans[(src, dst)] = (first, when)
    result.last_seen[src] = when
    result.last_seen[dst] = when
    if into_hub:
        result.exits[dst] = result.exits.get(dst, 0) + moved
    else:
        result.received[dst] = result.received.get(dst, 0) + moved


@dataclass(frozen=True)
class Origin:
    transfer: int  # index of the reported victim payment
    hops: int


def trace_backward(
    t: Transfers, account: int, hubs: NDArray[np.bool_], params: TraceParams
) -> list[Origin]:
    """Reported victim payments from which money could have reached `account` (each hop
    earlier than the next), nearest first."""
    until = params.until if params.until is not None else int(t.time.max())
    latest = {account: until}  # account -> latest time money could leave it towards `account`
    origins: dict[int, int] = {}
    frontier = {account}
    for hop in range(params.max_hops):
        mask = np.isin(t.dst, np.fromiter(frontier, dtype=np.int64))
        found: set[int] = set()
        for i in np.flatnonzero(mask).tolist():
            dst, src, when = int(t.dst[i]), int(t.src[i]), int(t.time[i])
            if when > latest[dst]:
                continue
            if t.reported[i]:
                origins.setdefault(i, hop + 1)
            elif not hubs[src] and when > latest.get(src, -1):
                latest[src] = when
                found.add(src)
        frontier = found
        if not frontier:
            break
    return [Origin(i, h) for i, h in sorted(origins.items(), key=lambda kv: (kv[1], kv[0]))]
