"""The money side of a stored ring: what to freeze (members' balances and the money services
it cashed out at), the transfers kept with it, and the time-respecting trace back from a known
mule over them (the same flow.trace_backward as `precinct link trace --backward`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from precinct.linkage import flow
from precinct.linkage.rings import Ring
from precinct.linkage.rings_export import BANKS
from precinct.linkage.rings_graph import Transfers
from precinct.linkage.rings_store import FraudRing, RingReport, RingTransfer

SHANGHAI = ZoneInfo("Asia/Shanghai")


Moves = list[tuple[int, int, int]]  # src, dst, cents of victims' money


def flows_by_ring(trace: flow.Trace, found: list[Ring]) -> list[Moves]:
    """Each ring's traced flows: between its members, and from them into exits (one pass)."""
    ring_of = {a: k for k, ring in enumerate(found) for a in ring.accounts}
    out: list[Moves] = [[] for _ in found]
    for (s, d), c in trace.flows.items():
        k = ring_of.get(s)
        if k is not None and c > 0 and (ring_of.get(d) == k or d in trace.exits):
            out[k].append((s, d, c))
    return out


def to_freeze(held: dict[int, int], moves: Moves, exits: dict[int, int]) -> int:
    """Held by members, plus what they paid into money services (stop-payment there)."""
    least = flow.TraceParams().min_cents
    kept = sum(c for c in held.values() if c >= least)
    paid: dict[int, int] = {}
    for _, d, c in moves:
        if d in exits:
            paid[d] = paid.get(d, 0) + c
    return kept + sum(c for c in paid.values() if c >= least)


def ring_transfers(t: Transfers, found: list[Ring], exits: set[int]) -> list[list[tuple[int, ...]]]:
    """Per ring, in time order: transfers between its members, reported payments into it, and
    its members' payments into the exits (money services) the victims' money reached."""
    label = np.full(t.accounts, -1, dtype=np.int64)
    for k, ring in enumerate(found):
        label[np.asarray(ring.accounts, dtype=np.int64)] = k
    is_exit = np.zeros(t.accounts, dtype=bool)
    is_exit[np.fromiter(exits, dtype=np.int64, count=len(exits))] = True
    into = (label[t.dst] >= 0) & ((label[t.src] == label[t.dst]) | t.reported)
    out_of = (label[t.src] >= 0) & is_exit[t.dst]
    rows = np.flatnonzero(into | out_of)
    ring_of = np.where(into[rows], label[t.dst[rows]], label[t.src[rows]])
    out: list[list[tuple[int, ...]]] = [[] for _ in found]
    columns = (t.src[rows], t.dst[rows], t.time[rows], t.cents[rows], t.reported[rows])
    for k, row in zip(
        ring_of.tolist(), zip(*(c.tolist() for c in columns), strict=True), strict=True
    ):
        out[k].append(row)
    return out


def freeze_rows(ring: FraudRing, min_yuan: Decimal = Decimal(1000)) -> list[dict[str, Any]]:
    """Members' accounts holding victims' money, then the money services (gold, currency, OTC
    desks) the ring cashed out at, with what it paid into each: a stop-payment request there."""
    rows = [
        {
            "account": m.account,
            "bank": m.bank,
            "amount": float(m.held_yuan),
            "last_seen": m.last_seen.astimezone(SHANGHAI).isoformat() if m.last_seen else "",
            "hops": 0,
        }
        for m in ring.members
        if m.held_yuan >= min_yuan
    ]
    members = {m.account for m in ring.members}
    paid: dict[str, tuple[Decimal, datetime | None]] = {}
    for f in ring.flows:
        if f.target not in members:
            amount, last = paid.get(f.target, (Decimal(0), None))
            latest = max((x for x in (last, f.last_at) if x is not None), default=None)
            paid[f.target] = (amount + f.amount_yuan, latest)
    for account, (amount, last) in paid.items():
        if amount >= min_yuan:
            rows.append(
                {
                    "account": account,
                    "bank": BANKS.get(account[:6], ""),
                    "amount": float(amount),
                    "last_seen": last.astimezone(SHANGHAI).isoformat() if last else "",
                    "hops": 1,
                }
            )
    return rows


def trace_back(ring: FraudRing, account: str) -> list[tuple[RingReport, int]]:
    """The ring's reports whose money could have reached `account`, nearest first: the same
    time-respecting backward trace as `precinct link trace --backward` (flow.trace_backward),
    over the ring's stored transfers (each hop earlier than the next)."""
    moves = ring.transfers
    names = sorted({m.source for m in moves} | {m.target for m in moves})
    if account not in names:
        return []
    index = {n: i for i, n in enumerate(names)}
    t = Transfers(
        np.array([index[m.source] for m in moves], np.int64),
        np.array([index[m.target] for m in moves], np.int64),
        np.array([int(m.at.timestamp()) for m in moves], np.int64),
        np.array([int(m.amount_yuan * 100) for m in moves], np.int64),
        np.array([m.reported for m in moves], bool),
        len(names),
    )
    origins = flow.trace_backward(t, index[account], np.zeros(len(names), bool), flow.TraceParams())
    found: list[tuple[RingReport, int]] = []
    for origin in origins:
        move = moves[origin.transfer]
        report = _report_of(ring, move)
        if report is not None:
            found.append((report, origin.hops))
    return found


def _report_of(ring: FraudRing, move: RingTransfer) -> RingReport | None:
    """The report of a victim's payment: same accounts, the nearest reported time."""
    same = [
        r
        for r in ring.reports
        if r.victim_account == move.source and r.receiving_account == move.target
    ]
    return min(same, key=lambda r: abs((r.reported_at - move.at).total_seconds()), default=None)
