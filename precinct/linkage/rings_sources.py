"""Ring inputs from sources read through their mappings (#5's layer): fraud reports, bank
transfers, call records, device/IP logins, account registrations and solved cases become the
transfers, shared-identifier links, cities and reports of the ring analysis.

Links: accounts that share a device, an IP, a holder's ID number or phone, a caller number or a
scam link in the reports paid into them, or an offender of one solved case. Cities: the account's
registration, and the call locations of its holder's phone and of the callers whose victims paid
into it. Victims' payments in the transfer records are matched to their report (same accounts,
within 30 minutes, amount equal or within a 1% fee: rings_match); a report without its
transfer adds it. The big sources (transfers, logins) are read by DuckDB (rings_fast)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from precinct.core.tabular import RowError, TableError
from precinct.linkage.files import read_source
from precinct.linkage.mapping import RING_KINDS, MappedRecord, SourceMapping, as_datetime
from precinct.linkage.rings_fast import fast_table
from precinct.linkage.rings_graph import Links, Transfers
from precinct.linkage.rings_match import Candidate, Matching, MatchParams, fits, match_reports
from precinct.linkage.rings_service import EPOCH, SHANGHAI, FraudReportIn, RingInputs

Records = dict[str, list[dict[str, Any]]]
_FAST = ("transfer", "device_seen")  # the big sources: read by DuckDB when the cells are plain


@dataclass
class RingSources:
    """The small sources as mapped records; every transfer in DuckDB (table `tr`: from, to,
    seconds of wall time, fen), never as Python objects (ten million of them)."""

    records: Records
    con: duckdb.DuckDBPyConnection
    transfers: int = 0


def read_ring_sources(sources: Iterable[tuple[Path, SourceMapping]]) -> RingSources:
    """Read every file through its mapping; all problems of all files in one error."""
    records: Records = defaultdict(list)
    errors: list[RowError] = []
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    tables: list[str] = []  # one table of transfers per file, never copied
    for k, (path, mapping) in enumerate(sources):
        if mapping.kind not in RING_KINDS:
            errors.append(RowError(path.name, None, None, f"{mapping.kind} is not a ring source"))
            continue
        if mapping.kind in _FAST and fast_table(con, path, mapping, f"src{k}"):
            _take_fast(con, f"src{k}", mapping.kind, records, tables)
            continue
        try:
            rows: list[MappedRecord] = read_source(path, mapping)
        except TableError as exc:
            errors += exc.errors
            continue
        if mapping.kind == "transfer":
            _insert_transfers(con, f"src{k}", [r.values for r in rows])
            tables.append(f"src{k}")
        else:
            records[mapping.kind] += [r.values for r in rows]
    _transfer_view(con, tables)
    if errors:
        con.close()
        raise TableError(errors)
    count = con.execute("SELECT count(*) FROM tr").fetchone()
    transfers = int(count[0]) if count else 0
    if not transfers and not records.get("fraud_report"):
        con.close()
        raise TableError([RowError("", None, None, "give transfers or fraud reports")])
    return RingSources(dict(records), con, transfers)


def _transfer_view(con: duckdb.DuckDBPyConnection, tables: list[str]) -> None:
    """`tr`: every transfer (f, o, s, c) with an id unique over the files."""
    parts = [
        f'SELECT from_account AS f, to_account AS o, "at" AS s, amount AS c, '
        f"{k * (1 << 40)} + rowid AS id FROM {table}"
        for k, table in enumerate(tables)
    ]
    empty = "SELECT NULL::VARCHAR AS f, NULL::VARCHAR AS o, 0 AS s, 0 AS c, 0 AS id WHERE false"
    con.execute(f"CREATE TEMP VIEW tr AS {' UNION ALL '.join(parts) or empty}")


def _take_fast(
    con: duckdb.DuckDBPyConnection, table: str, kind: str, records: Records, tables: list[str]
) -> None:
    if kind == "transfer":
        tables.append(table)
        return
    else:
        rows = con.execute(f"SELECT * FROM {table}")
        names = [d[0] for d in rows.description or []]
        records[kind] += [
            {n: v for n, v in zip(names, row, strict=True) if v is not None}
            for row in rows.fetchall()
        ]
    con.execute(f"DROP TABLE {table}")


def _table(con: duckdb.DuckDBPyConnection, sql: str, columns: dict[str, list[Any]]) -> None:
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


def _insert_transfers(
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
            "s": [_seconds(r["at"]) for r in rows],
            "c": [r["amount"] for r in rows],
        }
        _table(con, f"INSERT INTO {table} SELECT f::VARCHAR, o::VARCHAR, s, c FROM py", columns)


def _seconds(value: str) -> int:
    at = as_datetime(value)
    assert at is not None
    wall = at.astimezone(SHANGHAI).replace(tzinfo=None) if at.tzinfo else at
    return int((wall - EPOCH).total_seconds())


_LINKS = {  # kind -> (account field, [(link kind, value field), ...])
    "device_seen": ("account", [("device", "device"), ("ip", "ip")]),
    "bank_account": ("account", [("id", "id_number"), ("phone", "phone")]),
    "fraud_report": ("receiving_account", [("caller", "caller_phone"), ("url", "link")]),
    "solved_case": (
        "offender_account",
        [("id", "id_number"), ("phone", "offender_phone"), ("case", "case_number")],
    ),
}


def _shared(records: Records) -> list[tuple[str, str, str]]:
    pairs = []
    for kind, (account_field, values) in _LINKS.items():
        for r in records.get(kind, []):
            account = r.get(account_field)
            for link_kind, value_field in values:
                if account and r.get(value_field):
                    pairs.append((account, link_kind, str(r[value_field])))
    return pairs


def _holder_phones(records: Records) -> dict[str, set[str]]:
    phones: dict[str, set[str]] = defaultdict(set)
    for r in records.get("bank_account", []):
        if r.get("phone"):
            phones[r["account"]].add(r["phone"])
    for r in records.get("solved_case", []):
        if r.get("offender_account") and r.get("offender_phone"):
            phones[r["offender_account"]].add(r["offender_phone"])
    return phones


def _phones(records: Records) -> dict[str, set[str]]:
    """account -> phones of its holder and of the callers whose victims paid into it."""
    phones = _holder_phones(records)
    for r in records.get("fraud_report", []):
        if r.get("caller_phone"):
            phones[r["receiving_account"]].add(r["caller_phone"])
    return phones


def _call_cities(records: Records, phones: dict[str, set[str]]) -> dict[str, set[str]]:
    by_phone: dict[str, set[str]] = defaultdict(set)
    for r in records.get("call_record", []):
        by_phone[r["caller_phone"]].add(str(r["city"]))
    return {
        account: set().union(*(by_phone[p] for p in numbers))
        for account, numbers in phones.items()
        if any(by_phone.get(p) for p in numbers)
    }


def _reports(records: Records) -> list[FraudReportIn]:
    solved = {
        str(r["report_number"]) for r in records.get("solved_case", []) if r.get("report_number")
    }
    return [
        FraudReportIn(
            str(r["report_number"]),
            _seconds(r["at"]),
            r["victim_account"],
            r["receiving_account"],
            r["loss"],
            r.get("caller_phone", ""),
            str(r.get("app", "")),
            str(r["report_number"]) in solved,
        )
        for r in records.get("fraud_report", [])
    ]


def _matching(src: RingSources, reports: list[dict[str, Any]], params: MatchParams) -> Matching:
    """Candidates of every report among the transfers (DuckDB join), then the best of them."""
    src.con.execute(
        "CREATE OR REPLACE TEMP TABLE rep (k BIGINT, v VARCHAR, r VARCHAR, s BIGINT, c BIGINT)"
    )
    if reports:
        columns = {
            "k": list(range(len(reports))),
            "v": [r["victim_account"] for r in reports],
            "r": [r["receiving_account"] for r in reports],
            "s": [_seconds(r["at"]) for r in reports],
            "c": [r["loss"] for r in reports],
        }
        _table(src.con, "INSERT INTO rep SELECT k, v::VARCHAR, r::VARCHAR, s, c FROM py", columns)
    rows = src.con.execute(
        "SELECT rep.k, tr.id, tr.s - rep.s, tr.c - rep.c, tr.s, rep.c FROM rep JOIN tr "
        "ON tr.f = rep.v AND tr.o = rep.r AND tr.s BETWEEN rep.s - ? AND rep.s + ?",
        [params.window, params.window],
    ).fetchall()
    candidates = [
        Candidate(int(k), int(row), int(dt), int(dc), int(at))
        for k, row, dt, dc, at, loss in rows
        if fits(params, int(loss), int(dt), int(dc))
    ]
    return match_reports(len(reports), candidates)


def _arrays(
    src: RingSources, shared: list[tuple[str, str, str]], matching: Matching
) -> tuple[Transfers, Links | None, np.ndarray]:
    con = src.con
    con.execute("CREATE OR REPLACE TEMP TABLE extra (a VARCHAR, v BIGINT)")
    values = {v: i for i, v in enumerate(sorted({(k, v) for _, k, v in shared}))}
    if shared:
        columns: dict[str, list[Any]] = {
            "a": [a for a, _, _ in shared],
            "v": [values[(k, v)] for _, k, v in shared],
        }
        _table(con, "INSERT INTO extra SELECT a::VARCHAR, v FROM py", columns)
    numeric = _numeric_arrays(con, matching, bool(shared))
    if numeric is not None:
        return numeric
    con.execute("CREATE OR REPLACE TEMP TABLE paid (rid BIGINT)")
    if matching.matched:
        _table(con, "INSERT INTO paid SELECT rid FROM py", {"rid": list(matching.matched.values())})
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
    t = Transfers(
        np.asarray(arrays["src"], np.int64),
        np.asarray(arrays["dst"], np.int64),
        np.asarray(arrays["s"], np.int64),
        np.asarray(arrays["c"], np.int64),
        np.asarray(arrays["r"], bool),
        len(names),
    )
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


def _numeric_arrays(
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


def _notes(
    reports: list[dict[str, Any]], matching: Matching, src: RingSources
) -> dict[str, list[str]]:
    """Ambiguous reports: their number -> the tied transfers (time, amount)."""
    notes: dict[str, list[str]] = {}
    for k, rows in matching.ambiguous.items():
        found = src.con.execute(
            f"SELECT s, c FROM tr WHERE id IN ({','.join(map(str, rows))}) ORDER BY s"
        ).fetchall()
        notes[str(reports[k]["report_number"])] = [
            f"{(EPOCH + timedelta(seconds=int(s))).isoformat()} ¥{int(c) / 100:,.2f}"
            for s, c in found
        ]
    return notes


def ring_inputs_from(src: RingSources, params: MatchParams | None = None) -> RingInputs:
    """Transfers, links, cities and reports for the ring analysis; the DuckDB tables are
    dropped afterwards."""
    records = src.records
    reports = records.get("fraud_report", [])
    matching = _matching(src, reports, params or MatchParams())
    shared = _shared(records)
    t, links, names = _arrays(src, shared, matching)
    ambiguous = _notes(reports, matching, src)
    src.con.close()
    holders = _holder_phones(records)
    city = {r["account"]: str(r["city"]) for r in records.get("bank_account", []) if r.get("city")}
    return RingInputs(
        t,
        links,
        names,
        city,
        {a: min(p) for a, p in holders.items()},
        _reports(records),
        _call_cities(records, _phones(records)),
        ambiguous,
        [str(reports[k]["report_number"]) for k in matching.unmatched],
    )
