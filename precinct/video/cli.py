"""`precinct video`: ingest footage and list what has been ingested."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.console import emit, fail, open_database, writing
from precinct.core.tabular import TableError, parse_datetime
from precinct.video import service

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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
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
