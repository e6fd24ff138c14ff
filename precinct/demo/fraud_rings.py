"""Planted fraud rings: members with roles, shared devices and IPs, victims paying a first mule,
and the money laundered through one of five typologies (fan-out, fan-in, cycle, scatter-gather,
layering) to cash-out accounts, with a kickback to the organiser who pays the callers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from precinct.demo.fraud_common import CITIES, DAY, DAYS, DEVICE, I64, IP, PHONE, START, Ledger

TYPOLOGIES = ("fan_out", "fan_in", "cycle", "scatter_gather", "layering")
ROLES = ("organiser", "caller", "mule", "cash_out")
APP_HOSTS = ("jd-kefu", "licai", "shuadan", "daikuan")
APPS = ("假冒客服", "刷单返利", "虚假投资理财", "冒充公检法", "虚假贷款")
Flow = tuple[int, int, int, int]  # src index, dst index, time, cents


@dataclass(frozen=True)
class RingPlan:
    ring_id: int
    size: int
    cities: tuple[int, ...]
    typologies: tuple[str, ...]
    total_cents: int | None = None  # victims' losses rescaled to exactly this total


@dataclass
class Report:
    """A fraud report: the victim's account, when, the loss, who called, where the money went."""

    number: str
    victim_account: int
    time: int
    cents: int
    caller_phone: int
    receiving_account: int
    app: str
    ring_id: int
    solved: bool = False  # a local case solved (a mule or caller caught), the ring unseen
    link: str = ""  # the scam site the victim was sent to


@dataclass
class RingTruth:
    ring_id: int
    accounts: I64
    roles: list[str]
    cities: list[str]
    phones: I64
    typologies: tuple[str, ...]
    first: int
    last: int
    laundered_cents: int = 0
    holdings: dict[int, int] = field(default_factory=dict)  # account -> cents left of victims'


