"""The demo's robotaxi part: the operators hand over their registry, cameras see cars in traffic,
one car stalls on 车城大道 at the evening rush and is identified from the frames, its operator is
alerted by webhook, the incident is run to closure; a second car is stuck when the demo ends."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from precinct.config import Settings
from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.demo.common import DEMO_NOW, Progress, stage_rng
from precinct.demo.fleet import CarTruth, FleetSpec, fleet_cars, rear_frame, write_registry
from precinct.demo.fleet_draw import Condition
from precinct.demo.operator_desk import operator_endpoint
from precinct.fleet import incidents, service
from precinct.fleet.read import FrameReader, evidence_jpeg
from precinct.fleet.store import Alert
from precinct.fleet.workflow import AlertFigures, DataItem, IncidentKind, IncidentStatus
from precinct.registry.store import Camera

ANALYST = Actor("analyst", Role.ANALYST)
TRAFFIC = Actor("traffic", Role.TRAFFIC)
STALL_AT = DEMO_NOW - timedelta(minutes=40)
TRAFFIC_FRAMES = 10


@dataclass
class FleetStage:
    cars: int = 0
    frames: int = 0
    identified: int = 0
    wrong: int = 0
    unsure: int = 0
    read_s: float = 0.0
    stalled: CarTruth | None = None
    incident: str = ""
    attempts: list[str] = field(default_factory=list)
    receipt: str = ""
    figures: AlertFigures | None = None
    live_plate: str = ""


@dataclass
class _Run:
    db: Database
    settings: Settings
    cars: list[CarTruth]
    cameras: list[Camera]
    rng: random.Random
    stage: FleetStage
    reader: FrameReader = field(default_factory=FrameReader)
    progress: Progress | None = None

    def see(self, car: CarTruth, camera: Camera, at: datetime, condition: Condition) -> int | None:
        """Render the car's rear at a camera, read it, identify it, record the sighting."""
        frame = rear_frame(car, condition, self.rng.randrange(1 << 30)).drawn.frame
        reading = self.reader.read(frame)
        self.stage.frames += 1
        if self.progress:
            self.progress("robotaxi frames read", self.stage.frames, TRAFFIC_FRAMES + 9)
        with self.db.write() as session:
            decision = service.identify(service.registry(session), [reading])
            truth = decision.vehicle is not None and decision.vehicle.plate == car.plate
            self._count(decision.vehicle is None, truth)
            where = service.Where(camera.code, at, camera.place.lat, camera.place.lon, "camera")
            crop = evidence_jpeg(frame, reading)
            sighting, alert = incidents.observe(session, self.settings, decision, where, crop)
            if alert is not None:
                incidents.notify(session, alert, self.settings, first_wait_s=0.05)
            return alert.id if alert is not None else None

    def _count(self, unsure: bool, right: bool) -> None:
        if unsure:
            self.stage.unsure += 1
        elif right:
            self.stage.identified += 1
        else:
            self.stage.wrong += 1


def _load_registry(db: Database, settings: Settings, cars: list[CarTruth], url: str) -> None:
    operators, vehicles = write_registry(settings.data_dir / "fleet", cars, {"CG": url})
    with db.write() as session:
        service.import_operators(session, ANALYST, operators)
        service.import_vehicles(session, ANALYST, vehicles)


def _traffic(run: _Run) -> None:
    conditions = list(Condition)
    for i, car in enumerate(run.rng.sample(run.cars, TRAFFIC_FRAMES)):
        at = STALL_AT - timedelta(minutes=30 - 3 * i)
        run.see(car, run.rng.choice(run.cameras), at, conditions[i % len(conditions)])


def _stall(run: _Run, car: CarTruth, camera: Camera, start: datetime) -> int | None:
    """The car is seen standing at one camera until the stuck threshold has passed."""
    step = run.settings.fleet_stuck_after_s / 3
    alert_id = None
    conditions = (Condition.DAY, Condition.RAIN, Condition.OCCLUSION, Condition.ANGLE)
    for i, condition in enumerate(conditions):
        alert_id = (
            run.see(car, camera, start + timedelta(seconds=step * i + 5), condition) or alert_id
        )
    return alert_id


