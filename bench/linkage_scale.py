"""Benchmark: entity resolution of a million person records (Splink on DuckDB). Prints figures,
asserts nothing.

    .venv/bin/python bench/linkage_scale.py                   # 1,000,000 residents
    .venv/bin/python bench/linkage_scale.py --people 100000 --threads 2 --memory 6GB

The records are N residents' registrations (demo towns of 100,000) plus ~10 % noisy duplicates
(romanised and homophone names, ID typos, missing phones), as in ``linkage_febrl.py --only
scale``.  Generating them is not timed; everything from normalising the records to the clusters
is, stage by stage: normalise (pinyin, IDs, addresses), each training step, the pairs each
prediction blocking rule yields, prediction, clustering.  Pairwise F1 against the generator's
truth; peak RSS of the whole process (DuckDB runs in process, so it is counted).
"""

from __future__ import annotations

import argparse
import logging
import resource
import time
from collections.abc import Callable
from typing import Any

from linkage_febrl import THRESHOLD, scale_records
from splink.blocking_analysis import count_comparisons_from_blocking_rule

from precinct.linkage import resolve
from precinct.linkage.backend import Engine, db_api
from precinct.linkage.cluster import Edge, cluster
from precinct.linkage.evaluate import pair_scores

logging.getLogger("splink").setLevel(logging.ERROR)


def _timed(stages: list[tuple[str, float]], name: str, step: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    out = step()
    stages.append((name, time.perf_counter() - started))
    return out


def _rule_pairs(frame: Any, engine: Engine) -> list[str]:
    """How many pairs each prediction blocking rule yields (the cost of prediction)."""
    lines = []
    for rule in resolve.settings().blocking_rules_to_generate_predictions:
        counts = count_comparisons_from_blocking_rule(
            table_or_tables=frame,
            blocking_rule=rule,  # type: ignore[arg-type]
            link_type="dedupe_only",
            db_api=db_api(engine),
            unique_id_column_name="key",
        )
        sql = rule.get_blocking_rule("duckdb").blocking_rule_sql  # type: ignore[union-attr]
        lines.append(
            f"    {counts['number_of_comparisons_to_be_scored_post_filter_conditions']:>12,}  {sql}"
        )
    return lines


def run(people: int, engine: Engine, rules: bool) -> list[str]:
    records, truth = scale_records(people)
    stages: list[tuple[str, float]] = []
    started = time.perf_counter()
    frame = _timed(stages, "normalise", lambda: resolve.frame(records))
    linker = _timed(
        stages, "load", lambda: resolve.Linker(frame, resolve.settings(), db_api=db_api(engine))
    )
    _timed(stages, "train", lambda: resolve.train(linker))
    pairs = _timed(stages, "predict", lambda: resolve.predict(linker))
    edges = [Edge(p.left, p.right, p.probability) for p in pairs]
    found = _timed(
        stages, "cluster", lambda: cluster([r.key for r in records], edges, threshold=THRESHOLD)
    )
    seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    s = pair_scores(found, truth)
    lines = [
        f"scale: {len(records):,} records, {len(pairs):,} scored pairs, "
        f"threads {engine.threads or 'all'}, memory limit {engine.memory_limit}",
        f"  total {seconds:.0f} s (target <= 300)   peak RSS {peak_gb:.1f} GB (target <= 8)",
        f"  precision {s.precision:.4f}  recall {s.recall:.4f}  F1 {s.f1:.4f}",
        "  " + "  ".join(f"{name} {sec:.0f} s" for name, sec in stages),
    ]
    if rules:
        lines += ["  pairs per prediction blocking rule:", *_rule_pairs(frame, engine)]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: every core)")
    parser.add_argument("--memory", default="6GB", help="DuckDB memory limit")
    parser.add_argument("--rules", action="store_true", help="count pairs per blocking rule")
    args = parser.parse_args()
    print("\n".join(run(args.people, Engine("duckdb", args.threads, args.memory), args.rules)))


if __name__ == "__main__":
    main()
