"""Import tests: good files, every kind of broken file (nothing written), idempotent re-import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from precinct.core.access import Actor
from precinct.core.audit import AuditEntry
from precinct.core.db import Database
from precinct.core.identifiers import ResidentId
from precinct.core.tabular import TableError
from precinct.registry import service
from precinct.registry.store import Camera, Person, PersonPhone

LIU = ResidentId.build("420113", date(1992, 3, 14), 131).value
WANG = ResidentId.build("420114", date(1985, 11, 2), 242).value
CHEN = ResidentId.build("430102", date(2001, 6, 30), 17).value


def write_csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def persons_csv(folder: Path) -> Path:
    return write_csv(
        folder,
        "persons.csv",
        (
            "id_number,name,phones,address\n"
            f"{LIU},刘强,138-0013-8000,武汉市汉南区紫郡兰园3栋2单元501\n"
            f"{WANG},王芳,+86 139 0713 1234;15927001234,武汉经开区东风大道88号\n"
            f"{CHEN.lower()},陈晨,,\n"
        ),
    )


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_import_persons_decodes_ids_and_normalises_phones(
    db: Database, analyst: Actor, tmp_path: Path
) -> None:
    with db.write() as session:
        report = service.import_persons(session, analyst, persons_csv(tmp_path))
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    with db.read() as session:
        wang = session.scalar(select(Person).where(Person.id_number == WANG))
        assert wang is not None and wang.sex == "F" and wang.birth_date == date(1985, 11, 2)
        assert sorted(p.phone for p in wang.phones) == ["13907131234", "15927001234"]
        chen = session.scalar(select(Person).where(Person.name == "陈晨"))
        assert chen is not None and chen.id_number == CHEN and chen.region_code == "430102"


def test_reimport_is_idempotent_and_updates_changes(
    db: Database, analyst: Actor, tmp_path: Path
) -> None:
    path = persons_csv(tmp_path)
    with db.write() as session:
        service.import_persons(session, analyst, path)
    with db.write() as session:
        again = service.import_persons(session, analyst, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert count(db, Person) == 3 and count(db, PersonPhone) == 3
    path.write_text(path.read_text(encoding="utf-8").replace("刘强", "刘强强"), encoding="utf-8")
    with db.write() as session:
        changed = service.import_persons(session, analyst, path)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)


def test_import_is_audited_with_the_file_hash(db: Database, analyst: Actor, tmp_path: Path) -> None:
    path = persons_csv(tmp_path)
    with db.write() as session:
        service.import_persons(session, analyst, path)
    with db.read() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "import"))
    assert entry is not None and entry.actor == "analyst1"
    assert entry.detail["sha256"] == service.sha256_file(path)


BAD_FILES = {
    "bad checksum": (
        f"id_number,name\n{LIU[:-1]}{'0' if LIU[-1] != '0' else '1'},刘强\n",
        "persons.csv:2:id_number: checksum",
    ),
    "bad date": (
        "id_number,name\n420113199202301234,刘强\n",
        "persons.csv:2:id_number:",
    ),
    "missing column": ("name,phones\n刘强,13800138000\n", "missing column 'id_number'"),
    "duplicate key": (
        f"id_number,name\n{LIU},刘强\n{WANG},王芳\n{LIU},刘强\n",
        "persons.csv:4:id_number: duplicate key",
    ),
    "bad phone": (f"id_number,name,phones\n{LIU},刘强,12345\n", "persons.csv:2:phones:"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_rejected_whole(
    db: Database, analyst: Actor, tmp_path: Path, case: str
) -> None:
    text, expected = BAD_FILES[case]
    good_rows = f"{WANG},王芳\n" if text.startswith("id_number,name\n") else ""
    path = write_csv(tmp_path, "persons.csv", text + good_rows)
    with pytest.raises(TableError) as info, db.write() as session:
        service.import_persons(session, analyst, path)
    assert expected in str(info.value)
    assert count(db, Person) == 0 and count(db, AuditEntry) == 0


def test_binary_garbage_is_rejected(db: Database, analyst: Actor, tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(TableError, match="not a CSV or XLSX file"), db.write() as session:
        service.import_persons(session, analyst, path)
    assert count(db, Person) == 0


def test_every_error_in_a_file_is_listed(db: Database, analyst: Actor, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "persons.csv",
        (f"id_number,name,phones\n420113199202301234,刘强,\n{WANG},,\n{CHEN},陈晨,999\n"),
    )
    with pytest.raises(TableError) as info, db.write() as session:
        service.import_persons(session, analyst, path)
    rows = sorted((e.row, e.field) for e in info.value.errors)
    assert rows == [(2, "id_number"), (3, "name"), (4, "phones")]


def test_xlsx_with_chinese_headers(db: Database, analyst: Actor, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["身份证号", "姓名", "手机号"])
    sheet.append([LIU, "刘强", "13800138000"])
    path = tmp_path / "人员.xlsx"
    book.save(path)
    with db.write() as session:
        report = service.import_persons(session, analyst, path)
    assert report.created == 1


def test_import_cameras_and_reimport(db: Database, analyst: Actor, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "cameras.csv",
        (
            "code,name,lat,lon,heading,metres_per_pixel\n"
            "C01,车城大道与沌阳大道路口,30.4970,114.1650,90,0.05\n"
            "C02,东风大道与枫树路路口,30.5012,114.1703,,\n"
        ),
    )
    with db.write() as session:
        service.import_cameras(session, analyst, path)
    with db.write() as session:
        again = service.import_cameras(session, analyst, path)
    assert again.unchanged == 2
    with db.read() as session:
        c01 = session.scalar(select(Camera).where(Camera.code == "C01"))
        assert c01 is not None and c01.calibration == {"metres_per_pixel": 0.05}
        assert c01.place.lat == pytest.approx(30.497)


def test_bad_camera_coordinates(db: Database, analyst: Actor, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "cameras.csv", "code,name,lat,lon\nC01,x,130.5,114.1\n")
    with pytest.raises(TableError, match="cameras.csv:2:lat"), db.write() as session:
        service.import_cameras(session, analyst, path)
    assert count(db, Camera) == 0


def test_reimport_with_a_new_heading_recomputes_the_tracks_headings(
    db: Database, analyst: Actor, tmp_path: Path
) -> None:
    """Tracks store their compass heading; turning the camera in the registry recomputes it."""
    from datetime import UTC, datetime

    from precinct.demo.video_tracks import FakeIndex, FakeTrack
    from precinct.video.store import VideoTrack

    header = "code,name,lat,lon,heading,metres_per_pixel\n"
    first = write_csv(tmp_path, "cameras.csv", header + "C01,路口,30.4970,114.1650,90,0.05\n")
    with db.write() as session:
        service.import_cameras(session, analyst, first)
        index = FakeIndex(session, datetime(2024, 12, 15, tzinfo=UTC))
        camera = session.scalars(select(Camera)).one()
        index.adopt(camera)
        index.track(FakeTrack("C01", index.start, direction_deg=10.0))
    with db.read() as session:
        assert session.scalars(select(VideoTrack.compass_deg)).one() == 100.0
    turned = write_csv(tmp_path, "turned.csv", header + "C01,路口,30.4970,114.1650,180,0.05\n")
    with db.write() as session:
        assert service.import_cameras(session, analyst, turned).updated == 1
    with db.read() as session:
        assert session.scalars(select(VideoTrack.compass_deg)).one() == 190.0
