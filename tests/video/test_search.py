"""Search of the footage index: each filter on synthetic tracks, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from precinct.core.access import AccessDenied, Actor
from precinct.core.audit import AuditEntry
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.core.geo import LatLon, offset
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.registry.store import Camera
from precinct.video import compass, search_service
from precinct.video.search import Area, Roi, RoiKind, SearchError, SearchQuery
from precinct.video.store import VideoTrack

from .test_heading import image_direction, lens_homography, walk

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 12, 15, 1, 30, tzinfo=TZ)
ORIGIN = LatLon(30.5, 114.16)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def indexed(db: Database) -> Database:
    """Three cameras 0, 300 and 2000 m east of ORIGIN, with six known tracks."""
    with db.write() as session:
        index = FakeIndex(session, T0)
        index.camera("A", ORIGIN, heading=0.0)  # looks north: up the picture is north
        index.camera("B", offset(ORIGIN, 300, 0), heading=180.0)  # looks south
        index.camera("C", offset(ORIGIN, 2000, 0), heading=None)
        index.track(FakeTrack("A", at(1), object_class="person", colours=("red", "black")))
        index.track(FakeTrack("A", at(5), 20, "cyclist", ("green",), 0.0, 4.0))
        index.track(FakeTrack("B", at(2), 2, "vehicle", ("white",), 0.0, 12.0))
        index.track(FakeTrack("B", at(30), 6, "person", ("black", "red"), 270.0, 1.2))
        index.track(FakeTrack("C", at(10), object_class="person", colours=("blue",)))
        index.track(FakeTrack("A", at(40), 8, "person", ("grey",), feet=((100, 100), (300, 100))))
    return db


def run(db: Database, **kw: object) -> list[tuple[str, str]]:
    with db.write() as session:
        result = search_service.search(session, Actor("t", Role.ADMIN), SearchQuery(**kw))  # type: ignore[arg-type]
    return [(h.camera, h.start_at.astimezone(TZ).strftime("%M")) for h in result.hits]


def test_time_window_keeps_tracks_overlapping_it(indexed: Database) -> None:
    assert run(indexed, start=at(4), end=at(11)) == [("A", "35"), ("C", "40")]


def test_cameras_within_radius_and_polygon(indexed: Database) -> None:
    near = Area(centre=offset(ORIGIN, 100, 0), radius_m=250)
    assert {c for c, _ in run(indexed, area=near)} == {"A", "B"}
    far = Area(centre=offset(ORIGIN, 250, 0), radius_m=150)
    assert {c for c, _ in run(indexed, area=far)} == {"B"}
    corners = [offset(ORIGIN, e, n) for e, n in ((1000, -50), (3000, -50), (3000, 50), (1000, 50))]
    assert {c for c, _ in run(indexed, area=Area(polygon=tuple(corners)))} == {"C"}


def test_class_colour_speed_and_duration(indexed: Database) -> None:
    assert run(indexed, classes=("cyclist", "vehicle")) == [("B", "32"), ("A", "35")]
    assert run(indexed, colour="red") == [("A", "31"), ("B", "00")]  # any of its colours
    assert run(indexed, speed_min=3.0, speed_max=5.0) == [("A", "35")]
    assert run(indexed, min_duration_s=7.0) == [("A", "35"), ("A", "10")]


def test_compass_direction_uses_each_camera_heading(indexed: Database) -> None:
    # A looks north: moving up the picture (0°) heads north; B looks south: up heads south.
    assert run(indexed, heading_deg=0.0, heading_tolerance=30) == [("A", "35")]
    assert run(indexed, heading_deg=180.0, heading_tolerance=30) == [("B", "32")]
    # B's person moving left (270° in the picture) heads east (180 + 270 = 90).
    east = [("A", "31"), ("B", "00"), ("A", "10")]  # C has no heading: not placed
    assert run(indexed, heading_deg=90.0, heading_tolerance=30) == east


def test_region_of_interest_entered_left_and_line(indexed: Database) -> None:
    box = ((250.0, 300.0), (600.0, 300.0), (600.0, 500.0), (250.0, 500.0))  # feet walk x 100→500
    assert run(indexed, roi=Roi("A", RoiKind.ENTERED, box)) == [("A", "31"), ("A", "35")]
    assert run(indexed, roi=Roi("A", RoiKind.LEFT, box)) == []
    line = ((200.0, 380.0), (200.0, 420.0))  # crossed at y = 400, not at y = 100
    assert run(indexed, roi=Roi("A", RoiKind.CROSSED, line)) == [("A", "31"), ("A", "35")]


def test_counts_per_camera_sorting_and_audit(indexed: Database) -> None:
    with indexed.write() as session:
        q = SearchQuery(classes=("person",), sort="camera", limit=2)
        result = search_service.search(session, Actor("zhou", Role.INVESTIGATOR), q, "A123")
    assert result.per_camera == {"A": 2, "B": 1, "C": 1} and result.total == 4
    assert [h.camera for h in result.hits] == ["A", "A"]
    with indexed.read() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "search")).one()
    assert entry.actor == "zhou" and entry.case_number == "A123"
    assert entry.detail["total"] == 4 and entry.detail["query"]["classes"] == "('person',)"


def test_bad_queries_are_refused_with_the_field_named(indexed: Database) -> None:
    with pytest.raises(SearchError, match="colour"):
        SearchQuery(colour="mauve")
    with pytest.raises(SearchError, match="end"):
        SearchQuery(start=at(5), end=at(1))
    with pytest.raises(SearchError, match="class"):
        SearchQuery(classes=("dog",))
    with indexed.write() as session, pytest.raises(AccessDenied):
        search_service.search(session, Actor("c", Role.SERVICE_CLERK), SearchQuery())


def test_heading_at_a_camera_with_a_homography_is_read_on_the_ground(db: Database) -> None:
    """A looks south with a ground homography; a rider comes north towards it, 8 m to one side:
    on screen mostly sideways (image direction + camera heading says about NE). B has no
    homography and keeps the image direction + camera heading."""
    cal = lens_homography()
    assert cal.homography is not None
    towards = walk((8.0, -30.0), (8.0, -10.0))
    with db.write() as session:
        index = FakeIndex(session, T0)
        index.camera("A", ORIGIN, heading=180.0).calibration = {
            "homography": [list(r) for r in cal.homography],
            "metres_per_pixel": 0.05,
        }
        index.camera("B", offset(ORIGIN, 300, 0), heading=0.0)
        feet = tuple((p[0], p[1]) for p in towards)
        index.track(
            FakeTrack("A", at(1), 4, "cyclist", direction_deg=image_direction(towards), feet=feet)
        )
        index.track(FakeTrack("B", at(2), 4, "cyclist", direction_deg=0.0))
    assert run(db, heading_deg=0.0, heading_tolerance=30) == [("A", "31"), ("B", "32")]
    assert run(db, heading_deg=45.0, heading_tolerance=20) == []  # the old, wrong reading
    with db.write() as session:
        result = search_service.search(session, Actor("t", Role.ADMIN), SearchQuery())
    heading = {h.camera: h.heading_deg for h in result.hits}
    assert heading["B"] == 0.0 and heading["A"] is not None and abs(heading["A"]) < 1.0


def test_heading_range_across_north_and_recompute_on_recalibration(db: Database) -> None:
    """The heading is stored per track and searched in SQL, the range wrapping across 0°/360°.
    A camera calibrated only after its tracks were stored gets them recomputed on the ground."""
    cal = lens_homography()
    assert cal.homography is not None
    towards = walk((8.0, -30.0), (8.0, -10.0))  # rides north towards A, mostly sideways on screen
    feet = tuple((p[0], p[1]) for p in towards)
    with db.write() as session:
        index = FakeIndex(session, T0)
        camera = index.camera("A", ORIGIN, heading=180.0)
        index.track(
            FakeTrack("A", at(1), 4, "cyclist", direction_deg=image_direction(towards), feet=feet)
        )
    # image direction + camera heading: about north-east, not north
    assert run(db, heading_deg=350.0, heading_tolerance=20) == []
    assert run(db, heading_deg=60.0, heading_tolerance=30) == [("A", "31")]
    with db.write() as session:
        stored = session.get_one(Camera, camera.id)
        stored.calibration = {"homography": [list(r) for r in cal.homography]}
        assert compass.recompute_compass(session, [stored.id]) == 1
    assert run(db, heading_deg=350.0, heading_tolerance=20) == [("A", "31")]  # 350 ± 20 wraps
    assert run(db, heading_deg=10.0, heading_tolerance=15) == [("A", "31")]
    assert run(db, heading_deg=60.0, heading_tolerance=30) == []
    with db.read() as session:
        heading = session.scalars(select(VideoTrack.compass_deg)).one()
    assert heading is not None and (heading < 1.0 or heading > 359.0)
