"""Fraud benchmark and demo data: two years of bank transfers of an ordinary population with
planted fraud rings hidden in it, the victims' fraud reports, shared identifiers (phones,
devices, IPs), and the exact ground truth (ring members and roles, money left in each account).

`persons` scales everything: 80 000 persons give about a million distinct account pairs and
ten million transfers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np

from precinct.demo.fraud_common import (
    CITIES,
    DAY,
    I64,
    LINK_KINDS,
    PHONE,
    START,
    Ledger,
    card_numbers,
)
from precinct.demo.fraud_normal import NormalSpec, normal_account_count, plant_normal
from precinct.demo.fraud_rings import (
    TYPOLOGIES,
    Report,
    RingContext,
    RingPlan,
    RingTruth,
    bridge,
    plant_ring,
    roles_of,
)
from precinct.linkage.rings_graph import Links, Transfers

BIG_RING_SIZE = 72
BIG_RING_CENTS = 700_500_000  # 7.005 million yuan


@dataclass(frozen=True)
class FraudSpec:
    seed: int = 20241215
    persons: int = 20_000
    rings: int = 12  # besides the two-city ring of 72
    min_size: int = 5
    max_size: int = 60
    own_accounts: float = 0.5  # members using a person's own (or rented) account, not a bought card
    reused_mules: float = 0.3  # share of rings that borrow a mule of an earlier ring


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
    services: I64 = field(default_factory=lambda: np.empty(0, np.int64))
    phone_of: dict[int, int] = field(default_factory=dict)  # account -> holder's phone

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

    def holdings(self) -> dict[int, int]:
        """Where the victims' money is: account (member or money service) -> cents."""
        held: dict[int, int] = {}
        for ring in self.rings:
            for account, cents in ring.holdings.items():
                held[account] = held.get(account, 0) + cents
        return held


def _plans(rng: np.random.Generator, spec: FraudSpec) -> list[RingPlan]:
    plans = [RingPlan(1, BIG_RING_SIZE, (1, 2), TYPOLOGIES, BIG_RING_CENTS)]
    low, high = np.log(spec.min_size), np.log(spec.max_size + 1)
    for ring_id in range(2, spec.rings + 2):
        size = int(np.exp(rng.uniform(low, high)))  # many small rings, a few large ones
        two = rng.random() < 0.2
        cities = tuple(
            int(c) for c in rng.choice(np.arange(1, len(CITIES)), 2 if two else 1, replace=False)
        )
        kinds = tuple(
            str(t) for t in rng.choice(TYPOLOGIES, size=int(rng.integers(2, 4)), replace=False)
        )
        plans.append(RingPlan(ring_id, size, cities, kinds))
    return plans


def _members(
    rng: np.random.Generator, spec: FraudSpec, plans: list[RingPlan], cards: I64, persons: I64
) -> tuple[list[I64], I64]:
    """Each ring's accounts: bought cards, or persons' own accounts (callers and organisers
    living ordinary lives, mules renting out their salary card); one ring in three also borrows
    a mule of an earlier ring. Returns the accounts per ring and the persons recruited."""
    recruited = rng.permutation(persons)
    used_cards = used_persons = 0
    out: list[I64] = []
    for plan in plans:
        own = rng.random(plan.size) < spec.own_accounts
        ring = np.empty(plan.size, np.int64)
        k = int(own.sum())
        ring[own] = recruited[used_persons : used_persons + k]
        ring[~own] = cards[used_cards : used_cards + plan.size - k]
        used_persons += k
        used_cards += plan.size - k
        roles = roles_of(plan.size)
        if out and rng.random() < spec.reused_mules:
            donor = int(rng.integers(len(out)))
            mule_slots = [i for i, r in enumerate(roles) if r == "mule"]
            donor_mules = [i for i, r in enumerate(roles_of(len(out[donor]))) if r == "mule"]
            ring[mule_slots[-1]] = out[donor][donor_mules[int(rng.integers(len(donor_mules)))]]
        out.append(ring)
    return out, recruited[:used_persons]


def _rented_quiet(data: tuple[I64, ...], normal: int, truths: list[RingTruth], own: I64) -> I64:
    """Rows to keep: a mule's holder who rented out their card makes no payments of their own
    while the ring uses it (salaries and family money still arrive)."""
    src, time = data[0], data[1]
    keep = np.ones(len(src), dtype=bool)
    owned = set(own.tolist())
    for ring in truths:
        mules = [int(a) for a, r in zip(ring.accounts, ring.roles, strict=True) if r == "mule"]
        rented = np.array([a for a in mules if a in owned], np.int64)
        if len(rented) == 0:
            continue
        quiet = np.isin(src[:normal], rented) & (time[:normal] >= ring.first - 7 * DAY)
        quiet &= time[:normal] <= ring.last + 7 * DAY
        keep[:normal] &= ~quiet
    return keep


def generate(spec: FraudSpec) -> FraudData:
    rng = np.random.default_rng(spec.seed)
    plans = _plans(rng, spec)
    normal = normal_account_count(spec.persons)
    accounts = card_numbers(rng, normal + sum(p.size for p in plans), first_serial=10_000_000)
    rng.shuffle(accounts)
    ledger = Ledger()
    pop = plant_normal(rng, NormalSpec(spec.persons), accounts[:normal], ledger)
    normal_rows = sum(len(s) for s in ledger.src)
    rings, own = _members(rng, spec, plans, accounts[normal:], pop.persons)
    ordinary = pop.persons[~np.isin(pop.persons, own)]
    reports: list[Report] = []
    truths: list[RingTruth] = []
    for plan, ring_accounts in zip(plans, rings, strict=True):
        ctx = RingContext(rng, ring_accounts, ordinary, ordinary, pop.shops, pop.services)
        truths.append(plant_ring(ctx, plan, ledger, reports))
    for k in range(1, len(truths) - 1, 3):  # one ring in three shares a den with the next
        bridge(rng, truths[k], truths[k + 1], ledger)
    src, time = np.concatenate(ledger.src), np.concatenate(ledger.time)
    keep = _rented_quiet((src, time), normal_rows, truths, own)
    order = np.argsort(time[keep], kind="stable")
    phones = ledger.link_kind_values(PHONE)
    return FraudData(
        src=src[keep][order],
        dst=np.concatenate(ledger.dst)[keep][order],
        time=time[keep][order],
        cents=np.concatenate(ledger.cents)[keep][order],
        reported=np.concatenate(ledger.reported)[keep][order],
        link_account=np.concatenate(ledger.link_account),
        link_kind=np.concatenate(ledger.link_kind),
        link_value=np.concatenate(ledger.link_value),
        reports=reports,
        rings=truths,
        hubs=np.concatenate([pop.employers, pop.shops, pop.hubs, pop.services]),
        services=pop.services,
        phone_of=phones,
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
