"""The demo district's night on synthetic video, for leads tests that need no rendering: where the
footage cameras saw the suspect's ride (from the demo's truth), as index tracks on the
district's registered cameras, each with two passers-by near it who are not him."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from precinct.cases.domain import CaseType
from precinct.cases.store import Case
from precinct.core.db import Database
from precinct.demo.linkage_trips import ride_sightings
from precinct.demo.video_plan import the_suspect
from precinct.demo.video_route import OnVideo
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.demo.video_truth import NIGHT_FOOTAGE_START
from precinct.registry.store import Camera, Place

SUSPECT_LOOKS = ("black", "green")  # dark clothes on a green shared bike
PASSERS = (  # (seconds after him, class, colours, degrees turned from his heading)
    (-25.0, "person", ("red", "white"), 180.0),
    (35.0, "cyclist", ("blue", "grey"), 90.0),
)


def _image_direction(heading: float, camera: Camera) -> float:
    """The image direction (0 = up, 90 = right) of a compass heading seen by this camera."""
    return (heading - (camera.heading_deg or 0.0)) % 360.0


Feet = tuple[tuple[float, float], ...]


def _feet(heading: float, camera: Camera) -> Feet:
    """Foot points (pixels) of 4 m travelled on the ground along a compass heading, through
    the camera's homography (ground metres east, north), around the lower middle of its view."""
    h = np.asarray((camera.calibration or {})["homography"], dtype=np.float64)
    east, north, w = h @ (480.0, 400.0, 1.0)
    step = np.array([math.sin(math.radians(heading)), math.cos(math.radians(heading))]) * 2.0
    centre = np.array([east / w, north / w])
    inv = np.linalg.inv(h)
    out = []
    for g in (centre - step, centre + step):
        x, y, z = inv @ (g[0], g[1], 1.0)
        out.append((float(x / z), float(y / z)))
    return tuple(out)


def _tracks(session: Session, seed: int) -> tuple[list[int], set[int]]:
    _, ride = the_suspect(seed)
    passes = ride_sightings(ride)
    codes = sorted({code for code, _, _ in passes})
    cameras = {c.code: c for c in session.scalars(select(Camera).where(Camera.code.in_(codes)))}
    index = FakeIndex(session, NIGHT_FOOTAGE_START)
    for code in codes:
        index.adopt(cameras[code])
    suspect, others = [], set()
    for code, when, heading in passes:
        camera, start = cameras[code], when - timedelta(seconds=3)
        direction = _image_direction(heading, camera)
        feet = _feet(heading, camera)
        him = FakeTrack(code, start, 6.0, "cyclist", SUSPECT_LOOKS, direction, feet=feet)
        suspect.append(index.track(him))
        for after, cls, looks, turn in PASSERS:
            direction = _image_direction(heading + turn, camera)
            later = start + timedelta(seconds=after)
            feet = _feet(heading + turn, camera)
            fake = FakeTrack(code, later, 5.0, cls, looks, direction, feet=feet)
            others.add(index.track(fake))
    session.flush()
    return [t.id for t in suspect], {t.id for t in others}


def suspect_on_video(db: Database, seed: int) -> tuple[OnVideo, list[int]]:
    """The suspect's ride as tracks (and passers-by) on the district's cameras; what the demo's
    leads stage is given, and his track ids in time order."""
    with db.write() as session:
        suspect, _ = _tracks(session, seed)
    return OnVideo(suspect[0], frozenset(suspect)), suspect


def add_case(session: Session, number: str, at: tuple[float, float], reported_at: datetime) -> None:
    """A smashed-windows case at `at` (lat, lon) with a window of an hour either side."""
    lat, lon = at
    place = Place(name="scene", address="scene", lat=lat, lon=lon)
    session.add(
        Case(
            number=number,
            case_type=CaseType.OTHER,
            title="砸车窗",
            reported_at=reported_at,
            window_start=reported_at - timedelta(hours=1),
            window_end=reported_at + timedelta(hours=1),
            place=place,
        )
    )
