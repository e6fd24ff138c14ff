"""Ring inputs from sources read through their mappings (#5's layer): fraud reports, bank
transfers, call records, device/IP logins, account registrations and solved cases become the
transfers, shared-identifier links, cities and reports of the ring analysis.

Links: accounts that share a device, an IP, a holder's ID number or phone, a caller number or a
scam link in the reports paid into them, or an offender of one solved case. Cities: the account's
registration, and the call locations of its holder's phone and of the callers whose victims paid
into it. Victims' payments in the transfer records are matched to their report (same accounts,
minute and amount); a report without its transfer adds it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from precinct.core.tabular import RowError, TableError
from precinct.linkage.files import read_source
from precinct.linkage.mapping import RING_KINDS, MappedRecord, SourceMapping, as_datetime
from precinct.linkage.rings_graph import Links, Transfers
from precinct.linkage.rings_service import EPOCH, SHANGHAI, FraudReportIn, RingInputs

Records = dict[str, list[dict[str, Any]]]


def read_ring_sources(sources: Iterable[tuple[Path, SourceMapping]]) -> Records:
    """Read every file through its mapping; all problems of all files in one error."""
    records: Records = defaultdict(list)
    errors: list[RowError] = []
    for path, mapping in sources:
        if mapping.kind not in RING_KINDS:
            errors.append(RowError(path.name, None, None, f"{mapping.kind} is not a ring source"))
            continue
        try:
            rows: list[MappedRecord] = read_source(path, mapping)
        except TableError as exc:
            errors += exc.errors
            continue
        records[mapping.kind] += [r.values for r in rows]
    if errors:
        raise TableError(errors)
    if not records.get("transfer") and not records.get("fraud_report"):
        raise TableError([RowError("", None, None, "give transfers or fraud reports")])
    return dict(records)


def _seconds(value: str) -> int:
    at = as_datetime(value)
    assert at is not None
    wall = at.astimezone(SHANGHAI).replace(tzinfo=None) if at.tzinfo else at
    return int((wall - EPOCH).total_seconds())


@dataclass
class _Payments:
    rows: list[tuple[str, str, int, int, bool]] = field(default_factory=list)

    def arrays(self, index: dict[str, int]) -> Transfers:
        rows = sorted(self.rows, key=lambda r: r[2])
        return Transfers(
            np.array([index[r[0]] for r in rows], np.int64),
            np.array([index[r[1]] for r in rows], np.int64),
            np.array([r[2] for r in rows], np.int64),
            np.array([r[3] for r in rows], np.int64),
            np.array([r[4] for r in rows], bool),
            len(index),
        )


def _payments(records: Records) -> _Payments:
    reported = {
        (r["victim_account"], r["receiving_account"], _seconds(r["at"]) // 60, r["loss"])
        for r in records.get("fraud_report", [])
    }
    out = _Payments()
    matched = set()
    for r in records.get("transfer", []):
        key = (r["from_account"], r["to_account"], _seconds(r["at"]) // 60, r["amount"])
        out.rows.append((key[0], key[1], _seconds(r["at"]), key[3], key in reported))
        matched.add(key)
    for r in records.get("fraud_report", []):
        key = (r["victim_account"], r["receiving_account"], _seconds(r["at"]) // 60, r["loss"])
        if key not in matched:
            out.rows.append((key[0], key[1], _seconds(r["at"]), key[3], True))
            matched.add(key)
    return out


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


def ring_inputs_from(records: Records) -> RingInputs:
    payments = _payments(records)
    shared = _shared(records)
    names = sorted({a for r in payments.rows for a in r[:2]} | {a for a, _, _ in shared})
    index = {a: i for i, a in enumerate(names)}
    values = {v: i for i, v in enumerate(sorted({(k, v) for _, k, v in shared}))}
    links = Links(
        np.array([index[a] for a, _, _ in shared], np.int64),
        np.array([values[(k, v)] for _, k, v in shared], np.int64),
    )
    holders = _holder_phones(records)
    city = {r["account"]: str(r["city"]) for r in records.get("bank_account", []) if r.get("city")}
    return RingInputs(
        payments.arrays(index),
        links if shared else None,
        np.array(names, dtype=object),
        city,
        {a: min(p) for a, p in holders.items()},
        _reports(records),
        _call_cities(records, _phones(records)),
    )