def _incident(run: _Run, alert_id: int, car: CarTruth) -> None:
    with run.db.write() as session:
        alert = session.get_one(Alert, alert_id)
        raised = alert.raised_at
        new = incidents.NewIncident(
            IncidentKind.STUCK,
            alert.vehicle_id,
            alert.stationary_since,
            f"{alert.camera} 车城大道",
            alert.lat,
            alert.lon,
            summary="无人驾驶车辆在晚高峰停滞于路口，影响通行",
            alert_id=alert.id,
        )
        number = incidents.open_incident(session, TRAFFIC, new).number
        incidents.step(
            session,
            TRAFFIC,
            number,
            IncidentStatus.OPERATOR_REQUESTED,
            raised + timedelta(seconds=20),
        )
        incidents.acknowledge_alert(session, TRAFFIC, alert_id, raised + timedelta(seconds=95))
        incidents.step(
            session, TRAFFIC, number, IncidentStatus.ACKNOWLEDGED, raised + timedelta(seconds=95)
        )
        items = list(DataItem)
        request = incidents.request_data(
            session, TRAFFIC, number, items, raised + timedelta(hours=72)
        )
        run.stage.attempts = [f"{a.attempt}:{a.status_code or a.error}" for a in alert.attempts]
    moved_at = raised + timedelta(minutes=7)
    other = next(c for c in run.cameras if c.code != alert.camera)
    run.see(car, other, moved_at, Condition.NIGHT)
    with run.db.write() as session:
        incidents.car_moved(session, TRAFFIC, alert_id, moved_at)
        log = f"t,mode\n{raised:%H:%M:%S},autonomous\n{moved_at:%H:%M:%S},remote\n".encode()
        received = incidents.receive_file(
            session, TRAFFIC, request.id, DataItem.TRAJECTORY, "trajectory.csv", log
        )
        incidents.step(session, TRAFFIC, number, IncidentStatus.RESOLVED, moved_at)
        incidents.step(
            session, TRAFFIC, number, IncidentStatus.CLOSED, moved_at + timedelta(hours=2)
        )
    run.stage.incident, run.stage.receipt = number, received.receipt


def run_fleet_stage(
    db: Database, settings: Settings, seed: int, progress: Progress | None = None
) -> FleetStage:
    cars = fleet_cars(FleetSpec(seed=seed))
    rng = stage_rng(seed, "fleet-stage")
    with db.read() as session:
        cameras = list(session.scalars(select(Camera).order_by(Camera.code)))
    stage = FleetStage(cars=len(cars))
    with operator_endpoint(fail_first=1) as (url, _desk):
        _load_registry(db, settings, cars, url)
        run = _Run(db, settings, cars, cameras, rng, stage, progress=progress)
        started = time.perf_counter()
        _traffic(run)
        stalled, second = rng.sample(cars[:320], 2)
        alert_id = _stall(run, stalled, cameras[0], STALL_AT)
        if alert_id is not None:
            _incident(run, alert_id, stalled)
        live = _stall(run, second, cameras[len(cameras) // 2], DEMO_NOW - timedelta(minutes=8))
        if live is not None:
            with db.write() as session:
                incidents.acknowledge_alert(session, TRAFFIC, live, DEMO_NOW - timedelta(minutes=1))
        stage.read_s = (time.perf_counter() - started) / max(stage.frames, 1)
    stage.stalled, stage.live_plate = stalled, second.plate_display if live else ""
    with db.read() as session:
        stage.figures = incidents.figures(session)
    return stage


def fleet_lines(stage: FleetStage) -> list[str]:
    f, car = stage.figures, stage.stalled
    lines = [
        "Robotaxis (rendered rear views read with PP-OCRv4, matched to the registry):",
        f"  registry: {stage.cars} cars of 2 operators; {stage.frames} frames read "
        f"({stage.read_s:.2f} s/frame incl. rendering): {stage.identified} identified, "
        f"{stage.wrong} wrong, {stage.unsure} no match",
    ]
    if car is not None and f is not None:
        lines += [
            f"  stalled car {car.plate_display} / {car.fleet_display} identified, stuck alert "
            f"posted to the operator (attempts {', '.join(stage.attempts) or 'none'})",
            f"  incident {stage.incident} closed; trajectory received, receipt {stage.receipt}",
            f"  alert → acknowledged: median {f.median_ack_s or 0:.0f} s; alert → car moved: "
            f"median {f.median_moved_s or 0:.0f} s ({f.moved}/{f.alerts} alerts moved)",
        ]
    if stage.live_plate:
        lines.append(f"  live on the traffic board now: {stage.live_plate} stuck, acknowledged")
    return lines
