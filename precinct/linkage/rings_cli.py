"""`precinct link rings` and `precinct link trace`: ring discovery and money tracing over plain
files, for analysts outside the platform."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from precinct.core.console import JsonOpt, emit, fail
from precinct.core.tabular import TableError
from precinct.linkage import flow, rings_io
from precinct.linkage.cli import app  # the `precinct link` commands: rings and trace join it
from precinct.linkage.rings import RingParams, discover
from precinct.linkage.rings_export import BANKS, write_freeze
from precinct.linkage.rings_graph import GraphCaps, transfer_degree

TransfersOpt = Annotated[
    Path,
    typer.Option("--transfers", help="CSV: from_account, to_account, time, amount[, reported]."),
]


def _load(transfers: Path, links: Path | None) -> rings_io.Loaded:
    try:
        return rings_io.load(transfers, links)
    except TableError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        fail(f"{exc.count} error(s) in the input; nothing was analysed")


@app.command("rings")
def rings(
    transfers: TransfersOpt,
    out: Annotated[
        Path, typer.Option("--out", help="CSV to write: account, ring_id, role, score.")
    ],
    links: Annotated[
        Path | None,
        typer.Option("--links", help="CSV of shared identifiers: account, kind, value."),
    ] = None,
    resolution: Annotated[
        float, typer.Option(help="Leiden (CPM) resolution: density a ring must exceed.")
    ] = 0.2,
    max_degree: Annotated[
        int, typer.Option(help="Accounts with more counterparties are hubs.")
    ] = 100,
    as_json: JsonOpt = False,
) -> None:
    """Find fraud rings: every account judged part of a ring with its role and core score."""
    data = _load(transfers, links)
    found, _, _ = discover(
        data.transfers,
        data.links,
        GraphCaps(max_degree=max_degree),
        RingParams(resolution=resolution),
        flow.TraceParams(),
    )
    lines = ["account,ring_id,role,score"]
    summary: list[dict[str, Any]] = []
    for ring in found:
        for m in sorted(ring.members, key=lambda m: -m.score):
            lines.append(f"{data.names[m.account]},{ring.ring_id},{m.role},{m.score}")
        core = ring.core(3)
        summary.append(
            {
                "ring_id": ring.ring_id,
                "accounts": len(ring.members),
                "seeds": ring.seeds,
                "core": [str(data.names[m.account]) for m in core],
            }
        )
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    emit(
        summary,
        as_json,
        lambda r: f"ring {r['ring_id']}: {r['accounts']} accounts, core {', '.join(r['core'])}",
    )
    typer.echo(f"{len(found)} ring(s), {len(lines) - 1} accounts written to {out}", err=True)


def _seeds(data: rings_io.Loaded, account: int, at: int | None, window: float) -> np.ndarray:
    t = data.transfers
    mine = t.src == account
    if at is not None:
        mine &= (t.time >= at) & (t.time <= at + int(window * 3600))
    elif (t.reported & mine).any():
        mine &= t.reported
    return np.flatnonzero(mine)


@app.command("trace")
def trace(
    transfers: TransfersOpt,
    source: Annotated[
        str, typer.Option("--from", help="The victim's (or, with --backward, a mule's) account.")
    ],
    at: Annotated[str, typer.Option(help="Time of the victim's payment (ISO).")] = "",
    window: Annotated[
        float, typer.Option(help="Hours after --at whose payments are traced.")
    ] = 24.0,
    backward: Annotated[
        bool, typer.Option(help="Trace back from a known mule to victims.")
    ] = False,
    min_amount: Annotated[
        float, typer.Option(help="Smallest amount (yuan) to flag or freeze.")
    ] = 1000.0,
    freeze_out: Annotated[
        Path | None, typer.Option(help="Write the freeze list (.csv or .xlsx).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Trace a victim's money through the mule layers and print the freeze list."""
    data = _load(transfers, None)
    index = np.flatnonzero(data.names == source.strip())
    if len(index) == 0:
        fail(f"account {source} does not appear in {transfers.name}")
    try:
        when = rings_io.parse_time(at) if at else None
    except ValueError as exc:
        fail(str(exc))
    hubs = transfer_degree(data.transfers)[3] > GraphCaps().max_degree
    params = flow.TraceParams(min_cents=int(min_amount * 100))
    if backward:
        _print_origins(
            data, flow.trace_backward(data.transfers, int(index[0]), hubs, params), as_json
        )
        return
    seeds = _seeds(data, int(index[0]), when, window)
    if len(seeds) == 0:
        fail(f"account {source} made no payment to trace")
    result = flow.trace_forward(data.transfers, seeds, hubs, params)
    _print_trace(data, result, params.min_cents, as_json)
    if freeze_out is not None:
        write_freeze(freeze_out, _freeze_rows(data, result, params.min_cents))


def _freeze_rows(data: rings_io.Loaded, result: flow.Trace, min_cents: int) -> list[dict[str, Any]]:
    return [
        {
            "account": str(data.names[a]),
            "bank": BANKS.get(str(data.names[a])[:6], ""),
            "amount": round(c / 100, 2),
            "last_seen": rings_io.iso(seen),
            "hops": result.hops.get(a, 0),
        }
        for a, c, seen in result.freeze(min_cents)
    ]


def _print_trace(data: rings_io.Loaded, result: flow.Trace, min_cents: int, as_json: bool) -> None:
    flows = [
        {
            "kind": "flow",
            "from": str(data.names[s]),
            "to": str(data.names[d]),
            "amount": round(c / 100, 2),
        }
        for (s, d), c in sorted(result.flows.items(), key=lambda kv: -kv[1])
    ]
    freeze = [{"kind": "freeze"} | row for row in _freeze_rows(data, result, min_cents)]
    held = sum(r["amount"] for r in freeze)
    total = {
        "kind": "total",
        "traced": round(result.seeded_cents / 100, 2),
        "to_freeze": round(held, 2),
        "into_hubs": round(sum(result.exits.values()) / 100, 2),
    }
    emit(flows + freeze + [total], as_json, _line)


def _line(r: dict[str, Any]) -> str:
    if r["kind"] == "flow":
        return f"  {r['from']} → {r['to']}  {r['amount']:,.2f}"
    if r["kind"] == "freeze":
        return f"FREEZE {r['account']}  {r['bank']}  {r['amount']:,.2f}  last seen {r['last_seen']}"
    return (
        f"traced {r['traced']:,.2f} yuan; to freeze {r['to_freeze']:,.2f}; "
        f"paid into hubs {r['into_hubs']:,.2f}"
    )


def _print_origins(data: rings_io.Loaded, origins: list[flow.Origin], as_json: bool) -> None:
    t = data.transfers
    rows = [
        {
            "victim": str(data.names[t.src[o.transfer]]),
            "to": str(data.names[t.dst[o.transfer]]),
            "time": rings_io.iso(int(t.time[o.transfer])),
            "amount": round(int(t.cents[o.transfer]) / 100, 2),
            "hops": o.hops,
        }
        for o in origins
    ]
    emit(
        rows,
        as_json,
        lambda r: f"victim {r['victim']} paid {r['amount']:,.2f} at {r['time']} ({r['hops']} hops)",
    )
