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

from precinct.core.tabular import RowError, TableError
from precinct.linkage.files import read_source
from precinct.linkage.mapping import RING_KINDS, MappedRecord, SourceMapping, as_datetime
from precinct.linkage.rings_fast import fast_table
from precinct.linkage.rings_match import Candidate, Matching, MatchParams, fits, match_reports
from precinct.linkage.rings_money import SHANGHAI
from precinct.linkage.rings_service import EPOCH, FraudReportIn, RingInputs
from precinct.linkage.rings_tables import (
    account_arrays,
    insert_transfers,
    python_table,
    transfer_view,
)

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
            moved = [{**r.values, "at": _seconds(r.values["at"])} for r in rows]
            insert_transfers(con, f"src{k}", moved)
            tables.append(f"src{k}")
        else:
            records[mapping.kind] += [r.values for r in rows]
    transfer_view(con, tables)
    if errors:
        con.close()
        raise TableError(errors)
    count = con.execute("SELECT count(*) FROM tr").fetchone()
    transfers = int(count[0]) if count else 0
    if not transfers and not records.get("fraud_report"):
        con.close()
        raise TableError([RowError("", None, None, "give transfers or fraud reports")])
    return RingSources(dict(records), con, transfers)


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
        python_table(
            src.con, "INSERT INTO rep SELECT k, v::VARCHAR, r::VARCHAR, s, c FROM py", columns
        )
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
    t, links, names = account_arrays(src.con, shared, matching)
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
