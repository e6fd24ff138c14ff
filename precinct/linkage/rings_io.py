"""Plain files for the standalone ring and trace commands, read with DuckDB (ten million rows in
seconds) and checked strictly: every bad cell is reported as file:row:field, nothing is used.

T.csv: from_account, to_account, time, amount[, reported]; L.csv: account, kind, value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np

from precinct.core.tabular import RowError, TableError
from precinct.linkage.rings_graph import Links, Transfers

TRANSFER_COLUMNS = ("from_account", "to_account", "time", "amount")
LINK_COLUMNS = ("account", "kind", "value")
MAX_ERRORS = 20
EPOCH = datetime(1970, 1, 1)
_CHECKS = {
    "from_account": "{c} IS NULL OR trim({c}) = ''",
    "to_account": "{c} IS NULL OR trim({c}) = ''",
    "account": "{c} IS NULL OR trim({c}) = ''",
    "kind": "{c} IS NULL OR trim({c}) = ''",
    "value": "{c} IS NULL OR trim({c}) = ''",
    "time": "TRY_CAST({c} AS TIMESTAMP) IS NULL",
    "amount": "TRY_CAST({c} AS DECIMAL(18,2)) IS NULL OR TRY_CAST({c} AS DECIMAL(18,2)) <= 0",
    "reported": "{c} IS NOT NULL AND lower(trim({c})) NOT IN ('', '0', '1', 'true', 'false')",
}
_MESSAGES = {
    "time": "not a date and time (use 2025-03-01T14:05:00)",
    "amount": "not a positive amount in yuan",
    "reported": "must be 0, 1, true or false",
}


@dataclass(frozen=True)
class Loaded:
    transfers: Transfers
    links: Links | None
    names: np.ndarray  # account index -> account text


def _columns(con: duckdb.DuckDBPyConnection, path: Path, needed: tuple[str, ...]) -> list[str]:
    if not path.is_file():
        raise TableError([RowError(path.name, None, None, "no such file")])
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {_CSV}", [str(path)]).fetchall()
    except duckdb.Error as exc:
        raise TableError([RowError(path.name, None, None, f"unreadable CSV: {exc}")]) from exc
    columns = [row[0].strip().lower() for row in rows]
    missing = [c for c in needed if c not in columns]
    if missing:
        raise TableError([RowError(path.name, 1, None, f"missing column(s): {', '.join(missing)}")])
    return columns


_CSV = "read_csv(?, all_varchar=true, header=true, strict_mode=true, null_padding=false)"
_CASTS = {
    "from_account": "trim(from_account)",
    "to_account": "trim(to_account)",
    "account": "trim(account)",
    "kind": "lower(trim(kind))",
    "value": "trim(value)",
    "time": "CAST(time AS TIMESTAMP)",
    "amount": "CAST(amount AS DECIMAL(18,2))",
    "reported": "coalesce(lower(trim(reported)) IN ('1', 'true'), false)",
}
_BAD = {
    "from_account": "from_account = ''",
    "to_account": "to_account = ''",
    "account": "account = ''",
    "kind": "kind = ''",
    "value": "value = ''",
    "amount": "amount <= 0",
}


def _typed(con: duckdb.DuckDBPyConnection, path: Path, table: str, columns: list[str]) -> bool:
    """The fast path: read and convert in one parallel pass; False when any cell is bad."""
    wanted = [c for c in columns if c in _CASTS]
    select = ", ".join(f'{_CASTS[c]} AS "{c}"' for c in wanted)
    try:
        con.execute(f"CREATE TABLE {table} AS SELECT {select} FROM {_CSV}", [str(path)])
    except duckdb.Error:
        return False
    nulls = [f'"{c}" IS NULL' for c in wanted] + [_BAD[c] for c in wanted if c in _BAD]
    bad = con.execute(f"SELECT count(*) FROM {table} WHERE {' OR '.join(nulls)}").fetchone()
    return bad is not None and bad[0] == 0


def _errors(con: duckdb.DuckDBPyConnection, path: Path, columns: list[str]) -> TableError:
    """The slow path, only for a bad file: every bad cell as file:row:field."""
    con.execute(f"CREATE OR REPLACE TABLE raw AS SELECT * FROM {_CSV}", [str(path)])
    errors: list[RowError] = []
    for column in columns:
        if column not in _CHECKS:
            continue
        test = _CHECKS[column].format(c=f'"{column}"')
        rows = con.execute(
            f'SELECT rowid, "{column}" FROM raw WHERE {test} ORDER BY rowid LIMIT {MAX_ERRORS}'
        ).fetchall()
        for rowid, value in rows:
            message = _MESSAGES.get(column, "empty")
            errors.append(RowError(path.name, int(rowid) + 2, column, f"{message}: {value!r}"))
    errors.sort(key=lambda e: (e.row or 0, e.field or ""))
    if not errors:
        errors.append(RowError(path.name, None, None, "unreadable CSV"))
    return TableError(errors[:MAX_ERRORS])


def _table(
    con: duckdb.DuckDBPyConnection, path: Path, table: str, needed: tuple[str, ...]
) -> list[str]:
    columns = _columns(con, path, needed)
    if not _typed(con, path, table, columns):
        raise _errors(con, path, columns)
    return columns


def load(transfers: Path, links: Path | None = None) -> Loaded:
    """Read, check and index the files; accounts are numbered in text order."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    columns = _table(con, transfers, "t", TRANSFER_COLUMNS)
    if links is not None:
        _table(con, links, "l", LINK_COLUMNS)
    reported = "t.reported" if "reported" in columns else "false"
    account_sql = "SELECT from_account AS a FROM t UNION SELECT to_account FROM t"
    if links is not None:
        account_sql += " UNION SELECT account FROM l"
    con.execute(
        "CREATE TABLE acc AS SELECT a, (row_number() OVER (ORDER BY a)) - 1 AS i "
        f"FROM ({account_sql})"
    )
    arrays = con.execute(
        "SELECT f.i AS src, o.i AS dst, epoch(t.time)::BIGINT AS s, "
        f"CAST(t.amount * 100 AS BIGINT) AS c, {reported} AS r "
        "FROM t JOIN acc f ON f.a = t.from_account JOIN acc o ON o.a = t.to_account "
        "ORDER BY s, t.rowid"
    ).fetchnumpy()
    names = con.execute("SELECT a FROM acc ORDER BY i").fetchnumpy()["a"]
    n = len(names)
    t = Transfers.from_columns(arrays, n)
    shared = None
    if links is not None:
        rows = con.execute(
            "SELECT a.i AS account, dense_rank() OVER (ORDER BY kind, value) AS v "
            "FROM l JOIN acc a ON a.a = l.account"
        ).fetchnumpy()
        shared = Links(np.asarray(rows["account"], np.int64), np.asarray(rows["v"], np.int64))
    con.close()
    return Loaded(t, shared, np.asarray(names, dtype=object))


def parse_time(text: str) -> int:
    try:
        return int((datetime.fromisoformat(text).replace(tzinfo=None) - EPOCH).total_seconds())
    except ValueError as exc:
        raise ValueError(f"not a date and time: {text!r} (use 2025-03-01T14:05:00)") from exc


def iso(seconds: int) -> str:
    return (EPOCH + timedelta(seconds=seconds)).isoformat()
