"""Clip, synopsis and evidence export on a real (tiny) clip: hashes in the manifest match the
files, the synopsis shows every track, and each export is audited."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import pytest
from sqlalchemy import select

from precinct.cases.domain import CaseType
from precinct.cases.store import Case
from precinct.core.access import Actor
from precinct.core.audit import AuditEntry
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.core.geo import LatLon, offset
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.registry.store import Place
from precinct.video import evidence, synopsis_service, trace_service
from precinct.video.clip_service import ClipMode
from precinct.video.index import save_crop

from .clips import make_clip

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 12, 15, 1, 30, tzinfo=TZ)
HOME = LatLon(30.5, 114.16)
ADMIN = Actor("zhou", Role.ADMIN)
CASE = "A4201130000002024008888"


@pytest.fixture
def setup(sqlite_db: Database, tmp_path: Path) -> tuple[Database, list[int]]:
    clip = make_clip(tmp_path / "src.mp4", seconds=10)
    crop = save_crop(tmp_path, b"\xff\xd8crop\xff\xd9")
    with sqlite_db.write() as session:
        index = FakeIndex(session, T0, hours=10 / 3600, file=str(clip))
        index.camera("A", HOME, 180.0)
        index.camera("B", offset(HOME, 0, -10), 180.0)
        rows = [
            index.track(FakeTrack("A", T0 + timedelta(seconds=1), 3, crop_sha256=crop)),
            index.track(FakeTrack("A", T0 + timedelta(seconds=5), 3)),
            index.track(FakeTrack("B", T0 + timedelta(seconds=6), 3)),
        ]
        place = Place(name="s", address="s", lat=HOME.lat, lon=HOME.lon)
        session.add(
            Case(
                number=CASE,
                case_type=CaseType.OTHER,
                title="t",
                reported_at=T0,
                window_start=T0,
                window_end=T0,
                place=place,
            )
        )
        session.flush()
        ids = [r.id for r in rows]
        trace_service.attach_lead(session, ADMIN, CASE, [ids[0], ids[2]], "route")
    return sqlite_db, ids


def frames_in(path: Path) -> int:
    with av.open(str(path)) as video:
        return sum(1 for _ in video.decode(video=0))


def test_evidence_package_hashes_and_audit(
    setup: tuple[Database, list[int]], tmp_path: Path
) -> None:
    db, ids = setup
    out = tmp_path / "package"
    with db.write() as session:
        pkg = evidence.export_case(session, ADMIN, evidence.ExportRequest(CASE, tmp_path, out))
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["exported_by"] == "zhou" and manifest["case_number"] == CASE
    kinds = sorted(i["kind"] for i in manifest["items"])
    assert kinds == ["clip", "clip", "crop", "routes"]
    for item in manifest["items"]:
        assert hashlib.sha256((out / item["file"]).read_bytes()).hexdigest() == item["sha256"]
    clip = next(i for i in manifest["items"] if i["kind"] == "clip")
    assert clip["source_sha256"] and clip["camera"] == "A" and frames_in(out / clip["file"]) > 25
    assert "report.html" in {p.name for p in out.iterdir()} and len(pkg.items) == 4
    with db.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    digest = hashlib.sha256((out / "manifest.json").read_bytes()).hexdigest()
    assert entry.case_number == CASE and entry.detail["manifest_sha256"] == digest
    with db.write() as session, pytest.raises(evidence.EvidenceError, match="not empty"):
        evidence.export_case(session, ADMIN, evidence.ExportRequest(CASE, tmp_path, out))


def test_synopsis_renders_every_track_of_the_window(
    setup: tuple[Database, list[int]], tmp_path: Path
) -> None:
    db, ids = setup
    req = synopsis_service.SynopsisRequest("A", T0, T0 + timedelta(seconds=10))
    with db.write() as session:
        syn = synopsis_service.render(session, ADMIN, req, tmp_path / "syn.mp4")
    assert sorted(e["track_id"] for e in syn.entries) == ids[:2]
    assert frames_in(tmp_path / "syn.mp4") == round(syn.seconds * synopsis_service.OUT_FPS)
    assert syn.seconds <= 10
    first, second = syn.entries  # the same path: the second must not start with the first
    assert first["at_s"] == 0 and second["at_s"] > 0
    assert all(len(box) == 4 for box in first["boxes"]) and first["step_s"] == 0.5


def test_every_file_of_the_package_is_in_the_manifest_with_its_hash(
    setup: tuple[Database, list[int]], tmp_path: Path
) -> None:
    db, _ = setup
    out = tmp_path / "package"
    req = evidence.ExportRequest(CASE, tmp_path, out, synopsis=True, mode=ClipMode.COPY)
    with db.write() as session:
        evidence.export_case(session, ADMIN, req)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    listed = {i["file"]: i["sha256"] for i in manifest["items"]}
    on_disk = {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in out.rglob("*")
        if p.is_file() and p.name not in {"manifest.json", "report.html"}
    }
    assert on_disk == listed  # nothing unlisted, nothing missing, every hash re-computed equal
    assert {i["kind"] for i in manifest["items"]} == {"clip", "crop", "routes", "synopsis"}
    for clip in (i for i in manifest["items"] if i["kind"] == "clip"):
        assert clip["clip_mode"] == "copy" and clip["keyframe_aligned"] is True
        assert datetime.fromisoformat(clip["clip_start"]) <= datetime.fromisoformat(clip["start"])


def test_the_report_is_self_contained(setup: tuple[Database, list[int]], tmp_path: Path) -> None:
    db, _ = setup
    out = tmp_path / "package"
    with db.write() as session:
        evidence.export_case(session, ADMIN, evidence.ExportRequest(CASE, tmp_path, out))
    report = (out / "report.html").read_text("utf-8")
    refs = re.findall(r"(?:src|href)='([^']*)'", report)
    crops = [r for r in refs if r.startswith("data:image/jpeg;base64,")]
    assert base64.b64decode(crops[0].split(",", 1)[1]) == b"\xff\xd8crop\xff\xd9"
    links = [r for r in refs if not r.startswith("data:")]
    assert links and all((out / link).resolve().is_relative_to(out) for link in links)
    assert all((out / link).is_file() for link in links)
    assert "http" not in report and "/" not in "".join(r[:1] for r in links)
