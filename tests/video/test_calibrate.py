"""Calibrating a camera from clicked points: the fit, its residuals, storing it, and the stored
tracks' ground figures following it (SQLite and PostgreSQL), from the service and the CLI."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from precinct.cli import app
from precinct.core.access import AccessDenied, Actor
from precinct.core.audit import AuditEntry
from precinct.core.auth import Role
from precinct.core.console import open_database
from precinct.core.db import Database
from precinct.core.geo import LatLon, east_north_m, offset
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.registry import service as registry
from precinct.registry.store import Camera
from precinct.video.calibrate import GroundUnit, PointPair, fit, parse_pair
from precinct.video.calibrate_service import CalibrationError, calibrate_camera, clear_homography
from precinct.video.store import VideoTrack

from .test_heading import image_direction, pixel, walk

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 12, 15, 1, 30, tzinfo=TZ)
ORIGIN = LatLon(30.5, 114.16)
GROUND = [(-5.0, -10.0), (5.0, -10.0), (-5.0, -30.0), (5.0, -30.0), (0.0, -15.0)]  # east, north


def lens_points(unit: GroundUnit = GroundUnit.METRES) -> list[str]:
    """The test lens (`test_heading.pixel`) at five ground points, as `PX,PY=A,B` texts."""
    texts = []
    for east, north in GROUND:
        u, v = pixel(east, north)
        if unit is GroundUnit.METRES:
            texts.append(f"{u:.3f},{v:.3f}={east},{north}")
        else:
            place = offset(ORIGIN, east, north)
            texts.append(f"{u:.3f},{v:.3f}={place.lat:.8f},{place.lon:.8f}")
    return texts


# --- pure ----------------------------------------------------------------------------------


def test_pairs_in_metres_and_in_latitude_longitude() -> None:
    assert parse_pair("812,640=12.5,-3", GroundUnit.METRES, None) == PointPair(
        (812.0, 640.0), (12.5, -3.0)
    )
    place = offset(ORIGIN, 20.0, -10.0)
    pair = parse_pair(f"10,20={place.lat},{place.lon}", GroundUnit.LATLON, ORIGIN)
    assert pair.ground == pytest.approx((20.0, -10.0), abs=0.01)
    assert east_north_m(ORIGIN, place) == pytest.approx((20.0, -10.0), abs=0.01)
    for bad in ("812,640", "a,b=c,d", "-1,5=1,2"):
        with pytest.raises(ValueError):
            parse_pair(bad, GroundUnit.METRES, None)
    with pytest.raises(ValueError, match="latitude"):
        parse_pair("1,2=95,114", GroundUnit.LATLON, ORIGIN)


def test_an_exact_lens_fits_with_no_residual_and_a_mistyped_point_shows() -> None:
    pairs = [parse_pair(t, GroundUnit.METRES, None) for t in lens_points()]
    assert fit(pairs).worst_m < 0.01
    wrong = [*pairs[:4], PointPair(pairs[4].image, (3.0, -15.0))]  # 3 m off
    residuals = fit(wrong).residuals_m
    assert residuals.index(max(residuals)) == 4 and max(residuals) > 1.0


def test_ground_points_far_from_the_origin_fit_like_near_ones() -> None:
    """A survey grid thousands of metres from its origin used to fail a determinant check."""
    near = [parse_pair(t, GroundUnit.METRES, None) for t in lens_points()]
    far = [PointPair(p.image, (p.ground[0] + 3000.0, p.ground[1] + 5000.0)) for p in near]
    fitted = fit(far)
    assert fitted.worst_m < 0.01
    assert fitted.calibration.homography is not None


def test_points_outside_the_picture_or_too_few_are_refused() -> None:
    pairs = [parse_pair(t, GroundUnit.METRES, None) for t in lens_points()]
    with pytest.raises(ValueError, match="outside"):
        fit(pairs, (320, 240))
    with pytest.raises(ValueError, match="4"):
        fit(pairs[:3])


# --- service, both databases ----------------------------------------------------------------


def _rider(db: Database) -> None:
    """Camera A looks south; a rider comes 20 m north towards it in 4 s (5 m/s)."""
    towards = walk((8.0, -30.0), (8.0, -10.0))
    feet = tuple((p[0], p[1]) for p in towards)
    with db.write() as session:
        index = FakeIndex(session, T0)
        index.camera("A", ORIGIN, heading=180.0)
        track = FakeTrack(
            "A", T0 + timedelta(minutes=1), 4, "cyclist", ("green",), image_direction(towards)
        )
        index.track(track.__class__(**{**track.__dict__, "feet": feet, "speed_m_s": None}))


def _figures(db: Database) -> tuple[float | None, float | None]:
    with db.read() as session:
        row = session.scalars(select(VideoTrack)).one()
        return row.compass_deg, row.speed_m_s


def test_calibrating_stores_the_homography_and_recomputes_heading_and_speed(
    db: Database, admin: Actor
) -> None:
    _rider(db)
    heading, speed = _figures(db)
    assert speed is None and heading is not None and 30 < heading < 80  # image + camera: NE
    with db.write() as session:
        done = calibrate_camera(
            session, admin, "A", lens_points(GroundUnit.LATLON), GroundUnit.LATLON
        )
    assert done.tracks_updated == 1 and done.fit.worst_m < 0.05
    heading, speed = _figures(db)
    assert heading is not None and min(heading, 360 - heading) < 3  # north, on the ground
    assert speed is not None and 4.0 < speed < 5.5
    with db.read() as session:
        stored = session.scalars(select(Camera)).one().calibration
        assert stored is not None and len(stored["points"]) == 5 and "homography" in stored
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert entry is not None and entry.subject_type == "camera_calibration"
        assert entry.subject_id == "A" and entry.actor == "admin"


def test_reimporting_the_camera_keeps_the_homography_and_clear_removes_it(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    _rider(db)
    with db.write() as session:
        calibrate_camera(session, admin, "A", lens_points(), GroundUnit.METRES)
    sheet = tmp_path / "cameras.csv"
    sheet.write_text(
        "code,name,lat,lon,heading,metres_per_pixel\n"
        f"A,路口 A,{ORIGIN.lat},{ORIGIN.lon},180,0.04\n",
        encoding="utf-8",
    )
    with db.write() as session:
        registry.import_cameras(session, admin, sheet)
    with db.read() as session:
        stored = session.scalars(select(Camera)).one().calibration
    assert stored is not None and "homography" in stored and stored["metres_per_pixel"] == 0.04
    assert min(_figures(db)[0] or 99, 360 - (_figures(db)[0] or 0)) < 3
    with db.write() as session:
        assert clear_homography(session, admin, "A") == 1
    with db.read() as session:
        assert session.scalars(select(Camera)).one().calibration == {"metres_per_pixel": 0.04}
    heading, speed = _figures(db)
    assert heading is not None and 30 < heading < 80  # back to image direction + heading
    assert speed is not None  # metres per pixel still gives a speed


def test_unknown_camera_bad_points_and_roles_are_refused(db: Database, admin: Actor) -> None:
    _rider(db)
    with db.write() as session, pytest.raises(CalibrationError, match="not in the registry"):
        calibrate_camera(session, admin, "ZZ", lens_points(), GroundUnit.METRES)
    bad = [*lens_points()[:3], "1,2=x"]
    with db.write() as session, pytest.raises(CalibrationError, match="point 4"):
        calibrate_camera(session, admin, "A", bad, GroundUnit.METRES)
    with db.write() as session, pytest.raises(AccessDenied):
        calibrate_camera(session, Actor("v", Role.VIEWER), "A", lens_points(), GroundUnit.METRES)
    with db.read() as session:
        assert session.scalars(select(Camera)).one().calibration is None


# --- CLI ------------------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def cli_db(data_dir: Path) -> Iterator[Database]:
    db = open_database()
    yield db
    db.dispose()


def test_cli_calibrates_prints_residuals_and_clears(cli_db: Database) -> None:
    _rider(cli_db)
    args = ["video", "calibrate", "A", "--ground", "metres"]
    for text in lens_points():
        args += ["--point", text]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["tracks_updated"] == 1 and len(record["residuals_m"]) == 5
    assert record["worst_m"] < 0.05
    few = runner.invoke(app, ["video", "calibrate", "A", "--point", lens_points()[0]])
    assert few.exit_code == 1 and "4+" in few.stderr
    cleared = runner.invoke(app, ["video", "calibrate", "A", "--clear"])
    assert cleared.exit_code == 0 and "removed" in cleared.stdout
    neither = runner.invoke(app, ["video", "calibrate", "A"])
    assert neither.exit_code == 1
    assert math.isfinite(record["homography"][2][2])


def test_a_new_calibration_makes_scanned_footage_pending_again(db: Database, admin: Actor) -> None:
    """Classes and speeds are read on the ground: footage scanned under another calibration is
    scanned again by the next `video scan`; unchanged, it stays done (resume)."""
    from precinct.video.index import calibration_key, pending_jobs
    from precinct.video.store import Scan

    _rider(db)
    with db.write() as session:
        assert pending_jobs(session, "fake") == ([], 1)  # stored before fingerprints: done
        scan = session.scalars(select(Scan)).one()
        scan.detail = {"calibration": calibration_key(None)}
    with db.write() as session:
        assert pending_jobs(session, "fake") == ([], 1)
        calibrate_camera(session, admin, "A", lens_points(), GroundUnit.METRES)
    with db.write() as session:
        jobs, done = pending_jobs(session, "fake")
        assert done == 0 and len(jobs) == 1 and jobs[0].calibration is not None
        assert pending_jobs(session, "another-engine")[1] == 0
