"""Use cases of the district registry: import residents and cameras, look people up (audited)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor, Purpose
from precinct.core.auth import Permission
from precinct.core.identifiers import Phone, ResidentId
from precinct.core.tabular import (
    Column,
    ParsedRow,
    Schema,
    parse_float,
    parse_latitude,
    parse_list,
    parse_longitude,
    parse_table,
)
from precinct.registry.store import Camera, Person, PersonPhone, Place
from precinct.video.ground import recompute_ground


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class ImportReport:
    """What an import did. Re-importing the same file reports everything unchanged."""

    kind: str
    file: str
    sha256: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    keys: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "sha256": self.sha256,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    def count(self, changed: bool | None) -> None:
        if changed is None:
            self.created += 1
        elif changed:
            self.updated += 1
        else:
            self.unchanged += 1


def _parse_name(text: str) -> str:
    if not 1 <= len(text) <= 32:
        raise ValueError("name must have 1 to 32 characters")
    if any(ch.isdigit() for ch in text):
        raise ValueError(f"name {text!r} contains digits")
    return text


def _parse_phones(text: str) -> list[str]:
    return [Phone.parse(item).value for item in parse_list(";")(text.replace(",", ";"))]


PERSON_SCHEMA = Schema(
    columns=(
        Column(
            "id_number", lambda t: ResidentId.parse(t).value, aliases=("身份证号", "公民身份号码")
        ),
        Column("name", _parse_name, aliases=("姓名",)),
        Column("phones", _parse_phones, required=False, aliases=("phone", "手机号", "电话")),
        Column("address", str, required=False, aliases=("住址", "地址")),
        Column("lat", parse_latitude, required=False, aliases=("纬度",)),
        Column("lon", parse_longitude, required=False, aliases=("经度",)),
    ),
    key=("id_number",),
)

CAMERA_SCHEMA = Schema(
    columns=(
        Column("code", str, aliases=("编号", "点位编号")),
        Column("name", str, aliases=("名称", "点位名称")),
        Column("lat", parse_latitude, aliases=("纬度",)),
        Column("lon", parse_longitude, aliases=("经度",)),
        Column("address", str, required=False, aliases=("地址",)),
        Column("heading", parse_float, required=False, aliases=("朝向",)),
        Column("metres_per_pixel", parse_float, required=False, aliases=("米每像素",)),
    ),
    key=("code",),
)


def _person_values(values: dict[str, Any]) -> dict[str, Any]:
    rid = ResidentId.parse(values["id_number"])
    return {
        "id_number": rid.value,
        "name": values["name"],
        "sex": rid.sex,
        "birth_date": rid.birth_date,
        "region_code": rid.region_code,
        "address": values.get("address") or "",
        "lat": values.get("lat"),
        "lon": values.get("lon"),
    }


def apply_changes(obj: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; True when anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def upsert_person(session: Session, values: dict[str, Any]) -> bool | None:
    """Create or update one person by ID number; None = created, else whether it changed."""
    fields = _person_values(values)
    phones = values.get("phones") or []
    person = session.scalar(select(Person).where(Person.id_number == fields["id_number"]))
    if person is None:
        person = Person(**fields)
        person.phones = [PersonPhone(phone=p) for p in dict.fromkeys(phones)]
        session.add(person)
        return None
    changed = apply_changes(person, fields)
    known = {p.phone for p in person.phones}
    for phone in dict.fromkeys(phones):
        if phone not in known:
            person.phones.append(PersonPhone(phone=phone))
            changed = True
    return changed


def _camera_fields(values: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """The file sets name, heading and metres per pixel; a ground homography fitted from
    points (`precinct video calibrate`) is not in the file and is kept."""
    mpp = values.get("metres_per_pixel")
    calibration = {k: v for k, v in (stored or {}).items() if k != "metres_per_pixel"}
    if mpp:
        calibration["metres_per_pixel"] = mpp
    return {
        "name": values["name"],
        "heading_deg": values.get("heading"),
        "calibration": calibration or None,
    }


def upsert_camera(session: Session, values: dict[str, Any]) -> bool | None:
    place_fields = {
        "name": values["name"],
        "address": values.get("address") or "",
        "lat": values["lat"],
        "lon": values["lon"],
    }
    camera = session.scalar(select(Camera).where(Camera.code == values["code"]))
    if camera is None:
        fields = _camera_fields(values, None)
        session.add(Camera(code=values["code"], place=Place(**place_fields), **fields))
        return None
    fields = _camera_fields(values, camera.calibration)
    return apply_changes(camera.place, place_fields) | apply_changes(camera, fields)


def _record_import(session: Session, actor: Actor, report: ImportReport) -> None:
    audit.append(
        session,
        audit.AuditEvent(
            actor=actor.username,
            action=audit.AuditAction.IMPORT,
            subject_type=report.kind,
            detail=report.as_dict(),
        ),
    )


def import_rows(
    session: Session, actor: Actor, path: Path, kind: str, rows: Sequence[ParsedRow]
) -> ImportReport:
    upsert = {"persons": upsert_person, "cameras": upsert_camera}[kind]
    report = ImportReport(kind, path.name, sha256_file(path))
    for row in rows:
        report.count(upsert(session, row.values))
        session.flush()
    _record_import(session, actor, report)
    return report


def import_persons(session: Session, actor: Actor, path: Path) -> ImportReport:
    """Validate the whole file first (TableError lists every problem), then upsert."""
    actor.require(Permission.DATA_IMPORT)
    return import_rows(session, actor, path, "persons", parse_table(path, PERSON_SCHEMA))


def _camera_views(session: Session) -> dict[int, tuple[Any, Any]]:
    """Each camera's heading and calibration: what its tracks' stored headings and ground
    speeds depend on."""
    stmt = select(Camera.id, Camera.heading_deg, Camera.calibration)
    return {cid: (heading, cal) for cid, heading, cal in session.execute(stmt)}


def import_cameras(session: Session, actor: Actor, path: Path) -> ImportReport:
    """Upsert the cameras; the stored headings and ground speeds of tracks at cameras whose
    heading or calibration changed are recomputed (`precinct.video.ground`)."""
    actor.require(Permission.DATA_IMPORT)
    rows = parse_table(path, CAMERA_SCHEMA)
    before = _camera_views(session)
    report = import_rows(session, actor, path, "cameras", rows)
    after = _camera_views(session)
    recompute_ground(session, [cid for cid, view in before.items() if after[cid] != view])
    return report


# --- looking people up: every search and view is audited with its purpose -----------------


def _record_access(
    session: Session, actor: Actor, purpose: Purpose, action: audit.AuditAction, **kw: Any
) -> None:
    audit.append(
        session,
        audit.AuditEvent(
            actor=actor.username,
            action=action,
            case_number=purpose.case_number,
            reason=purpose.reason,
            **kw,
        ),
    )


def _person_query(query: str) -> Any:
    text = query.strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    conditions = [Person.name == text, Person.name.startswith(text)]
    if len(digits) >= 6:
        conditions.append(Person.id_number.startswith(text.upper()))
        phone_ids = select(PersonPhone.person_id).where(PersonPhone.phone.startswith(digits))
        conditions.append(Person.id.in_(phone_ids))
    return or_(*conditions)


SEARCH_LIMIT = 50


def search_persons(
    session: Session, actor: Actor, purpose: Purpose, query: str, limit: int = SEARCH_LIMIT
) -> list[Person]:
    """Find residents by name (prefix), ID number (prefix) or phone (prefix)."""
    actor.require(Permission.PERSON_VIEW)
    purpose.require_stated()
    stmt = select(Person).where(_person_query(query)).order_by(Person.name).limit(limit)
    found = list(session.scalars(stmt))
    _record_access(
        session,
        actor,
        purpose,
        audit.AuditAction.SEARCH,
        subject_type="person",
        detail={"query": query, "results": len(found)},
    )
    return found


def view_person(session: Session, actor: Actor, purpose: Purpose, person_id: int) -> Person | None:
    actor.require(Permission.PERSON_VIEW)
    purpose.require_stated()
    person = session.get(Person, person_id)
    if person is not None:
        _record_access(
            session,
            actor,
            purpose,
            audit.AuditAction.VIEW,
            subject_type="person",
            subject_id=person.id_number,
            detail={"name": person.name},
        )
    return person


def count_persons(session: Session) -> int:
    return session.scalar(select(func.count(Person.id))) or 0


def list_cameras(session: Session, actor: Actor) -> list[Camera]:
    actor.require(Permission.CAMERA_VIEW)
    return list(session.scalars(select(Camera).order_by(Camera.code)))


def get_camera(session: Session, actor: Actor, code: str) -> Camera | None:
    actor.require(Permission.CAMERA_VIEW)
    return session.scalar(select(Camera).where(Camera.code == code))
