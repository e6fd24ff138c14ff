"""Fleet pages and API over HTTP: roles, frame upload, locate (audited), the board, the incident
forms with CSRF, and a received file's SHA-256 receipt."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import cv2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from precinct.core.access import SYSTEM
from precinct.core.audit import AuditEntry
from precinct.core.db import Database
from precinct.core.i18n import translate
from precinct.demo.fleet import CarTruth, rear_frame
from precinct.demo.fleet_draw import Condition
from precinct.fleet import service
from precinct.registry.service import upsert_camera

from ..web.conftest import csrf_from, login
from .helpers import CG1, operators_csv, vehicles_csv


@pytest.fixture
def fleet_db(app_db: Database, tmp_path: Path) -> Database:
    with app_db.write() as session:
        service.import_operators(session, SYSTEM, operators_csv(tmp_path))
        service.import_vehicles(session, SYSTEM, vehicles_csv(tmp_path))
        upsert_camera(
            session,
            {
                "code": "C07",
                "name": "车城大道与东风大道路口",
                "lat": 30.5,
                "lon": 114.16,
                "address": None,
                "heading": None,
                "metres_per_pixel": None,
            },
        )
    return app_db


def test_roles(client: TestClient, fleet_db: Database) -> None:
    login(client, "viewer")
    assert client.get("/fleet").status_code == 403
    assert client.get("/api/v1/fleet/alerts").status_code == 403
    login(client, "investigator")
    assert client.get("/fleet").status_code == 200
    assert client.post("/api/v1/fleet/alerts/1/ack").status_code == 403


@pytest.mark.slow
def test_frame_upload_identifies_and_locate_finds_it(
    client: TestClient, fleet_db: Database
) -> None:
    login(client, "traffic")
    car = CarTruth("鄂AD12345", CG1.replace("-", ""), "LFV00000000000001", "CG")
    ok, jpeg = cv2.imencode(".jpg", rear_frame(car, Condition.NIGHT, 5).drawn.frame)
    assert ok
    token = csrf_from(client.get("/fleet").text)
    response = client.post(
        "/api/v1/fleet/frames",
        files={"image": ("f.jpg", jpeg.tobytes(), "image/jpeg")},
        data={"camera": "C07", "seen_at": "2024-12-15T10:00:00+08:00"},
        headers={"X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.text
    assert response.json()["matched"] == "鄂AD12345"
    located = client.get("/api/v1/fleet/locate", params={"q": CG1}).json()
    assert located["sightings"][0]["camera"] == "C07"
    assert located["sightings"][0]["seen_at"].startswith("2024-12-15T02:00:00")
    crop = client.get(located["sightings"][0]["crop"])
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/jpeg"
    assert crop.content[:2] == b"\xff\xd8" and len(crop.content) < len(jpeg.tobytes())
    assert client.get("/fleet/crops/" + "0" * 64 + ".jpg").status_code == 404
    page = client.get("/fleet", params={"q": "鄂A·D12345"})
    assert "locate-result" in page.text and "C07" in page.text
    with fleet_db.read() as session:
        searches = session.scalars(select(AuditEntry).where(AuditEntry.action == "search")).all()
    assert [(e.actor, e.detail["query"]) for e in searches] == [
        ("traffic", CG1),
        ("traffic", "鄂A·D12345"),
    ]


def test_incident_forms_and_receipt(client: TestClient, fleet_db: Database) -> None:
    login(client, "traffic")
    token = csrf_from(client.get("/fleet/incidents").text)
    form = {
        "plate": "鄂A·D12345",
        "kind": "minor_collision",
        "place": "车城大道",
        "lat": "30.5",
        "lon": "114.16",
        "other_party": "鄂A·99999",
        "csrf_token": token,
    }
    assert client.post("/fleet/incidents", data={**form, "csrf_token": "x"}).status_code == 403
    created = client.post("/fleet/incidents", data=form)
    assert created.status_code == 303
    url = created.headers["location"]
    number = url.rsplit("/", 1)[1]
    assert (
        client.post(f"{url}/step", data={"status": "closed", "csrf_token": token}).status_code
        == 409
    )
    assert (
        client.post(
            f"{url}/step", data={"status": "operator_requested", "csrf_token": token}
        ).status_code
        == 303
    )
    client.post(
        f"{url}/requests",
        data={"items": ["trajectory", "video"], "hours": "48", "csrf_token": token},
    )
    page = client.get(url).text
    request_id = re.search(r"/fleet/requests/(\d+)/files", page)
    assert request_id
    data = b"t,lat,lon\n0,30.5,114.16\n"
    done = client.post(
        f"/fleet/requests/{request_id.group(1)}/files",
        data={"item": "trajectory", "csrf_token": token},
        files={"file": ("traj.csv", data, "text/csv")},
    )
    receipt = done.headers["location"].split("receipt=")[1]
    assert receipt.endswith(hashlib.sha256(data).hexdigest()[:12].upper())
    shown = client.get(done.headers["location"]).text
    assert hashlib.sha256(data).hexdigest() in shown and receipt in shown
    listed = client.get("/api/v1/fleet/incidents").json()
    assert [(i["number"], i["status"]) for i in listed] == [(number, "operator_requested")]
    assert datetime.fromisoformat(listed[0]["occurred_at"]) <= datetime.now(UTC)


def test_repeated_other_party_is_flagged(client: TestClient, fleet_db: Database) -> None:
    login(client, "traffic")
    token = csrf_from(client.get("/fleet/incidents").text)
    base = {
        "kind": "minor_collision",
        "place": "车城大道",
        "lat": "30.5",
        "lon": "114.16",
        "csrf_token": token,
    }
    for plate, party in [
        ("鄂A·D12345", "鄂A·99999"),
        ("鄂A·DB1234", "鄂a99999"),
        ("鄂A·F54321", "鄂B·11111"),
    ]:
        client.post("/fleet/incidents", data={**base, "plate": plate, "other_party": party})
    page = client.get("/fleet/incidents").text
    assert page.count(translate("zh-CN", "fleet.repeated")) == 2
    assert "鄂A99999" in client.get("/fleet").text
