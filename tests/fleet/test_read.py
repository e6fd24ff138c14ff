"""Reading with PP-OCRv4: rendered robotaxi rears (exact ground truth) and real plates from
../shared/data/plates (skipped with a reason when absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from precinct.demo.fleet import FleetSpec, fleet_cars, rear_frame
from precinct.demo.fleet_draw import Condition
from precinct.fleet import match
from precinct.fleet.read import FrameReader, load_image

PLATES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "plates"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reader() -> FrameReader:
    return FrameReader()


@pytest.fixture(scope="module")
def cars() -> list:
    return fleet_cars(FleetSpec(seed=7))


@pytest.mark.parametrize("condition", list(Condition))
def test_rendered_rear_is_read_and_identified(
    reader: FrameReader, cars: list, condition: Condition
) -> None:
    car = cars[17 + list(Condition).index(condition) * 50]
    rear = rear_frame(car, condition, seed=99)
    reading = reader.read(rear.drawn.frame)
    found = {(f.kind, f.text) for f in reading.found if f.valid}
    x0, y0, x1, y1 = rear.drawn.car_box
    assert all(x0 <= f.box[0] and f.box[2] <= x1 for f in reading.found)
    registry = match.Registry.of(
        match.Vehicle(i, c.plate, c.fleet_number) for i, c in enumerate(cars)
    )
    decision = match.identify(registry, [reading.match_texts])
    assert decision.vehicle is not None and decision.vehicle.key == cars.index(car)
    if condition is not Condition.OCCLUSION:  # the pole may hide a character of one print
        assert ("plate", car.plate) in found and ("fleet", car.fleet_number) in found


def test_a_frame_without_text_reads_nothing(reader: FrameReader) -> None:
    import numpy as np

    assert reader.read(np.full((720, 1280, 3), 90, np.uint8)).found == ()


def _labels(folder: Path) -> list[dict[str, str]]:
    if not (folder / "labels.csv").exists():
        pytest.skip(f"{folder} is absent (real plates from ../shared/data/plates)")
    with (folder / "labels.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_shared_plate_crops_read_exactly(reader: FrameReader) -> None:
    rows = _labels(PLATES / "crops")
    exact = 0
    for row in rows:
        image = load_image(PLATES / "crops" / row["file"])
        assert image is not None, row["file"]
        exact += row["plate"] in [f.text for f in reader.read_crop(image).found]
    assert exact / len(rows) >= 0.98


def test_shared_scenes_are_all_read(reader: FrameReader) -> None:
    rows = _labels(PLATES / "scenes")
    for row in rows:
        image = load_image(PLATES / "scenes" / row["file"])
        assert image is not None, row["file"]
        assert row["plate"] in reader.read(image).match_texts, row["file"]
