"""Use cases of ring discovery: find the rings in transfers and shared identifiers, trace the
victims' money, store rings with their members, flows, reports and freeze list; view a ring
(audited), export its freeze list, open it as a case series (串并案)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy import insert
from sqlalchemy.orm import Session

from precinct.cases import service as cases
from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.linkage import flow
from precinct.linkage.rings import Ring, RingParams, discover
from precinct.linkage.rings_export import BANKS
from precinct.linkage.rings_graph import GraphCaps, Links, Transfers
from precinct.linkage.rings_money import (
    SHANGHAI,
    Moves,
    flows_by_ring,
    freeze_rows,
    ring_transfers,
    to_freeze,
)
from precinct.linkage.rings_store import (
    FraudRing,
    RingFlow,
    RingMember,
    RingReport,
    RingTransfer,
    clear_rings,
    list_rings,
    ring_by_number,
)

EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class FraudReportIn:
    number: str
    time: int  # seconds of Asia/Shanghai wall time since the epoch
    victim_account: str
    receiving_account: str
    cents: int
    caller_phone: str = ""
    app: str = ""
    solved: bool = False


@dataclass
class RingInputs:
    transfers: Transfers
    links: Links | None
    names: np.ndarray  # account index -> account text
    city: dict[str, str] = field(default_factory=dict)  # account -> registration city
    phone: dict[str, str] = field(default_factory=dict)  # account -> holder's phone
    reports: list[FraudReportIn] = field(default_factory=list)
    call_cities: dict[str, set[str]] = field(default_factory=dict)  # account -> call locations
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # report -> tied transfers
    unmatched: list[str] = field(default_factory=list)  # reports whose payment was not found

    def cities_of(self, account: str) -> set[str]:
        registered = {self.city[account]} if self.city.get(account) else set()
        return registered | self.call_cities.get(account, set())


def wall_time(seconds: int) -> datetime:
    return (EPOCH + timedelta(seconds=seconds)).replace(tzinfo=SHANGHAI).astimezone(UTC)


def _yuan(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def analyse(session: Session, actor: Actor, data: RingInputs) -> list[FraudRing]:
    """Replace the stored rings by the rings found in `data` (the run is audited)."""
    actor.require(Permission.RING_VIEW)
    t = data.transfers
    found, _, trace = discover(t, data.links, GraphCaps(), RingParams(), flow.TraceParams())
    clear_rings(session)
    flows = flows_by_ring(trace, found)
    rows = [_ring_row(data, ring, trace, m) for ring, m in zip(found, flows, strict=True)]
    session.add_all(rows)
    session.flush()  # the rings' ids; their flows and transfers go in as bulk inserts
    flow_rows, transfer_rows = [], []
    kept = ring_transfers(t, found, set(trace.exits))
    for row, moves, moved in zip(rows, flows, kept, strict=True):
        flow_rows += _flow_rows(data, trace, moves, row.id)
        transfer_rows += [
            {
                "ring_id": row.id,
                "source": str(data.names[s]),
                "target": str(data.names[d]),
                "at": wall_time(int(when)),
                "amount_yuan": _yuan(int(c)),
                "reported": bool(r),
            }
            for s, d, when, c, r in moved
        ]
    if flow_rows:
        session.execute(insert(RingFlow), flow_rows)
    if transfer_rows:
        session.execute(insert(RingTransfer), transfer_rows)
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.CREATE,
            "fraud_rings",
            detail={"rings": len(rows), "transfers": len(t), "accounts": t.accounts},
        ),
    )
    return rows


def _flow_rows(
    data: RingInputs, trace: flow.Trace, moves: Moves, ring_id: int
) -> list[dict[str, Any]]:
    return [
        {
            "ring_id": ring_id,
            "source": str(data.names[s]),
            "target": str(data.names[d]),
            "amount_yuan": _yuan(c),
            "first_at": wall_time(trace.spans[(s, d)][0]),
            "last_at": wall_time(trace.spans[(s, d)][1]),
        }
        for s, d, c in moves
    ]


def _ring_row(data: RingInputs, ring: Ring, trace: flow.Trace, moves: Moves) -> FraudRing:
    names = [str(data.names[a]) for a in ring.accounts]
    named = set(names)
    reports = [r for r in data.reports if r.receiving_account in named]
    cities = sorted(set().union(*(data.cities_of(n) for n in names)))
    held = {a: trace.held.get(a, 0) for a in ring.accounts}
    seen = [trace.last_seen[a] for a in ring.accounts if a in trace.last_seen]
    times = [r.time for r in reports] or seen or [0]
    row = FraudRing(
        number=f"FR-{ring.ring_id:03d}",
        accounts=len(names),
        seeds=ring.seeds,
        cities="、".join(cities)[:200],
        first_seen=wall_time(min(times)),
        last_seen=wall_time(max(seen or times)),
        traced_yuan=_yuan(sum(r.cents for r in reports)),
        freeze_yuan=_yuan(to_freeze(held, moves, trace.exits)),
    )
    row.members = [
        _member(data, m.account, m.role, m.score, trace) for m in ring.core(len(ring.members))
    ]
    row.reports = [_report(r) for r in reports]
    return row


def _member(
    data: RingInputs, account: int, role: str, score: float, trace: flow.Trace
) -> RingMember:
    name = str(data.names[account])
    seen = trace.last_seen.get(account)
    return RingMember(
        account=name,
        role=role,
        score=score,
        bank=BANKS.get(name[:6], ""),
        city=data.city.get(name) or "、".join(sorted(data.call_cities.get(name, ())))[:32],
        phone=data.phone.get(name, ""),
        held_yuan=_yuan(trace.held.get(account, 0)),
        last_seen=wall_time(seen) if seen is not None else None,
    )


def _report(r: FraudReportIn) -> RingReport:
    return RingReport(
        number=r.number,
        reported_at=wall_time(r.time),
        victim_account=r.victim_account,
        receiving_account=r.receiving_account,
        caller_phone=r.caller_phone,
        app=r.app,
        solved=r.solved,
        loss_yuan=_yuan(r.cents),
    )


def rings(session: Session, actor: Actor) -> list[FraudRing]:
    actor.require(Permission.RING_VIEW)
    return list_rings(session)


def view_ring(session: Session, actor: Actor, number: str) -> FraudRing | None:
    actor.require(Permission.RING_VIEW)
    ring = ring_by_number(session, number)
    if ring is not None:
        audit.append(
            session,
            audit.AuditEvent(
                actor.username,
                audit.AuditAction.VIEW,
                "fraud_ring",
                number,
                case_number=ring.case_number,
                detail={"accounts": ring.accounts},
            ),
        )
    return ring


def export_freeze(session: Session, actor: Actor, ring: FraudRing) -> list[dict[str, Any]]:
    actor.require(Permission.RING_VIEW)
    rows = sorted(freeze_rows(ring), key=lambda r: -r["amount"])
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.EXPORT,
            "fraud_ring",
            ring.number,
            case_number=ring.case_number,
            detail={"freeze_rows": len(rows)},
        ),
    )
    return rows


def open_case(session: Session, actor: Actor, number: str) -> str:
    """Open the ring as a telecom-fraud case series (串并案); returns the case number."""
    actor.require(Permission.CASE_EDIT)
    ring = ring_by_number(session, number)
    if ring is None:
        raise LookupError(f"no ring {number}")
    if ring.case_number:
        return ring.case_number
    case = cases.open_series(session, actor, _series(ring))
    ring.case_number = case.number
    return case.number


def _series(ring: FraudRing) -> cases.NewSeries:
    lines = [
        f"{r.number} {r.reported_at:%Y-%m-%d} {r.loss_yuan} 元 → {r.receiving_account}"
        f"{'（已破）' if r.solved else ''}"
        for r in ring.reports
    ]
    core = [f"{m.account} ({m.role}, {m.city})" for m in ring.members[:5]]
    summary = "\n".join(
        [
            f"串并案：{len(ring.reports)} 起电信网络诈骗（已破 {ring.solved_reports} 起），"
            f"{ring.accounts} 个账户，"
            f"涉及 {ring.cities}；可冻结 {ring.freeze_yuan} 元。",
            "核心成员：" + "；".join(core),
            *lines,
        ]
    )
    return cases.NewSeries(
        title=f"电信网络诈骗团伙 {ring.number}（{ring.cities}）",
        summary=summary,
        window_start=ring.first_seen,
        window_end=ring.last_seen,
    )


def members_by_role(ring: FraudRing) -> dict[str, int]:
    counts: dict[str, int] = {}
    for m in ring.members:
        counts[m.role] = counts.get(m.role, 0) + 1
    return counts
