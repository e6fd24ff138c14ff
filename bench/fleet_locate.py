"""Benchmark of `precinct fleet locate` at scale. Prints figures; asserts nothing.

    .venv/bin/python bench/fleet_locate.py                      # 2 million sightings, SQLite
    .venv/bin/python bench/fleet_locate.py --url postgresql+psycopg://…/db

Fills a fresh database with the demo's 360 robotaxis and N sightings spread over 30 days and the
district's cameras, then times `service.locate` (plate or fleet-number lookup, latest 10
sightings through the (vehicle, time) index, and the audit entry written in the same
transaction) for random cars given by plate or by fleet number: p50, p99 and max.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from precinct.core import migrate
from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.demo.fleet import FleetSpec, fleet_cars, write_registry
from precinct.fleet import service
from precinct.fleet.store import Sighting, Vehicle

ACTOR = Actor("bench", Role.ADMIN)
START = datetime(2024, 11, 15, tzinfo=UTC)
CHUNK = 50_000


def fill(db: Database, folder: Path, sightings: int, rng: random.Random) -> list[tuple[str, str]]:
    operators, vehicles = write_registry(folder, fleet_cars(FleetSpec()), {})
    with db.write() as session:
        service.import_operators(session, ACTOR, operators)
        service.import_vehicles(session, ACTOR, vehicles)
    with db.read() as session:
        cars = list(session.execute(select(Vehicle.id, Vehicle.plate, Vehicle.fleet_number)))
    ids = [c[0] for c in cars]
    started = time.perf_counter()
    for first in range(0, sightings, CHUNK):
        rows = [
            {
                "vehicle_id": rng.choice(ids),
                "seen_at": START + timedelta(seconds=rng.randrange(30 * 86400)),
                "camera": f"C{rng.randrange(48):02d}",
                "lat": 30.49 + rng.random() * 0.02,
                "lon": 114.15 + rng.random() * 0.03,
                "score": 2.0,
                "source": "bench",
            }
            for _ in range(min(CHUNK, sightings - first))
        ]
        with db.write() as session:
            session.execute(insert(Sighting), rows)
    print(f"  {sightings:,} sightings stored in {time.perf_counter() - started:.0f} s")
    return [(p, f) for _, p, f in cars]


def time_locate(
    db: Database, cars: list[tuple[str, str]], queries: int, rng: random.Random
) -> None:
    seconds, found = [], 0
    for i in range(queries):
        plate, fleet = rng.choice(cars)
        query = f"{plate[:2]}·{plate[2:]}" if i % 2 else fleet
        started = time.perf_counter()
        with db.write() as session:
            vehicle, sightings = service.locate(session, ACTOR, query, 10)
        seconds.append(time.perf_counter() - started)
        found += vehicle is not None and len(sightings) == 10
    ms = sorted(s * 1000 for s in seconds)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(
        f"  locate ×{queries} (half by plate, half by fleet number; audit entry included): "
        f"p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms; "
        f"{found}/{queries} answered with 10 sightings"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sightings", type=int, default=2_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--url", default="", help="an empty database; default: a SQLite file")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(args.url or f"sqlite:///{tmp}/bench.db")
        migrate.upgrade(db)
        print(f"Locate on {db.engine.dialect.name}")
        cars = fill(db, Path(tmp), args.sightings, rng)
        time_locate(db, cars, args.queries, rng)
        db.dispose()


if __name__ == "__main__":
    main()
