"""Demo footage: the night of 2024-12-15 as seen by the district's cameras, with exact truth.

`render_night` writes, for each camera, one H.264 MP4 (libx264 ultrafast, yuv420p, a keyframe
every `gop` frames) named ``{code}_{yyyymmddHHMMSS}.mp4``; a ``manifest.csv`` that
``precinct video ingest --manifest`` reads (file, camera, start with +08:00); and the ground truth:
``ground_truth.json`` (every passer: id, camera, class, enter/exit seconds from the file's start,
whether it is the suspect) and ``{code}.gt.txt`` per camera in MOTChallenge format (frame 1-based,
id, left, top, width, height, 1, -1, -1, -1) for every frame a passer is at least partly seen.

The scene cameras (C04, C03) watch the row of cars on the south kerb of 沌阳大道, where the
suspect walks from car to car; he then rides a green shared bike west and south towards his room,
past a chain of cameras at the times his speed and the street grid allow.  The scene cameras'
files start at ``spec.start``; a camera further along his way starts when the detectives' window
for it would (shortly before he comes into view), so a 10-minute file still shows him.

Deterministic in ``FootageSpec.seed``: the same spec gives the same truth and the same pixels.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import timedelta
from pathlib import Path

from precinct.demo.common import TZ, Progress
from precinct.demo.video_plan import plan_camera, the_suspect
from precinct.demo.video_render import Encoding, film
from precinct.demo.video_truth import (
    DEFAULT_CAMERAS,
    MARKER,
    NIGHT_FOOTAGE_START,
    TRUTH,
    FootageFile,
    FootageSpec,
    FootageTruth,
    PasserTruth,
    is_complete,
    load_truth,
    passers_of,
    write_truth,
)

__all__ = [
    "DEFAULT_CAMERAS",
    "NIGHT_FOOTAGE_START",
    "FootageFile",
    "FootageSpec",
    "FootageTruth",
    "PasserTruth",
    "benchmark_spec",
    "is_complete",
    "load_truth",
    "render_benchmark_set",
    "render_night",
]


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------


def _film_camera(
    spec: FootageSpec, code: str, folder: Path
) -> tuple[FootageFile, list[PasserTruth]]:
    plan = plan_camera(spec.shot(code), the_suspect(spec.seed))
    start = (spec.start + timedelta(seconds=plan.offset_s)).astimezone(TZ)
    name = f"{code}_{start:%Y%m%d%H%M%S}.mp4"
    film(plan, folder / name, start, Encoding(spec.crf, spec.gop))
    return FootageFile(code, name, start, plan.shot.frames, plan.offset_s), passers_of(plan)


def _clear_previous(folder: Path) -> None:
    (folder / MARKER).unlink(missing_ok=True)  # an interrupted render is never complete
    old = folder / TRUTH
    if old.is_file():
        for entry in json.loads(old.read_text(encoding="utf-8"))["files"]:
            (folder / entry["file"]).unlink(missing_ok=True)
            (folder / f"{entry['camera']}.gt.txt").unlink(missing_ok=True)


def render_night(
    spec: FootageSpec, out_dir: Path, progress: Progress | None = None, workers: int | None = None
) -> FootageTruth:
    """Render every camera of the spec into `out_dir` (in parallel), with manifest and truth."""
    out_dir.mkdir(parents=True, exist_ok=True)
    _clear_previous(out_dir)
    workers = max(1, min(workers or os.cpu_count() or 1, len(spec.cameras)))
    results: dict[str, tuple[FootageFile, list[PasserTruth]]] = {}
    if workers == 1:
        for code in spec.cameras:
            results[code] = _film_camera(spec, code, out_dir)
            _report(progress, len(results), len(spec.cameras))
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {pool.submit(_film_camera, spec, c, out_dir): c for c in spec.cameras}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                _report(progress, len(results), len(spec.cameras))
    files = tuple(results[c][0] for c in spec.cameras)
    passers = tuple(p for c in spec.cameras for p in results[c][1])
    truth = FootageTruth(spec, out_dir, files, passers)
    write_truth(truth)
    return truth


def _report(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress("video footage", done, total)


def benchmark_spec(hours: float = 1.0, width: int = 1920, height: int = 1080) -> FootageSpec:
    """Six cameras × 10 minutes × `hours`: `hours` footage-hours of night."""
    return FootageSpec(cameras=DEFAULT_CAMERAS[:6], scale=hours, width=width, height=height)


def render_benchmark_set(
    out_dir: Path,
    hours: float = 1.0,
    width: int = 1920,
    height: int = 1080,
    progress: Progress | None = None,
) -> FootageTruth:
    """Render the benchmark's footage once; later calls reuse a complete set of the same spec."""
    return render_once(benchmark_spec(hours, width, height), out_dir, progress)


def render_once(spec: FootageSpec, out_dir: Path, progress: Progress | None = None) -> FootageTruth:
    """A complete set of this spec already in `out_dir` (a cache), or a fresh render."""
    if is_complete(out_dir, spec):
        return load_truth(out_dir)
    return render_night(spec, out_dir, progress)
