"""`precinct video clip / synopsis / evidence` (#4): export what was found (all audited)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from precinct.config import get_settings
from precinct.core import audit
from precinct.core.console import JsonOpt, emit, fail, writing
from precinct.video import clip_service, evidence, synopsis_service, trace_service
from precinct.video.cli import CLI_ACTOR, app
from precinct.video.search import SearchError
from precinct.video.search_service import parse_when

Opt = typer.Option
ModeOpt = Annotated[
    clip_service.ClipMode,
    Opt("--mode", help="exact: re-encode with burn-in; copy: keyframe-aligned stream copy."),
]


@app.command("clip")
def clip_cmd(
    track: Annotated[int, typer.Argument(help="Track id.")],
    out: Annotated[Path, Opt(help="MP4 file to write.")],
    mode: ModeOpt = clip_service.ClipMode.EXACT,
    as_json: JsonOpt = False,
) -> None:
    """Export a track's moment as MP4: `exact` re-encode (boxes drawn, camera and time burned
    in) or `copy` (the original packets from the keyframe before the start; fast, untouched)."""
    try:
        with writing() as session:
            row = trace_service.get_track(session, track)
            result = clip_service.render_clip(row, out, mode)
            audit.append(
                session,
                audit.AuditEvent(
                    CLI_ACTOR.username,
                    audit.AuditAction.EXPORT,
                    "video_clip",
                    str(track),
                    detail={"file": str(out), "source_sha256": row.footage.sha256} | result.facts(),
                ),
            )
    except (trace_service.TraceError, clip_service.ClipError) as exc:
        fail(str(exc))
    emit(
        [{"file": str(out), "frames": result.frames} | result.facts()],
        as_json,
        lambda r: f"{r['frames']} frames ({r['clip_mode']}, from {r['clip_start']}) → {r['file']}",
    )


@app.command("synopsis")
def synopsis_cmd(
    camera: Annotated[str, typer.Argument(help="Camera code.")],
    start: Annotated[str, Opt(help="From (ISO 8601).")],
    end: Annotated[str, Opt(help="Until (ISO 8601).")],
    out: Annotated[Path, Opt(help="MP4 file to write (an index .json is written beside it).")],
    max_seconds: Annotated[float, Opt(help="Longest synopsis, seconds.")] = 120.0,
    as_json: JsonOpt = False,
) -> None:
    """Every track of the window at once, re-timed without overlaps, labelled with real times."""
    try:
        when = parse_when(start, "--start"), parse_when(end, "--end")
        if when[0] is None or when[1] is None:
            fail("--start and --end are required")
        req = synopsis_service.SynopsisRequest(camera, when[0], when[1], max_seconds)
        with writing() as session:
            syn = synopsis_service.render(session, CLI_ACTOR, req, out)
    except (SearchError, synopsis_service.SynopsisError) as exc:
        fail(str(exc))
    synopsis_service.write_index(syn, out.with_suffix(".json"))
    emit(
        [syn.as_dict() | {"entries": len(syn.entries)}],
        as_json,
        lambda r: f"{r['tracks']} tracks in {r['seconds']} s (×{r['speed']}) → {r['file']}",
    )


@app.command("evidence")
def evidence_cmd(
    case: Annotated[str, typer.Argument(help="Case number.")],
    out: Annotated[Path, Opt(help="Empty folder to write the package into.")],
    synopsis: Annotated[bool, Opt("--synopsis", help="Add each camera's synopsis.")] = False,
    mode: ModeOpt = clip_service.ClipMode.EXACT,
    as_json: JsonOpt = False,
) -> None:
    """Export the case's video leads: clips, crops, routes, manifest (SHA-256) and report."""
    try:
        with writing() as session:
            req = evidence.ExportRequest(case, get_settings().data_dir, out, synopsis, mode)
            pkg = evidence.export_case(session, CLI_ACTOR, req)
    except (evidence.EvidenceError, clip_service.ClipError) as exc:
        fail(str(exc))
    emit(
        [{"folder": str(out), "files": len(pkg.items)}],
        as_json,
        lambda r: f"{r['files']} files, manifest.json and report.html → {r['folder']}",
    )
