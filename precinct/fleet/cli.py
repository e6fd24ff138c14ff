"""`precinct fleet`: import the robotaxi registry, read frames, locate a car, list alerts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.console import JsonOpt, emit, fail, open_database, writing
from precinct.core.tabular import TableError
from precinct.fleet import incidents, service
from precinct.fleet.match import Decision

app = typer.Typer(
    help="Robotaxi fleet: registry, reading, sightings, alerts.", no_args_is_help=True
)
CLI_ACTOR = Actor("cli", Role.ADMIN)


def _import(kind: str, path: Path, as_json: bool) -> None:
    if not path.is_file():
        fail(f"{path}: no such file")
    run = service.import_operators if kind == "operators" else service.import_vehicles
    try:
        with writing() as session:
            report = run(session, CLI_ACTOR, path)
    except TableError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        fail(f"{exc.count} error(s); nothing was imported")
    emit(
        [report.as_dict()],
        as_json,
        lambda r: (
            f"{r['file']}: {r['created']} new, {r['updated']} updated, {r['unchanged']} unchanged"
        ),
    )


@app.command("import-operators")
def import_operators(path: Path, as_json: JsonOpt = False) -> None:
    """Operators: code, name, hotline, remote_ops_contact, optional webhook_url."""
    _import("operators", path, as_json)


@app.command("import-vehicles")
def import_vehicles(path: Path, as_json: JsonOpt = False) -> None:
    """Vehicles: plate, fleet_number, vin, model, colour, operator (all or nothing)."""
    _import("vehicles", path, as_json)


def _decision(decision: Decision | None) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "matched": decision.vehicle.plate if decision.vehicle else None,
        "fleet_number": decision.vehicle.fleet_number if decision.vehicle else None,
        "reason": decision.reason,
        "candidates": [
            {"plate": c.plate, "fleet_number": c.fleet_number, "score": round(c.score, 2)}
            for c in decision.candidates
        ],
    }


def _text(record: dict[str, Any]) -> str:
    lines = [record["image"]]
    for f in record["found"]:
        lines.append(
            f"  {f['kind']:<6} {f['text']:<12} conf {f['confidence']:.2f} box {f['box']}"
            + ("" if f["valid"] else "  (fails the rules)")
        )
    match = record["match"]
    if match is not None:
        if match["matched"]:
            lines.append(f"  match  {match['matched']} {match['fleet_number']}")
        else:
            top = ", ".join(
                f"{c['plate']}/{c['fleet_number']} {c['score']}" for c in match["candidates"]
            )
            lines.append(f"  no match ({match['reason']}); top: {top or '-'}")
    return "\n".join(lines)


@app.command("read")
def read(
    images: Annotated[list[Path], typer.Argument(help="Frames or plate crops (JPEG/PNG).")],
    crop: Annotated[bool, typer.Option(help="The images are plate crops.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Read every plate and fleet number in each image; match the registry when one is loaded."""
    from precinct.fleet.read import FrameReader, load_image

    reader = FrameReader()
    db = open_database()
    with db.read() as session:
        registry = service.registry(session)
    db.dispose()
    records = []
    for path in images:
        frame = load_image(path)
        if frame is None:
            fail(f"{path}: not an image")
        reading = reader.read_crop(frame) if crop else reader.read(frame)
        decision = service.identify(registry, [reading]) if len(registry) else None
        records.append(
            {
                "image": str(path),
                "found": [f.as_dict() for f in reading.found],
                "match": _decision(decision),
            }
        )
    emit(records, as_json, _text)


