"""`precinct video`: ingest footage, scan it into the index, list it and export tracks."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

from precinct.config import get_settings
from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.console import JsonOpt, emit, err, fail, open_database, writing
from precinct.core.db import Database
from precinct.core.tabular import TableError, parse_datetime
from precinct.video import index, service
from precinct.video.scan import ScanConfig
from precinct.video.triage import TriageConfig

app = typer.Typer(help="Video footage.", no_args_is_help=True)
CLI_ACTOR = Actor("cli", Role.ADMIN)


def _items(
    paths: list[Path], manifest: Path | None, camera: str, start: str
) -> tuple[list[service.IngestItem], bool]:
    """The files to ingest and whether unknown cameras may be created (single-file mode)."""

    if manifest is not None:
        if paths or camera or start:
            fail("give either --manifest or PATH with --camera and --start, not both")
        if not manifest.is_file():
            fail(f"{manifest}: no such file")
        return service.read_manifest(manifest), False
    files = service.video_files(paths)
    if not files:
        fail("no video files given (PATH, or --manifest)")
    if not camera or not start:
        fail("without --manifest, give --camera CODE and --start ISO")
    if len(files) > 1:
        fail(f"{len(files)} files found: several files need a --manifest")
    try:
        when = parse_datetime(start)
    except ValueError as exc:
        fail(f"--start: {exc}")
    return [service.IngestItem(files[0], camera, when)], True


@app.command("ingest")
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Video files or folders (*.mp4 *.mkv …).")
    ] = None,
    manifest: Annotated[
        Path | None, typer.Option(help="CSV/XLSX: file, camera, start, clock_offset_s.")
    ] = None,
    camera: Annotated[str, typer.Option(help="Camera code (single file).")] = "",
    start: Annotated[str, typer.Option(help="Start time, ISO 8601 (single file).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Probe, hash and register footage (all-or-nothing); originals are never modified."""

    try:
        items, create = _items(paths or [], manifest, camera, start)
        with writing() as session:
            report = service.ingest(session, CLI_ACTOR, items, create_camera=create)
    except TableError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        fail(f"{exc.count} error(s); nothing was ingested")
    except service.IngestError as exc:
        for line in exc.errors:
            typer.echo(line, err=True)
        fail(f"{len(exc.errors)} error(s); nothing was ingested")
    for warning in report.warnings:
        typer.echo(f"warning: {warning}", err=True)
    emit(
        [report.as_dict()],
        as_json,
        lambda r: (
            f"{len(r['added'])} added, {len(r['duplicates'])} duplicate(s), "
            f"{len(r['warnings'])} warning(s)"
        ),
    )


