"""The video workbench over HTTP: search page and JSON, crops behind the camera permission,
clip, trace confirm/reject, route and attaching it to a case shown on the case page."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import cv2
import numpy as np
import pytest
from fastapi.testclient import TestClient

from precinct.cases.domain import CaseType
from precinct.cases.store import Alarm, Case
from precinct.core.db import Database
from precinct.core.geo import LatLon, offset
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.registry.store import Place
from precinct.video.index import save_crop

from ..video.clips import make_clip
from .conftest import csrf_from, login

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 12, 15, 1, 30, tzinfo=TZ)
HOME = LatLon(30.5, 114.16)
CASE = "A4201130000002024009999"


@pytest.fixture
def indexed(app_db: Database, tmp_path: Path) -> list[int]:
    """Cameras A → B → C south of each other, one figure walking past them; a real clip and
    crop for the first sighting; a case at A."""
    clip = make_clip(tmp_path / "a.mp4", seconds=8)
    crop = save_crop(tmp_path, b"\xff\xd8 not really a jpeg \xff\xd9")
    with app_db.write() as session:
        index = FakeIndex(session, T0, hours=0.5, file=str(clip))
        for n, code in enumerate("ABC"):
            index.camera(code, offset(HOME, 0, -400 * n), heading=180.0)
        tracks = [
            index.track(FakeTrack("A", T0 + timedelta(seconds=2), 3, crop_sha256=crop)),
            index.track(FakeTrack("B", T0 + timedelta(seconds=300), direction_deg=0)),
            index.track(FakeTrack("C", T0 + timedelta(seconds=600), direction_deg=0)),
        ]
        place = Place(name="scene", address="scene", lat=HOME.lat, lon=HOME.lon)
        session.add(
            Case(
                number=CASE,
                case_type=CaseType.THEFT_FROM_VEHICLE,
                title="砸车窗盗窃",
                reported_at=T0 + timedelta(hours=3),
                window_start=T0 - timedelta(minutes=10),
                window_end=T0 + timedelta(minutes=20),
                place=place,
            )
        )
        session.flush()
        return [t.id for t in tracks]


def test_search_page_json_and_case_defaults(client: TestClient, indexed: list[int]) -> None:
    assert client.get("/video").status_code == 303  # sign in first
    login(client, "investigator")
    page = client.get(f"/video?case={CASE}")
    assert page.status_code == 200
    assert 'id="contact-sheet"' in page.text and f"/video/tracks/{indexed[0]}" in page.text
    data = client.get("/api/v1/video/search", params={"cameras": "B,C"}).json()
    assert data["total"] == 2 and data["per_camera"] == {"B": 1, "C": 1}
    bad = client.get("/api/v1/video/search", params={"colour": "mauve"})
    assert bad.status_code == 422 and "colour" in bad.json()["detail"]


def test_crops_need_the_camera_permission(client: TestClient, indexed: list[int]) -> None:
    login(client, "investigator")
    sha = client.get("/api/v1/video/search", params={"cameras": "A"}).json()["hits"][0]["crop"]
    assert client.get(f"/video/crops/{sha}.jpg").content.startswith(b"\xff\xd8")
    assert client.get("/video/crops/../../etc.jpg").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    login(client, "service_clerk")
    assert client.get(f"/video/crops/{sha}.jpg").status_code == 403


def test_clip_plays_the_track_with_boxes(client: TestClient, indexed: list[int]) -> None:
    login(client, "investigator")
    clip = client.get(f"/video/tracks/{indexed[0]}/clip.mp4")
    assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4"
    assert clip.content[4:8] == b"ftyp"
    missing = client.get(f"/video/tracks/{indexed[1] + 100}/clip.mp4")
    assert missing.status_code == 404


def test_trace_confirm_route_and_attach_to_case(client: TestClient, indexed: list[int]) -> None:
    a, b, c = indexed
    login(client, "investigator")
    page = client.get(f"/video/tracks/{a}?case={CASE}")
    assert page.status_code == 200 and f'data-track="{b}"' in page.text
    token = csrf_from(page.text)
    for sighting, candidate in ((a, b), (b, c)):
        done = client.post(
            f"/video/tracks/{sighting}/judge",
            data={"candidate": candidate, "verdict": "confirmed", "csrf_token": token},
        )
        assert done.status_code == 303 and done.headers["location"].startswith(
            f"/video/tracks/{candidate}"
        )
    route = client.get(f"/api/v1/video/tracks/{a}/route").json()
    assert [r["camera"] for r in route] == ["A", "B", "C"]
    attached = client.post(
        f"/video/tracks/{c}/attach",
        data={"case": CASE, "whole_route": "true", "csrf_token": token},
    )
    assert attached.status_code == 303 and attached.headers["location"].startswith(f"/cases/{CASE}")
    leads = client.get(f"/video/leads/{CASE}").text
    assert leads.count("/video/tracks/") == 3 and "A" in leads
    assert 'hx-get="/video/leads/' in client.get(f"/cases/{CASE}").text


def test_viewers_cannot_judge_or_attach(client: TestClient, indexed: list[int]) -> None:
    login(client, "viewer")
    page = client.get(f"/video/tracks/{indexed[0]}")
    assert page.status_code == 200 and 'id="attach-form"' not in page.text
    token = csrf_from(page.text)
    refused = client.post(
        f"/video/tracks/{indexed[0]}/judge",
        data={"candidate": indexed[1], "verdict": "confirmed", "csrf_token": token},
    )
    assert refused.status_code == 403


def test_region_of_interest_through_the_api(client: TestClient, indexed: list[int]) -> None:
    login(client, "investigator")
    box = "250,300;600,300;600,500;250,500"  # the figure walks in from x = 100
    found = client.get(
        "/api/v1/video/search", params={"roi_camera": "A", "roi": box, "roi_rule": "entered"}
    ).json()
    assert [h["track_id"] for h in found["hits"]] == [indexed[0]]
    left = client.get(
        "/api/v1/video/search", params={"roi_camera": "A", "roi": box, "roi_rule": "left"}
    ).json()
    assert left["total"] == 0


def test_synopsis_page_lists_every_track_and_serves_the_video(
    client: TestClient, indexed: list[int]
) -> None:
    login(client, "investigator")
    window = {"camera": "A", "start": "2024-12-15T01:29", "end": "2024-12-15T01:31"}
    page = client.get("/video/synopsis", params=window)
    assert page.status_code == 200 and f"/video/tracks/{indexed[0]}" in page.text
    video = client.get("/video/synopsis.mp4", params=window)
    assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    assert client.get("/video/synopsis", params=window | {"camera": "B"}).status_code == 404


def test_evidence_zip_from_the_case_page(client: TestClient, indexed: list[int]) -> None:
    login(client, "investigator")
    token = csrf_from(client.get(f"/cases/{CASE}").text)
    assert client.post(f"/video/evidence/{CASE}", data={"csrf_token": token}).status_code == 400
    client.post(f"/video/tracks/{indexed[0]}/attach", data={"case": CASE, "csrf_token": token})
    assert 'id="evidence-form"' in client.get(f"/video/leads/{CASE}").text
    package = client.post(f"/video/evidence/{CASE}", data={"csrf_token": token})
    assert package.status_code == 200 and package.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert "manifest.json" in names and "report.html" in names
    assert any(n.startswith("clips/") for n in names)


def test_clip_export_modes_and_copy_in_the_package(client: TestClient, indexed: list[int]) -> None:
    login(client, "investigator")
    url = f"/api/v1/video/tracks/{indexed[0]}/export.mp4"
    copy = client.get(url, params={"mode": "copy"})
    assert copy.status_code == 200 and copy.headers["x-clip-mode"] == "copy"
    assert datetime.fromisoformat(copy.headers["x-clip-start"]) == T0  # the keyframe at 0 s
    exact = client.get(url, params={"mode": "exact"})
    assert exact.status_code == 200 and exact.content[4:8] == b"ftyp"
    assert client.get(url, params={"mode": "fast"}).status_code == 422
    token = csrf_from(client.get(f"/cases/{CASE}").text)
    client.post(f"/video/tracks/{indexed[0]}/attach", data={"case": CASE, "csrf_token": token})
    package = client.post(f"/video/evidence/{CASE}", data={"csrf_token": token, "mode": "copy"})
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(package.content)).read("manifest.json"))
    clip = next(i for i in manifest["items"] if i["kind"] == "clip")
    assert clip["clip_mode"] == "copy" and clip["keyframe_aligned"] is True


def test_camera_still_for_drawing_a_region(client: TestClient, indexed: list[int]) -> None:
    login(client, "investigator")
    page = client.get("/video")
    assert 'id="roi-draw"' in page.text and "/static/roi-draw.js" in page.text
    still = client.get("/video/cameras/A/still.jpg", params={"at": "2024-12-15T01:30:03"})
    assert still.status_code == 200 and still.headers["content-type"] == "image/jpeg"
    image = cv2.imdecode(np.frombuffer(still.content, np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (720, 1280, 3)  # the footage's pixels, those of the tracks' boxes
    assert client.get("/video/cameras/NOPE/still.jpg").status_code == 404
    assert client.get("/video/cameras/A/still.jpg", params={"at": "soon"}).status_code == 422
    login(client, "service_clerk")
    assert client.get("/video/cameras/A/still.jpg").status_code == 403


def test_search_from_an_alarm_uses_its_place_and_time(
    client: TestClient, app_db: Database, indexed: list[int]
) -> None:
    with app_db.write() as session:
        case = session.query(Case).filter_by(number=CASE).one()
        for number, linked in (
            ("J4201130000002412150001", case),
            ("J4201130000002412150002", None),
        ):
            session.add(
                Alarm(
                    number=number,
                    received_at=T0 + timedelta(hours=3),
                    caller_name="王芳",
                    caller_phone="13912345678",
                    place=Place(name="car", address="car", lat=HOME.lat, lon=HOME.lon),
                    text="车窗被砸",
                    case=linked,
                )
            )
    login(client, "investigator")
    alarms = client.get("/alarms").text
    assert 'href="/video?alarm=J4201130000002412150001"' in alarms
    linked_page = client.get("/video", params={"alarm": "J4201130000002412150001"})
    assert f'name="case" value="{CASE}"' in linked_page.text  # its case's window, for its case
    assert 'value="2024-12-15T00:50"' in linked_page.text and 'data-track="' in linked_page.text
    lone = client.get("/video", params={"alarm": "J4201130000002412150002"}).text
    assert 'value="2024-12-14T22:30"' in lone and 'value="2024-12-15T05:00"' in lone  # 6 h before
    assert f'value="{HOME.lat:.6f},{HOME.lon:.6f}"' in lone and 'name="case"' not in lone
    login(client, "viewer")  # may view cameras, not alarms: an empty search form
    assert (
        'data-track="' not in client.get("/video", params={"alarm": "J4201130000002412150001"}).text
    )
