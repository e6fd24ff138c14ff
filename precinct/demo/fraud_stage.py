"""The demo's gang-discovery stage: two years of transfers with planted rings written as the
files a bureau receives (bank records, fraud reports, call records, logins, registrations,
solved cases), read back through their source mappings exactly as `precinct link rings-load`
reads them, rings found and stored, and the report lines (the two-city ring, its core, the
amount to freeze)."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from precinct.core.access import SYSTEM
from precinct.core.db import Database
from precinct.demo.fraud import FraudData, FraudSpec, generate, indexed
from precinct.demo.fraud_common import LINK_KINDS, PHONE
from precinct.demo.fraud_files import write_sources
from precinct.linkage import rings_service
from precinct.linkage.mapping import load_mapping
from precinct.linkage.rings_service import FraudReportIn, RingInputs
from precinct.linkage.rings_sources import read_ring_sources, ring_inputs_from


@dataclass(frozen=True)
class FraudStage:
    data: FraudData
    rings: list[dict[str, object]]
    seconds: float
    folder: str = ""
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    unmatched: int = 0


def ring_inputs(data: FraudData) -> RingInputs:
    t, links, acc = indexed(data)
    names = acc.astype(str).astype(object)
    city = {str(a): c for r in data.rings for a, c in zip(r.accounts, r.cities, strict=True)}
    phones = data.link_kind == PHONE
    phone = dict(
        zip(data.link_account[phones].astype(str), data.link_value[phones].astype(str), strict=True)
    )
    reports = [
        FraudReportIn(
            r.number,
            r.time,
            str(r.victim_account),
            str(r.receiving_account),
            r.cents,
            str(r.caller_phone),
            r.app,
            r.solved,
        )
        for r in data.reports
    ]
    assert LINK_KINDS[PHONE] == "phone"
    return RingInputs(t, links, names, city, phone, reports)


def load_sources(folder: Path, data: FraudData) -> RingInputs:
    """Write the data as mapped files into `folder` and read them back through the mappings."""
    pairs = write_sources(data, folder)
    return ring_inputs_from(read_ring_sources([(f, load_mapping(m)) for f, m in pairs]))


def run_fraud_stage(
    db: Database, seed: int, persons: int, folder: Path | None = None
) -> FraudStage:
    started = time.perf_counter()
    data = generate(FraudSpec(seed=seed, persons=persons, rings=10))
    with tempfile.TemporaryDirectory() as tmp:
        inputs = load_sources(folder or Path(tmp), data)
    with db.write() as session:
        rows = rings_service.analyse(session, SYSTEM, inputs)
        summary = [
            {
                "number": r.number,
                "accounts": r.accounts,
                "cities": r.cities,
                "freeze": r.freeze_yuan,
                "traced": r.traced_yuan,
                "core": [(m.account, m.role, m.city) for m in r.members[:3]],
            }
            for r in rows
        ]
    return FraudStage(
        data,
        summary,
        time.perf_counter() - started,
        str(folder or ""),
        inputs.ambiguous,
        len(inputs.unmatched),
    )


def fraud_lines(stage: FraudStage) -> list[str]:
    big = max(stage.rings, key=lambda r: int(str(r["accounts"])), default=None)
    lines = [
        f"Gang discovery: {len(stage.data.src):,} transfers over two years, "
        f"{len(stage.rings)} rings found ({len(stage.data.rings)} planted) "
        f"in {stage.seconds:.1f} s",
        f"  read through the source mappings from {stage.folder or 'a temporary folder'}; "
        f"{len(stage.data.reports) - stage.unmatched} of {len(stage.data.reports)} reports "
        f"matched to their bank transfer, {len(stage.ambiguous)} ambiguous",
    ]
    if big is not None:
        lines.append(
            f"  ring {big['number']}: {big['accounts']} accounts in {big['cities']}; "
            f"victims' money traced ¥{big['traced']:,}; to freeze ¥{big['freeze']:,}"
        )
        for account, role, city in big["core"]:  # type: ignore[attr-defined]
            lines.append(f"    core: {account} ({role}, {city})")
        lines.append(f"  open it at /rings/{big['number']}")
    total = sum(r["freeze"] for r in stage.rings)  # type: ignore[misc]
    lines.append(f"  all rings: ¥{total:,} to freeze")
    return lines
