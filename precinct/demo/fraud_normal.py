"""Normal traffic the rings hide in, with the community structure of a real district: households
(allowances, shared device and home IP), workplaces of very different sizes (monthly payroll,
colleagues splitting bills, the office IP), neighbourhoods (local shops, landlords collecting
rent, friends mostly nearby), and hubs: a bank's clearing account, payment apps, and
money-service businesses (gold shops, currency and crypto OTC desks) that ordinary people use
now and then and that fraud rings cash out through. Vectorised with numpy: ten million
transfers take seconds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from precinct.demo.fraud_common import DAY, DAYS, DEVICE, I64, IP, PHONE, START, Ledger

MONTHS = DAYS // 30
NEIGHBOURHOOD = 500  # persons per neighbourhood (consecutive, so households stay together)
MONEY_SERVICES = 12


@dataclass(frozen=True)
class NormalSpec:
    persons: int
    shop_per_month: float = 2.5
    family_per_month: float = 1.0
    colleague_per_month: float = 0.4
    friend_per_month: float = 0.5
    app_per_month: float = 1.0
    clearing_per_month: float = 0.3
    money_service_per_month: float = 0.05


@dataclass
class Population:
    persons: I64  # person accounts
    employers: I64
    shops: I64
    hubs: I64  # the clearing account and the payment apps
    services: I64  # money-service businesses (shared cash-out points of the rings)
    phones: I64
    household: I64  # person index -> household number
    employer: I64  # person index -> employer index


def _times(rng: np.random.Generator, count: int) -> I64:
    """Times spread over the two years, mostly by day (07:00–23:00)."""
    day = rng.integers(0, DAYS, size=count)
    second = rng.integers(7 * 3600, 23 * 3600, size=count)
    return START + day * DAY + second


def _cents(rng: np.random.Generator, count: int, median_yuan: float, sigma: float) -> I64:
    return np.round(rng.lognormal(np.log(median_yuan * 100), sigma, size=count)).astype(np.int64)


def _counted(rng: np.random.Generator, n: int, per_month: float) -> I64:
    """Person index repeated a Poisson number of times (their events over the two years)."""
    counts = rng.poisson(per_month * MONTHS, size=n)
    return np.repeat(np.arange(n, dtype=np.int64), counts)


def _monthly(
    rng: np.random.Generator, payer: I64, payee: I64, day: int, cents: I64
) -> tuple[I64, I64, I64, I64]:
    month = np.repeat(np.arange(MONTHS, dtype=np.int64), len(payer))
    k = np.tile(np.arange(len(payer)), MONTHS)
    time = START + month * 30 * DAY + day * DAY + rng.integers(8 * 3600, 18 * 3600, size=len(k))
    return payer[k], payee[k], time, cents[k]


def _salaries(rng: np.random.Generator, pop: Population, ledger: Ledger) -> None:
    n = len(pop.persons)
    base = _cents(rng, n, 6500, 0.35)
    ledger.pay(*_monthly(rng, pop.employers[pop.employer], pop.persons, 9, base))


def _rent(rng: np.random.Generator, pop: Population, ledger: Ledger) -> None:
    """A third of households rent from a landlord of their neighbourhood (1 in 25 persons)."""
    n = len(pop.persons)
    heads = np.flatnonzero(np.r_[True, pop.household[1:] != pop.household[:-1]])
    tenants = heads[rng.random(len(heads)) < 0.33]
    hood = tenants // NEIGHBOURHOOD * NEIGHBOURHOOD
    landlord = np.minimum(
        hood + rng.integers(0, NEIGHBOURHOOD // 25, size=len(tenants)) * 25, n - 1
    )
    keep = pop.household[landlord] != pop.household[tenants]
    tenants, landlord = tenants[keep], landlord[keep]
    rent = _cents(rng, len(tenants), 2500, 0.3)
    src, dst, time, cents = _monthly(rng, pop.persons[tenants], pop.persons[landlord], 1, rent)
    ledger.pay(src, dst, time, cents)


def _pairs(
    rng: np.random.Generator, ledger: Ledger, who: I64, other: I64, yuan: float, pop: Population
) -> None:
    keep = other != who
    who, other = who[keep], other[keep]
    ledger.pay(
        pop.persons[who],
        pop.persons[other],
        _times(rng, len(who)),
        _cents(rng, len(who), yuan, 1.0),
    )


def _family(rng: np.random.Generator, pop: Population, spec: NormalSpec, ledger: Ledger) -> None:
    """Allowances and shared expenses between members of a household."""
    n = len(pop.persons)
    start = np.searchsorted(pop.household, pop.household, side="left")
    size = np.searchsorted(pop.household, pop.household, side="right") - start
    who = _counted(rng, n, spec.family_per_month)
    who = who[size[who] > 1]
    other = start[who] + rng.integers(0, size[who])
    _pairs(rng, ledger, who, other, 500, pop)


def _colleagues(
    rng: np.random.Generator, pop: Population, spec: NormalSpec, ledger: Ledger
) -> None:
    """Lunch and gift splits between colleagues of one employer (three each)."""
    n = len(pop.persons)
    order = np.argsort(pop.employer, kind="stable")
    first = np.searchsorted(pop.employer[order], pop.employer, side="left")
    size = np.searchsorted(pop.employer[order], pop.employer, side="right") - first
    pick = first[:, None] + rng.integers(0, 1 << 30, size=(n, 3)) % size[:, None]
    mates = order[pick]
    who = _counted(rng, n, spec.colleague_per_month)
    _pairs(rng, ledger, who, mates[who, rng.integers(0, 3, size=len(who))], 60, pop)


def _friends(rng: np.random.Generator, pop: Population, spec: NormalSpec, ledger: Ledger) -> None:
    """Four friends each, seven in ten from the same neighbourhood."""
    n = len(pop.persons)
    hood = np.arange(n) // NEIGHBOURHOOD * NEIGHBOURHOOD
    near = np.minimum(hood[:, None] + rng.integers(0, NEIGHBOURHOOD, size=(n, 4)), n - 1)
    far = rng.integers(0, n, size=(n, 4))
    friend = np.where(rng.random((n, 4)) < 0.3, far, near)
    who = _counted(rng, n, spec.friend_per_month)
    _pairs(rng, ledger, who, friend[who, rng.integers(0, 4, size=len(who))], 300, pop)


def _shopping(rng: np.random.Generator, pop: Population, spec: NormalSpec, ledger: Ledger) -> None:
    """Six favourite shops each, mostly in the neighbourhood."""
    n, shops = len(pop.persons), len(pop.shops)
    hoods = max(1, -(-n // NEIGHBOURHOOD))
    per_hood = max(1, shops // hoods)
    local = (np.arange(n) // NEIGHBOURHOOD)[:, None] * per_hood + rng.integers(0, per_hood, (n, 6))
    favourites = np.where(rng.random((n, 6)) < 0.8, local % shops, rng.integers(0, shops, (n, 6)))
    who = _counted(rng, n, spec.shop_per_month)
    shop = pop.shops[favourites[who, rng.integers(0, 6, size=len(who))]]
    ledger.pay(pop.persons[who], shop, _times(rng, len(who)), _cents(rng, len(who), 80, 1.0))


def _hubs(rng: np.random.Generator, pop: Population, spec: NormalSpec, ledger: Ledger) -> None:
    """Top-ups to and withdrawals from payment apps; transfers through the clearing account;
    now and then gold or foreign currency bought at a money-service business."""
    n = len(pop.persons)
    apps = pop.hubs[1:]
    for per_month, targets, inbound_share in (
        (spec.app_per_month, apps, 0.5),
        (spec.clearing_per_month, pop.hubs[:1], 0.5),
        (spec.money_service_per_month, pop.services, 0.9),
    ):
        who = _counted(rng, n, per_month)
        hub = targets[rng.integers(0, len(targets), size=len(who))]
        inbound = rng.random(len(who)) < inbound_share
        src = np.where(inbound, pop.persons[who], hub)
        dst = np.where(inbound, hub, pop.persons[who])
        ledger.pay(src, dst, _times(rng, len(who)), _cents(rng, len(who), 500, 1.0))


def _links(rng: np.random.Generator, pop: Population, ledger: Ledger, first_value: int) -> None:
    """Each account its holder's phone; a household shares a device and its home IP; colleagues
    share the office IP; three in ten are also seen on twenty public IPs (carrier NAT, cafés)."""
    n = len(pop.persons)
    ledger.link(pop.persons, PHONE, pop.phones)
    household = pop.household + first_value
    ledger.link(pop.persons, DEVICE, household)
    ledger.link(pop.persons, IP, household + n + 1)
    ledger.link(pop.persons, IP, pop.employer + first_value + 2 * n + 2)
    public = rng.random(n) < 0.3
    ip = first_value + 4 * n + rng.integers(0, 20, size=int(public.sum()))
    ledger.link(pop.persons[public], IP, ip)


def _employers(rng: np.random.Generator, n: int, count: int) -> I64:
    """Employer of each person: sizes from a few to hundreds (Zipf-like)."""
    weight = 1.0 / np.arange(1, count + 1) ** 0.9
    return rng.choice(count, size=n, p=weight / weight.sum()).astype(np.int64)


def plant_normal(
    rng: np.random.Generator, spec: NormalSpec, accounts: I64, ledger: Ledger
) -> Population:
    """Use `accounts` (normal_account_count of them) for persons, employers, shops and hubs."""
    n = spec.persons
    employers, shops = _sizes(n)
    cut = np.cumsum([n, employers, shops, 6, MONEY_SERVICES])
    pop = Population(
        persons=accounts[: cut[0]],
        employers=accounts[cut[0] : cut[1]],
        shops=accounts[cut[1] : cut[2]],
        hubs=accounts[cut[2] : cut[3]],
        services=accounts[cut[3] : cut[4]],
        phones=13_000_000_000 + rng.choice(999_999_999, size=n, replace=False).astype(np.int64),
        household=np.cumsum(rng.random(n) < 0.4).astype(np.int64),  # 2.5 persons on average
        employer=_employers(rng, n, employers),
    )
    _salaries(rng, pop, ledger)
    _rent(rng, pop, ledger)
    _family(rng, pop, spec, ledger)
    _colleagues(rng, pop, spec, ledger)
    _friends(rng, pop, spec, ledger)
    _shopping(rng, pop, spec, ledger)
    _hubs(rng, pop, spec, ledger)
    _links(rng, pop, ledger, first_value=1_000_000)
    return pop


def _sizes(persons: int) -> tuple[int, int]:
    return max(2, persons // 60), max(4, persons // 80)


def normal_account_count(persons: int) -> int:
    employers, shops = _sizes(persons)
    return persons + employers + shops + 6 + MONEY_SERVICES