@app.command("locate")
def locate(
    query: Annotated[str, typer.Argument(help="Plate (鄂A·D12345) or fleet number (CG-0123-4).")],
    limit: Annotated[int, typer.Option(help="Latest N sightings.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """The latest sightings of one car (audited search)."""
    with writing() as session:
        vehicle, sightings = service.locate(session, CLI_ACTOR, query, limit)
        if vehicle is None:
            fail(f"no vehicle with plate or fleet number {query!r}")
        rows = [
            {
                "plate": vehicle.plate,
                "fleet_number": vehicle.fleet_number,
                "seen_at": s.seen_at,
                "camera": s.camera,
                "lat": s.lat,
                "lon": s.lon,
                "score": s.score,
            }
            for s in sightings
        ]
    if not rows:
        typer.echo(f"{query}: registered, never seen", err=True)
    emit(
        rows,
        as_json,
        lambda r: (
            f"{r['seen_at']:%Y-%m-%d %H:%M:%S} {r['camera']:<8} "
            f"{r['lat']:.5f},{r['lon']:.5f} {r['plate']} {r['fleet_number']}"
        ),
    )


@app.command("alerts")
def alerts(as_json: JsonOpt = False) -> None:
    """Live stuck alerts (not yet resolved), oldest first."""
    db = open_database()
    with db.read() as session:
        rows = [
            {
                "id": a.id,
                "plate": a.vehicle.plate,
                "fleet_number": a.vehicle.fleet_number,
                "camera": a.camera,
                "raised_at": a.raised_at,
                "status": str(a.status),
                "delivered": a.delivered,
            }
            for a in incidents.live_alerts(session, CLI_ACTOR)
        ]
    db.dispose()
    emit(
        rows,
        as_json,
        lambda r: (
            f"#{r['id']} {r['raised_at']:%H:%M:%S} {r['plate']} "
            f"{r['fleet_number']} {r['camera']} {r['status']} delivered={r['delivered']}"
        ),
    )


def _sighter(code: str) -> Any:
    from precinct.config import get_settings
    from precinct.fleet.sources import Camera, Sighter
    from precinct.registry import service as registry_service

    db = open_database()
    with db.read() as session:
        camera = registry_service.get_camera(session, CLI_ACTOR, code)
        if camera is None:
            db.dispose()
            fail(f"unknown camera {code!r} (import cameras first)")
        where = Camera(camera.code, camera.place.lat, camera.place.lon)
    return Sighter(db, get_settings(), where)


def _report(sighter: Any, as_json: bool) -> None:
    r = sighter.report
    for line in r.skipped:
        typer.echo(f"skipped: {line}", err=True)
    record = {"frames": r.frames, "identified": r.identified, "alerts": r.alerts}
    emit(
        [record],
        as_json,
        lambda x: (
            f"{x['frames']} frames, {x['identified']} cars identified, "
            f"{len(x['alerts'])} stuck alert(s)"
        ),
    )


@app.command("watch")
def watch(
    folder: Annotated[Path, typer.Argument(help="Folder where a camera drops snapshots.")],
    camera: Annotated[str, typer.Option(help="Code of the camera.")],
    once: Annotated[bool, typer.Option(help="Read what is there and stop.")] = False,
    interval: Annotated[float, typer.Option(help="Seconds between looks.")] = 5.0,
    as_json: JsonOpt = False,
) -> None:
    """Read new snapshots from a folder into sightings (each file once, by SHA-256)."""
    import time

    from precinct.config import get_settings
    from precinct.fleet.sources import watch_once

    if not folder.is_dir():
        fail(f"{folder}: not a folder")
    sighter = _sighter(camera)
    ledger = get_settings().data_dir / "fleet" / f"watched-{camera}.txt"
    try:
        while True:
            watch_once(sighter, folder, ledger)
            if once:
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
    finally:
        sighter.db.dispose()
    _report(sighter, as_json)


@app.command("scan-footage")
def scan_footage(
    footage: Annotated[str, typer.Argument(help="Ingested footage: its id or original path.")],
    every: Annotated[float, typer.Option(help="Seconds between frames read (keyframes).")] = 2.0,
    as_json: JsonOpt = False,
) -> None:
    """Read the keyframes of ingested footage into sightings of its camera."""
    from precinct.fleet.sources import scan_footage as scan
    from precinct.video import index

    db = open_database()
    with db.read() as session:
        found = index.find_footage(session, footage)
        if found is None:
            db.dispose()
            fail(f"no ingested footage {footage!r}")
        path, start, code = Path(found.original_path), found.start_at, found.camera.code
    db.dispose()
    sighter = _sighter(code)
    try:
        scan(sighter, path, start, every)
    finally:
        sighter.db.dispose()
    _report(sighter, as_json)
