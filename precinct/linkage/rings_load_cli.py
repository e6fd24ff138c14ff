"""`precinct link rings-load`: read fraud reports, transfers, call records, device/IP logins,
account registrations and solved cases through their mappings, find the rings and store them
(the ring pages show them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from precinct.core.console import JsonOpt, emit, fail, writing
from precinct.core.tabular import TableError
from precinct.linkage import rings_service
from precinct.linkage.cli import CLI_ACTOR, app, load_mapping_or_fail
from precinct.linkage.rings_sources import read_ring_sources, ring_inputs_from


def _pair(text: str) -> tuple[Path, Path]:
    file, sep, mapping = text.partition("=")
    if not sep or not file or not mapping:
        fail(f"{text}: give FILE=MAPPING.yaml")
    return Path(file), Path(mapping)


@app.command("rings-load")
def rings_load(
    sources: Annotated[
        list[str], typer.Argument(help="FILE=MAPPING.yaml for each source (CSV/XLSX/Parquet).")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Find fraud rings in mapped sources and store them (all files checked first)."""
    pairs = [(file, load_mapping_or_fail(mapping)) for file, mapping in map(_pair, sources)]
    try:
        records = read_ring_sources(pairs)
    except TableError as exc:
        fail(f"{exc.count} problem(s), nothing analysed:\n{exc}")
    data = ring_inputs_from(records)
    with writing() as session:
        rows = [
            {
                "number": r.number,
                "accounts": r.accounts,
                "cities": r.cities,
                "reports": len(r.reports),
                "solved": r.solved_reports,
                "freeze_yuan": float(r.freeze_yuan),
            }
            for r in rings_service.analyse(session, CLI_ACTOR, data)
        ]
    emit(
        rows,
        as_json,
        lambda r: (
            f"{r['number']}: {r['accounts']} accounts, {r['cities'] or '-'}, "
            f"{r['reports']} reports ({r['solved']} solved), freeze ¥{r['freeze_yuan']:,.2f}"
        ),
    )
