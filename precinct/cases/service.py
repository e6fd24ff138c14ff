"""Use cases of the case capability: import, list and view cases and alarms, and the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from precinct.cases.domain import (
    OPEN_CASE_STATUSES,
    RECOVERED_PROPERTY,
    CaseStatus,
    CaseType,
    PartyRole,
)
from precinct.cases.figures import AlarmClock, CaseClock, Figures, ItemValue, compute_figures
from precinct.cases.store import Alarm, Case, CaseParty, PropertyItem
from precinct.core import audit
from precinct.core.access import Actor, Purpose
from precinct.core.auth import Permission
from precinct.core.identifiers import ResidentId
from precinct.core.tabular import (
    Column,
    ParsedRow,
    RowError,
    Schema,
    TableError,
    parse_choice,
    parse_datetime,
    parse_latitude,
    parse_list,
    parse_longitude,
    parse_table,
)
from precinct.registry.service import ImportReport, apply_changes, sha256_file
from precinct.registry.store import Person, Place


def _id_list(text: str) -> list[str]:
    return [ResidentId.parse(item).value for item in parse_list(";")(text)]


ROLE_COLUMNS = {
    "victims": PartyRole.VICTIM,
    "suspects": PartyRole.SUSPECT,
    "witnesses": PartyRole.WITNESS,
}

CASE_SCHEMA = Schema(
    columns=(
        Column("number", str, aliases=("案件编号",)),
        Column("type", parse_choice(*CaseType), aliases=("案件类型",)),
        Column("status", parse_choice(*CaseStatus), aliases=("状态",)),
        Column("title", str, aliases=("案件名称",)),
        Column("reported_at", parse_datetime, aliases=("报案时间",)),
        Column("window_start", parse_datetime, aliases=("发案开始时间",)),
        Column("window_end", parse_datetime, aliases=("发案结束时间",)),
        Column("address", str, aliases=("发案地点",)),
        Column("lat", parse_latitude, aliases=("纬度",)),
        Column("lon", parse_longitude, aliases=("经度",)),
        Column("summary", str, required=False, aliases=("简要案情",)),
        Column("victims", _id_list, required=False, aliases=("受害人",)),
        Column("suspects", _id_list, required=False, aliases=("嫌疑人",)),
        Column("witnesses", _id_list, required=False, aliases=("证人",)),
    ),
    key=("number",),
)


def _check_case_row(row: ParsedRow, file: str, known: set[str]) -> list[RowError]:
    errors: list[RowError] = []
    v = row.values
    if v["window_start"] > v["window_end"]:
        errors.append(RowError(file, row.row, "window_end", "ends before window_start"))
    for column in ROLE_COLUMNS:
        for id_number in v.get(column) or []:
            if id_number not in known:
                msg = f"no person with ID number {id_number} (import persons first)"
                errors.append(RowError(file, row.row, column, msg))
    return errors


def _known_persons(session: Session, rows: list[ParsedRow]) -> dict[str, int]:
    wanted = {i for r in rows for c in ROLE_COLUMNS for i in (r.values.get(c) or [])}
    if not wanted:
        return {}
    found = session.execute(
        select(Person.id_number, Person.id).where(Person.id_number.in_(wanted))
    ).all()
    return {number: pid for number, pid in found}


def _case_fields(v: dict[str, Any]) -> dict[str, Any]:
    return {
        "case_type": CaseType(v["type"]),
        "status": CaseStatus(v["status"]),
        "title": v["title"],
        "summary": v.get("summary") or "",
        "reported_at": v["reported_at"],
        "window_start": v["window_start"],
        "window_end": v["window_end"],
    }


def _wanted_parties(v: dict[str, Any], persons: dict[str, int]) -> set[tuple[int, PartyRole]]:
    return {(persons[i], role) for c, role in ROLE_COLUMNS.items() for i in (v.get(c) or [])}


def _sync_parties(case: Case, wanted: set[tuple[int, PartyRole]]) -> bool:
    current = {(p.person_id, p.role): p for p in case.parties}
    if set(current) == wanted:
        return False
    case.parties = [current.get(k) or CaseParty(person_id=k[0], role=k[1]) for k in wanted]
    return True


def _upsert_case(session: Session, v: dict[str, Any], persons: dict[str, int]) -> bool | None:
    fields = _case_fields(v)
    place = {"address": v["address"], "lat": v["lat"], "lon": v["lon"]}
    wanted = _wanted_parties(v, persons)
    case = session.scalar(select(Case).where(Case.number == v["number"]))
    if case is None:
        case = Case(number=v["number"], place=Place(name="", **place), **fields)
        _sync_parties(case, wanted)
        session.add(case)
        return None
    changed = apply_changes(case, fields) | apply_changes(case.place, place)
    return _sync_parties(case, wanted) or changed


def import_cases(session: Session, actor: Actor, path: Path) -> ImportReport:
    """Validate the whole file (including that every named person exists), then upsert."""
    actor.require(Permission.DATA_IMPORT)
    rows = parse_table(path, CASE_SCHEMA)
    persons = _known_persons(session, rows)
    errors = [e for row in rows for e in _check_case_row(row, path.name, set(persons))]
    if errors:
        raise TableError(errors)
    report = ImportReport("cases", path.name, sha256_file(path))
    for row in rows:
        report.count(_upsert_case(session, row.values, persons))
        session.flush()
    audit.append(
        session,
        audit.AuditEvent(
            actor.username, audit.AuditAction.IMPORT, "cases", detail=report.as_dict()
        ),
    )
    return report


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFilter:
    status: CaseStatus | None = None
    case_type: CaseType | None = None
    limit: int = 200


def list_cases(session: Session, actor: Actor, flt: CaseFilter | None = None) -> list[Case]:
    actor.require(Permission.CASE_VIEW)
    flt = flt or CaseFilter()
    stmt = select(Case).order_by(Case.reported_at.desc()).limit(flt.limit)
    if flt.status:
        stmt = stmt.where(Case.status == flt.status)
    if flt.case_type:
        stmt = stmt.where(Case.case_type == flt.case_type)
    return list(session.scalars(stmt))


def case_exists(session: Session, number: str) -> bool:
    return session.scalar(select(Case.id).where(Case.number == number)) is not None


@dataclass(frozen=True)
class NewSeries:
    """A case series (串并案) opened from linked reports, e.g. a fraud ring."""

    title: str
    summary: str
    window_start: datetime
    window_end: datetime
    case_type: CaseType = CaseType.TELECOM_FRAUD
    address: str = "跨地区（串并案）"
    lat: float = 30.4965
    lon: float = 114.1634


def open_series(session: Session, actor: Actor, new: NewSeries) -> Case:
    """Open (立案) a case series; its number is A + the year + a running number (audited)."""
    actor.require(Permission.CASE_EDIT)
    now = datetime.now(new.window_end.tzinfo)
    prefix = f"A420113000000{now:%Y}"
    taken = session.scalars(select(Case.number).where(Case.number.like(f"{prefix}%"))).all()
    running = [int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()]
    number = f"{prefix}{max(running + [900000]) + 1:06d}"
    place = Place(name="串并案", address=new.address, lat=new.lat, lon=new.lon)
    case = Case(
        number=number,
        case_type=new.case_type,
        status=CaseStatus.OPENED,
        title=new.title,
        summary=new.summary,
        reported_at=now,
        window_start=new.window_start,
        window_end=new.window_end,
        place=place,
    )
    session.add(case)
    session.flush()
    audit.append(
        session,
        audit.AuditEvent(
            actor.username, audit.AuditAction.CREATE, "case", number, case_number=number
        ),
    )
    return case


def view_case(session: Session, actor: Actor, number: str) -> Case | None:
    """Open a case with its parties, alarms and property; the view is audited."""
    actor.require(Permission.CASE_VIEW)
    stmt = (
        select(Case)
        .where(Case.number == number)
        .options(selectinload(Case.parties), selectinload(Case.items), selectinload(Case.alarms))
    )
    case = session.scalar(stmt)
    if case is not None:
        purpose = Purpose(case_number=case.number)
        audit.append(
            session,
            audit.AuditEvent(
                actor.username,
                audit.AuditAction.VIEW,
                "case",
                case.number,
                case_number=purpose.case_number,
                detail={"parties": len(case.parties)},
            ),
        )
    return case


def get_alarm(session: Session, actor: Actor, number: str) -> Alarm | None:
    """One alarm with its place and case (for starting a search from it)."""
    actor.require(Permission.ALARM_VIEW)
    stmt = select(Alarm).where(Alarm.number == number).options(selectinload(Alarm.case))
    return session.scalar(stmt)


def list_alarms(
    session: Session, actor: Actor, open_only: bool = False, limit: int = 200
) -> list[Alarm]:
    actor.require(Permission.ALARM_VIEW)
    stmt = (
        select(Alarm)
        .options(selectinload(Alarm.case))
        .order_by(Alarm.received_at.desc())
        .limit(limit)
    )
    if open_only:
        stmt = stmt.where(Alarm.closed_at.is_(None))
    return list(session.scalars(stmt))


def figures(session: Session, since: datetime | None = None) -> Figures:
    """Live figures for the dashboard and the demo report, computed from the database."""
    alarm_q = select(Alarm.received_at, Alarm.dispatched_at, Alarm.on_scene_at, Alarm.closed_at)
    case_q = select(Case.reported_at, Case.solved_at, Case.status)
    item_q = select(PropertyItem.value_yuan, PropertyItem.status).join(Case)
    if since is not None:
        alarm_q = alarm_q.where(Alarm.received_at >= since)
        case_q = case_q.where(Case.reported_at >= since)
        item_q = item_q.where(Case.reported_at >= since)
    alarms = [AlarmClock(*row) for row in session.execute(alarm_q)]
    cases = [
        CaseClock(r.reported_at, r.solved_at, r.status in OPEN_CASE_STATUSES)
        for r in session.execute(case_q)
    ]
    items = [ItemValue(v, s in RECOVERED_PROPERTY) for v, s in session.execute(item_q)]
    return compute_figures(alarms, cases, items)


def add_suspect(session: Session, actor: Actor, number: str, id_number: str) -> bool:
    """Add a registered person as a suspect of a case; False when already one or unknown."""
    actor.require(Permission.CASE_EDIT)
    case = session.scalar(select(Case).where(Case.number == number))
    person = session.scalar(select(Person).where(Person.id_number == id_number))
    if case is None or person is None:
        return False
    if any(p.person_id == person.id and p.role == PartyRole.SUSPECT for p in case.parties):
        return False
    case.parties.append(CaseParty(person_id=person.id, role=PartyRole.SUSPECT))
    return True