def roles_of(size: int) -> list[str]:
    organisers = 2 if size > 30 else 1
    callers = max(1, size // 4)
    cash_outs = max(1, size // 5)
    mules = size - organisers - callers - cash_outs
    return (
        ["organiser"] * organisers
        + ["caller"] * callers
        + ["mule"] * mules
        + ["cash_out"] * cash_outs
    )


def _split(rng: np.random.Generator, cents: int, parts: int) -> list[int]:
    weights = rng.dirichlet(np.full(parts, 2.0))
    shares = np.floor(weights * cents).astype(np.int64)
    shares[0] += cents - int(shares.sum())
    return [int(s) for s in shares]


class _Launder:
    """Writes the hops of one victim payment, each hop minutes after the money arrived."""

    def __init__(
        self, rng: np.random.Generator, mules: list[int], cash_outs: list[int], services: int
    ) -> None:
        self.rng, self.mules, self.cash_outs = rng, mules, cash_outs
        self.services = services  # indices from len(accounts) on: the money-service businesses
        self.first_service = max(mules + cash_outs) + 1
        self.flows: list[Flow] = []

    def hop(self, src: int, dst: int, time: int, cents: int) -> int:
        when = time + int(self.rng.integers(600, 3 * 3600))
        self.flows.append((src, dst, when, cents))
        return when

    def cash(self, src: int, time: int, cents: int) -> None:
        """To a cash-out account, which buys gold or USDT with 70% of it at a money-service
        business within hours (money the rings share) and keeps the rest for the cuts."""
        cash_out = self.cash_outs[int(self.rng.integers(len(self.cash_outs)))]
        when = self.hop(src, cash_out, time, cents)
        service = self.first_service + int(self.rng.integers(self.services))
        self.hop(cash_out, service, when, cents * 70 // 100)

    def others(self, first: int, count: int) -> list[int]:
        pool = [m for m in self.mules if m != first]
        picked = self.rng.choice(len(pool), size=min(count, len(pool)), replace=False)
        return [pool[int(i)] for i in picked]

    def run(self, typology: str, first: int, time: int, cents: int) -> None:
        if typology in ("cycle", "fan_out", "scatter_gather") and len(self.mules) < 4:
            typology = "layering"  # a ring of a few has no mules to spread over
        if typology == "layering":
            for nxt in self.others(first, int(self.rng.integers(2, 5))):
                time, first = self.hop(first, nxt, time, cents), nxt
            self.cash(first, time, cents)
        elif typology == "cycle":
            a, b = self.others(first, 2)
            t = self.hop(first, a, time, cents)
            t = self.hop(a, b, t, cents)
            t = self.hop(b, first, t, cents)
            self.cash(first, t, cents)
        elif typology == "fan_in":
            collector = self.mules[0] if first != self.mules[0] else self.mules[1]
            self.cash(collector, self.hop(first, collector, time, cents), cents)
        else:  # fan_out and scatter_gather split the money over several mules
            spread = self.others(first, int(self.rng.integers(2, 5)))
            gather = spread[-1] if typology == "scatter_gather" else None
            for nxt, part in zip(spread, _split(self.rng, cents, len(spread)), strict=True):
                t = self.hop(first, nxt, time, part)
                if gather is None:
                    self.cash(nxt, t, part)
                elif nxt != gather:
                    self.cash(gather, self.hop(nxt, gather, t, part) + 3600, part)
                else:
                    self.cash(gather, t + 7200, part)


def _victim_cents(rng: np.random.Generator, plan: RingPlan, count: int) -> I64:
    cents = np.round(rng.lognormal(np.log(2_000_000), 0.9, size=count)).astype(np.int64)
    if plan.total_cents is not None:
        cents = np.floor(cents * plan.total_cents / cents.sum()).astype(np.int64)
        cents[0] += plan.total_cents - int(cents.sum())
    return cents


@dataclass(frozen=True)
class RingContext:
    rng: np.random.Generator
    accounts: I64  # this ring's accounts
    victims: I64  # normal accounts that may fall victim
    friends: I64  # normal accounts the members also deal with (camouflage)
    shops: I64
    services: I64  # money-service businesses the cash-outs buy gold or USDT at


def _kickbacks(rng: np.random.Generator, flows: list[Flow], roles: list[str]) -> list[Flow]:
    """Each cash-out passes 15% of what it received to an organiser a day or two later; at the
    end the organisers pay the callers 40% of their take."""
    organisers = [i for i, r in enumerate(roles) if r == "organiser"]
    callers = [i for i, r in enumerate(roles) if r == "caller"]
    cash = {i for i, r in enumerate(roles) if r == "cash_out"}
    extra: list[Flow] = []
    for src, dst, when, cents in list(flows):
        if dst in cash and src not in cash and cents >= 1000:
            boss = organisers[int(rng.integers(len(organisers)))]
            extra.append((dst, boss, when + int(rng.integers(DAY, 3 * DAY)), cents * 15 // 100))
    end = max(f[2] for f in extra) + 2 * DAY
    for boss in organisers:
        take = sum(f[3] for f in extra if f[1] == boss) * 40 // 100
        for caller, part in zip(callers, _split(rng, take, len(callers)), strict=True):
            extra.append((boss, caller, end + int(rng.integers(3600, DAY)), part))
    return extra


def plant_ring(
    ctx: RingContext, plan: RingPlan, ledger: Ledger, reports: list[Report]
) -> RingTruth:
    rng, acc = ctx.rng, ctx.accounts
    every = np.concatenate([acc, ctx.services])  # flow indices past the members: the services
    roles = roles_of(plan.size)
    mules = [i for i, r in enumerate(roles) if r == "mule"]
    start = START + int(rng.integers(0, DAYS - 260)) * DAY
    span = int(rng.integers(60, 240)) * DAY
    count = max(6, 3 * plan.size)
    victims = ctx.victims[rng.choice(len(ctx.victims), size=count, replace=False)]
    cents = _victim_cents(rng, plan, count)
    times = np.sort(start + rng.integers(0, span, size=count))
    phones = 17_000_000_000 + plan.ring_id * 1000 + np.arange(plan.size, dtype=np.int64)
    callers = [i for i, r in enumerate(roles) if r == "caller"]
    cash = [i for i, r in enumerate(roles) if r == "cash_out"]
    launder = _Launder(rng, mules, cash, len(ctx.services))
    firsts: list[int] = []
    for k in range(count):
        first = mules[int(rng.integers(1, len(mules)))]
        firsts.append(first)
        caller = callers[int(rng.integers(len(callers)))]
        reports.append(
            Report(
                f"R{plan.ring_id:03d}{k:04d}",
                int(victims[k]),
                int(times[k]),
                int(cents[k]),
                int(phones[caller]),
                int(acc[first]),
                APPS[int(rng.integers(len(APPS)))],
                plan.ring_id,
                bool(rng.random() < 0.25),
                f"https://{APP_HOSTS[plan.ring_id % len(APP_HOSTS)]}{plan.ring_id}.top/{k % 3}",
            )
        )
        typology = plan.typologies[int(rng.integers(len(plan.typologies)))]
        launder.run(typology, first, int(times[k]), int(cents[k]))
    flows = launder.flows + _kickbacks(rng, launder.flows, roles)
    ledger.pay(victims, acc[np.array(firsts)], times, cents, reported=True)
    src, dst, when, amount = (
        np.array(column, dtype=np.int64) for column in zip(*flows, strict=True)
    )
    ledger.pay(every[src], every[dst], when, amount)
    _links(ctx, plan, phones, ledger)
    _camouflage(ctx, start, span, ledger)
    holdings = _holdings(every, flows, reports[-count:])
    cities = [CITIES[plan.cities[i % len(plan.cities)]] for i in range(plan.size)]
    return RingTruth(
        plan.ring_id,
        acc,
        roles,
        cities,
        phones,
        plan.typologies,
        int(times[0]),
        int(when.max()),
        int(cents.sum()),
        holdings,
    )


def _holdings(acc: I64, flows: list[Flow], reports: list[Report]) -> dict[int, int]:
    held: dict[int, int] = {}
    for report in reports:
        held[report.receiving_account] = held.get(report.receiving_account, 0) + report.cents
    for src, dst, _, amount in flows:
        held[int(acc[src])] = held.get(int(acc[src]), 0) - amount
        held[int(acc[dst])] = held.get(int(acc[dst]), 0) + amount
    return {a: c for a, c in held.items() if c > 0}


def _links(ctx: RingContext, plan: RingPlan, phones: I64, ledger: Ledger) -> None:
    """Members share a handful of devices (two each at most) and one IP per city."""
    rng, acc, n = ctx.rng, ctx.accounts, plan.size
    ledger.link(acc, PHONE, phones)
    devices = max(2, n // 5)
    base = 500_000_000 + plan.ring_id * 1000
    ledger.link(acc, DEVICE, base + np.arange(n) % devices)
    second = rng.random(n) < 0.5
    ledger.link(acc[second], DEVICE, base + rng.integers(0, devices, size=int(second.sum())))
    city = np.arange(n) % len(plan.cities)
    ledger.link(acc, IP, base + 900 + city)


def _camouflage(ctx: RingContext, start: int, span: int, ledger: Ledger) -> None:
    """Members shop, and exchange a few small payments with two ordinary friends each."""
    rng, acc = ctx.rng, ctx.accounts
    n = len(acc)
    who = np.repeat(np.arange(n), 8)
    shop = ctx.shops[rng.integers(0, len(ctx.shops), size=len(who))]
    times = start + rng.integers(0, span + 30 * DAY, size=len(who))
    ledger.pay(
        acc[who], shop, times, np.round(rng.lognormal(np.log(6000), 0.8, len(who))).astype(np.int64)
    )
    friend = ctx.friends[rng.integers(0, len(ctx.friends), size=(n, 2))]
    who = np.repeat(np.arange(n), 3)
    pal = friend[who, rng.integers(0, 2, size=len(who))]
    times = start - 30 * DAY + rng.integers(0, span, size=len(who))
    cents = np.round(rng.lognormal(np.log(20_000), 0.8, len(who))).astype(np.int64)
    ledger.pay(pal, acc[who], times, cents)
    who = np.repeat(np.arange(n), 2)  # strangers pay members (goods sold, small scams) ...
    stranger = ctx.friends[rng.integers(0, len(ctx.friends), size=len(who))]
    times = start + rng.integers(0, span, size=len(who))
    cents = np.round(rng.lognormal(np.log(30_000), 1.0, len(who))).astype(np.int64)
    ledger.pay(stranger, acc[who], times, cents)
    who = np.repeat(np.arange(n), 2)  # and pay their friends back now and then, while laundering
    pal = friend[who, rng.integers(0, 2, size=len(who))]
    times = start + rng.integers(0, span, size=len(who))
    cents = np.round(rng.lognormal(np.log(20_000), 0.8, len(who))).astype(np.int64)
    ledger.pay(acc[who], pal, times, cents)


def bridge(rng: np.random.Generator, a: RingTruth, b: RingTruth, ledger: Ledger) -> None:
    """Two rings working from the same place: three members of each on one IP, and one
    device passed between them (so that components alone cannot tell them apart)."""
    value = 800_000_000 + a.ring_id * 1000 + b.ring_id
    for ring in (a, b):
        chosen = ring.accounts[rng.choice(len(ring.accounts), size=3, replace=False)]
        ledger.link(chosen, IP, np.full(3, value))
        ledger.link(chosen[:1], DEVICE, np.full(1, value))
