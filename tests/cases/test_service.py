from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from precinct.cases import service
from precinct.cases.domain import CaseStatus, PartyRole
from precinct.cases.store import Case, CaseParty
from precinct.core.access import AccessDenied, Actor
from precinct.core.audit import AuditEntry
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.core.identifiers import ResidentId
from precinct.core.tabular import TableError
from precinct.registry import service as registry

OWNER = ResidentId.build("420113", date(1980, 1, 2), 11).value
OWNER2 = ResidentId.build("420113", date(1983, 5, 6), 22).value
UNKNOWN = ResidentId.build("420114", date(1990, 7, 8), 33).value
HEADER = (
    "number,type,status,title,reported_at,window_start,window_end,address,lat,lon,"
    "victims,suspects\n"
)


def setup_persons(db: Database, actor: Actor, folder: Path) -> None:
    path = folder / "p.csv"
    path.write_text(f"id_number,name\n{OWNER},赵伟\n{OWNER2},钱敏\n", encoding="utf-8")
    with db.write() as session:
        registry.import_persons(session, actor, path)


def case_row(number: str, victims: str, window_end: str = "2024-12-15 05:00") -> str:
    return (
        f"{number},theft_from_vehicle,investigating,砸车窗盗窃,2024-12-15 07:00,"
        f"2024-12-15 01:00,{window_end},紫郡兰园东北侧,30.49,114.16,{victims},\n"
    )


def test_import_cases_links_victims_and_is_idempotent(
    db: Database, analyst: Actor, tmp_path: Path
) -> None:
    setup_persons(db, analyst, tmp_path)
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + case_row("A1", f"{OWNER};{OWNER2}"), encoding="utf-8")
    with db.write() as session:
        assert service.import_cases(session, analyst, path).created == 1
    with db.write() as session:
        assert service.import_cases(session, analyst, path).unchanged == 1
    with db.read() as session:
        case = session.scalar(select(Case).where(Case.number == "A1"))
        assert case is not None and case.status == CaseStatus.INVESTIGATING
        assert case.window_start.hour == 17  # 01:00 Shanghai is 17:00 UTC the day before
        roles = {(p.person.id_number, p.role) for p in case.parties}
        assert roles == {(OWNER, PartyRole.VICTIM), (OWNER2, PartyRole.VICTIM)}


def test_unknown_person_and_bad_window_reject_the_file(
    db: Database, analyst: Actor, tmp_path: Path
) -> None:
    setup_persons(db, analyst, tmp_path)
    path = tmp_path / "cases.csv"
    path.write_text(
        HEADER
        + case_row("A1", OWNER)
        + case_row("A2", UNKNOWN)
        + case_row("A3", OWNER, window_end="2024-12-14 05:00"),
        encoding="utf-8",
    )
    with pytest.raises(TableError) as info, db.write() as session:
        service.import_cases(session, analyst, path)
    found = sorted((e.row, e.field) for e in info.value.errors)
    assert found == [(3, "victims"), (4, "window_end")]
    with db.read() as session:
        assert session.scalar(select(func.count(Case.id))) == 0
        assert session.scalar(select(func.count(CaseParty.id))) == 0


def test_viewing_a_case_is_audited_and_role_checked(
    db: Database, analyst: Actor, tmp_path: Path
) -> None:
    setup_persons(db, analyst, tmp_path)
    path = tmp_path / "cases.csv"
    path.write_text(HEADER + case_row("A9", OWNER), encoding="utf-8")
    with db.write() as session:
        service.import_cases(session, analyst, path)
    with db.write() as session:
        case = service.view_case(session, analyst, "A9")
        assert case is not None and len(case.parties) == 1
    with db.read() as session:
        views = session.scalars(select(AuditEntry).where(AuditEntry.action == "view")).all()
    assert [(v.actor, v.case_number) for v in views] == [("analyst1", "A9")]
    with pytest.raises(AccessDenied), db.write() as session:
        service.view_case(session, Actor("t", Role.TRAFFIC), "A9")
