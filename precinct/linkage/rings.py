"""Ring discovery: connected components of the capped account graph, Leiden (constant Potts
model, tuned resolution) inside the components too large to be one ring, then the communities
holding laundering seeds are rings. Each member gets a role and a core score (weighted PageRank).

Seeds are the accounts that received a reported victim payment; without reports, accounts that
pass most of their money on within a day (fast pass-through) seed the search."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from precinct.linkage.flow import Trace, TraceParams, trace_forward
from precinct.linkage.rings_graph import (
    I64,
    AccountGraph,
    GraphCaps,
    Links,
    Transfers,
    build_graph,
    evidence_graph,
    transfer_degree,
)

DAY = 86_400


@dataclass(frozen=True)
class RingParams:
    max_ring: int = 150  # components larger than this are split by Leiden
    max_evidence_ring: int = 4  # in the money graph: rings sharing a mule or a den are split
    evidence_resolution: float = 0.6  # CPM there: tainted transfers per pair of members
    resolution: float = 0.2  # CPM: a community's weighted density must exceed this
    iterations: int = 2  # Leiden passes (-1: until stable; 6x slower, no better on the bench)
    objective: str = "CPM"  # scale-free, unlike modularity whose useful resolution grows with
    # the graph (3 is right for 4 000 persons, 10 for 70 000)
    min_size: int = 4
    min_seeds: int = 2  # reported payments into the group (without reports: seed accounts)
    seed: int = 7  # Leiden's random seed, for repeatable results


@dataclass(frozen=True)
class Member:
    account: int
    role: str  # organiser, caller, mule, cash_out
    score: float  # PageRank of the money moved within the ring; the core member has 1.0


@dataclass(frozen=True)
class Ring:
    ring_id: int
    members: tuple[Member, ...]
    seeds: int  # members that received a reported (or fast pass-through) payment

    @property
    def accounts(self) -> list[int]:
        return [m.account for m in self.members]

    def core(self, count: int = 5) -> list[Member]:
        return sorted(self.members, key=lambda m: -m.score)[:count]


def fast_out_share(t: Transfers, window: int = DAY) -> NDArray[np.float64]:
    """Share of each account's outgoing money sent within `window` seconds of an inflow."""
    offset = int(t.time.min()) if len(t) else 0
    span = np.int64(1 << 32)
    in_keys = np.sort(t.dst * span + (t.time - offset))
    out_keys = np.sort(t.src * span + (t.time - offset))  # sorted queries: far fewer cache misses
    pos = np.searchsorted(in_keys, out_keys, side="right") - 1
    prev = in_keys[np.maximum(pos, 0)]
    src = out_keys // span
    fast = (pos >= 0) & (prev // span == src) & (out_keys - prev <= window)
    order = np.lexsort((t.time, t.src))  # the transfers in the order of out_keys
    total = np.bincount(t.src, weights=t.cents, minlength=t.accounts).astype(np.float64)
    quick = np.bincount(src, weights=t.cents[order] * fast, minlength=t.accounts)
    quick = quick.astype(np.float64)
    return np.divide(quick, total, out=np.zeros(t.accounts), where=total > 0)


def seed_accounts(t: Transfers) -> NDArray[np.bool_]:
    seeds = np.zeros(t.accounts, dtype=bool)
    if t.reported.any():
        seeds[t.dst[t.reported]] = True
        return seeds
    out = np.bincount(t.src, weights=t.cents, minlength=t.accounts).astype(np.float64)
    return (fast_out_share(t) >= 0.8) & (out >= 1_000_000)


def communities(g: AccountGraph, params: RingParams) -> I64:
    """Community label per account: components, with the big ones split by Leiden."""
    random.seed(params.seed)  # igraph draws from Python's random module
    comps = g.graph.connected_components()
    label = np.asarray(comps.membership, dtype=np.int64)
    sizes = np.bincount(label)
    next_label = len(sizes)
    for comp in np.flatnonzero(sizes > params.max_ring):
        vertices = np.flatnonzero(label == comp)
        sub = g.graph.induced_subgraph(vertices.tolist())
        parts = sub.community_leiden(
            objective_function=params.objective,
            weights="weight",
            resolution=params.resolution,
            n_iterations=params.iterations,
        )
        label[vertices] = next_label + np.asarray(parts.membership, dtype=np.int64)
        next_label += len(parts)
    return label


def find_rings(t: Transfers, g: AccountGraph, params: RingParams) -> list[Ring]:
    label = communities(g, params)
    seeds = seed_accounts(t) & ~g.hubs
    counts = np.bincount(label[seeds], minlength=label.max() + 1)
    sizes = np.bincount(label)
    evidence = counts
    if t.reported.any():  # two reported payments into one group, even into one account
        paid = t.dst[t.reported]
        paid = paid[~g.hubs[paid]]
        evidence = np.bincount(label[paid], minlength=label.max() + 1)
    chosen = np.flatnonzero((evidence >= params.min_seeds) & (sizes >= params.min_size))
    in_ring = np.zeros(label.max() + 1, dtype=bool)
    in_ring[chosen] = True
    ring_label = np.where(in_ring[label], label, -1)
    near = (ring_label[t.src] >= 0) | (ring_label[t.dst] >= 0)
    local = Transfers(
        t.src[near], t.dst[near], t.time[near], t.cents[near], t.reported[near], t.accounts
    )
    roles = _role_features(local, g.hubs).assign(ring_label, local)
    rings: list[Ring] = []
    for ring_id, comm in enumerate(chosen[np.argsort(-counts[chosen])], start=1):
        members = np.flatnonzero(label == comm)
        rank = _money_rank(members, local, ring_label == comm)
        member_roles = [roles[int(a)] for a in members]
        rings.append(
            Ring(
                ring_id,
                tuple(
                    Member(int(a), role, round(float(r), 4))
                    for a, role, r in zip(members, member_roles, rank, strict=True)
                ),
                int(counts[comm]),
            )
        )
    return rings


def _money_rank(members: I64, t: Transfers, inside: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Weighted centrality: PageRank of the money moved between members (directed, weighted by
    amount), so the organiser, to whom the cash-outs pay their cut, comes first."""
    import igraph as ig

    k = len(members)
    position = np.full(t.accounts, -1, dtype=np.int64)
    position[members] = np.arange(k)
    internal = inside[t.src] & inside[t.dst]
    keys = position[t.src[internal]] * k + position[t.dst[internal]]
    pairs, which = np.unique(keys, return_inverse=True)
    amount = np.bincount(which, weights=t.cents[internal]).astype(np.float64)
    graph = ig.Graph(n=k, edges=np.stack([pairs // k, pairs % k], axis=1), directed=True)
    rank = np.asarray(
        graph.pagerank(weights=amount.tolist() if len(amount) else None, directed=True)
    )
    return np.asarray(rank / rank.max(), dtype=np.float64)


@dataclass(frozen=True)
class _RoleFeatures:
    inflow: NDArray[np.float64]
    outflow: NDArray[np.float64]
    fast: NDArray[np.float64]
    received_reported: NDArray[np.bool_]
    to_hubs: NDArray[np.float64]  # paid into hubs (money services, apps): cashing out

    def assign(self, ring_label: I64, t: Transfers) -> dict[int, str]:
        """mule: passes money on fast; cash_out: keeps what ring members sent; organiser: keeps
        what the cash-outs sent; caller: the rest (little money, joined by devices, paid wages).
        `ring_label` is each account's ring (-1 outside any); transfers within a ring count."""
        inside = ring_label >= 0
        internal = inside[t.src] & (ring_label[t.src] == ring_label[t.dst])
        ring_in = np.bincount(
            t.dst[internal], weights=t.cents[internal], minlength=t.accounts
        ).astype(np.float64)
        keeps = (ring_in >= 0.5 * self.inflow) & (self.outflow < 0.6 * self.inflow)
        cashes = (ring_in >= 0.5 * self.inflow) & (self.to_hubs >= 0.5 * self.outflow)
        cashes &= self.outflow > 0
        passes = (self.fast >= 0.5) & (self.outflow > 0) & ~keeps & ~cashes
        mule = self.received_reported | passes
        holder = (keeps | cashes) & ~mule & (ring_in >= 100_000)
        cash_out = holder & (self._from(mule & inside, internal, t) >= 0.5 * ring_in)
        organiser = holder & ~cash_out & (self._from(cash_out, internal, t) >= 0.5 * ring_in)
        roles: dict[int, str] = {}
        for a in np.flatnonzero(inside).tolist():
            if mule[a]:
                roles[a] = "mule"
            elif cash_out[a]:
                roles[a] = "cash_out"
            else:
                roles[a] = "organiser" if organiser[a] else "caller"
        return roles

    @staticmethod
    def _from(
        senders: NDArray[np.bool_], internal: NDArray[np.bool_], t: Transfers
    ) -> NDArray[np.float64]:
        via = internal & senders[t.src]
        return np.bincount(t.dst[via], weights=t.cents[via], minlength=t.accounts).astype(
            np.float64
        )


def _role_features(t: Transfers, hubs: NDArray[np.bool_]) -> _RoleFeatures:
    received = np.zeros(t.accounts, dtype=bool)
    received[t.dst[t.reported]] = True
    exits = hubs[t.dst]
    return _RoleFeatures(
        np.bincount(t.dst, weights=t.cents, minlength=t.accounts).astype(np.float64),
        np.bincount(t.src, weights=t.cents, minlength=t.accounts).astype(np.float64),
        fast_out_share(t),
        received,
        np.bincount(t.src[exits], weights=t.cents[exits], minlength=t.accounts).astype(np.float64),
    )


def discover(
    t: Transfers,
    links: Links | None,
    caps: GraphCaps,
    params: RingParams,
    trace_params: TraceParams,
) -> tuple[list[Ring], AccountGraph, Trace]:
    """Rings and the victims' money: with reported payments, trace the money first and find
    the rings in the graph of who passed it on and who shares identifiers with whom (time,
    amounts and typology follow from the trace); without reports, in the capped graph of all
    transfers and identifiers, seeded by fast pass-through accounts."""
    seeds = np.flatnonzero(t.reported)
    if len(seeds):
        degree = transfer_degree(t)[3]
        hubs = degree > caps.max_degree
        trace = trace_forward(t, seeds, hubs, trace_params)
        if trace.counts:
            pairs = np.array(list(trace.counts), dtype=np.int64)
            counts = np.fromiter(trace.counts.values(), dtype=np.int64, count=len(pairs))
            moves = (pairs[:, 0], pairs[:, 1], counts)
            evidence = evidence_graph((hubs, degree), moves, links, caps)
            split_all = replace(
                params, max_ring=params.max_evidence_ring, resolution=params.evidence_resolution
            )
            return find_rings(t, evidence, split_all), evidence, trace
    graph = build_graph(t, links, caps)
    trace = trace_forward(t, seeds, graph.hubs, trace_params)
    return find_rings(t, graph, params), graph, trace
