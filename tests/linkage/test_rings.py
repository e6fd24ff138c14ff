from __future__ import annotations

import numpy as np

from precinct.demo.fraud import FraudSpec, generate
from precinct.linkage.flow import TraceParams
from precinct.linkage.rings import RingParams, discover, seed_accounts
from precinct.linkage.rings_graph import GraphCaps, Links, Transfers, build_graph, link_pairs
from tests.linkage.rings_helpers import transfers


def test_degree_cap_turns_a_hub_into_an_island() -> None:
    # account 0 deals with 10 accounts (a hub at cap 5); 1–2 trade with each other.
    rows = [(i, 0, i, 10.0) for i in range(1, 11)] + [(1, 2, 20, 5.0)]
    t = transfers(rows)
    g = build_graph(t, None, GraphCaps(max_degree=5))
    assert g.hubs.tolist() == [True] + [False] * 10
    assert g.graph.degree(0) == 0
    assert g.graph.are_adjacent(1, 2)
    assert (
        g.graph.connected_components().membership[1] != g.graph.connected_components().membership[3]
    )


def test_identifier_shared_by_too_many_accounts_links_nobody() -> None:
    links = Links(np.array([0, 1, 2, 3, 4, 5, 6]), np.array([9, 9, 9, 9, 9, 7, 7]))
    lo, hi = link_pairs(links, 7, max_sharing=3)
    assert sorted(zip(lo.tolist(), hi.tolist(), strict=True)) == [(5, 6)]
    lo, hi = link_pairs(links, 7, max_sharing=5)
    assert len(lo) == 10 + 1


def test_fast_pass_through_accounts_seed_rings_without_reports() -> None:
    t = transfers(
        [(0, 1, 0, 20_000), (1, 2, 30, 20_000), (3, 4, 0, 20_000), (4, 5, 60 * 48, 20_000)]
    )
    seeds = seed_accounts(t)
    assert seeds[1] and not seeds[4]


def _indexed(spec: FraudSpec) -> tuple[Transfers, Links, dict[int, set[int]], dict[int, str]]:
    d = generate(spec)
    acc, inv = np.unique(np.concatenate([d.src, d.dst, d.link_account]), return_inverse=True)
    m = len(d.src)
    t = Transfers(inv[:m], inv[m : 2 * m], d.time, d.cents, d.reported, len(acc))
    _, values = np.unique(d.link_kind * 10**12 + d.link_value, return_inverse=True)
    truth = {r.ring_id: set(np.searchsorted(acc, r.accounts).tolist()) for r in d.rings}
    roles = {int(np.searchsorted(acc, a)): role for a, role in d.role_of().items()}
    return t, Links(inv[2 * m :], values), truth, roles


def test_planted_rings_are_recovered_with_their_roles() -> None:
    t, links, truth, roles = _indexed(FraudSpec(seed=3, persons=4000, rings=6))
    found, _, _ = discover(t, links, GraphCaps(), RingParams(), TraceParams())
    sets = [set(r.accounts) for r in found]
    best = {rid: max(len(s & f) / len(s | f) for f in sets) for rid, s in truth.items()}
    assert sum(j >= 0.5 for j in best.values()) >= len(best) - 1, best  # 90% on the bench
    assert best[1] >= 0.9
    big = next(r for r in found if len(truth[1] & set(r.accounts)) > 50)
    right = sum(roles.get(m.account) == m.role for m in big.members)
    assert right / len(big.members) >= 0.8
    assert roles[big.core(1)[0].account] == "organiser"
