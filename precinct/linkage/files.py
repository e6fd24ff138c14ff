"""Reading a source file (CSV, XLSX or Parquet) through a mapping: records with provenance."""

from __future__ import annotations

from pathlib import Path

from precinct.core.tabular import RowError, TableError, read_rows
from precinct.linkage.mapping import MappedRecord, SourceMapping, apply_mapping


def _parquet_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import duckdb

    try:
        rel = duckdb.read_parquet(str(path))
        header = list(rel.columns)
        rows = rel.fetchall()
    except duckdb.Error as exc:
        raise TableError([RowError(path.name, None, None, f"not a Parquet file: {exc}")]) from None
    text = [["" if v is None else str(v) for v in row] for row in rows]
    return header, [(i, cells) for i, cells in enumerate(text, start=2)]


def read_source(path: Path, mapping: SourceMapping) -> list[MappedRecord]:
    """Every row mapped, or ``TableError`` listing every bad cell (nothing is half-read)."""
    if not path.is_file():
        raise TableError([RowError(path.name, None, None, "no such file")])
    if path.suffix.lower() == ".parquet":
        header, rows = _parquet_rows(path)
    else:
        header, rows = read_rows(path)
    return apply_mapping(mapping, path.name, header, rows)
