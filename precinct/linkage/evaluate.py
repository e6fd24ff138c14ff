"""Pairwise precision, recall and F1 of a clustering against the truth (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PairScores:
    true_pairs: int
    found_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(counts: Counter[Hashable]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pair_scores(found: Mapping[str, Hashable], truth: Mapping[str, Hashable]) -> PairScores:
    """Scores over the keys both mappings hold: same cluster vs same true entity."""
    keys = [k for k in found if k in truth]
    return PairScores(
        _pairs(Counter(truth[k] for k in keys)),
        _pairs(Counter(found[k] for k in keys)),
        _pairs(Counter((found[k], truth[k]) for k in keys)),
    )
