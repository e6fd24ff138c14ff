"""Benchmark of robotaxi reading. Prints figures measured side by side; asserts nothing.

    .venv/bin/python bench/fleet_read.py                 # 100 rendered rears, shared plates
    .venv/bin/python bench/fleet_read.py --frames 300

1. Rendered robotaxi rears (1280×720; day, night, rain, angle, occlusion; 360 registered cars of
   which 320 identical of one operator): identified / wrong / no match, for the pipeline and for
   rapidocr's default full-frame call on the same frames, and the time per frame of each,
   measured alternately in the same run (the ratio is the speed-up).
2. Real plate crops in ../shared/data/plates/crops: exact reads (read whole, `read_crop`).
3. Real street scenes in ../shared/data/plates/scenes: plates read exactly, pipeline and default.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from precinct.demo.fleet import FleetSpec, fleet_cars, traffic_frames
from precinct.fleet import match
from precinct.fleet.read import FrameReader, FrameReading, Image, ReaderConfig, load_image

ROOT = Path(__file__).resolve().parents[1]
PLATES = ROOT.parent / "shared" / "data" / "plates"


@dataclass
class Tally:
    identified: int = 0
    wrong: int = 0
    unsure: int = 0
    seconds: list[float] = field(default_factory=list)

    def line(self, name: str) -> str:
        total = self.identified + self.wrong + self.unsure
        return (
            f"  {name:<22} identified {self.identified}/{total}, wrong {self.wrong}, "
            f"no match {self.unsure}; median {statistics.median(self.seconds) * 1000:.0f} ms/frame"
        )


def _timed(read: Callable[[Image], FrameReading], frame: Image) -> tuple[FrameReading, float]:
    started = time.perf_counter()
    reading = read(frame)
    return reading, time.perf_counter() - started


def _count(tally: Tally, decision: match.Decision, truth: int, seconds: float) -> None:
    tally.seconds.append(seconds)
    if decision.vehicle is None:
        tally.unsure += 1
    elif decision.vehicle.key == truth:
        tally.identified += 1
    else:
        tally.wrong += 1


def rendered(reader: FrameReader, frames: int, seed: int) -> None:
    cars = fleet_cars(FleetSpec(seed=seed))
    registry = match.Registry.of(
        match.Vehicle(i, c.plate, c.fleet_number) for i, c in enumerate(cars)
    )
    index = {c.plate: i for i, c in enumerate(cars)}
    ours, default = Tally(), Tally()
    by_condition: dict[str, Tally] = {}
    for rear in traffic_frames(cars, frames, seed):
        truth, frame = index[rear.car.plate], rear.drawn.frame
        reading, seconds = _timed(reader.read, frame)
        decision = match.identify(registry, [reading.match_texts])
        _count(ours, decision, truth, seconds)
        _count(by_condition.setdefault(rear.condition, Tally()), decision, truth, seconds)
        reading, seconds = _timed(reader.full_frame, frame)
        _count(default, match.identify(registry, [reading.match_texts]), truth, seconds)
    print(f"1. Rendered robotaxi rears ({frames} frames 1280×720, {len(cars)} registered cars)")
    print(ours.line("pipeline"))
    print(default.line("rapidocr default call"))
    for condition, tally in sorted(by_condition.items()):
        print(tally.line(f"  {condition}"))
    ratio = statistics.median(default.seconds) / statistics.median(ours.seconds)
    total = sum(default.seconds) / sum(ours.seconds)
    print(f"  speed-up per frame: {ratio:.2f}× (median), {total:.2f}× (total time)")


def _labels(folder: Path) -> list[dict[str, str]]:
    with (folder / "labels.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def crops(reader: FrameReader) -> None:
    folder = PLATES / "crops"
    if not (folder / "labels.csv").exists():
        print(f"2. Plate crops: skipped, {folder} is absent")
        return
    rows = _labels(folder)
    exact, misses = 0, []
    for row in rows:
        image = load_image(folder / row["file"])
        found = [] if image is None else [f.text for f in reader.read_crop(image).found]
        if row["plate"] in found:
            exact += 1
        else:
            misses.append(f"{row['plate']}→{'/'.join(found) or '∅'}")
    print(f"2. Real plate crops: {exact}/{len(rows)} exact ({exact / len(rows):.1%})")
    print(f"   misses: {', '.join(misses) or 'none'}")


def scenes(reader: FrameReader) -> None:
    folder = PLATES / "scenes"
    if not (folder / "labels.csv").exists():
        print(f"3. Scenes: skipped, {folder} is absent")
        return
    rows = _labels(folder)
    ours = default = 0
    for row in rows:
        image = load_image(folder / row["file"])
        if image is None:
            continue
        ours += row["plate"] in reader.read(image).match_texts
        default += row["plate"] in reader.full_frame(image).match_texts
    print(
        f"3. Real street scenes: pipeline read {ours}/{len(rows)}, "
        f"default call {default}/{len(rows)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    parser.add_argument("--seed", type=int, default=20241215)
    parser.add_argument("--detect-side", type=int, default=ReaderConfig().detect_side)
    args = parser.parse_args()
    reader = FrameReader(ReaderConfig(detect_side=args.detect_side))
    print(f"Text detection on frames downscaled to {args.detect_side} px (longest side)")
    warm = next(traffic_frames(fleet_cars(FleetSpec()), 1, 1)).drawn.frame
    reader.read(warm), reader.full_frame(warm)  # sessions created, first-run costs paid
    rendered(reader, args.frames, args.seed)
    crops(reader)
    scenes(reader)


if __name__ == "__main__":
    main()
