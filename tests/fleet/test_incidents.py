"""Stuck detection, webhook alerts with retries (against a local server), the AV incident
workflow, data requests with SHA-256 receipts, and the figures."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from precinct.config import Settings
from precinct.core.access import AccessDenied, Actor
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.demo.operator_desk import operator_endpoint
from precinct.fleet import incidents, match, service, stuck
from precinct.fleet.store import Alert
from precinct.fleet.workflow import (
    DataItem,
    IncidentKind,
    IncidentStatus,
    WorkflowError,
    repeated_parties,
)

from .helpers import CG1, operators_csv, vehicles_csv

T0 = datetime(2024, 12, 15, 10, 0, tzinfo=UTC)
TRAFFIC = Actor("traffic1", Role.TRAFFIC)


def settings(tmp_path: Path, attempts: int = 4) -> Settings:
    return Settings(data_dir=tmp_path, fleet_stuck_after_s=300, fleet_webhook_attempts=attempts)


def test_stationary_run_breaks_when_the_car_moved() -> None:
    seen = [
        stuck.Seen(T0, 30.5, 114.16, "C1"),
        stuck.Seen(T0 + timedelta(minutes=1), 30.51, 114.16, "C2"),  # ~1.1 km away
        stuck.Seen(T0 + timedelta(minutes=2), 30.51001, 114.16, "C2"),
        stuck.Seen(T0 + timedelta(minutes=7), 30.51, 114.16001, "C2"),
    ]
    run = stuck.is_stuck(seen, 300, 25)
    assert run is not None and run.since == T0 + timedelta(minutes=1) and run.camera == "C2"
    assert stuck.is_stuck(seen[:3], 300, 25) is None


def _sight(db: Database, admin: Actor, minutes: list[int], cfg: Settings) -> Alert | None:
    alert = None
    with db.write() as session:
        decision = match.identify(service.registry(session), [["鄂AD12345", CG1.replace("-", "")]])
        for m in minutes:
            at = T0 + timedelta(minutes=m)
            sighting = service.record_sighting(
                session, decision, service.Where("C07", at, 30.5, 114.16)
            )
            assert sighting is not None
            alert = incidents.check_stuck(session, sighting.vehicle_id, cfg, at) or alert
    return alert


def _load(db: Database, admin: Actor, folder: Path, webhook: str = "") -> None:
    with db.write() as session:
        service.import_operators(session, admin, operators_csv(folder, webhook))
        service.import_vehicles(session, admin, vehicles_csv(folder))


def test_stuck_car_alerts_operator_with_retries(db: Database, admin: Actor, tmp_path: Path) -> None:
    cfg = settings(tmp_path)
    with operator_endpoint(fail_first=2) as (url, received):
        _load(db, admin, tmp_path, url)
        alert = _sight(db, admin, [0, 2, 4, 6], cfg)
        assert alert is not None and alert.raised_at == T0 + timedelta(minutes=6)
        with db.write() as session:
            alert = session.get_one(Alert, alert.id)
            assert incidents.notify(session, alert, cfg, first_wait_s=0.01)
            assert [(a.attempt, a.status_code, a.ok) for a in alert.attempts] == [
                (1, 503, False),
                (2, 503, False),
                (3, 200, True),
            ]
    assert received.payloads[0]["plate"] == "鄂AD12345"
    assert received.payloads[0]["stationary_since"] == T0.isoformat()
    # a second check does not raise a second alert while the first is open
    assert _sight(db, admin, [7], cfg) is None


def test_unreachable_webhook_records_every_attempt(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    with operator_endpoint() as (url, _):
        dead = url  # the server is shut down on leaving the block
    cfg = settings(tmp_path, attempts=3)
    _load(db, admin, tmp_path, dead)
    alert = _sight(db, admin, [0, 6], cfg)
    assert alert is not None
    with db.write() as session:
        alert = session.get_one(Alert, alert.id)
        assert not incidents.notify(session, alert, cfg, first_wait_s=0.01)
        assert [a.attempt for a in alert.attempts] == [1, 2, 3]
        assert all(a.status_code is None and a.error for a in alert.attempts)


def test_incident_workflow_and_figures(db: Database, admin: Actor, tmp_path: Path) -> None:
    _load(db, admin, tmp_path)
    alert = _sight(db, admin, [0, 6], settings(tmp_path))
    assert alert is not None
    with db.write() as session:
        new = incidents.NewIncident(
            IncidentKind.STUCK,
            alert.vehicle_id,
            alert.raised_at,
            "车城大道",
            30.5,
            114.16,
            alert_id=alert.id,
        )
        number = incidents.open_incident(session, TRAFFIC, new).number
        incidents.step(session, TRAFFIC, number, IncidentStatus.OPERATOR_REQUESTED, T0)
        with pytest.raises(WorkflowError):
            incidents.step(session, TRAFFIC, number, IncidentStatus.CLOSED, T0)
        incidents.step(session, TRAFFIC, number, IncidentStatus.ACKNOWLEDGED, T0)
        incidents.acknowledge_alert(
            session, TRAFFIC, alert.id, alert.raised_at + timedelta(seconds=90)
        )
        incidents.car_moved(session, TRAFFIC, alert.id, alert.raised_at + timedelta(minutes=5))
        request = incidents.request_data(
            session, TRAFFIC, number, [DataItem.TRAJECTORY, DataItem.VIDEO], T0 + timedelta(days=3)
        )
        data = b"t,lat,lon\n0,30.5,114.16\n"
        received = incidents.receive_file(
            session, TRAFFIC, request.id, DataItem.TRAJECTORY, "t.csv", data
        )
        assert received.sha256 == hashlib.sha256(data).hexdigest()
        assert received.receipt.endswith(received.sha256[:12].upper())
        incidents.step(session, TRAFFIC, number, IncidentStatus.RESOLVED, T0)
        incidents.step(session, TRAFFIC, number, IncidentStatus.CLOSED, T0)
    with db.read() as session:
        figures = incidents.figures(session)
        assert (figures.alerts, figures.acknowledged, figures.moved) == (1, 1, 1)
        assert figures.median_ack_s == 90 and figures.median_moved_s == 300
        assert incidents.live_alerts(session, admin) == []


def test_viewer_cannot_change_incidents(db: Database, admin: Actor, tmp_path: Path) -> None:
    _load(db, admin, tmp_path)
    new = incidents.NewIncident(IncidentKind.OTHER, 1, T0, "x", 30.5, 114.1)
    with pytest.raises(AccessDenied), db.write() as session:
        incidents.open_incident(session, Actor("v", Role.VIEWER), new)


def test_repeated_other_party_is_flagged() -> None:
    assert repeated_parties(["鄂A·12345", "鄂a12345 ", "鄂B99999", ""]) == {"鄂A12345"}
