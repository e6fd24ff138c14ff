"""The fast path of a mapped ring source: ten million bank transfers (or a million logins) read
through their mapping by DuckDB in one parallel pass, cleaned the way the mapping's value
types clean them (account digits, amounts in fen, wall-clock times, device serials).

When a cell does not have the plain form this path accepts (a time zone, a date in another
format, an amount with three decimals, a bad value), the caller reads the file the slow way,
row by row through the mapping, which either accepts the wider forms or reports every bad
cell as file:row:column: the fast path never decides that a file is bad."""

from __future__ import annotations

from pathlib import Path

import duckdb

from precinct.linkage.mapping import SourceMapping

# value type -> (cleaned value, the plain form the fast path accepts); {c} is the trimmed cell.
# Plain forms: digits only, at most two decimals, "YYYY-MM-DD HH:MM[:SS]" (constant patterns,
# compiled once; ten million rows in about a second per column).
_TYPES: dict[str, tuple[str, str]] = {
    "bank_account": ("{c}", "regexp_full_match({c}, '[0-9]{{8,30}}')"),
    "money": (
        "CAST(round(CAST({c} AS DECIMAL(18,2)) * 100) AS BIGINT)",
        "regexp_full_match({c}, '[0-9]+([.][0-9]{{1,2}})?') AND TRY_CAST({c} AS DECIMAL(18,2)) > 0",
    ),
    "datetime": (
        "epoch(CAST({c} AS TIMESTAMP))::BIGINT",
        "regexp_full_match({c}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[ T][0-9]{{2}}:[0-9]{{2}}"
        "(:[0-9]{{2}})?') AND TRY_CAST({c} AS TIMESTAMP) IS NOT NULL",
    ),
    "text": ("{c}", "true"),
    "device": ("upper({c})", "regexp_full_match({c}, '[0-9A-Za-z.]*')"),
    "serial": ("upper({c})", "regexp_full_match({c}, '[0-9A-Za-z.]*')"),
    "phone": ("{c}", "regexp_full_match({c}, '1[0-9]{{10}}')"),
}
# Parquet keeps types: a timestamp or a number is taken as it is, not through text.
_TYPED: dict[tuple[str, str], tuple[str, str]] = {
    ("datetime", "TIMESTAMP"): ("epoch({c})::BIGINT", "true"),
    ("money", "DECIMAL"): ("CAST(round({c} * 100) AS BIGINT)", "{c} > 0"),
    ("money", "DOUBLE"): ("CAST(round({c} * 100) AS BIGINT)", "{c} > 0"),
    ("money", "BIGINT"): ("{c} * 100", "{c} > 0"),
}


def _source_sql(path: Path) -> str:
    quoted = str(path).replace("'", "''")
    if path.suffix.lower() == ".parquet":
        return f"read_parquet('{quoted}')"
    return f"read_csv('{quoted}', all_varchar=true, header=true, strict_mode=true)"


def fast_table(
    con: duckdb.DuckDBPyConnection, path: Path, mapping: SourceMapping, table: str
) -> bool:
    """Create `table` (one column per mapped field, NULL when empty) from the file; False when
    the file needs the slow path (nothing is created then)."""
    if not path.is_file() or any(f.type not in _TYPES for f in mapping.fields):
        return False
    source = _source_sql(path)
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error:
        return False
    columns = {r[0].strip(): r[0] for r in described}
    kinds = {r[0].strip(): str(r[1]).split("(")[0] for r in described}
    if any(f.required and f.column not in columns for f in mapping.fields):
        return False
    cells, values, checks = [], [], []
    for f in mapping.fields:
        if f.column not in columns:
            values.append(f'NULL AS "{f.name}"')
            continue
        raw = columns[f.column].replace('"', '""')
        typed = _TYPED.get((f.type, kinds[f.column]))
        if typed is None and f.type != "text":  # the plain form has no spaces: no trim needed
            typed = _TYPES[f.type]
            cells.append(f'nullif(CAST("{raw}" AS VARCHAR), \'\') AS "{f.name}"')
        elif typed is None:
            typed = _TYPES[f.type]
            cells.append(f'nullif(trim(CAST("{raw}" AS VARCHAR)), \'\') AS "{f.name}"')
        else:
            cells.append(f'"{raw}" AS "{f.name}"')
        clean, plain = (part.format(c=f'"{f.name}"') for part in typed)
        values.append(f'CASE WHEN "{f.name}" IS NULL THEN NULL ELSE {clean} END AS "{f.name}"')
        empty = f'"{f.name}" IS NULL'
        checks.append(f"({empty} AND {f.required}) OR (NOT {empty} AND NOT ({plain}))")
    try:
        inner = f"SELECT {', '.join(cells)} FROM {source}"
        con.execute(
            f"CREATE TEMP TABLE {table} AS SELECT {', '.join(values)}, "
            f"({' OR '.join(checks) or 'false'}) AS _bad FROM ({inner})"
        )
        bad = con.execute(f"SELECT count(*) FROM {table} WHERE _bad").fetchone()
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS {table}")
        return False
    if bad is None or bad[0]:
        con.execute(f"DROP TABLE {table}")
        return False
    return True
