"""Normal traffic the rings hide in: salaries, shop purchases, transfers between friends, a
bank's clearing account and popular payment apps (hubs), shared home devices and public IPs.
Everything is vectorised with numpy so that ten million transfers take seconds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from precinct.demo.fraud_common import DAY, DAYS, DEVICE, I64, IP, PHONE, START, Ledger

MONTHS = DAYS // 30


@dataclass(frozen=True)
class NormalSpec:
    persons: int
    shop_per_month: float = 3.0
    friend_per_month: float = 0.5
    app_per_month: float = 1.0
    clearing_per_month: float = 0.4


@dataclass
class Population:
    persons: I64  # person accounts
    employers: I64
    shops: I64
    hubs: I64  # the clearing account and the payment apps
    phones: I64


def _times(rng: np.random.Generator, count: int) -> I64:
    """Times spread over the two years, mostly by day (07:00–23:00)."""
    day = rng.integers(0, DAYS, size=count)
    second = rng.integers(7 * 3600, 23 * 3600, size=count)
    return START + day * DAY + second


def _cents(rng: np.random.Generator, count: int, median_yuan: float, sigma: float) -> I64:
    return np.round(rng.lognormal(np.log(median_yuan * 100), sigma, size=count)).astype(np.int64)


def _salaries(rng: np.random.Generator, pop: Population, ledger: Ledger) -> None:
    n = len(pop.persons)
    employer = pop.employers[rng.integers(0, len(pop.employers), size=n)]
    base = _cents(rng, n, 6500, 0.35)
    month = np.repeat(np.arange(MONTHS, dtype=np.int64), n)
    who = np.tile(np.arange(n), MONTHS)
    time = START + month * 30 * DAY + 9 * DAY + rng.integers(8 * 3600, 18 * 3600, size=len(who))
    ledger.pay(employer[who], pop.persons[who], time, base[who])


def _counted(rng: np.random.Generator, n: int, per_month: float) -> I64:
    """Person index repeated a Poisson number of times (their events over the two years)."""
    counts = rng.poisson(per_month * MONTHS, size=n)
    return np.repeat(np.arange(n, dtype=np.int64), counts)


def _shopping(rng: np.random.Generator, pop: Population, spec: NormalSpec, ledger: Ledger) -> None:
    n = len(pop.persons)
    favourites = rng.integers(0, len(pop.shops), size=(n, 6))
    who = _counted(rng, n, spec.shop_per_month)
    shop = pop.shops[favourites[who, rng.integers(0, 6, size=len(who))]]
    ledger.pay(pop.persons[who], shop, _times(rng, len(who)), _cents(rng, len(who), 80, 1.0))


def _friends(rng: np.random.Generator, pop: Population, spec: NormalSpec, ledger: Ledger) -> None:
    """Friends live in blocks of 60 neighbours; three friends each, a few outside the block."""
    n = len(pop.persons)
    block = np.arange(n) // 60 * 60
    near = np.minimum(block[:, None] + rng.integers(0, 60, size=(n, 3)), n - 1)
    far = rng.integers(0, n, size=(n, 3))
    friend = np.where(rng.random((n, 3)) < 0.1, far, near)
    who = _counted(rng, n, spec.friend_per_month)
    other = friend[who, rng.integers(0, 3, size=len(who))]
    keep = other != who
    who, other = who[keep], other[keep]
    ledger.pay(
        pop.persons[who], pop.persons[other], _times(rng, len(who)), _cents(rng, len(who), 300, 1.0)
    )


def _hubs(rng: np.random.Generator, pop: Population, spec: NormalSpec, ledger: Ledger) -> None:
    """Top-ups to and withdrawals from payment apps; transfers through the clearing account."""
    n = len(pop.persons)
    apps = pop.hubs[1:]
    for per_month, hub_of in (
        (spec.app_per_month, lambda k: apps[rng.integers(0, len(apps), size=k)]),
        (spec.clearing_per_month, lambda k: np.full(k, pop.hubs[0])),
    ):
        who = _counted(rng, n, per_month)
        hub = hub_of(len(who))
        inbound = rng.random(len(who)) < 0.5
        src = np.where(inbound, pop.persons[who], hub)
        dst = np.where(inbound, hub, pop.persons[who])
        ledger.pay(src, dst, _times(rng, len(who)), _cents(rng, len(who), 500, 1.0))


def _links(rng: np.random.Generator, pop: Population, ledger: Ledger, first_value: int) -> None:
    """Each account its holder's phone; households of up to three share a device and home IP;
    everyone is seen on some of twenty public IPs (carrier NAT, café Wi-Fi)."""
    n = len(pop.persons)
    ledger.link(pop.persons, PHONE, pop.phones)
    household = np.cumsum(rng.random(n) < 0.5) + first_value
    ledger.link(pop.persons, DEVICE, household)
    ledger.link(pop.persons, IP, household + n + 1)
    public = rng.random(n) < 0.3
    ip = first_value + 3 * n + rng.integers(0, 20, size=int(public.sum()))
    ledger.link(pop.persons[public], IP, ip)


def plant_normal(
    rng: np.random.Generator, spec: NormalSpec, accounts: I64, ledger: Ledger
) -> Population:
    """Use `accounts` (enough card numbers) for persons, employers, shops and hubs."""
    n = spec.persons
    employers, shops = max(2, n // 150), max(4, n // 80)
    pop = Population(
        persons=accounts[:n],
        employers=accounts[n : n + employers],
        shops=accounts[n + employers : n + employers + shops],
        hubs=accounts[n + employers + shops : n + employers + shops + 6],
        phones=13_000_000_000 + rng.choice(999_999_999, size=n, replace=False).astype(np.int64),
    )
    _salaries(rng, pop, ledger)
    _shopping(rng, pop, spec, ledger)
    _friends(rng, pop, spec, ledger)
    _hubs(rng, pop, spec, ledger)
    _links(rng, pop, ledger, first_value=1_000_000)
    return pop


def normal_account_count(persons: int) -> int:
    return persons + max(2, persons // 150) + max(4, persons // 80) + 6
