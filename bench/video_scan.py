"""Benchmark of the video scan engine. Prints figures measured side by side; asserts nothing.

    .venv/bin/python bench/video_scan.py                   # all three parts
    .venv/bin/python bench/video_scan.py --only throughput --hours 1
    .venv/bin/python bench/video_scan.py --only demo --misses  # and list each missed passer
    .venv/bin/python bench/video_scan.py --only demo --sampling burst

1. Throughput on ≥ 1 footage-hour of 1080p25 H.264 night footage (rendered once, cached under
   .cache/bench): footage-hours per wall-minute of `precinct video scan`, and of
   `ffmpeg -threads 2 -i FILE -f null -` (decode only) on the same files in the same run.
2. Quality on the demo night's exact ground truth: recall and precision of passers, per class,
   and class accuracy.
3. Quality on real footage, PETS09-S2L1 (../shared/data/video): the share of ground-truth people
   visible ≥ 2 s that a reported track covers.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from precinct.core import migrate
from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.demo.calibration import demo_calibration
from precinct.demo.video import FootageSpec, FootageTruth, render_benchmark_set, render_once
from precinct.demo.video_stage import truth_labelled
from precinct.registry.store import Camera
from precinct.video import index, service
from precinct.video.evaluate import Labelled, Scores, overlap_frames, parse_mot, score
from precinct.video.scan import ScanConfig
from precinct.video.store import Scan
from precinct.video.triage import TriageConfig

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "video" / "PETS09-S2L1"
ACTOR = Actor("bench", Role.ADMIN)


@dataclass
class Indexed:
    db: Database
    data: Path
    summary: index.ScanSummary
    footage: dict[str, int]  # file name → footage id


def index_files(
    items: list[service.IngestItem],
    workers: int,
    data: Path,
    config: ScanConfig | None = None,
    calibrations: dict[str, dict[str, Any]] | None = None,
) -> Indexed:
    db = Database(f"sqlite:///{data / 'bench.db'}")
    migrate.upgrade(db)
    with db.write() as session:
        service.ingest(session, ACTOR, items, create_camera=True)
        for camera in session.scalars(select(Camera).where(Camera.code.in_(calibrations or {}))):
            camera.calibration = (calibrations or {})[camera.code]
    with db.read() as session:
        footage = {
            Path(f.original_path).name: f.id for f in service.list_footage(session, ACTOR, None)
        }
    request = index.ScanRequest(data, config or ScanConfig(), workers)
    return Indexed(db, data, index.scan_footage(db, ACTOR, request), footage)


def items_of(truth: FootageTruth) -> list[service.IngestItem]:
    return [service.IngestItem(truth.folder / f.file, f.camera, f.start) for f in truth.files]


def ffmpeg_decode_seconds(paths: Iterable[Path]) -> float:
    started = time.perf_counter()
    for path in paths:
        subprocess.run(
            ["ffmpeg", "-v", "error", "-threads", "2", "-i", str(path), "-f", "null", "-"],
            check=True,
        )
    return time.perf_counter() - started


def rate(footage_s: float, wall_s: float) -> float:
    return (footage_s / 3600.0) / (wall_s / 60.0)


FAST = TriageConfig(keyframe_check=False)
TRIAGES = {
    "thorough": ScanConfig(sampling="full"),
    "fast": ScanConfig(sampling="full", triage=FAST),
    "thorough --sampling burst": ScanConfig(sampling="burst"),
    "fast --sampling burst": ScanConfig(sampling="burst", triage=FAST),
}


@dataclass
class Timed:
    summary: index.ScanSummary
    cpu_s: float


def _scan_timed(truth: FootageTruth, workers: int, config: ScanConfig) -> Timed:
    with tempfile.TemporaryDirectory() as tmp:
        cpu_before = children_cpu_s()
        run = index_files(items_of(truth), workers, Path(tmp), config)
        run.db.dispose()
        return Timed(run.summary, children_cpu_s() - cpu_before)


def throughput(args: argparse.Namespace) -> None:
    folder = ROOT / ".cache" / "bench" / f"night-{args.width}x{args.height}-{args.hours}h"
    print(f"rendering (or reusing) {args.hours} footage-h at {args.width}x{args.height} …")
    truth = render_benchmark_set(folder, args.hours, args.width, args.height)
    scans = {name: _scan_timed(truth, args.workers, cfg) for name, cfg in TRIAGES.items()}
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cpu_before = children_cpu_s()
    ffmpeg_s = ffmpeg_decode_seconds(truth.folder / f.file for f in truth.files)
    ffmpeg_cpu = children_cpu_s() - cpu_before
    footage_s = next(iter(scans.values())).summary.footage_s
    print(f"footage: {len(truth.files)} files, {footage_s / 3600:.2f} h, {_gb(truth):.2f} GB")
    print(
        f"ffmpeg: {ffmpeg_s:7.1f} s  {rate(footage_s, ffmpeg_s):6.2f} footage-h/min  "
        f"CPU {ffmpeg_cpu:.1f} s  (decode only, -threads 2)"
    )
    for name, timed in scans.items():
        s = timed.summary
        print(
            f"scan --triage {name}: {s.wall_s:7.1f} s  {s.footage_hours_per_minute:6.2f} "
            f"footage-h/min  CPU {timed.cpu_s:.1f} s  (active share "
            f"{s.active_s / s.footage_s:.1%}, {s.tracks} tracks)"
        )
        print(
            f"   ratio to ffmpeg: wall {ffmpeg_s / s.wall_s:.2f}x, "
            f"CPU {ffmpeg_cpu / timed.cpu_s:.2f}x; "
            f"10 GB would take {s.wall_s / _gb(truth) * 10 / 60:.1f} min"
        )
    print(
        f"workers {args.workers or 'all cores'}, peak worker RSS {peak_mb:.0f} MB, load "
        f"{os.getloadavg()[0]:.1f} (on a shared machine the CPU ratio is the steadier figure)"
    )


def children_cpu_s() -> float:
    """User + system CPU seconds of the child processes that have ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _gb(truth: FootageTruth) -> float:
    return sum((truth.folder / f.file).stat().st_size for f in truth.files) / 1e9


