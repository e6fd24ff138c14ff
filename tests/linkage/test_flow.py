from __future__ import annotations

import numpy as np

from precinct.linkage.flow import TraceParams, trace_backward, trace_forward
from tests.linkage.rings_helpers import no_hubs, transfers

P = TraceParams(min_cents=1)


def test_fan_out_split_adds_up_to_the_victims_payment() -> None:
    # victim 0 pays mule 1 10 000; 1 splits 6 000 / 4 000 to 2 and 3; 3 passes to 4.
    t = transfers([(0, 1, 0, 10_000), (1, 2, 10, 6_000), (1, 3, 11, 4_000), (3, 4, 20, 4_000)], {0})
    result = trace_forward(t, np.flatnonzero(t.reported), no_hubs(t), P)
    assert result.held == {2: 600_000, 4: 400_000}
    assert sum(result.held.values()) == result.seeded_cents == 1_000_000
    assert result.flows[(1, 3)] == 400_000


def test_payments_before_the_money_arrived_are_not_followed() -> None:
    # 1 pays 2 *before* the victim's money arrives: that money is not the victim's.
    t = transfers([(1, 2, 0, 5_000), (0, 1, 10, 5_000), (1, 3, 20, 5_000)], {1})
    result = trace_forward(t, np.flatnonzero(t.reported), no_hubs(t), P)
    assert 2 not in result.received
    assert result.held == {3: 500_000}


def test_mule_own_money_is_not_counted_twice() -> None:
    # 1 receives 3 000 from the victim, then sends 8 000 (5 000 of it its own): only 3 000 traced.
    t = transfers([(0, 1, 0, 3_000), (1, 2, 5, 8_000)], {0})
    result = trace_forward(t, np.flatnonzero(t.reported), no_hubs(t), P)
    assert result.held == {2: 300_000}


def test_cycle_ends_where_the_money_leaves_the_cycle() -> None:
    t = transfers(
        [(0, 1, 0, 900), (1, 2, 1, 900), (2, 3, 2, 900), (3, 1, 3, 900), (1, 4, 4, 900)], {0}
    )
    result = trace_forward(t, np.flatnonzero(t.reported), no_hubs(t), P)
    assert result.held == {4: 90_000}
    assert result.received[1] == 180_000  # through account 1 twice


def test_hub_is_an_exit_not_followed() -> None:
    t = transfers([(0, 1, 0, 1_000), (1, 5, 1, 400), (5, 6, 2, 400), (1, 2, 3, 600)], {0})
    hubs = no_hubs(t)
    hubs[5] = True
    result = trace_forward(t, np.flatnonzero(t.reported), hubs, P)
    assert result.exits == {5: 40_000}
    assert 6 not in result.received
    assert result.held == {2: 60_000}


def test_until_stops_the_trace_and_freeze_lists_largest_first() -> None:
    t = transfers([(0, 1, 0, 1_000), (1, 2, 10, 700), (1, 3, 20, 300)], {0})
    result = trace_forward(
        t, np.flatnonzero(t.reported), no_hubs(t), TraceParams(until=15 * 60, min_cents=1)
    )
    assert result.freeze(1) == [(2, 70_000, 600), (1, 30_000, 600)]


def test_backward_from_a_mule_finds_the_victims_in_time_order_only() -> None:
    # victims 0 and 5 pay 1; 1 pays 2; victim 6 pays 1 only after 1 paid 2.
    t = transfers([(0, 1, 0, 100), (5, 1, 1, 200), (1, 2, 5, 300), (6, 1, 9, 50)], {0, 1, 3})
    origins = trace_backward(t, 2, no_hubs(t), P)
    victims = sorted(int(t.src[o.transfer]) for o in origins)
    assert victims == [0, 5]
    assert {o.hops for o in origins} == {2}
