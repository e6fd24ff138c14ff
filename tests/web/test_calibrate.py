"""Calibrating a camera in the workbench: the page (click points on the still, save, see the
residuals, remove), the JSON API, and who may do it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from precinct.core.db import Database
from precinct.core.geo import LatLon
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.registry.store import Camera
from precinct.video.store import VideoTrack
from precinct.web.deps import CSRF_HEADER

from ..video.test_calibrate import lens_points
from ..video.test_heading import image_direction, walk
from .conftest import csrf_from, login

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 12, 15, 1, 30, tzinfo=TZ)
ORIGIN = LatLon(30.5, 114.16)  # the same place as tests/video/test_calibrate.py


@pytest.fixture
def camera(app_db: Database) -> str:
    """Camera A looking south, with a rider coming 20 m north towards it in 4 s."""
    towards = walk((8.0, -30.0), (8.0, -10.0))
    with app_db.write() as session:
        index = FakeIndex(session, T0)
        index.camera("A", ORIGIN, heading=180.0)
        feet = tuple((p[0], p[1]) for p in towards)
        index.track(
            FakeTrack(
                "A",
                T0 + timedelta(minutes=1),
                4,
                "cyclist",
                direction_deg=image_direction(towards),
                speed_m_s=None,
                feet=feet,
            )
        )
    return "A"


def _speed(db: Database) -> float | None:
    with db.read() as session:
        return session.scalars(select(VideoTrack.speed_m_s)).one()


def test_calibrate_on_the_page_shows_residuals_and_removes(
    client: TestClient, app_db: Database, camera: str
) -> None:
    login(client, "analyst")
    url = f"/video/cameras/{camera}/calibration"
    page = client.get(url)
    assert page.status_code == 200 and 'id="cal-none"' in page.text
    assert f"/video/cameras/{camera}/still.jpg" in page.text
    lines = "\n".join(lens_points())
    saved = client.post(
        url, data={"points": lines, "unit": "metres", "csrf_token": csrf_from(page.text)}
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("?saved=1")
    speed = _speed(app_db)
    assert speed is not None and 4.0 < speed < 5.5
    shown = client.get(saved.headers["location"])
    assert 'id="cal-saved"' in shown.text and shown.text.count("<tr><td>") == 5
    assert "0.00 m" in shown.text  # an exact lens: no residual
    listed = client.get("/cameras")
    assert "地面单应矩阵 (5" in listed.text and url in listed.text  # zh-CN first
    removed = client.post(url, data={"clear": "true", "csrf_token": csrf_from(shown.text)})
    assert removed.status_code == 303 and _speed(app_db) is None
    with app_db.read() as session:
        assert session.scalars(select(Camera.calibration)).one() is None


def test_bad_points_are_shown_with_the_error_and_nothing_is_stored(
    client: TestClient, app_db: Database, camera: str
) -> None:
    login(client, "analyst")
    url = f"/video/cameras/{camera}/calibration"
    typed = "\n".join(lens_points()[:3])
    page = client.post(
        url,
        data={"points": typed, "unit": "metres", "csrf_token": csrf_from(client.get(url).text)},
    )
    assert page.status_code == 422 and 'id="cal-error"' in page.text and "4+" in page.text
    assert lens_points()[2] in page.text  # what was typed is kept
    with app_db.read() as session:
        assert session.scalars(select(Camera.calibration)).one() is None


def test_json_api_and_roles(client: TestClient, app_db: Database, camera: str) -> None:
    login(client, "viewer")
    assert client.get(f"/video/cameras/{camera}/calibration").status_code == 403
    client.cookies.clear()
    login(client, "analyst")
    token = csrf_from(client.get(f"/video/cameras/{camera}/calibration").text)
    api = f"/api/v1/video/cameras/{camera}/calibration"
    done = client.post(
        api, json={"points": lens_points(), "ground": "metres"}, headers={CSRF_HEADER: token}
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["tracks_updated"] == 1 and max(body["residuals_m"]) < 0.05
    missing = client.post(
        "/api/v1/video/cameras/ZZ/calibration",
        json={"points": lens_points(), "ground": "metres"},
        headers={CSRF_HEADER: token},
    )
    assert missing.status_code == 422 and "not in the registry" in missing.text
    cleared = client.delete(api, headers={CSRF_HEADER: token})
    assert cleared.status_code == 200 and _speed(app_db) is None
