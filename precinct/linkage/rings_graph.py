"""The account graph for ring discovery: accounts joined by transfers and by shared identifiers
(phone, device, IP), with degree caps so that hubs (a bank's clearing account, a payment app, a
busy shop, a carrier-NAT IP) do not weld everything into one component.

Pure: numpy arrays in, an igraph graph out. Accounts are indices 0..n-1."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import igraph as ig
import numpy as np
from numpy.typing import NDArray

I64 = NDArray[np.int64]


@dataclass(frozen=True)
class Transfers:
    """Transfers in time order; `reported` marks a victim's payment named in a fraud report."""

    src: I64
    dst: I64
    time: I64  # seconds
    cents: I64
    reported: NDArray[np.bool_]
    accounts: int  # number of distinct accounts (indices run 0..accounts-1)

    def __len__(self) -> int:
        return len(self.src)

    @classmethod
    def from_columns(cls, columns: Mapping[str, Any], accounts: int) -> Transfers:
        """From a query's columns `src`, `dst`, `s` (seconds), `c` (cents), `r` (reported)."""
        return cls(
            np.asarray(columns["src"], np.int64),
            np.asarray(columns["dst"], np.int64),
            np.asarray(columns["s"], np.int64),
            np.asarray(columns["c"], np.int64),
            np.asarray(columns["r"], bool),
            accounts,
        )


@dataclass(frozen=True)
class Links:
    """Shared identifiers: account index and identifier index (same value = same identifier)."""

    account: I64
    value: I64


@dataclass(frozen=True)
class GraphCaps:
    max_degree: int = 100  # an account dealing with more distinct accounts is a hub
    max_sharing: int = 50  # an identifier shared by more accounts joins nobody
    link_weight: float = 2.0


@dataclass(frozen=True)
class AccountGraph:
    graph: ig.Graph  # undirected, weighted; every account is a vertex, hubs have no edges
    hubs: NDArray[np.bool_]
    degree: I64  # distinct counterparties through transfers (before the cap)


def pair_counts(lo: I64, hi: I64, n: int) -> tuple[I64, I64, I64]:
    """Distinct undirected pairs and how many times each occurs."""
    keys, counts = np.unique(lo * n + hi, return_counts=True)
    return keys // n, keys % n, counts.astype(np.int64)


def transfer_degree(t: Transfers) -> tuple[I64, I64, I64, I64]:
    lo, hi = np.minimum(t.src, t.dst), np.maximum(t.src, t.dst)
    a, b, counts = pair_counts(lo, hi, t.accounts)
    degree = np.bincount(a, minlength=t.accounts) + np.bincount(b, minlength=t.accounts)
    return a, b, counts, degree.astype(np.int64)


def link_pairs(links: Links, n: int, max_sharing: int) -> tuple[I64, I64]:
    """Every pair of accounts sharing an identifier held by 2..max_sharing accounts."""
    order = np.lexsort((links.account, links.value))
    account, value = links.account[order], links.value[order]
    keep = np.ones(len(account), dtype=bool)
    keep[1:] = (account[1:] != account[:-1]) | (value[1:] != value[:-1])
    account, value = account[keep], value[keep]
    _, start, size = np.unique(value, return_index=True, return_counts=True)
    lo_parts: list[I64] = []
    hi_parts: list[I64] = []
    for k in range(2, max_sharing + 1):
        groups = start[size == k]
        if len(groups) == 0:
            continue
        members = account[groups[:, None] + np.arange(k)]
        i, j = np.triu_indices(k, 1)
        lo_parts.append(np.minimum(members[:, i], members[:, j]).ravel())
        hi_parts.append(np.maximum(members[:, i], members[:, j]).ravel())
    if not lo_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(lo_parts), np.concatenate(hi_parts)


def build_graph(t: Transfers, links: Links | None, caps: GraphCaps) -> AccountGraph:
    n = t.accounts
    a, b, counts, degree = transfer_degree(t)
    hubs = degree > caps.max_degree
    edges = _with_links((a, b, counts.astype(np.float64)), links, caps, n, None)
    return _account_graph(edges, hubs, degree)


def _with_links(
    edges: tuple[I64, I64, NDArray[np.float64]],
    links: Links | None,
    caps: GraphCaps,
    n: int,
    eligible: NDArray[np.bool_] | None,
) -> tuple[I64, I64, NDArray[np.float64]]:
    """`edges` plus the shared-identifier pairs (between `eligible` accounts only, if given),
    weighted by `caps.link_weight` and merged with the edges they repeat."""
    if links is None or not len(links.account):
        return edges
    a, b, weight = edges
    la, lb = link_pairs(links, n, caps.max_sharing)
    if eligible is not None:
        both = eligible[la] & eligible[lb]
        la, lb = la[both], lb[both]
    la, lb, lc = pair_counts(la, lb, n)
    return _merge(
        np.concatenate([a, la]),
        np.concatenate([b, lb]),
        np.concatenate([weight, lc * caps.link_weight]),
        n,
    )


def _account_graph(
    edges: tuple[I64, I64, NDArray[np.float64]], hubs: NDArray[np.bool_], degree: I64
) -> AccountGraph:
    """The undirected weighted graph of `edges`, without hubs and self-loops."""
    a, b, weight = edges
    keep = ~hubs[a] & ~hubs[b] & (a != b)
    graph = ig.Graph(n=len(hubs), edges=np.stack([a[keep], b[keep]], axis=1), directed=False)
    graph.es["weight"] = weight[keep]
    return AccountGraph(graph, hubs, degree)


def _merge(
    a: I64, b: I64, weight: NDArray[np.float64], n: int
) -> tuple[I64, I64, NDArray[np.float64]]:
    keys, inverse = np.unique(a * n + b, return_inverse=True)
    summed = np.bincount(inverse, weights=weight).astype(np.float64)
    return keys // n, keys % n, summed


def evidence_graph(
    base: tuple[NDArray[np.bool_], I64],
    moves: tuple[I64, I64, I64],
    links: Links | None,
    caps: GraphCaps,
) -> AccountGraph:
    """The graph of what ties accounts to the victims' money: pairs that passed it on (weight:
    how many tainted transfers) and shared identifiers between accounts that both took it.
    Everyday ties (family, colleagues, the landlord) carry no victims' money and drop out, so
    a mule who rented out his salary card is not pulled back into his household. `base`: the
    hubs and the transfer degree of every account (the graph of all transfers is not built)."""
    hubs, degree = base
    n = len(hubs)
    src, dst, count = moves
    suspect = np.zeros(n, dtype=bool)
    suspect[dst] = True
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    tainted = _merge(lo, hi, count.astype(np.float64), n)
    return _account_graph(_with_links(tainted, links, caps, n, suspect), hubs, degree)
