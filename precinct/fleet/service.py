"""Use cases of the fleet registry and sightings: import operators and vehicles, identify cars
from frames, record sightings, locate a car."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.core.blobs import blob_path, save_blob
from precinct.core.identifiers import IdentifierError, Plate
from precinct.core.tabular import Column, ParsedRow, RowError, Schema, TableError, parse_table
from precinct.fleet import fleetno, match
from precinct.fleet.plates import read_plate
from precinct.fleet.read import FrameReading
from precinct.fleet.store import Operator, Sighting, Vehicle
from precinct.registry.service import ImportReport, apply_changes, sha256_file


def _plate(text: str) -> str:
    try:
        return Plate.parse(text).compact
    except IdentifierError as exc:
        raise ValueError(str(exc)) from exc


def _fleet_number(text: str) -> str:
    return fleetno.FleetNumber.parse(text).compact


def _code(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 2 or any(c not in fleetno.CODE_LETTERS for c in code):
        raise ValueError(f"operator code must be 2 letters without I/O, got {text!r}")
    return code


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise ValueError(f"webhook must be an http(s) URL, got {text!r}")
    return text


OPERATOR_SCHEMA = Schema(
    columns=(
        Column("code", _code, aliases=("编码",)),
        Column("name", str, aliases=("运营商",)),
        Column("hotline", str, aliases=("24小时热线",)),
        Column("remote_ops_contact", str, aliases=("远程运营联系人",)),
        Column("webhook_url", _url, required=False, aliases=("webhook",)),
    ),
    key=("code",),
)
VEHICLE_SCHEMA = Schema(
    columns=(
        Column("plate", _plate, aliases=("车牌",)),
        Column("fleet_number", _fleet_number, aliases=("车辆编号",)),
        Column("vin", str, aliases=("车架号",)),
        Column("model", str, aliases=("车型",)),
        Column("colour", str, aliases=("颜色", "color")),
        Column("operator", _code, aliases=("运营商编码",)),
    ),
    key=("plate",),
)


def import_operators(session: Session, actor: Actor, path: Path) -> ImportReport:
    actor.require(Permission.DATA_IMPORT)
    rows = parse_table(path, OPERATOR_SCHEMA)
    report = ImportReport("fleet_operators", path.name, sha256_file(path))
    for row in rows:
        v = dict(row.values, webhook_url=row.values["webhook_url"] or "")
        found = session.scalar(select(Operator).where(Operator.code == v["code"]))
        if found is None:
            session.add(Operator(**v))
            report.count(None)
        else:
            report.count(apply_changes(found, v))
    _record_import(session, actor, report)
    return report


def _vehicle_errors(session: Session, name: str, rows: list[ParsedRow]) -> list[RowError]:
    codes = set(session.scalars(select(Operator.code)))
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        v = row.values
        if v["operator"] not in codes:
            errors.append(RowError(name, row.row, "operator", f"unknown operator {v['operator']}"))
        for column in ("fleet_number", "vin"):
            first = seen.setdefault((column, v[column]), row.row)
            if first != row.row:
                msg = f"duplicate {column} {v[column]} (first seen on row {first})"
                errors.append(RowError(name, row.row, column, msg))
    return errors + _taken_elsewhere(session, name, rows)


def _taken_elsewhere(session: Session, name: str, rows: list[ParsedRow]) -> list[RowError]:
    """A fleet number or VIN already registered to another plate."""
    errors = []
    for row in rows:
        v = row.values
        clash = session.scalar(
            select(Vehicle).where(
                or_(Vehicle.fleet_number == v["fleet_number"], Vehicle.vin == v["vin"]),
                Vehicle.plate != v["plate"],
            )
        )
        if clash is not None:
            msg = f"fleet number or VIN already registered to {clash.plate}"
            errors.append(RowError(name, row.row, "fleet_number", msg))
    return errors


def import_vehicles(session: Session, actor: Actor, path: Path) -> ImportReport:
    """All or nothing: plate and fleet-number formats, duplicates, unknown operators."""
    actor.require(Permission.DATA_IMPORT)
    rows = parse_table(path, VEHICLE_SCHEMA)
    errors = _vehicle_errors(session, path.name, rows)
    if errors:
        raise TableError(errors)
    operators = {o.code: o.id for o in session.scalars(select(Operator))}
    report = ImportReport("fleet_vehicles", path.name, sha256_file(path))
    for row in rows:
        v = dict(row.values)
        v["operator_id"] = operators[v.pop("operator")]
        found = session.scalar(select(Vehicle).where(Vehicle.plate == v["plate"]))
        if found is None:
            session.add(Vehicle(**v))
            report.count(None)
        else:
            report.count(apply_changes(found, v))
        session.flush()
    _record_import(session, actor, report)
    return report


def _record_import(session: Session, actor: Actor, report: ImportReport) -> None:
    session.flush()
    event = audit.AuditEvent(
        actor.username, audit.AuditAction.IMPORT, report.kind, detail=report.as_dict()
    )
    audit.append(session, event)


# --- identification and sightings ----------------------------------------------------------


def registry(session: Session) -> match.Registry:
    rows = session.execute(select(Vehicle.id, Vehicle.plate, Vehicle.fleet_number))
    return match.Registry.of(match.Vehicle(i, p, f) for i, p, f in rows)


@dataclass(frozen=True)
class Where:
    camera: str
    at: datetime
    lat: float
    lon: float
    source: str = "upload"


def crop_path(data_dir: Path, sha256: str) -> Path:
    return blob_path(data_dir / "fleet" / "crops", sha256)


def save_crop(data_dir: Path, jpeg: bytes) -> str:
    """Content-addressed by SHA-256 (identical crops share a file); "" when there is none."""
    return save_blob(data_dir / "fleet" / "crops", jpeg) if jpeg else ""


def record_sighting(
    session: Session, decision: match.Decision, where: Where, crop_sha256: str = ""
) -> Sighting | None:
    if decision.vehicle is None:
        return None
    sighting = Sighting(
        vehicle_id=decision.vehicle.key,
        seen_at=where.at,
        camera=where.camera,
        lat=where.lat,
        lon=where.lon,
        score=round(decision.vehicle.score, 3),
        source=where.source,
        crop_sha256=crop_sha256,
    )
    session.add(sighting)
    session.flush()
    return sighting


def identify(reg: match.Registry, readings: Sequence[FrameReading]) -> match.Decision:
    return match.identify(reg, [r.match_texts for r in readings])


def find_vehicle(session: Session, query: str) -> Vehicle | None:
    """A vehicle by plate (any spelling) or fleet number."""
    compact = fleetno.normalise(query)
    plate = read_plate(query)
    keys = [compact] + ([plate.text] if plate is not None else [])
    return session.scalar(
        select(Vehicle).where(or_(Vehicle.fleet_number.in_(keys), Vehicle.plate.in_(keys)))
    )


def locate(
    session: Session, actor: Actor, query: str, limit: int = 10
) -> tuple[Vehicle | None, list[Sighting]]:
    """The latest sightings of a car (index on vehicle, time); the search is audited."""
    actor.require(Permission.FLEET_VIEW)
    vehicle = find_vehicle(session, query)
    sightings = latest_sightings(session, vehicle, limit) if vehicle is not None else []
    event = audit.AuditEvent(
        actor.username,
        audit.AuditAction.SEARCH,
        "fleet_vehicle",
        vehicle.plate if vehicle else "",
        detail={"query": query, "sightings": len(sightings)},
    )
    audit.append(session, event)
    return vehicle, sightings


def latest_sightings(session: Session, vehicle: Vehicle, limit: int) -> list[Sighting]:
    """The car's newest sightings first (index on vehicle, time)."""
    stmt = (
        select(Sighting)
        .where(Sighting.vehicle_id == vehicle.id)
        .order_by(Sighting.seen_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def list_vehicles(session: Session, actor: Actor, limit: int = 1000) -> list[Vehicle]:
    actor.require(Permission.FLEET_VIEW)
    stmt = select(Vehicle).order_by(Vehicle.fleet_number).limit(limit)
    return list(session.scalars(stmt))


def list_operators(session: Session, actor: Actor) -> list[Operator]:
    actor.require(Permission.FLEET_VIEW)
    return list(session.scalars(select(Operator).order_by(Operator.code)))


def view_vehicle(
    session: Session, actor: Actor, plate: str, limit: int = 50
) -> tuple[Vehicle, list[Sighting]] | None:
    """A vehicle with its latest sightings; the view is audited."""
    actor.require(Permission.FLEET_VIEW)
    vehicle = find_vehicle(session, plate)
    if vehicle is None:
        return None
    sightings = latest_sightings(session, vehicle, limit)
    event = audit.AuditEvent(
        actor.username,
        audit.AuditAction.VIEW,
        "fleet_vehicle",
        vehicle.plate,
        detail={"sightings": len(sightings)},
    )
    audit.append(session, event)
    return vehicle, sightings