@app.command("list")
def list_cmd(
    camera: Annotated[str, typer.Option(help="Only this camera's footage.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """List ingested footage by camera and start time."""

    db = open_database()
    with db.read() as session:
        rows = [
            {
                "id": f.id,
                "camera": f.camera.code,
                "start_at": f.start_at,
                "end_at": f.end_at,
                "duration_s": f.duration_s,
                "codec": f.codec,
                "size": f"{f.width}x{f.height}",
                "fps": f.fps,
                "damaged_at_s": f.damaged_at_s,
                "sha256": f.sha256,
                "file": f.original_path,
            }
            for f in service.list_footage(session, CLI_ACTOR, camera or None)
        ]
    db.dispose()
    emit(
        rows,
        as_json,
        lambda r: (
            f"{r['id']:>5} {r['camera']:<12} {r['start_at']:%Y-%m-%d %H:%M:%S} "
            f"{r['duration_s']:>8.1f}s {r['size']:<10} {r['file']}"
            + (f"  damaged at {r['damaged_at_s']}s" if r["damaged_at_s"] is not None else "")
        ),
    )


class _Rate(ProgressColumn):
    """Footage-hours scanned per wall-clock minute."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = (task.completed / 3600.0) / (elapsed / 60.0) if elapsed > 1 else 0.0
        return Text(f"{rate:.2f} footage-h/min")


def _scan_progress() -> tuple[Progress, Callable[[float, float, str], None]]:
    bar = Progress(
        TextColumn("scanning"),
        BarColumn(),
        TextColumn("{task.fields[file]}"),
        _Rate(),
        TimeElapsedColumn(),
        console=err,
    )
    task = bar.add_task("scan", total=None, file="")

    def update(done: float, total: float, last: str) -> None:
        bar.update(task, completed=done, total=total, file=last)

    return bar, update


class Triage(StrEnum):
    THOROUGH = "thorough"
    FAST = "fast"


class Sampling(StrEnum):
    FULL = "full"
    BURST = "burst"


def scan_config(
    width: int,
    verify_crops: int,
    triage: Triage,
    onnx_model: str,
    sampling: Sampling = Sampling.BURST,
) -> ScanConfig:
    """The scan engine the CLI's options ask for."""
    return ScanConfig(
        width=width,
        onnx_model=onnx_model,
        verify_crops=max(0, verify_crops),
        triage=TriageConfig(keyframe_check=triage is Triage.THOROUGH),
        sampling=str(sampling),
    )


@app.command("scan")
def scan_cmd(
    footage: Annotated[
        list[str] | None, typer.Argument(help="Footage ids or paths; default: all pending.")
    ] = None,
    workers: Annotated[int, typer.Option(help="Parallel processes (default: cores).")] = 0,
    width: Annotated[int, typer.Option(help="Detail-pass width in pixels.")] = 384,
    verify_crops: Annotated[
        int, typer.Option(help="Crops per track the person detector checks (0: kinematics only).")
    ] = 1,
    triage: Annotated[
        Triage,
        typer.Option(
            help="thorough: packet sizes and keyframes find quiet stretches (small, slow movers "
            "too); fast: packet sizes only, about half the active time, misses small far movers."
        ),
    ] = Triage.THOROUGH,
    sampling: Annotated[
        Sampling,
        typer.Option(
            help="full: every frame of the active spans; burst: the first 0.6 s after each "
            "keyframe of an active stretch (more when a fast mover is in view), boxes "
            "interpolated between bursts - about half the scan time; a stream whose keyframes "
            "are too far apart (or too close, or under 10 fps) is sampled in full."
        ),
    ] = Sampling.BURST,
    as_json: JsonOpt = False,
) -> None:
    """Index footage: every moving person, cyclist and vehicle, with tracks and crops.

    Resumable: files already scanned by this engine are skipped; a killed scan redoes only the
    files that were in flight."""
    settings = get_settings()
    db = open_database(settings)
    ids = _footage_ids(db, footage) if footage else None
    config = scan_config(width, verify_crops, triage, settings.video_detector_onnx, sampling)
    request = index.ScanRequest(
        settings.data_dir,
        config,
        workers or settings.video_workers,
        tuple(ids) if ids is not None else None,
    )
    bar, update = _scan_progress()
    with bar:
        summary = index.scan_footage(db, CLI_ACTOR, request, update)
    db.dispose()
    for failure in summary.failed:
        typer.echo(f"error: {failure}", err=True)
    emit([summary.as_dict()], as_json, _summary_text)
    if summary.failed:
        raise typer.Exit(1)


def _summary_text(r: dict[str, object]) -> str:
    return (
        f"scanned {r['files']} file(s) ({r['skipped']} already done): "
        f"{r['footage_hours']} footage-h in {r['wall_s']} s = "
        f"{r['footage_hours_per_minute']} footage-h/min; active share {r['active_share']}; "
        f"{r['tracks']} tracks {r['by_class']}"
    )


def _footage_ids(db: Database, refs: list[str]) -> list[int]:
    ids = []
    with db.read() as session:
        for ref in refs:
            found = index.find_footage(session, ref)
            if found is None:
                fail(f"{ref}: no such footage (give its id or original path)")
            ids.append(found.id)
    return ids


@app.command("export-tracks")
def export_tracks(
    footage: Annotated[str, typer.Argument(help="Footage id or original path.")],
    format: Annotated[str, typer.Option(help="mot (MOTChallenge) or json.")] = "mot",
    out: Annotated[Path | None, typer.Option(help="Write to this file (default stdout).")] = None,
) -> None:
    """Write every track with its per-frame boxes in source pixel coordinates."""
    if format not in ("mot", "json"):
        fail("--format must be mot or json")
    db = open_database()
    with db.read() as session:
        found = index.find_footage(session, footage)
        if found is None:
            fail(f"{footage}: no such footage (give its id or original path)")
        tracks = index.footage_tracks(session, found.id)
        lines = (
            index.mot_lines(tracks)
            if format == "mot"
            else [json.dumps(index.track_json(t), ensure_ascii=False) for t in tracks]
        )
    db.dispose()
    text = "\n".join(lines) + ("\n" if lines else "")
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


from precinct.video import cli_calibrate as _cli_calibrate  # noqa: E402,F401  (registers commands)
from precinct.video import cli_export as _cli_export  # noqa: E402,F401  (registers commands)
from precinct.video import cli_search as _cli_search  # noqa: E402,F401  (registers commands)
