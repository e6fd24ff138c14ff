"""Tests for the synthetic district: registry, background year, the night and the report."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from precinct.cases.domain import CaseStatus, CaseType, PartyRole, PropertyStatus
from precinct.cases.store import Alarm, Case, CaseParty, PropertyItem
from precinct.core.db import Database
from precinct.core.identifiers import Phone, ResidentId
from precinct.demo.district import (
    NEARBY_METRES,
    TZ,
    DistrictSpec,
    DistrictTruth,
    build_district,
    camera_sites,
    report_lines,
    scene,
    write_truth,
)
from precinct.demo.people import REFERENCE_DATE, is_wuhan_region
from precinct.registry.store import Camera, Officer, Person, PersonPhone

SPEC = DistrictSpec(residents=2000)

Built = tuple[Database, DistrictTruth]


@pytest.fixture
def built(db: Database) -> Built:
    return db, build_district(db, SPEC)


def _count(db: Database, column: Any, *where: Any) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count(column)).where(*where)) or 0)


def _night_case(db: Database, truth: DistrictTruth) -> Case:
    with db.read() as session:
        loads = (selectinload(Case.lead_officer), selectinload(Case.parties))
        case = session.scalar(select(Case).where(Case.number == truth.case_number).options(*loads))
        assert case is not None
        return case


# --- pure parts ----------------------------------------------------------------------------


def test_spec_rejects_impossible_districts() -> None:
    with pytest.raises(ValueError):
        DistrictSpec(residents=-1)
    with pytest.raises(ValueError):
        DistrictSpec(background_year=2025)


def test_camera_sites_cover_the_grid_and_the_scene() -> None:
    sites = camera_sites()
    assert len(sites) >= 40
    assert [s.code for s in sites] == [f"C{i:02d}" for i in range(1, len(sites) + 1)]
    assert len({s.name for s in sites}) == len(sites)
    assert all(s.heading_deg in (0, 90, 180, 270) for s in sites)
    assert all(0.04 <= s.metres_per_pixel <= 0.06 for s in sites)
    assert all(abs(s.lat - 30.497) < 0.03 and abs(s.lon - 114.165) < 0.03 for s in sites)
    names = {s.name: s for s in sites}
    assert names["沌阳大道与车城大道路口(东北角)"].heading_deg == 270
    lat, lon = scene()
    near = [s for s in sites if abs(s.lat - lat) * 111_320 < NEARBY_METRES]
    assert len(near) >= 4


# --- the database --------------------------------------------------------------------------


def test_registry_counts_match_the_truth(built: Built) -> None:
    db, truth = built
    counts = truth.counts
    assert counts.residents == _count(db, Person.id) == 2000
    assert counts.phones == _count(db, PersonPhone.id) > 1500
    assert counts.cameras == _count(db, Camera.id) >= 40
    assert counts.officers == _count(db, Officer.id) >= 35
    assert counts.mentor_pairs == _count(db, Officer.id, Officer.mentor_id.is_not(None)) > 0
    assert counts.alarms == _count(db, Alarm.id)
    assert counts.cases == _count(db, Case.id)
    assert counts.items == _count(db, PropertyItem.id)
    with db.read() as session:
        codes = set(session.scalars(select(Camera.code)))
        camera = session.scalar(select(Camera).where(Camera.code == "C01"))
    assert codes == set(truth.camera_codes)
    assert set(truth.nearby_camera_codes) <= codes and truth.nearby_camera_codes
    assert camera is not None and camera.place.lat and camera.place.address
    assert 0.04 <= (camera.calibration or {})["metres_per_pixel"] <= 0.06


def _check_clock(alarm: Alarm) -> None:
    assert alarm.dispatched_at and alarm.on_scene_at and alarm.closed_at
    assert timedelta(minutes=1) <= alarm.dispatched_at - alarm.received_at <= timedelta(minutes=4)
    on_scene = alarm.on_scene_at - alarm.dispatched_at
    assert timedelta(minutes=5) <= on_scene <= timedelta(minutes=15)
    assert timedelta(minutes=30) <= alarm.closed_at - alarm.received_at <= timedelta(minutes=180)


def test_background_year_of_small_cases(built: Built) -> None:
    db, truth = built
    with db.read() as session:
        alarms = list(session.scalars(select(Alarm)))
        cases = list(session.scalars(select(Case).where(Case.number != truth.case_number)))
        suspects = set(
            session.scalars(select(CaseParty.case_id).where(CaseParty.role == PartyRole.SUSPECT))
        )
        items = session.execute(select(PropertyItem.status, PropertyItem.serial)).all()
    assert 1400 <= len(alarms) <= 1600
    assert 350 <= len(cases) <= 450
    for alarm in alarms:
        _check_clock(alarm)
        assert re.fullmatch(r"JJ\d{14}", alarm.number)
        assert alarm.number[2:10] == alarm.received_at.astimezone(TZ).strftime("%Y%m%d")
        Phone.parse(alarm.caller_phone)
    assert {c.case_type for c in cases} >= {
        CaseType.THEFT_FROM_VEHICLE, CaseType.BICYCLE_THEFT, CaseType.BURGLARY,
        CaseType.PICKPOCKETING, CaseType.CARD_FRAUD,
    }  # fmt: skip
    assert all(len(c.number) <= 32 and c.number.startswith("A4201130000002024") for c in cases)
    solved = [c for c in cases if c.status in (CaseStatus.SOLVED, CaseStatus.CLOSED)]
    assert 0.7 < len(solved) / len(cases) < 0.95
    assert all(c.solved_at and c.solved_at - c.reported_at < timedelta(days=11) for c in solved)
    assert all(c.id in suspects for c in solved)
    back = sum(s in (PropertyStatus.RETURNED, PropertyStatus.SEIZED) for s, _ in items)
    assert back / len(items) > 0.5
    imeis = [serial for _, serial in items if len(serial) == 15 and serial.isdigit()]
    assert imeis


def test_night_of_the_smashed_windows(built: Built) -> None:
    db, truth = built
    case = _night_case(db, truth)
    assert case.title == "紫郡兰园东北侧路边12辆汽车被砸车窗盗窃案"
    assert case.case_type == CaseType.THEFT_FROM_VEHICLE
    assert case.status == CaseStatus.INVESTIGATING and case.solved_at is None
    assert case.lead_officer is not None and case.lead_officer.name == "周钰"
    assert case.window_start == datetime(2024, 12, 15, 1, tzinfo=TZ)
    assert case.window_end == datetime(2024, 12, 15, 5, tzinfo=TZ)
    with db.read() as session:
        alarms = list(session.scalars(select(Alarm).where(Alarm.case_id == case.id)))
        victims = session.execute(
            select(Person.id_number, Person.address)
            .join(CaseParty, CaseParty.person_id == Person.id)
            .where(CaseParty.case_id == case.id, CaseParty.role == PartyRole.VICTIM)
        ).all()
        items = list(session.scalars(select(PropertyItem).where(PropertyItem.case_id == case.id)))
    assert len(alarms) == 12
    assert sorted(a.number for a in alarms) == sorted(truth.night_alarm_numbers)
    first, last = datetime(2024, 12, 15, 6, 40, tzinfo=TZ), datetime(2024, 12, 15, 9, 10, tzinfo=TZ)
    for alarm in alarms:
        _check_clock(alarm)
        assert first <= alarm.received_at <= last
        assert "车窗被砸" in alarm.text and "紫郡兰园" in alarm.place.address
    spots = {(a.place.lat, a.place.lon) for a in alarms}
    assert len(spots) == 12
    assert len(victims) == 12 == len(set(truth.victim_id_numbers))
    assert {v for v, _ in victims} == set(truth.victim_id_numbers)
    assert all("紫郡兰园" in address for _, address in victims)
    assert len(items) >= 12 and all(i.status == PropertyStatus.STOLEN for i in items)
    assert Decimal(10_000) < sum(i.value_yuan for i in items) < Decimal(100_000)
    assert {i.owner_id for i in items} == {p.person_id for p in case.parties}


def test_suspect_is_cast_but_not_linked(built: Built) -> None:
    db, truth = built
    suspect_id = ResidentId.parse(truth.suspect_id_number)
    with db.read() as session:
        person = session.scalar(select(Person).where(Person.id_number == suspect_id.value))
        assert person is not None
        parties = session.scalars(select(CaseParty).where(CaseParty.person_id == person.id))
        calls = session.scalars(select(Alarm).where(Alarm.caller_id == person.id))
        assert list(parties) == [] and list(calls) == []
    assert person.name.startswith("刘") and person.sex == "M"
    assert 25 <= suspect_id.age_on(REFERENCE_DATE) <= 40
    assert not is_wuhan_region(person.region_code)
    assert person.address == truth.suspect_address and "出租屋" in person.address
    assert truth.suspect_id_number not in truth.victim_id_numbers


def test_report_figures_follow_the_database(built: Built) -> None:
    db, truth = built
    case = _night_case(db, truth)
    text = "\n".join(report_lines(db, truth))
    with db.read() as session:
        values = list(
            session.scalars(select(PropertyItem.value_yuan).where(PropertyItem.case_id == case.id))
        )
    stolen = sum(values, Decimal(0))
    assert f"Residents: {_count(db, Person.id):,}" in text
    assert f"Cameras: {_count(db, Camera.id)}" in text
    assert f"alarms {_count(db, Alarm.id):,}, handled 100.0%" in text
    assert f"value stolen ¥{stolen:,.2f}, recovered ¥0.00" in text
    assert f"case {truth.case_number}" in text and "status investigating" in text
    assert "victims 12" in text
    with db.write() as session:
        item = session.scalars(select(PropertyItem).where(PropertyItem.case_id == case.id)).first()
        assert item is not None
        returned = item.value_yuan
        session.execute(
            update(PropertyItem)
            .where(PropertyItem.id == item.id)
            .values(status=PropertyStatus.RETURNED)
        )
    after = "\n".join(report_lines(db, truth))
    assert f"value stolen ¥{stolen:,.2f}, recovered ¥{returned:,.2f}" in after
    assert after != text


# --- determinism ---------------------------------------------------------------------------


def _snapshot(db: Database) -> tuple[set[str], list[tuple[str, str, str]]]:
    with db.read() as session:
        ids = set(session.scalars(select(Person.id_number)))
        cases = session.execute(select(Case.number, Case.status, Case.title).order_by(Case.number))
        return ids, [(n, str(s), t) for n, s, t in cases]


def test_same_seed_same_district(sqlite_template: Path, tmp_path: Path) -> None:
    builds = []
    stages: list[str] = []
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        shutil.copyfile(sqlite_template, tmp_path / name / "precinct.db")
        db = Database(f"sqlite:///{tmp_path / name / 'precinct.db'}")
        truth = build_district(db, SPEC, lambda stage, done, total: stages.append(stage))
        builds.append((truth, _snapshot(db)))
        db.dispose()
    (first, first_db), (second, second_db) = builds
    assert first == second
    assert first_db == second_db
    assert {"residents", "background year", "the night"} <= set(stages)
    path = write_truth(first, tmp_path)
    assert path == tmp_path / "ground_truth" / "district.json"
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["case_number"] == first.case_number
    assert saved["suspect_id_number"] == first.suspect_id_number
    assert "出租屋" in path.read_text(encoding="utf-8")  # ensure_ascii=False


def test_another_seed_casts_the_story_too(sqlite_db: Database) -> None:
    truth = build_district(sqlite_db, DistrictSpec(seed=7, residents=2000))
    assert truth.counts.residents == 2000
    assert len(truth.victim_id_numbers) == 12
    with pytest.raises(ValueError, match="already holds a district"):
        build_district(sqlite_db, DistrictSpec(seed=7, residents=2000))
