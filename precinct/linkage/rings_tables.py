"""DuckDB tables of the ring sources: the transfers of every file behind one view (never
copied), and the accounts numbered for the analysis, by hashing their numbers when they are
card numbers (ten million transfers) or by joining their texts otherwise."""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np

from precinct.linkage.rings_graph import Links, Transfers
from precinct.linkage.rings_match import Matching


def transfer_view(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """`tr`: every transfer (f, o, s, c) with an id unique over the files."""
    parts = [
        f'SELECT from_account AS f, to_account AS o, "at" AS s, amount AS c, '
        f"{k * (1 << 40)} + rowid AS id FROM {table}"
        for k, table in enumerate(tables)
    ]
    empty = "SELECT NULL::VARCHAR AS f, NULL::VARCHAR AS o, 0 AS s, 0 AS c, 0 AS id WHERE false"
    con.execute(f"CREATE TEMP VIEW tr AS {' UNION ALL '.join(parts) or empty}")


def python_table(con: duckdb.DuckDBPyConnection, sql: str, columns: dict[str, list[Any]]) -> None:
    """Run `sql` over the columns (Python lists) registered as the view `py`."""
    arrays = {
        k: np.array(v, dtype=object if v and isinstance(v[0], str) else np.int64)
        for k, v in columns.items()
    }
    con.register("py", arrays)
    try:
        con.execute(sql)
    finally:
        con.unregister("py")


def insert_transfers(
    con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]
) -> None:
    con.execute(
        f'CREATE TEMP TABLE {table} (from_account VARCHAR, to_account VARCHAR, "at" BIGINT, '
        "amount BIGINT)"
    )
    if rows:
        columns = {
            "f": [r["from_account"] for r in rows],
            "o": [r["to_account"] for r in rows],
            "s": [r["at"] for r in rows],  # seconds already
            "c": [r["amount"] for r in rows],
        }
        python_table(
            con, f"INSERT INTO {table} SELECT f::VARCHAR, o::VARCHAR, s, c FROM py", columns
        )


def account_arrays(
    con: duckdb.DuckDBPyConnection, shared: list[tuple[str, str, str]], matching: Matching
) -> tuple[Transfers, Links | None, np.ndarray]:
    """Transfers (reported ones marked, unmatched reports added) in time order, the shared
    identifiers as links, and the account texts, accounts numbered 0..n-1 in text order."""
    con.execute("CREATE OR REPLACE TEMP TABLE extra (a VARCHAR, v BIGINT)")
    values = {v: i for i, v in enumerate(sorted({(k, v) for _, k, v in shared}))}
    if shared:
        columns: dict[str, list[Any]] = {
            "a": [a for a, _, _ in shared],
            "v": [values[(k, v)] for _, k, v in shared],
        }
        python_table(con, "INSERT INTO extra SELECT a::VARCHAR, v FROM py", columns)
    numeric = _numericaccount_arrays(con, matching, bool(shared))
    if numeric is not None:
        return numeric
    con.execute("CREATE OR REPLACE TEMP TABLE paid (rid BIGINT)")
    if matching.matched:
        python_table(
            con, "INSERT INTO paid SELECT rid FROM py", {"rid": list(matching.matched.values())}
        )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE acc AS SELECT a, (row_number() OVER (ORDER BY a)) - 1 AS i "
        "FROM (SELECT f AS a FROM tr UNION SELECT o FROM tr UNION SELECT a FROM extra "
        "UNION SELECT v FROM rep UNION SELECT r FROM rep)"
    )
    unmatched = ",".join(str(k) for k in matching.unmatched) or "NULL"
    arrays = con.execute(
        "SELECT src, dst, s, c, r FROM ("
        "SELECT f.i AS src, o.i AS dst, tr.s, tr.c, paid.rid IS NOT NULL AS r, tr.id AS ord "
        "FROM tr JOIN acc f ON f.a = tr.f JOIN acc o ON o.a = tr.o "
        "LEFT JOIN paid ON paid.rid = tr.id "
        "UNION ALL SELECT f.i, o.i, rep.s, rep.c, true, 4611686018427387904 + rep.k "
        f"FROM rep JOIN acc f ON f.a = rep.v JOIN acc o ON o.a = rep.r WHERE rep.k IN ({unmatched})"
        ") ORDER BY s, ord"
    ).fetchnumpy()
    names = con.execute("SELECT a FROM acc ORDER BY i").fetchnumpy()["a"]
    links = con.execute("SELECT acc.i, extra.v FROM extra JOIN acc USING (a)").fetchnumpy()
    t = Transfers.from_columns(arrays, len(names))
    shared_links = Links(np.asarray(links["i"], np.int64), np.asarray(links["v"], np.int64))
    return t, (shared_links if shared else None), np.asarray(names, dtype=object)


def _number(column: str) -> str:
    """The account as a number when it has at most 19 digits and no leading zero (bank cards),
    else NULL (then the accounts are numbered by joining their texts)."""
    return (
        f"CASE WHEN length({column}) <= 19 AND {column}[1] <> '0' "
        f"THEN {column}::UBIGINT END AS {column}"
    )


def _factorize(numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct numbers in increasing order and each one's position among them (hashing:
    twenty million numbers in a second or two, where sorting them takes several)."""
    import pandas as pd

    codes, distinct = pd.factorize(numbers)
    order = np.argsort(distinct)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return np.asarray(distinct)[order], rank[codes]


def _numericaccount_arrays(
    con: duckdb.DuckDBPyConnection, matching: Matching, linked: bool
) -> tuple[Transfers, Links | None, np.ndarray] | None:
    """Accounts numbered by hashing their numbers; None when some account is not a number."""
    rep = con.execute(f"SELECT k, {_number('v')}, {_number('r')}, s, c FROM rep").fetchnumpy()
    extra = con.execute(f"SELECT {_number('a')}, v FROM extra").fetchnumpy()
    if any(np.ma.is_masked(x) for x in (rep["v"], rep["r"], extra["a"])):
        return None
    rows = con.execute(f"SELECT {_number('f')}, {_number('o')}, s, c, id FROM tr").fetchnumpy()
    if np.ma.is_masked(rows["f"]) or np.ma.is_masked(rows["o"]):
        return None
    add = np.isin(np.asarray(rep["k"]), np.asarray(matching.unmatched, dtype=np.int64))
    paid = np.isin(np.asarray(rows["id"]), np.fromiter(matching.matched.values(), np.int64))
    parts = [rows["f"], rep["v"][add], rows["o"], rep["r"][add], extra["a"], rep["v"], rep["r"]]
    keys, codes = _factorize(np.concatenate(parts))
    cut = np.cumsum([len(p) for p in parts])
    src, dst, linked_accounts = codes[: cut[1]], codes[cut[1] : cut[3]], codes[cut[3] : cut[4]]
    time = np.concatenate([rows["s"], rep["s"][add]]).astype(np.int64)
    cents = np.concatenate([rows["c"], rep["c"][add]]).astype(np.int64)
    reported = np.concatenate([paid, np.ones(int(add.sum()), bool)])
    ordinal = np.concatenate([rows["id"], (1 << 62) + np.asarray(rep["k"])[add]])
    order = np.lexsort((ordinal, time))
    t = Transfers(
        src[order].astype(np.int64),
        dst[order].astype(np.int64),
        time[order],
        cents[order],
        reported[order],
        len(keys),
    )
    links = Links(linked_accounts, np.asarray(extra["v"], np.int64))
    return t, (links if linked else None), keys.astype(str).astype(object)
