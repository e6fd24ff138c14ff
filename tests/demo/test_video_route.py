"""Following a figure camera to camera as the demo's detective does, and leads for a case whose
sightings are the tracks of the route attached to it (no sighting typed in)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.core.geo import LatLon
from precinct.core.tabular import SHANGHAI
from precinct.demo.video import PasserTruth
from precinct.demo.video_route import MAX_HOPS, OnVideo, follow_route, route_lines
from precinct.demo.video_stage import Sighting, leaving_track
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.linkage import casework
from precinct.linkage.store import BikeTrip, LinkSource, sightings_of
from precinct.video import trace_service
from precinct.video.store import TraceJudgement, VideoTrack
from precinct.video.types import ObjectClass
from tests.linkage.video_helpers import add_case

T0 = datetime(2024, 12, 15, 1, 36, tzinfo=SHANGHAI)
LON, START_LAT, END_LAT = 114.16, 30.52, 30.50  # a ride due south along one street
CAMERAS = {"C1": 30.515, "C2": 30.510, "C3": 30.505}  # cameras on the way, looking south
SPEED = 5.0  # m/s
M_PER_DEG = 111_320.0
ADMIN = Actor("detective", Role.ADMIN)
CASE = "A4201160000002024120001"


def _passes(lat: float) -> datetime:
    """When the rider riding south from the start at SPEED passes ``lat``."""
    return T0 + timedelta(seconds=(START_LAT - lat) * M_PER_DEG / SPEED)


def _trips(session: Session) -> None:
    """The suspect rode south; another rider rode the same street north at the same time."""
    source = LinkSource(
        name="bikes", kind="bike_trips", file_name="b.csv", sha256="0" * 64, rows=2, loaded_by="t"
    )
    session.add(source)
    session.flush()
    minutes = timedelta(seconds=(START_LAT - END_LAT) * M_PER_DEG / SPEED)
    for row, (account, lats) in enumerate(
        (("13800000001", (START_LAT, END_LAT)), ("13800000002", (END_LAT, START_LAT))), 1
    ):
        session.add(
            BikeTrip(
                source_id=source.id,
                row=row,
                trip_id=f"t{row}",
                account=account,
                bike_id=f"b{row}",
                unlock_at=T0,
                lock_at=T0 + minutes,
                unlock_lat=lats[0],
                unlock_lon=LON,
                lock_lat=lats[1],
                lock_lon=LON,
            )
        )


def _night(session: Session, cameras: dict[str, float], with_him: bool = True) -> list[int]:
    """The rider (black on a green bike, riding south: image up) at each camera, and a stranger
    in red walking north 30 s after him; his track ids in time order."""
    index = FakeIndex(session, T0 - timedelta(minutes=10))
    his = []
    for code, lat in cameras.items():
        index.camera(code, LatLon(lat, LON), heading=180.0)
        at = _passes(lat) - timedelta(seconds=3)
        if with_him or not his:
            track = index.track(FakeTrack(code, at, 6.0, "cyclist", ("black", "green"), 0.0))
            his.append(track)
        stranger = FakeTrack(code, at + timedelta(seconds=30), 5.0, "person", ("red",), 180.0)
        index.track(stranger)
    session.flush()
    return [t.id for t in his]


@pytest.fixture
def night(db: Database) -> tuple[Database, list[int]]:
    with db.write() as session:
        add_case(session, CASE, (START_LAT, LON), T0)
        _trips(session)
        his = _night(session, CAMERAS)
    return db, his


def test_the_route_follows_the_best_candidate_and_is_attached_to_the_case(
    night: tuple[Database, list[int]],
) -> None:
    db, his = night
    with db.write() as session:
        route = follow_route(session, ADMIN, CASE, his[0])
    assert [h.track_id for h in route.hops] == his
    assert [h.camera for h in route.hops] == list(CAMERAS)
    assert route.hops[0].score is None and all(h.score for h in route.hops[1:])
    assert all(h.heading_deg == pytest.approx(180.0) for h in route.hops)
    assert route.stopped == "no further camera has a feasible candidate"
    with db.read() as session:
        judged = session.scalars(select(TraceJudgement).order_by(TraceJudgement.id)).all()
        assert [(j.sighting_id, j.candidate_id, j.verdict) for j in judged] == [
            (his[0], his[1], "confirmed"),
            (his[1], his[2], "confirmed"),
        ]
        leads = trace_service.case_leads(session, ADMIN, CASE)
        assert [(x.id, x.kind, x.track_ids) for x in leads] == [(route.lead_id, "route", his)]
    lines = route_lines(route, OnVideo(his[0], frozenset(his[:2])), [])
    assert "2 of 3 tracks show the suspect" in lines[-1]
    assert lines[1].endswith("✓ the suspect (truth)")
    assert lines[3].endswith("✗ not the suspect (truth)")


def test_leads_use_the_sightings_of_the_attached_route(night: tuple[Database, list[int]]) -> None:
    db, his = night
    with db.write() as session:
        follow_route(session, ADMIN, CASE, his[0])
    with db.write() as session:
        report = casework.case_leads(session, ADMIN, CASE)
        assert sightings_of(session, CASE) == []  # nothing typed in
    assert [(s.camera, s.source) for s in report.sightings] == [(c, "video") for c in CAMERAS]
    assert [s.heading_deg for s in report.sightings] == [pytest.approx(180.0)] * 3
    assert [x.trip.account for x in report.leads] == ["13800000001"]  # the other rode north
    seen = next(r for r in report.leads[0].reasons if r.code == "sightings")
    assert seen.text.startswith("fits 3 of 3 sightings") and seen.text.count("(agrees)") == 3


def test_the_detective_stops_at_a_weak_candidate(db: Database) -> None:
    with db.write() as session:
        add_case(session, CASE, (START_LAT, LON), T0)
        his = _night(session, {"C1": CAMERAS["C1"], "C2": CAMERAS["C2"]}, with_him=False)
        route = follow_route(session, ADMIN, CASE, his[0])
        leads = trace_service.case_leads(session, ADMIN, CASE)
    assert [h.track_id for h in route.hops] == his
    assert "below the trace's 0.55" in route.stopped and "C2" in route.stopped
    assert [(x.kind, x.track_ids) for x in leads] == [("track", his)]


def test_the_route_is_bounded(db: Database) -> None:
    cameras = {f"C{n}": START_LAT - 0.002 * n for n in range(1, MAX_HOPS + 4)}
    with db.write() as session:
        add_case(session, CASE, (START_LAT, LON), T0)
        his = _night(session, cameras)
        route = follow_route(session, ADMIN, CASE, his[0])
    assert [h.track_id for h in route.hops] == his[: MAX_HOPS + 1]
    assert route.stopped == f"stopped after {MAX_HOPS} hops"


def _seen(camera: str, minute: float, track_id: int | None, seconds: float = 0.0) -> Sighting:
    passer = PasserTruth(1, camera, ObjectClass.CYCLIST, 0.0, 1.0, True, "black", "green", ())
    at = T0 + timedelta(minutes=minute)
    end = at + timedelta(seconds=seconds)
    track = VideoTrack(id=track_id, start_at=at, end_at=end) if track_id else None
    return Sighting(passer, track)


def test_the_detective_starts_from_the_suspect_leaving_the_scene() -> None:
    """Not from the few seconds the scan kept of him on foot at the scene minutes before."""
    seen = [_seen("C04", 0, 1), _seen("C03", 5, 2), _seen("C04", 5, None), _seen("C02", 7, 3)]
    found = leaving_track(seen)
    assert found is not None and found.id == 2
    assert leaving_track([_seen("C02", 7, 3), _seen("C04", 0, None)]) is None


def test_the_detective_starts_from_the_track_that_rides_out_of_the_scene() -> None:
    """Both scene cameras see him ride off: a short fragment on one, starting later while he is
    still in view of the other, is not where he leaves; the track that ends last is."""
    riding_out = _seen("C03", 5, 2, seconds=45)  # 01:35:44-01:36:29
    fragment = _seen("C04", 5.43, 3, seconds=6)  # 01:36:10-01:36:16
    found = leaving_track([_seen("C04", 0, 1), riding_out, fragment])
    assert found is not None and found.id == 2


def test_sighting_line_gives_the_compass_heading_not_the_image_direction() -> None:
    """A rider going south seen by a camera looking west moves left in the picture (274°)."""
    from types import SimpleNamespace
    from typing import Any, cast

    from precinct.demo.video_stage import Sighting, _sighting_line

    start = datetime(2024, 12, 15, 1, 40, tzinfo=SHANGHAI)
    passer = SimpleNamespace(camera="C08", enter_t=0.0, object_class="cyclist")
    truth = SimpleNamespace(when=lambda p, t: start)
    track = SimpleNamespace(
        track_no=13,
        start_at=start,
        end_at=start + timedelta(seconds=6),
        object_class="cyclist",
        confidence=0.9,
        direction_deg=274.0,
        compass_deg=180.0,
        colours="black",
    )
    line = _sighting_line(cast(Any, truth), Sighting(cast(Any, passer), cast(Any, track)))
    assert "heading S (180°)" in line and "274" not in line
