"""Clustering scored pairs into resolved persons, with human judgements winning.

Pairs are merged strongest first (union-find).  A judgement "same" merges its two records
before any score is looked at; a judgement "not same" forbids any merge that would put its two
records in one cluster, whatever the scores say.  So every re-run honours every judgement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Judgement:
    left: str
    right: str
    same: bool


@dataclass(frozen=True)
class Edge:
    left: str
    right: str
    probability: float


class _Clusters:
    def __init__(self, keys: Iterable[str]) -> None:
        self.parent = {k: k for k in keys}
        self.members = {k: {k} for k in self.parent}
        self.apart: dict[str, set[str]] = {}

    def find(self, key: str) -> str:
        root = key
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[key] != root:
            self.parent[key], key = root, self.parent[key]
        return root

    def forbid(self, a: str, b: str) -> None:
        self.apart.setdefault(a, set()).add(b)
        self.apart.setdefault(b, set()).add(a)

    def _allowed(self, ra: str, rb: str) -> bool:
        small, big = sorted((self.members[ra], self.members[rb]), key=len)
        return not any(self.apart.get(k, set()) & big for k in small)

    def merge(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or not self._allowed(ra, rb):
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        return True


def cluster(
    keys: Sequence[str],
    edges: Sequence[Edge],
    judgements: Sequence[Judgement] = (),
    threshold: float = 0.9,
) -> dict[str, str]:
    """Each key's cluster, named by its smallest member key."""
    known = set(keys)
    sets = _Clusters(keys)
    for j in judgements:
        if j.left in known and j.right in known and not j.same:
            sets.forbid(j.left, j.right)
    for j in judgements:
        if j.left in known and j.right in known and j.same:
            sets.merge(j.left, j.right)
    for e in sorted(edges, key=lambda e: (-e.probability, e.left, e.right)):
        if e.probability >= threshold and e.left in known and e.right in known:
            sets.merge(e.left, e.right)
    names = {root: min(members) for root, members in sets.members.items()}
    return {k: names[sets.find(k)] for k in keys}
