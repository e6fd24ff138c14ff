"""The demo's robotaxi fleets with exact ground truth: 320 identical white cars of one operator
and 40 of a second, their registry files, and rendered rear views in traffic."""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from precinct.demo.common import stage_rng
from precinct.demo.fleet_draw import Condition, Drawn, Rear, draw_rear
from precinct.fleet.fleetno import FleetNumber

SERIAL_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class OperatorTruth:
    code: str
    name: str
    brand: str
    hotline: str
    remote_ops_contact: str
    energy_mark: str  # D or F after the city letter


OPERATORS = (
    OperatorTruth(
        "CG",
        "车谷智行出行科技有限公司",
        "车谷智行 Robotaxi",
        "027-84000110",
        "远程运营中心 王工 13871000001",
        "D",
    ),
    OperatorTruth(
        "DY",
        "东风悦行自动驾驶有限公司",
        "悦行 AUTO",
        "027-84000220",
        "远程安全员值班台 13871000002",
        "F",
    ),
)


@dataclass(frozen=True)
class CarTruth:
    plate: str  # compact 鄂AD12345
    fleet_number: str  # compact CG0123X
    vin: str
    operator: str

    @property
    def plate_display(self) -> str:
        return f"{self.plate[:2]}·{self.plate[2:]}"

    @property
    def fleet_display(self) -> str:
        return str(FleetNumber.parse(self.fleet_number))


@dataclass(frozen=True)
class FleetSpec:
    seed: int = 20241215
    main_cars: int = 320
    second_cars: int = 40


def _serial(rng: random.Random, mark: str) -> str:
    second = rng.choice(SERIAL_LETTERS) if rng.random() < 0.3 else str(rng.randrange(10))
    return f"{mark}{second}{rng.randrange(10_000):04d}"


def _vin(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
    return "LFV" + "".join(rng.choice(alphabet) for _ in range(14))


def fleet_cars(spec: FleetSpec) -> list[CarTruth]:
    """Every car of both operators, deterministic from the seed, plates and VINs unique."""
    rng = stage_rng(spec.seed, "fleet")
    cars: list[CarTruth] = []
    plates: set[str] = set()
    for operator, count in zip(OPERATORS, (spec.main_cars, spec.second_cars), strict=True):
        for number in range(1, count + 1):
            plate = f"鄂A{_serial(rng, operator.energy_mark)}"
            while plate in plates:
                plate = f"鄂A{_serial(rng, operator.energy_mark)}"
            plates.add(plate)
            fleet = FleetNumber.make(operator.code, number).compact
            cars.append(CarTruth(plate, fleet, _vin(rng), operator.code))
    return cars


def operator_of(car: CarTruth) -> OperatorTruth:
    return next(o for o in OPERATORS if o.code == car.operator)


def write_registry(
    folder: Path, cars: list[CarTruth], webhooks: dict[str, str]
) -> tuple[Path, Path]:
    """operators.csv and vehicles.csv, as an operator would hand them to the bureau."""
    folder.mkdir(parents=True, exist_ok=True)
    operators, vehicles = folder / "operators.csv", folder / "vehicles.csv"
    with operators.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["code", "name", "hotline", "remote_ops_contact", "webhook_url"])
        for o in OPERATORS:
            out.writerow(
                [o.code, o.name, o.hotline, o.remote_ops_contact, webhooks.get(o.code, "")]
            )
    with vehicles.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["plate", "fleet_number", "vin", "model", "colour", "operator"])
        for car in cars:
            out.writerow(
                [car.plate_display, car.fleet_display, car.vin, "RT-6", "白色", car.operator]
            )
    return operators, vehicles


@dataclass(frozen=True)
class RearFrame:
    car: CarTruth
    condition: Condition
    drawn: Drawn


def rear_frame(car: CarTruth, condition: Condition, seed: int) -> RearFrame:
    rear = Rear(car.plate_display, car.fleet_display, operator_of(car).brand, condition, seed)
    return RearFrame(car, condition, draw_rear(rear))


def traffic_frames(cars: list[CarTruth], count: int, seed: int) -> Iterator[RearFrame]:
    """`count` rear views of distinct random cars, cycling through the conditions."""
    rng = stage_rng(seed, "fleet-traffic")
    conditions = list(Condition)
    for i, car in enumerate(rng.sample(cars, count)):
        yield rear_frame(car, conditions[i % len(conditions)], rng.randrange(1 << 30))
