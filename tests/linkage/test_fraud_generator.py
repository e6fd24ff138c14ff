from __future__ import annotations

import numpy as np

from precinct.demo.fraud import BIG_RING_CENTS, BIG_RING_SIZE, FraudSpec, generate
from precinct.demo.fraud_common import luhn_complete


def test_cards_pass_the_luhn_check() -> None:
    assert luhn_complete(np.array([622202000010000001], dtype=np.int64))[0] == 6222020000100000017


def test_two_city_ring_of_72_with_exact_money() -> None:
    d = generate(FraudSpec(seed=1, persons=2000, rings=3))
    big = d.rings[0]
    assert len(big.accounts) == BIG_RING_SIZE
    assert set(big.cities) == {"广州", "南宁"}
    assert big.laundered_cents == BIG_RING_CENTS
    assert sum(big.holdings.values()) == BIG_RING_CENTS  # money moved inside the ring adds up
    assert np.all(np.diff(d.time) >= 0)
    reported = d.cents[d.reported].sum()
    assert reported == sum(r.laundered_cents for r in d.rings)
    assert len(d.reports) == int(d.reported.sum())


def test_same_seed_same_data() -> None:
    a, b = (
        generate(FraudSpec(seed=5, persons=1000, rings=2)),
        generate(FraudSpec(seed=5, persons=1000, rings=2)),
    )
    assert np.array_equal(a.src, b.src) and np.array_equal(a.cents, b.cents)
