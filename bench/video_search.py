"""Benchmark of the footage-index search (#4). Prints figures side by side; asserts nothing.

    .venv/bin/python bench/video_search.py                 # 100,000 tracks (scale 1)
    .venv/bin/python bench/video_search.py --scale 0.1     # 10,000 tracks

A temporary SQLite database gets 24 cameras on a 600 m grid, half of them with a ground
homography (so their tracks' headings are read on the ground), and `scale` × 100,000 synthetic
tracks spread over a night of 8 hours (per-frame boxes included, as the scan stores them). Each
kind of query a detective runs is timed `--repeat` times with random windows and places, with
the search's indexes and then without them (dropped), and p50/p95 are printed side by side.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text

from precinct.core import migrate
from precinct.core.db import Database
from precinct.core.geo import LatLon, offset
from precinct.demo.video_tracks import FakeIndex, random_tracks
from precinct.video.features import homography_from_points
from precinct.video.search import Area, Roi, RoiKind, SearchQuery
from precinct.video.search_service import run_query

TZ = ZoneInfo("Asia/Shanghai")
NIGHT = datetime(2024, 12, 15, 0, 0, tzinfo=TZ)
HOURS = 8.0
ORIGIN = LatLon(30.5, 114.15)
INDEXES = (
    "ix_video_tracks_start",
    "ix_video_tracks_camera_time",
    "ix_video_tracks_class_time",
    "ix_video_tracks_compass",
)
QueryMaker = Callable[[random.Random], SearchQuery]


def _window(rng: random.Random, minutes: float) -> tuple[datetime, datetime]:
    start = NIGHT + timedelta(minutes=rng.uniform(0, HOURS * 60 - minutes))
    return start, start + timedelta(minutes=minutes)


def _codes() -> list[str]:
    return [f"K{n:02d}" for n in range(24)]


def _spot(n: int) -> LatLon:
    return offset(ORIGIN, (n % 6) * 600.0, (n // 6) * 600.0)


QUERIES: dict[str, QueryMaker] = {
    "30 min, all cameras": lambda r: SearchQuery(*_window(r, 30)),
    "1 h, person + colour": lambda r: SearchQuery(
        *_window(r, 60), classes=("person",), colour=r.choice(("black", "red", "green"))
    ),
    "2 h, 700 m around a point": lambda r: SearchQuery(
        *_window(r, 120), area=Area(centre=_spot(r.randrange(24)), radius_m=700)
    ),
    "1 h, cyclist heading S": lambda r: SearchQuery(
        *_window(r, 60), classes=("cyclist",), heading_deg=180.0
    ),
    "2 h, heading N (350°-10°, wraps)": lambda r: SearchQuery(
        *_window(r, 120), heading_deg=0.0, heading_tolerance=10.0
    ),
    "night, person heading E": lambda r: SearchQuery(classes=("person",), heading_deg=90.0),
    "night, vehicle > 10 m/s, ≥ 10 s": lambda r: SearchQuery(
        classes=("vehicle",), speed_min=10.0, min_duration_s=10.0
    ),
    "1 h, one camera, entered a region": lambda r: SearchQuery(
        *_window(r, 60),
        roi=Roi(
            r.choice(_codes()),
            RoiKind.ENTERED,
            ((300.0, 400.0), (900.0, 400.0), (900.0, 700.0), (300.0, 700.0)),
        ),
    ),
}


def homography(heading_deg: float) -> list[list[float]]:
    """A pole camera 6 m up looking along `heading_deg` onto 1280×720 pixels (the fake footage):
    ground `right` m to the side and `ahead` m in front is at u = 640 + 800·right/ahead,
    v = 200 + 800·6/ahead; ground metres east/north (the frame of `precinct.video.heading`)."""
    h = math.radians(heading_deg)
    local = [(-5.0, 8.0), (5.0, 8.0), (-5.0, 40.0), (5.0, 40.0)]  # (right, ahead)
    pixels = [(640 + 800 * x / y, 200 + 800 * 6 / y) for x, y in local]
    ground = [
        (x * math.cos(h) + y * math.sin(h), -x * math.sin(h) + y * math.cos(h)) for x, y in local
    ]
    rows = homography_from_points(pixels, ground).homography
    assert rows is not None
    return [list(row) for row in rows]


def build(path: Path, tracks: int) -> Database:
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    started = time.perf_counter()
    with db.write() as session:
        index = FakeIndex(session, NIGHT, hours=HOURS, file_hours=1.0)  # hourly NVR files
        for n, code in enumerate(_codes()):
            heading = float((n * 90) % 360)
            camera = index.camera(code, _spot(n), heading=heading)
            if n % 2:  # half the cameras are calibrated on the ground
                camera.calibration = {"homography": homography(heading)}
        random_tracks(index, _codes(), tracks)
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    took = time.perf_counter() - started
    print(f"built {tracks:,} tracks on 24 cameras (12 with a homography) in {took:.1f} s")
    return db


def timings(db: Database, maker: QueryMaker, repeat: int) -> tuple[list[float], int]:
    rng = random.Random(7)
    times, found = [], 0
    for _ in range(repeat):
        query = maker(rng)
        started = time.perf_counter()
        with db.read() as session:
            found += run_query(session, query).total
        times.append((time.perf_counter() - started) * 1000)
    return times, found // repeat


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def measure(db: Database, repeat: int) -> dict[str, tuple[list[float], int]]:
    return {name: timings(db, maker, repeat) for name, maker in QUERIES.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="× 100,000 tracks")
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = build(Path(folder) / "bench.db", int(args.scale * 100_000))
        indexed = measure(db, args.repeat)
        with db.engine.begin() as conn:
            for name in INDEXES:
                conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        bare = measure(db, max(args.repeat // 4, 5))
        db.dispose()
    print(
        f"{'query':<36} {'results':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'no-index p50':>13} {'ratio':>6}"
    )
    every: list[float] = []
    for name, (times, found) in indexed.items():
        every += times
        slow = statistics.median(bare[name][0])
        fast = statistics.median(times)
        print(
            f"{name:<36} {found:>8} {fast:>8.1f} {pct(times, 95):>8.1f} {slow:>13.1f} "
            f"{slow / fast:>5.1f}x"
        )
    print(f"{'all queries':<36} {'':>8} {statistics.median(every):>8.1f} {pct(every, 95):>8.1f}")


if __name__ == "__main__":
    main()
