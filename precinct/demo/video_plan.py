"""What one camera films: its window on the night, its movers frame by frame, and the exact
boxes where each is visible (the ground truth), before a single pixel is drawn."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from precinct.demo.common import stage_rng
from precinct.demo.video_cast import Leg, Look, Mover, suspect_legs, suspect_movers, traffic
from precinct.demo.video_draw import State, pose_of
from precinct.demo.video_scene import CameraView, Lens, camera_view
from precinct.video.types import ObjectClass

_MIN_DEPTH = 2.5  # metres: nearer than this the mover is under the camera
_MIN_HEIGHT_PX = 3.0
_LOOK = Look("black", (0, 0, 0), (0, 0, 0))  # a box does not depend on colours


@dataclass(frozen=True)
class Shot:
    """One camera's part of a night: which camera, the picture size, the window length."""

    seed: int
    code: str
    width: int
    height: int
    fps: int
    duration_s: float

    @property
    def frames(self) -> int:
        return round(self.duration_s * self.fps)


@dataclass(frozen=True)
class MoverTrack:
    """A mover frame by frame from `first`: its states and, where visible, its clipped box."""

    mover: Mover
    first: int
    states: tuple[State, ...]
    visible: NDArray[np.bool_]
    boxes: NDArray[np.int32]  # N×4: left, top, width, height (clipped to the frame)

    @property
    def last(self) -> int:
        return self.first + len(self.states) - 1

    @cached_property
    def visible_frames(self) -> NDArray[np.int64]:
        return np.flatnonzero(self.visible) + self.first


def _directions(mover: Mover) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Unit direction and speed of every segment; a pause keeps the last direction."""
    dx, dy = np.diff(mover.xs), np.diff(mover.ys)
    length, dt = np.hypot(dx, dy), np.diff(mover.times)
    dirs = np.zeros((len(dx), 2))
    last = np.array([0.0, 1.0])
    for i in range(len(dx)):
        last = np.array([dx[i], dy[i]]) / length[i] if length[i] > 1e-6 else last
        dirs[i] = last
    first_moving = next((d for d, n in zip(dirs, length, strict=True) if n > 1e-6), last)
    dirs[: np.argmax(length > 1e-6)] = first_moving
    return dirs, np.where(dt > 0, length / np.maximum(dt, 1e-9), 0.0)


def _states(mover: Mover, t: NDArray[np.float64]) -> tuple[State, ...]:
    """The mover's state at each of the times `t` (seconds from the start of the file)."""
    times = np.asarray(mover.times)
    seg = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
    dirs, speeds = _directions(mover)
    travelled = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(mover.xs), np.diff(mover.ys)))])
    x, y = np.interp(t, times, mover.xs), np.interp(t, times, mover.ys)
    dist = np.interp(t, times, travelled)
    return tuple(
        State(float(x[i]), float(y[i]), float(dirs[s][0]), float(dirs[s][1]), float(dist[i]),
              float(speeds[s]))
        for i, s in enumerate(seg)
    )  # fmt: skip


def box_in_frame(lens: Lens, kind: ObjectClass, s: State) -> tuple[int, int, int, int] | None:
    """The clipped box (left, top, width, height) of a mover, or None where it is not seen."""
    if lens.depth(s.x, s.y, 0.9) < _MIN_DEPTH or s.y > lens.view.far:
        return None
    left, top, right, bottom = pose_of(lens, kind, s, _LOOK).box()
    if bottom - top < _MIN_HEIGHT_PX:
        return None
    x0, y0 = max(0, math.floor(left)), max(0, math.floor(top))
    x1, y1 = min(lens.width, math.ceil(right)), min(lens.height, math.ceil(bottom))
    return (x0, y0, x1 - x0, y1 - y0) if x1 - x0 >= 2 and y1 - y0 >= 2 else None


def track(mover: Mover, lens: Lens, fps: int, frames: int) -> MoverTrack | None:
    first = max(0, math.ceil(mover.times[0] * fps))
    last = min(frames - 1, math.floor(mover.times[-1] * fps))
    if last < first:
        return None
    states = _states(mover, np.arange(first, last + 1) / fps)
    boxes = [box_in_frame(lens, mover.kind, s) for s in states]
    visible = np.array([b is not None for b in boxes])
    if not visible.any():
        return None
    table = np.array([b or (0, 0, 0, 0) for b in boxes], np.int32)
    return MoverTrack(mover, first, states, visible, table)


# --------------------------------------------------------------------------------------------
# A camera's plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CameraPlan:
    shot: Shot
    view: CameraView
    offset_s: int  # the file starts this many seconds after the night's footage start
    tracks: tuple[MoverTrack, ...]  # in order of first visibility

    @cached_property
    def lens(self) -> Lens:
        return Lens(self.view, self.shot.width, self.shot.height)


def the_suspect(seed: int) -> tuple[Leg, Leg]:
    return suspect_legs(stage_rng(seed, "video/suspect"))


def suspect_seen(lens: Lens, legs: tuple[Leg, Leg], step_s: float = 0.5) -> tuple[float, float]:
    """First and last moment (seconds after the start) the camera sees the suspect; or (-1, -1)."""
    seen: list[float] = []
    for mover in suspect_movers(lens.view, legs, 0.0):
        times = np.arange(mover.times[0], mover.times[-1], step_s)
        for t, s in zip(times, _states(mover, times), strict=True):
            if box_in_frame(lens, mover.kind, s) is not None:
                seen.append(float(t))
    return (min(seen), max(seen)) if seen else (-1.0, -1.0)


def window_offset(seen: tuple[float, float], duration_s: float) -> int:
    """Where the detectives' window starts: at the night's start if the suspect fits in it,
    otherwise a little before he comes into view (whole seconds)."""
    first, last = seen
    if first < 0 or last <= duration_s - 5.0:
        return 0
    return max(0, math.floor(first - min(120.0, 0.25 * duration_s)))


def plan_camera(shot: Shot, legs: tuple[Leg, Leg] | None = None) -> CameraPlan:
    legs = legs or the_suspect(shot.seed)
    view = camera_view(shot.code)
    lens = Lens(view, shot.width, shot.height)
    offset = window_offset(suspect_seen(lens, legs), shot.duration_s)
    rng = stage_rng(shot.seed, f"video/{shot.code}")
    movers = traffic(rng, view, shot.duration_s) + suspect_movers(view, legs, offset)
    tracks = [t for m in movers if (t := track(m, lens, shot.fps, shot.frames)) is not None]
    tracks.sort(key=lambda t: (int(t.visible_frames[0]), t.mover.is_suspect))
    return CameraPlan(shot, view, offset, tuple(tracks))
