"""Sightings for leads: direction of travel in the fit, sightings read from the case's video
leads (through the video service) and entered by hand on the case page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from precinct.config import Settings
from precinct.core.access import Actor
from precinct.core.auth import Role, add_user
from precinct.core.db import Database
from precinct.core.geo import LatLon
from precinct.core.tabular import SHANGHAI
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.linkage import casework, sightings
from precinct.linkage.geo import Point
from precinct.linkage.leads import Scene, Sighting, Trip, agreement, fit, heading_at, rank
from precinct.linkage.store import BikeTrip, LinkSource
from precinct.video import trace_service
from precinct.web.app import create_app
from tests.linkage.video_helpers import add_case
from tests.web.conftest import csrf_from

T0 = datetime(2024, 12, 15, 3, 30, tzinfo=SHANGHAI)
START, END = Point(30.5167, 114.1651), Point(30.4962, 114.1540)  # a ride to the south-west
WEST = Point(START.lat, 114.1570)  # a camera on the way: first west along, then south
ADMIN = Actor("zhou", Role.ADMIN)
CASE = "A4201160000002024120001"


def _share(a: Point, b: Point) -> float:
    return a.street_metres(WEST) / (a.street_metres(WEST) + WEST.street_metres(b))


def _ride(account: str, start: Point, end: Point, minutes: float = 10) -> Trip:
    """A ride between two points that passes WEST at 03:40."""
    unlock = T0 + timedelta(minutes=10 - minutes * _share(start, end))
    return Trip(
        f"t{account}",
        account,
        f"b{account}",
        unlock,
        unlock + timedelta(minutes=minutes),
        start,
        end,
    )


def test_the_heading_at_a_camera_is_the_mean_of_the_legs() -> None:
    south_west = _ride("1", START, END)
    assert heading_at(south_west, WEST) == pytest.approx(225, abs=5)
    assert heading_at(_ride("2", END, START), WEST) == pytest.approx(45, abs=5)


def test_a_trip_heading_the_opposite_way_fits_worse() -> None:
    at = T0 + timedelta(minutes=10)
    way, back, across = (Sighting("C12", at, WEST, heading_deg=h) for h in (225.0, 45.0, 135.0))
    trip = _ride("1", START, END)
    assert fit(trip, way) == pytest.approx(1.0, abs=0.01)
    assert fit(trip, across) == pytest.approx(0.5, abs=0.07)  # at a right angle: half as well
    assert fit(trip, back) == 0.0  # the other way: does not fit
    assert agreement(trip, Sighting("C12", at, WEST)) == 1.0  # no heading stated
    assert fit(trip, Sighting("C12", at, WEST, object_class="vehicle")) == 0.0  # not a rider


def test_rank_prefers_the_trip_going_the_sighted_way() -> None:
    scene = Scene("A1", Point(30.60, 114.30), T0, T0 + timedelta(hours=1), "砸车窗盗窃")
    seen = [Sighting("C12", T0 + timedelta(minutes=10), WEST, heading_deg=225.0)]
    leads = rank(scene, seen, [_ride("back", END, START), _ride("way", START, END)], {})
    assert [x.trip.account for x in leads] == ["way"]
    assert "heading SW (agrees)" in leads[0].reasons[0].text
    unsure = [Sighting("C12", T0 + timedelta(minutes=10), WEST)]  # no heading: both fit
    assert {
        x.trip.account
        for x in rank(scene, unsure, [_ride("back", END, START), _ride("way", START, END)], {})
    } == {"back", "way"}


def _trips(session: object) -> None:
    source = LinkSource(
        name="bikes", kind="bike_trips", file_name="b.csv", sha256="0" * 64, rows=2, loaded_by="t"
    )
    session.add(source)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    for row, trip in enumerate(
        (_ride("13800000001", START, END), _ride("13800000002", END, START)), 1
    ):
        session.add(  # type: ignore[attr-defined]
            BikeTrip(
                source_id=source.id,
                row=row,
                trip_id=trip.trip_id,
                account=trip.account,
                bike_id=trip.bike_id,
                unlock_at=trip.unlock_at,
                lock_at=trip.lock_at,
                unlock_lat=trip.start.lat,
                unlock_lon=trip.start.lon,
                lock_lat=trip.end.lat,
                lock_lon=trip.end.lon,
            )
        )


@pytest.fixture
def video_case(db: Database) -> Database:
    """A case with two bike trips through C12 and a video track of a cyclist at C12 attached as
    a lead: the camera looks south, the figure rides right across the picture (south-west)."""
    with db.write() as session:
        add_case(session, CASE, (30.60, 114.30), T0)
        _trips(session)
        index = FakeIndex(session, T0)
        index.camera("C12", LatLon(WEST.lat, WEST.lon), heading=180.0)
        index.camera("C13", LatLon(START.lat, START.lon), heading=180.0)
        start = T0 + timedelta(minutes=10) - timedelta(seconds=2)
        track = index.track(FakeTrack("C12", start, object_class="cyclist", direction_deg=45.0))
        session.flush()
        trace_service.attach_lead(session, ADMIN, CASE, [track.id], "cyclist, green bike")
    return db


def test_video_leads_become_sightings_with_their_heading(video_case: Database) -> None:
    with video_case.read() as session:
        found = sightings.video_sightings(session, ADMIN, CASE)
    assert len(found) == 1
    seen = found[0]
    assert (seen.camera, seen.object_class, seen.source) == ("C12", "cyclist", "video")
    assert seen.heading_deg == pytest.approx(225.0)
    assert seen.at == T0 + timedelta(minutes=10)
    assert seen.where == WEST


def test_case_leads_use_the_video_sighting_and_its_direction(video_case: Database) -> None:
    with video_case.write() as session:
        report = casework.case_leads(session, ADMIN, CASE)
    assert [s.source for s in report.sightings] == ["video"]
    assert [x.trip.account for x in report.leads] == ["13800000001"]  # the other rode north-east


def test_a_sighting_entered_by_hand_keeps_its_heading(video_case: Database) -> None:
    with video_case.write() as session:
        sightings.add_sighting(session, ADMIN, CASE, "C13", T0 + timedelta(minutes=7), "", 270.0)
        with pytest.raises(ValueError, match="compass bearing"):
            sightings.add_sighting(session, ADMIN, CASE, "C13", T0, "", 400.0)
        with pytest.raises(LookupError, match="no camera"):
            sightings.add_sighting(session, ADMIN, CASE, "C99", T0)
    with video_case.read() as session:
        found = sightings.case_sightings(session, ADMIN, CASE)
    assert [(s.camera, s.source, s.heading_deg) for s in found] == [
        ("C13", "entered", 270.0),
        ("C12", "video", pytest.approx(225.0)),
    ]


@pytest.fixture
def web(video_case: Database, tmp_path: Path) -> Iterator[TestClient]:
    with video_case.write() as session:
        add_user(session, "investigator", "correct horse battery", Role.INVESTIGATOR)
    settings = Settings(data_dir=tmp_path, database_url=video_case.url, secret_key="t" * 40)
    with TestClient(create_app(settings, video_case), follow_redirects=False) as client:
        token = csrf_from(client.get("/login").text)
        form = {"username": "investigator", "password": "correct horse battery"}
        assert (
            client.post("/login", data=form | {"csrf_token": token, "next": "/"}).status_code == 303
        )
        yield client


def test_the_case_page_form_adds_a_sighting(web: TestClient) -> None:
    fragment = web.get(f"/cases/{CASE}/leads").text
    assert 'id="sighting-form"' in fragment and 'data-source="video"' in fragment
    token = csrf_from(fragment)
    form = {
        "camera": "C13",
        "seen_at": "2024-12-15T03:37:10",
        "heading": "270",
        "csrf_token": token,
    }
    assert web.post(f"/cases/{CASE}/sightings", data=form).status_code == 303
    bad = web.post(f"/cases/{CASE}/sightings", data=form | {"heading": "north"})
    assert bad.status_code == 422
    after = web.get(f"/cases/{CASE}/leads").text
    assert 'data-source="entered"' in after and "270° W" in after
