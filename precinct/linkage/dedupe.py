"""Standalone dedupe of one file (no database): every input row with its resolved-person id,
like csvdedupe, so analysts can use the resolution outside the platform."""

from __future__ import annotations

import csv
from pathlib import Path

from precinct.core.tabular import read_rows
from precinct.linkage import cluster as clustering
from precinct.linkage import resolve
from precinct.linkage.backend import DUCKDB, Engine, check
from precinct.linkage.files import read_source
from precinct.linkage.mapping import SourceMapping

IDENTITY = ("name", "id_number", "birth_date", "phone", "address")


def dedupe_file(
    path: Path, mapping: SourceMapping, out: Path, threshold: float = 0.9, engine: Engine = DUCKDB
) -> int:
    """Write every input row with its resolved-person id (like csvdedupe); returns persons."""
    check(engine.backend)
    mapped = read_source(path, mapping)
    header, rows = read_rows(path) if path.suffix.lower() != ".parquet" else ([], [])
    records = [
        resolve.PersonRecord(
            str(r.row),
            **{k: str(r.values.get(k, "")) for k in IDENTITY},
        )
        for r in mapped
    ]
    pairs = resolve.score(records, engine=engine)
    names = clustering.cluster(
        [r.key for r in records],
        [clustering.Edge(p.left, p.right, p.probability) for p in pairs],
        (),
        threshold,
    )
    ids = {k: i for i, k in enumerate(sorted(set(names.values()), key=int), start=1)}
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["person_id", "row", *header])
        cells = dict(rows)
        for r in mapped:
            writer.writerow([ids[names[str(r.row)]], r.row, *cells.get(r.row, [])])
    return len(ids)
