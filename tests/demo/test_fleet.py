"""The demo fleets: deterministic, unique identifiers, valid registry files, exact truth boxes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from precinct.core.access import SYSTEM
from precinct.core.db import Database
from precinct.demo.fleet import FleetSpec, fleet_cars, rear_frame, write_registry
from precinct.demo.fleet_draw import FRAME_H, FRAME_W, Condition
from precinct.fleet import service
from precinct.fleet.fleetno import FleetNumber


def test_fleets_are_deterministic_and_unique() -> None:
    cars = fleet_cars(FleetSpec(seed=3))
    assert cars == fleet_cars(FleetSpec(seed=3)) != fleet_cars(FleetSpec(seed=4))
    assert len(cars) == 360 and sum(c.operator == "CG" for c in cars) == 320
    for field in ("plate", "fleet_number", "vin"):
        assert len({getattr(c, field) for c in cars}) == 360
    assert all(FleetNumber.parse(c.fleet_number) for c in cars)


def test_registry_files_import(sqlite_db: Database, tmp_path: Path) -> None:
    cars = fleet_cars(FleetSpec(seed=3))
    operators, vehicles = write_registry(tmp_path, cars, {"CG": "http://127.0.0.1:9/hook"})
    with sqlite_db.write() as session:
        service.import_operators(session, SYSTEM, operators)
        report = service.import_vehicles(session, SYSTEM, vehicles)
    assert report.created == 360


def test_rear_frame_is_drawn_inside_its_box() -> None:
    car = fleet_cars(FleetSpec(seed=3))[0]
    rear = rear_frame(car, Condition.DAY, seed=1)
    frame, (x0, y0, x1, y1) = rear.drawn.frame, rear.drawn.car_box
    assert frame.shape == (FRAME_H, FRAME_W, 3)
    assert 0 <= x0 < x1 <= FRAME_W and 0 <= y0 < y1 <= FRAME_H
    inside = frame[y0:y1, x0:x1].astype(int)
    assert (inside.sum(axis=2) > 650).mean() > 0.3  # the white body
    assert np.array_equal(frame, rear_frame(car, Condition.DAY, seed=1).drawn.frame)
