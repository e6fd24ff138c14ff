"""Money flow: follow victims' money forward through mule layers, transfer by transfer in time
order, so that only time-respecting paths carry it; amounts add up at every account (what goes
out never exceeds what came in). Rule: tainted money leaves first (the usual freezing rule),
except everyday payments (below the flagging threshold) of an account that also holds money of
its own (salary, family): those are paid from its own money, so a mule's rent or a cash-out's
allowance to a parent does not drag the victims' money into every household around a ring.
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
    everyday_cents: int = 100_000  # smaller payments come from the account's own money first


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
    counts: dict[tuple[int, int], int] = field(default_factory=dict)  # onward tainted transfers
    inflow: dict[int, int] = field(default_factory=dict)  # all money in since taint could come

    def flagged(self, min_cents: int, min_share: float = 0.5) -> list[int]:
        """Accounts that took at least min_cents of victims' money, and for which it was at
        least min_share of all they took in since (not the landlord paid rent once from it)."""
        return [
            a
            for a, c in self.received.items()
            if c >= min_cents and c >= min_share * self.inflow.get(a, c)
        ]

    def freeze(self, min_cents: int) -> list[tuple[int, int, int]]:
        """(account, cents held, last seen), largest first."""
        rows = [(a, c, self.last_seen.get(a, 0)) for a, c in self.held.items() if c >= min_cents]
        return sorted(rows, key=lambda r: -r[1])


def earliest_taint(
    t: Transfers, seeds: I64, hubs: NDArray[np.bool_], max_hops: int
) -> NDArray[np.int64]:
    """Earliest time each account can hold victims' money: time-respecting paths of at most
    max_hops transfers from the seed payments, not passing through hubs (vectorised)."""
    never = np.iinfo(np.int64).max
    earliest = np.full(t.accounts, never, dtype=np.int64)
    np.minimum.at(earliest, t.dst[seeds], t.time[seeds])
    onward = ~hubs[t.src] & ~hubs[t.dst]
    for _ in range(max_hops):
        step = onward & (t.time >= earliest[t.src])
        nxt = earliest.copy()
        np.minimum.at(nxt, t.dst[step], t.time[step])
        if np.array_equal(nxt, earliest):
            break
        earliest = nxt
    return earliest


def _balance_before(t: Transfers, rows: I64, accounts: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Balance of each row's sender just before that row (all its earlier in- and outflows)."""
    inflow = np.flatnonzero(accounts[t.dst])
    outflow = np.flatnonzero(accounts[t.src])
    who = np.concatenate([t.dst[inflow], t.src[outflow]])
    index = np.concatenate([inflow, outflow])
    amount = np.concatenate([t.cents[inflow], -t.cents[outflow]])
    order = np.lexsort((amount > 0, index, who))  # at one transfer, the outflow first
    who, index, amount = who[order], index[order], amount[order]
    running = np.cumsum(amount) - amount  # before this event
    first = np.r_[True, who[1:] != who[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(who)), 0))
    running -= running[group_start] if len(who) else running
    out_pos = np.flatnonzero(amount < 0)
    by_row = np.zeros(len(t), dtype=np.int64)
    by_row[index[out_pos]] = running[out_pos]
    return by_row[rows]


def trace_forward(t: Transfers, seeds: I64, hubs: NDArray[np.bool_], params: TraceParams) -> Trace:
    """Follow the money of the seed transfers (indices into t, victims' payments).

    Only the transfers of accounts that hold victims' money matter, so the walk runs over the
    accounts found holding it so far and is repeated with the newly found ones until none is
    new (each walk is exact for its accounts; few rounds, a small part of the transfers)."""
    if len(seeds) == 0:
        return Trace()
    earliest = earliest_taint(t, seeds, hubs, params.max_hops)
    until = params.until if params.until is not None else int(t.time.max())
    is_seed = np.zeros(len(t), dtype=bool)
    is_seed[seeds] = True
    live = (t.time >= earliest[t.src]) & ~hubs[t.src] & (t.time <= until)
    holders = np.zeros(t.accounts, dtype=bool)
    holders[t.dst[seeds]] = True
    balances = _Balances(t)
    while True:
        rows = np.flatnonzero((live & holders[t.src]) | is_seed)
        result = _walk(t, rows, (is_seed, hubs, balances.of(rows, holders)), params)
        found = np.zeros(t.accounts, dtype=bool)
        found[np.fromiter(result.received, dtype=np.int64)] = True
        if not (found & ~holders).any():
            break
        big = live & found[t.src] & (t.cents >= params.everyday_cents)
        holders |= found
        holders[t.dst[big]] = True  # likely next: fewer rounds
    result.inflow = _inflow_since(t, earliest, until, result.received)
    return result


class _Balances:
    """Each transfer's sender's balance just before it, computed once per sender."""

    def __init__(self, t: Transfers) -> None:
        self.t = t
        self.by_row = np.zeros(len(t), dtype=np.int64)
        self.done = np.zeros(t.accounts, dtype=bool)

    def of(self, rows: I64, senders: NDArray[np.bool_]) -> list[int]:
        new = senders & ~self.done
        if new.any():
            out = np.flatnonzero(new[self.t.src])
            self.by_row[out] = _balance_before(self.t, out, new)
            self.done |= new
        return list(self.by_row[rows].tolist())


def _walk(
    t: Transfers,
    rows: I64,
    context: tuple[NDArray[np.bool_], NDArray[np.bool_], list[int]],
    params: TraceParams,
) -> Trace:
    is_seed, hubs, balance = context
    result = Trace()
    taint: dict[int, int] = defaultdict(int)
    hops: dict[int, int] = {}
    columns = (t.src[rows], t.dst[rows], t.cents[rows], t.time[rows], is_seed[rows])
    into_hub = hubs[columns[1]].tolist()
    rows_as_lists = (c.tolist() for c in columns)
    for k, (src, dst, cents, when, seed) in enumerate(zip(*rows_as_lists, strict=True)):
        if seed:
            moved, hop = cents, 0
            result.seeded_cents += cents
        else:
            tainted = taint.get(src, 0)
            if tainted <= 0 or hops.get(src, 0) >= params.max_hops:
                continue
            own = balance[k] - tainted  # the account's own money: the rest of its balance
            if cents < params.everyday_cents and own >= cents:
                continue  # everyday spending, paid from its own money
            moved, hop = min(cents, tainted), hops.get(src, 0)
            taint[src] = tainted - moved
        _move(result, (src, dst, moved, when), into_hub[k], hop)
        if not seed:
            result.counts[(src, dst)] = result.counts.get((src, dst), 0) + 1
        if not into_hub[k]:
            taint[dst] += moved
            hops[dst] = min(hops.get(dst, hop + 1), hop + 1)
    result.held = {a: c for a, c in taint.items() if c > 0}
    result.hops = hops
    return result


def _inflow_since(
    t: Transfers, earliest: NDArray[np.int64], until: int, received: dict[int, int]
) -> dict[int, int]:
    """Everything each receiving account took in from its first possible taint on."""
    if not received:
        return {}
    wanted = np.zeros(t.accounts, dtype=bool)
    wanted[np.fromiter(received, dtype=np.int64)] = True
    rows = wanted[t.dst] & (t.time >= earliest[t.dst]) & (t.time <= until)
    total = np.bincount(t.dst[rows], weights=t.cents[rows], minlength=t.accounts)
    return {a: int(total[a]) for a in received}


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
