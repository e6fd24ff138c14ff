"""Clustering scored pairs: strongest first, judgements win over any score."""

from __future__ import annotations

from precinct.linkage.cluster import Edge, Judgement, cluster

KEYS = ["a", "b", "c", "d"]
EDGES = [Edge("a", "b", 0.99), Edge("b", "c", 0.95), Edge("c", "d", 0.5)]


def test_pairs_above_the_threshold_form_clusters() -> None:
    assert cluster(KEYS, EDGES, threshold=0.9) == {"a": "a", "b": "a", "c": "a", "d": "d"}


def test_not_same_splits_a_chain_and_same_joins_a_weak_pair() -> None:
    judged = [Judgement("a", "c", same=False), Judgement("c", "d", same=True)]
    got = cluster(KEYS, EDGES, judged, threshold=0.9)
    assert got["a"] == got["b"] != got["c"] == got["d"]


def test_judgements_on_unknown_keys_are_ignored() -> None:
    assert cluster(["a"], [], [Judgement("a", "z", same=True)]) == {"a": "a"}
