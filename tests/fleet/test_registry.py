"""Registry import (all or nothing) and locate, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from precinct.core.access import Actor
from precinct.core.audit import AuditEntry
from precinct.core.db import Database
from precinct.core.tabular import TableError
from precinct.fleet import match, service
from precinct.fleet.store import Vehicle

from .helpers import CG1, CG2, operators_csv, vehicles_csv, write

T0 = datetime(2024, 12, 15, 10, 0, tzinfo=UTC)


def load(db: Database, actor: Actor, folder: Path) -> None:
    with db.write() as session:
        service.import_operators(session, actor, operators_csv(folder))
        service.import_vehicles(session, actor, vehicles_csv(folder))


def test_import_normalises_plates_and_fleet_numbers(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    load(db, admin, tmp_path)
    with db.read() as session:
        plates = sorted(session.scalars(select(Vehicle.plate)))
        assert plates == ["鄂AD12345", "鄂ADB1234", "鄂AF54321"]
        v = session.scalar(select(Vehicle).where(Vehicle.plate == "鄂ADB1234"))
        assert v is not None and v.fleet_number == CG2.replace("-", "") and v.operator.code == "CG"
    with db.write() as session:
        again = service.import_vehicles(session, admin, vehicles_csv(tmp_path))
    assert (again.created, again.unchanged) == (0, 3)


def test_bad_vehicle_file_is_rejected_whole(db: Database, admin: Actor, tmp_path: Path) -> None:
    with db.write() as session:
        service.import_operators(session, admin, operators_csv(tmp_path))
    bad = write(
        tmp_path,
        "bad.csv",
        "plate,fleet_number,vin,model,colour,operator\n"
        f"鄂A·D12345,{CG1},V1,RT-6,白色,CG\n"
        "鄂A·DI2345,CG-0002-3,V2,RT-6,白色,CG\n"
        f"鄂A·D12345,{CG2},V3,RT-6,白色,CG\n"
        f"鄂A·D22222,{CG1},V4,RT-6,白色,XX\n",
    )
    with pytest.raises(TableError) as caught, db.write() as session:
        service.import_vehicles(session, admin, bad)
    text = str(caught.value)
    assert "bad.csv:3:plate" in text and "letter I" in text
    assert "bad.csv:3:fleet_number" in text and "check character" in text
    assert "bad.csv:4:plate: duplicate key" in text
    with db.read() as session:
        assert session.scalar(select(func.count(Vehicle.id))) == 0
    with pytest.raises(TableError) as caught, db.write() as session:
        service.import_vehicles(
            session,
            admin,
            write(
                tmp_path,
                "b2.csv",
                "plate,fleet_number,vin,model,colour,operator\n"
                f"鄂A·D12345,{CG1},V1,RT-6,白色,CG\n"
                f"鄂A·D22222,{CG1},V4,RT-6,白色,XX\n",
            ),
        )
    assert "b2.csv:3:operator: unknown operator XX" in str(caught.value)
    assert "b2.csv:3:fleet_number: duplicate fleet_number" in str(caught.value)


def test_locate_answers_latest_sightings_and_is_audited(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    load(db, admin, tmp_path)
    with db.write() as session:
        reg = service.registry(session)
        decision = match.identify(reg, [["鄂AD12345", CG1.replace("-", "")]])
        assert decision.vehicle is not None
        for minutes in range(3):
            where = service.Where("C07", T0 + timedelta(minutes=minutes), 30.5, 114.16)
            service.record_sighting(session, decision, where)
    with db.write() as session:
        vehicle, sightings = service.locate(session, admin, CG1, limit=2)
        assert vehicle is not None and vehicle.plate == "鄂AD12345"
        assert [s.seen_at for s in sightings] == [
            T0 + timedelta(minutes=2),
            T0 + timedelta(minutes=1),
        ]
        by_plate, _ = service.locate(session, admin, "鄂a·d12345")
        assert by_plate is not None and by_plate.id == vehicle.id
    with db.read() as session:
        searches = session.scalars(select(AuditEntry).where(AuditEntry.action == "search")).all()
        assert [e.detail["query"] for e in searches] == [CG1, "鄂a·d12345"]


def test_no_sighting_without_a_match(db: Database, admin: Actor, tmp_path: Path) -> None:
    load(db, admin, tmp_path)
    with db.write() as session:
        decision = match.identify(service.registry(session), [["鄂AD1234"]])
        assert (
            service.record_sighting(session, decision, service.Where("C1", T0, 30.5, 114.1)) is None
        )


def test_vehicles_import_from_xlsx(db: Database, admin: Actor, tmp_path: Path) -> None:
    import openpyxl

    with db.write() as session:
        service.import_operators(session, admin, operators_csv(tmp_path))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["车牌", "车辆编号", "车架号", "车型", "颜色", "运营商编码"])
    sheet.append(["鄂A·12345D", CG1, "LFV0000000000000X", "RT-6", "白色", "CG"])
    sheet.append(["鄂A·DO1234", CG2, "LFV0000000000000Y", "RT-6", "白色", "CG"])
    path = tmp_path / "vehicles.xlsx"
    book.save(path)
    with pytest.raises(TableError) as caught, db.write() as session:
        service.import_vehicles(session, admin, path)
    assert str(caught.value).startswith("vehicles.xlsx:3:plate") and "letter O" in str(caught.value)
    sheet.delete_rows(3)
    book.save(path)
    with db.write() as session:
        report = service.import_vehicles(session, admin, path)
    assert report.created == 1
    with db.read() as session:
        assert session.scalar(select(Vehicle.plate)) == "鄂A12345D"  # large new-energy plate