def tracks_of(run: Indexed, name: str) -> list[Labelled]:
    with run.db.read() as session:
        return [index.labelled(t) for t in index.footage_tracks(session, run.footage[name])]


def decoded_frames(run: Indexed) -> int:
    """Frames the scan decoded over all its files (the cost that sampling saves)."""
    with run.db.read() as session:
        return sum(session.scalars(select(Scan.decoded_frames)))


def print_scores(title: str, s: Scores) -> None:
    print(
        f"{title}: recall {s.recall:.1%} ({s.found}/{s.truth}), precision {s.precision:.1%} "
        f"({s.true_tracks}/{s.tracks} tracks), class accuracy {s.class_accuracy:.1%}"
    )
    for label, (hit, total) in sorted(s.per_class.items()):
        print(f"    {label:<8} recall {hit}/{total}")


def demo_quality(args: argparse.Namespace) -> None:
    spec = FootageSpec(scale=args.demo_scale)
    folder = ROOT / ".cache" / "bench" / f"demo-night-{args.demo_scale}"
    truth = render_once(spec, folder)
    with tempfile.TemporaryDirectory() as tmp:
        # The demo stage calibrates its cameras (`video_stage._calibrate`); so does the bench.
        cameras = {
            f.camera: demo_calibration(f.camera, None, spec.width, spec.height) for f in truth.files
        }
        config = demo_config(args)
        run = index_files(items_of(truth), args.workers, Path(tmp), config, calibrations=cameras)
        total, lenient, matrix = Scores(), Scores(), Counter[tuple[str, str]]()
        misses: list[str] = []
        for f in truth.files:
            passers = [truth_labelled(p) for p in truth.passers if p.camera == f.camera]
            found = tracks_of(run, f.file)
            _add(total, score(passers, found))
            seen = score(passers, found, min_frames=spec.fps)
            _add(lenient, seen)
            matrix += confusion(passers, found, min_frames=spec.fps)
            misses += [_miss_row(f.camera, p, found) for p in passers if p.id in seen.missed]
    s = run.summary
    chosen = f"{args.sampling or ScanConfig().sampling} --triage {args.triage or 'thorough'}"
    print(f"demo night: --sampling {chosen}")
    print(
        f"demo night: triage kept {s.active_s / s.footage_s:.1%} of {s.footage_s / 60:.0f} "
        f"footage-min active (passers are on screen {on_screen(truth):.1%} of it); "
        f"scan {s.wall_s:.0f} s, {decoded_frames(run)} frames decoded, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    print_scores(f"demo night ({len(truth.files)} cameras), ≥ half of each passer", total)
    print_scores("demo night, ≥ 1 s of each passer", lenient)
    print_confusion(matrix)
    if args.misses:
        print(
            "passers missed (≥ 1 s line): camera id class frames, median box w×h (px), "
            "frames covered at IoU ≥ 0.3 / overlapped at all, tracks overlapping"
        )
        print("\n".join(misses) or "    none")


def demo_config(args: argparse.Namespace) -> ScanConfig | None:
    """The engine asked for on the command line (None: the default)."""
    if args.sampling is None and args.triage is None:
        return None
    config = ScanConfig(sampling=args.sampling or ScanConfig().sampling)
    return replace(config, triage=FAST) if args.triage == "fast" else config


def confusion(
    passers: list[Labelled], tracks: list[Labelled], min_frames: int
) -> Counter[tuple[str, str]]:
    """(truth class, reported class) of each passer found as `score` finds it (≥ half of its
    frames or `min_frames`, IoU ≥ 0.3): the class of the track covering most of it."""
    out: Counter[tuple[str, str]] = Counter()
    for passer in passers:
        per_track = {t.id: overlap_frames(passer, t, 0.3) for t in tracks}
        covered = len(set().union(*per_track.values())) if per_track else 0
        if not per_track or (covered * 2 < len(passer.boxes) and covered < min_frames):
            continue
        best = max(tracks, key=lambda t: len(per_track[t.id]))
        out[(passer.label or "?", best.label or "?")] += 1
    return out


def print_confusion(matrix: Counter[tuple[str, str]]) -> None:
    classes = ("person", "cyclist", "vehicle", "other")
    print("    class confusion, ≥ 1 s (rows: truth class; columns: reported class)")
    print("    " + " " * 8 + " ".join(f"{c:>7}" for c in classes))
    for truth in classes[:3]:
        print(f"    {truth:<8} " + " ".join(f"{matrix[(truth, c)]:>7}" for c in classes))


def _miss_row(camera: str, passer: Labelled, found: list[Labelled]) -> str:
    """One missed passer: what a reader needs to tell a hidden passer from a tracker's slip."""
    boxes = list(passer.boxes.values())
    covered = {f for t in found for f in overlap_frames(passer, t, 0.3)}
    touched = {f for t in found for f in overlap_frames(passer, t, 1e-9)}
    near = sorted(t.id for t in found if overlap_frames(passer, t, 1e-9))
    w = sorted(b.w for b in boxes)[len(boxes) // 2]
    h = sorted(b.h for b in boxes)[len(boxes) // 2]
    return (
        f"    {camera} #{passer.id:<3} {passer.label or '?':<8} {len(boxes):5d} frames  "
        f"{w:4.0f}×{h:<4.0f} covered {len(covered):4d} / {len(touched):4d}  tracks {near[:6]}"
    )


def on_screen(truth: FootageTruth) -> float:
    """The share of footage time in which at least one passer is on screen (what an ideal
    triage would keep)."""
    shown, frames = 0, 0
    for f in truth.files:
        seen = set()
        for p in truth.passers:
            if p.camera == f.camera:
                seen |= set(truth_labelled(p).boxes)
        shown, frames = shown + len(seen), frames + f.frames
    return shown / frames if frames else 0.0


def _add(total: Scores, part: Scores) -> None:
    total.truth += part.truth
    total.found += part.found
    total.tracks += part.tracks
    total.true_tracks += part.true_tracks
    total.class_checked += part.class_checked
    total.class_correct += part.class_correct
    for label, (hit, n) in part.per_class.items():
        old = total.per_class.get(label, (0, 0))
        total.per_class[label] = (old[0] + hit, old[1] + n)


def pets_quality(args: argparse.Namespace) -> None:
    video = SHARED / "vtest.avi"
    chosen = f"{args.sampling or ScanConfig().sampling} --triage {args.triage or 'thorough'}"
    print(f"PETS09-S2L1: --sampling {chosen}")
    if not video.is_file():
        print(f"PETS09-S2L1: skipped ({SHARED} not found)")
        return
    people = parse_mot((SHARED / "gt.txt").read_text().splitlines(), scale=0.625)
    visible = [Labelled(i, None, boxes) for i, boxes in people.items() if len(boxes) >= 20]
    item = service.IngestItem(video, "PETS", datetime.fromisoformat("2009-01-01T12:00:00+00:00"))
    with tempfile.TemporaryDirectory() as tmp:
        run = index_files([item], args.workers, Path(tmp), demo_config(args))
        found = tracks_of(run, video.name)
        decoded = decoded_frames(run)
    s = score(visible, found)
    people_tracks = sum(1 for t in found if t.label == "person")
    print(
        f"PETS09-S2L1: {s.found}/{s.truth} people visible ≥ 2 s covered ({s.recall:.1%}); "
        f"{len(found)} tracks, {people_tracks} classed person; precision {s.precision:.1%}; "
        f"scan {run.summary.wall_s:.1f} s, {decoded} frames decoded, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    shares = sorted(covered_share(p, found) for p in visible)
    lowest = ", ".join(f"{share:.2f}" for share in shares[:3])
    print(f"    share of each person's frames covered at IoU ≥ 0.3, lowest three: {lowest}")


def covered_share(person: Labelled, tracks: list[Labelled]) -> float:
    covered = set().union(*(overlap_frames(person, t, 0.3) for t in tracks))
    return len(covered) / len(person.boxes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("all", "throughput", "demo", "pets"), default="all")
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--demo-scale", type=float, default=1.0)
    parser.add_argument("--misses", action="store_true", help="demo: list every missed passer")
    parser.add_argument("--sampling", choices=("full", "burst"), default=None)
    parser.add_argument("--triage", choices=("thorough", "fast"), default=None)
    args = parser.parse_args()
    parts = {"throughput": throughput, "demo": demo_quality, "pets": pets_quality}
    for name, part in parts.items():
        if args.only in ("all", name):
            part(args)
            sys.stdout.flush()


if __name__ == "__main__":
    main()
