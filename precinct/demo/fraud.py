"""Fraud benchmark and demo data: two years of bank transfers of an ordinary population with
planted fraud rings hidden in it, the victims' fraud reports, shared identifiers (phones,
devices, IPs), and the exact ground truth (ring members and roles, money left in each account).

`persons` scales everything: 80 000 persons give about a million distinct account pairs and
ten million transfers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np

from precinct.demo.fraud_common import CITIES, I64, LINK_KINDS, START, Ledger, card_numbers
from precinct.demo.fraud_normal import NormalSpec, normal_account_count, plant_normal
from precinct.demo.fraud_rings import (
    TYPOLOGIES,
    Report,
    RingContext,
    RingPlan,
    RingTruth,
    bridge,
    plant_ring,
)
from precinct.linkage.rings_graph import Links, Transfers

BIG_RING_SIZE = 72
BIG_RING_CENTS = 700_500_000  # 7.005 million yuan


@dataclass(frozen=True)
class FraudSpec:
    seed: int = 20241215
    persons: int = 20_000
    rings: int = 12  # besides the two-city ring of 72
    min_size: int = 8
    max_size: int = 40


@dataclass
class FraudData:
    src: I64
    dst: I64
    time: I64  # seconds, naive Asia/Shanghai wall time since the epoch
    cents: I64
    reported: np.ndarray
    link_account: I64
    link_kind: I64
    link_value: I64
    reports: list[Report]
    rings: list[RingTruth]
    hubs: I64

    @property
    def edges(self) -> int:
        lo, hi = np.minimum(self.src, self.dst), np.maximum(self.src, self.dst)
        return len(np.unique(np.stack([lo, hi], axis=1), axis=0))

    def ring_of(self) -> dict[int, int]:
        return {int(a): r.ring_id for r in self.rings for a in r.accounts}

    def role_of(self) -> dict[int, str]:
        return {
            int(a): role for r in self.rings for a, role in zip(r.accounts, r.roles, strict=True)
        }


def _plans(rng: np.random.Generator, spec: FraudSpec) -> list[RingPlan]:
    plans = [RingPlan(1, BIG_RING_SIZE, (1, 2), TYPOLOGIES, BIG_RING_CENTS)]
    for ring_id in range(2, spec.rings + 2):
        size = int(rng.integers(spec.min_size, spec.max_size + 1))
        two = rng.random() < 0.2
        cities = tuple(
            int(c) for c in rng.choice(np.arange(1, len(CITIES)), 2 if two else 1, replace=False)
        )
        kinds = tuple(
            str(t) for t in rng.choice(TYPOLOGIES, size=int(rng.integers(2, 4)), replace=False)
        )
        plans.append(RingPlan(ring_id, size, cities, kinds))
    return plans


def generate(spec: FraudSpec) -> FraudData:
    rng = np.random.default_rng(spec.seed)
    plans = _plans(rng, spec)
    normal = normal_account_count(spec.persons)
    accounts = card_numbers(rng, normal + sum(p.size for p in plans), first_serial=10_000_000)
    rng.shuffle(accounts)
    ledger = Ledger()
    pop = plant_normal(rng, NormalSpec(spec.persons), accounts[:normal], ledger)
    reports: list[Report] = []
    truths: list[RingTruth] = []
    offset = normal
    for plan in plans:
        ring_accounts = accounts[offset : offset + plan.size]
        offset += plan.size
        ctx = RingContext(rng, ring_accounts, pop.persons, pop.persons, pop.shops)
        truths.append(plant_ring(ctx, plan, ledger, reports))
    for k in range(1, len(truths) - 1, 3):  # one ring in three shares a den with the next
        bridge(rng, truths[k], truths[k + 1], ledger)
    order = np.argsort(np.concatenate(ledger.time), kind="stable")
    return FraudData(
        src=np.concatenate(ledger.src)[order],
        dst=np.concatenate(ledger.dst)[order],
        time=np.concatenate(ledger.time)[order],
        cents=np.concatenate(ledger.cents)[order],
        reported=np.concatenate(ledger.reported)[order],
        link_account=np.concatenate(ledger.link_account),
        link_kind=np.concatenate(ledger.link_kind),
        link_value=np.concatenate(ledger.link_value),
        reports=reports,
        rings=truths,
        hubs=np.concatenate([pop.employers, pop.shops, pop.hubs]),
    )


def timestamp(seconds: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(seconds=seconds)


def write_transfers(data: FraudData, path: Path) -> None:
    """T.csv: from_account, to_account, time (ISO, Asia/Shanghai), amount (yuan), reported."""
    t = {
        "f": data.src,
        "o": data.dst,
        "s": data.time,
        "c": data.cents,
        "r": data.reported.astype(np.int8),
    }
    con = duckdb.connect()
    con.register("t", t)
    con.execute(
        "COPY (SELECT f::VARCHAR AS from_account, o::VARCHAR AS to_account, "
        "strftime(make_timestamp(s::BIGINT * 1000000), '%Y-%m-%dT%H:%M:%S') AS time, "
        "printf('%d.%02d', c // 100, c % 100) AS amount, r AS reported FROM t) "
        f"TO '{path}' (HEADER, DELIMITER ',')"
    )
    con.close()


def write_links(data: FraudData, path: Path) -> None:
    """L.csv: account, kind (phone/device/ip), value."""
    kinds = np.array(LINK_KINDS)[data.link_kind]
    prefix = np.array(["", "DEV", "IP"])[data.link_kind]
    values = np.char.add(prefix, data.link_value.astype(str))
    lines = np.char.add(np.char.add(np.char.add(data.link_account.astype(str), ","), kinds), ",")
    rows = np.char.add(lines, values)
    path.write_text("account,kind,value\n" + "\n".join(rows.tolist()) + "\n", encoding="utf-8")


def write_truth(data: FraudData, path: Path) -> None:
    lines = ["account,ring_id,role,city,held"]
    for ring in data.rings:
        for account, role, city in zip(ring.accounts, ring.roles, ring.cities, strict=True):
            held = ring.holdings.get(int(account), 0)
            lines.append(f"{account},{ring.ring_id},{role},{city},{held // 100}.{held % 100:02d}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def start_time() -> datetime:
    return timestamp(START)


def indexed(data: FraudData) -> tuple[Transfers, Links, np.ndarray]:
    """The transfers and links with accounts numbered 0..n-1 in card-number order."""
    acc, inv = np.unique(
        np.concatenate([data.src, data.dst, data.link_account]), return_inverse=True
    )
    m = len(data.src)
    t = Transfers(inv[:m], inv[m : 2 * m], data.time, data.cents, data.reported, len(acc))
    _, values = np.unique(data.link_kind * 10**12 + data.link_value, return_inverse=True)
    return t, Links(inv[2 * m :], values), acc
