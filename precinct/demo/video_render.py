"""Filming a camera's plan: paint the background once, add a cycling bank of sensor-noise
frames, draw movers (and the headlight cones ahead of cars) only where they are, and encode
H.264 with PyAV (libx264 ultrafast, yuv420p, a keyframe every `gop` frames).

A quiet frame costs only the encoder: it is a pre-converted noisy background.  A busy frame
copies that background, draws the movers on a clean canvas, adds the same noise to the touched
rectangles, and converts to YUV 4:2:0.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
from numpy.typing import NDArray

from precinct.demo.common import stage_rng
from precinct.demo.video_draw import Image, State, draw_pose, pose_of
from precinct.demo.video_paint import Backdrop, paint
from precinct.demo.video_plan import CameraPlan, MoverTrack
from precinct.video.types import ObjectClass

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1
_BANK = 12  # noise frames, cycled
_CONE_REACH = 30.0  # metres of road a car's headlights light up
_LUMA_SIGMA, _CHROMA_SIGMA, _NOISE_BLUR = 5.0, 1.0, 0.6
_BEAM_COLOUR = np.array([0.92, 0.97, 1.0], np.float32)


@dataclass(frozen=True)
class Encoding:
    crf: int = 28
    gop: int = 50
    preset: str = "ultrafast"
    threads: int = 1  # one per camera (cameras render in parallel); fixed, so pixels repeat


def _noise_bank(seed: int, code: str, h: int, w: int) -> list[NDArray[np.int8]]:
    """Sensor noise, slightly smoothed as a camera's image pipeline leaves it."""
    digest = hashlib.sha256(f"{seed}/video-noise/{code}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest[:8], "big"))
    blur = _NOISE_BLUR  # pixels whatever the size: the grain of the sensor itself
    bank = []
    for _ in range(_BANK):
        luma = cv2.GaussianBlur(rng.standard_normal((h, w), np.float32), (0, 0), blur)
        luma = luma * (_LUMA_SIGMA / max(float(luma.std()), 1e-6))
        chroma = rng.normal(0.0, _CHROMA_SIGMA, (h, w, 3)).astype(np.float32)
        bank.append(np.clip(luma[..., None] + chroma, -127, 127).astype(np.int8))
    return bank


def _with_noise(clean: Image, noise: NDArray[np.int8]) -> Image:
    return np.asarray(np.clip(clean.astype(np.int16) + noise, 0, 255), np.uint8)


def _i420(bgr: Image) -> Image:
    return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2YUV_I420), np.uint8)


def background(plan: CameraPlan) -> Backdrop:
    """The camera's clean static background (deterministic in the seed)."""
    return paint(plan.lens, stage_rng(plan.shot.seed, f"video-scenery/{plan.shot.code}"))


class _Encoder:
    def __init__(self, path: Path, plan: CameraPlan, enc: Encoding, start: datetime) -> None:
        self.container = av.open(str(path), "w", format="mp4")
        self.container.metadata["creation_time"] = start.isoformat()
        self.container.metadata["comment"] = f"camera {plan.shot.code}"
        stream = self.container.add_stream("libx264", rate=plan.shot.fps)
        stream.width, stream.height, stream.pix_fmt = plan.shot.width, plan.shot.height, "yuv420p"
        stream.time_base = Fraction(1, plan.shot.fps)
        stream.options = {
            "crf": str(enc.crf),
            "preset": enc.preset,
            "threads": str(enc.threads),
            "x264-params": f"keyint={enc.gop}:min-keyint={enc.gop}:scenecut=0",
        }
        self.stream, self.pts = stream, 0

    def write(self, frame: av.VideoFrame) -> None:
        frame.pts = self.pts
        self.pts += 1
        self.container.mux(self.stream.encode(frame))

    def close(self) -> None:
        self.container.mux(self.stream.encode(None))
        self.container.close()


def _clip(rect: Rect, w: int, h: int) -> Rect | None:
    x0, y0, x1, y1 = max(rect[0], 0), max(rect[1], 0), min(rect[2], w), min(rect[3], h)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def _cone_rect(plan: CameraPlan, s: State) -> Rect | None:
    """Where on screen the road ahead of a car's headlights can be."""
    a = np.repeat([0.0, 10.0, 20.0, _CONE_REACH], 2)
    b = np.tile([-1.0, 1.0], 4) * (0.9 + 0.3 * a)
    ax, ay = s.x + (2.3 + a) * s.dx, s.y + (2.3 + a) * s.dy
    u, v, depth = plan.lens.project(ax - b * s.dy, ay + b * s.dx, np.zeros_like(a))
    w, h = plan.shot.width, plan.shot.height
    top = max(0, math.floor(plan.lens.horizon_v))
    if (depth < 0.5).any():  # the beam reaches under the camera
        return _clip((0, top, w, h), w, h)
    rect = (
        math.floor(u.min()),
        max(top, math.floor(v.min())),
        math.ceil(u.max()) + 1,
        math.ceil(v.max()) + 1,
    )
    return _clip(rect, w, h)


def _cone(canvas: Image, plan: CameraPlan, back: Backdrop, s: State) -> Rect | None:
    """Brighten the road ahead of a car's headlights; returns the touched rectangle.

    The beam is smooth, so it is worked out on every other pixel and enlarged."""
    rect = _cone_rect(plan, s)
    if rect is None:
        return None
    x0, y0, x1, y1 = rect
    ax, ay = s.x + 2.3 * s.dx, s.y + 2.3 * s.dy
    xg, yg = back.xg[y0:y1:2, x0:x1:2] - ax, back.yg[y0:y1:2, x0:x1:2] - ay
    a = np.nan_to_num(xg * s.dx + yg * s.dy, nan=-1.0)
    b = np.nan_to_num(np.abs(yg * s.dx - xg * s.dy), nan=99.0)
    spread = np.clip(1.0 - b / (0.9 + 0.3 * np.maximum(a, 0.0)), 0.0, 1.0)
    beam = np.where((a > 0) & (a < _CONE_REACH), np.exp(-np.clip(a, 0, None) / 12.0) * spread, 0)
    full = cv2.resize(beam.astype(np.float32), (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
    add = (full * back.albedo[y0:y1, x0:x1] * 330.0)[..., None] * _BEAM_COLOUR
    canvas[y0:y1, x0:x1] = np.clip(canvas[y0:y1, x0:x1] + add, 0, 255).astype(np.uint8)
    return rect


def _draw(
    canvas: Image, plan: CameraPlan, back: Backdrop, active: list[tuple[MoverTrack, int]]
) -> list[Rect]:
    h, w = canvas.shape[:2]
    rects: list[Rect] = []
    states = [(t, t.states[i]) for t, i in active]
    for t, s in states:
        if (
            t.mover.kind is ObjectClass.VEHICLE
            and s.speed > 0
            and (r := _cone(canvas, plan, back, s))
        ):
            rects.append(r)
    for t, s in sorted(states, key=lambda ts: -float(plan.lens.depth(ts[1].x, ts[1].y, 0.0))):
        pose = pose_of(plan.lens, t.mover.kind, s, t.mover.look)
        if (r := _clip(draw_pose(canvas, pose, back.lighting.at(s.x, s.y)), w, h)) is not None:
            rects.append(r)
    return rects


class _Schedule:
    """Which movers are on screen in each frame, walking the frames in order."""

    def __init__(self, tracks: tuple[MoverTrack, ...]) -> None:
        self.waiting = sorted(tracks, key=lambda t: t.first, reverse=True)
        self.live: list[MoverTrack] = []

    def at(self, frame: int) -> list[tuple[MoverTrack, int]]:
        while self.waiting and self.waiting[-1].first <= frame:
            self.live.append(self.waiting.pop())
        self.live = [t for t in self.live if t.last >= frame]
        return [(t, frame - t.first) for t in self.live if t.visible[frame - t.first]]


def _even(rect: Rect, w: int, h: int) -> Rect:
    x0, y0, x1, y1 = rect
    return x0 & ~1, y0 & ~1, min(w, x1 + (x1 & 1)), min(h, y1 + (y1 & 1))


def _chroma(i420: Image, h: int, w: int, plane: int) -> Image:
    """The U (0) or V (1) plane of a contiguous I420 image as an (h/2)×(w/2) view."""
    size = (h // 2) * (w // 2)
    return i420.reshape(-1)[h * w + plane * size : h * w + (plane + 1) * size].reshape(h // 2, -1)


def _paste_i420(yuv: Image, bgr: Image, x0: int, y0: int) -> None:
    """Convert a BGR patch (even position and size) into the planes of an I420 frame."""
    ph, pw = bgr.shape[:2]
    h, w = yuv.shape[0] * 2 // 3, yuv.shape[1]
    patch = _i420(bgr)
    yuv[y0 : y0 + ph, x0 : x0 + pw] = patch[:ph]
    for plane in (0, 1):
        target = _chroma(yuv, h, w, plane)
        target[y0 // 2 : (y0 + ph) // 2, x0 // 2 : (x0 + pw) // 2] = _chroma(patch, ph, pw, plane)


def film(plan: CameraPlan, path: Path, start: datetime, enc: Encoding) -> None:
    """Render and encode the camera's whole window to `path`."""
    back = background(plan)
    h, w = back.image.shape[:2]
    noise = _noise_bank(plan.shot.seed, plan.shot.code, h, w)
    bank_yuv = [_i420(_with_noise(back.image, n)) for n in noise]
    quiet = [av.VideoFrame.from_ndarray(y, format="yuv420p") for y in bank_yuv]
    canvas, schedule = back.image.copy(), _Schedule(plan.tracks)
    encoder = _Encoder(path, plan, enc, start)
    try:
        for frame in range(plan.shot.frames):
            k = frame % _BANK
            active = schedule.at(frame)
            if not active:
                encoder.write(quiet[k])
                continue
            rects = [_even(r, w, h) for r in _draw(canvas, plan, back, active)]
            out = bank_yuv[k].copy()
            for x0, y0, x1, y1 in rects:
                patch = _with_noise(canvas[y0:y1, x0:x1], noise[k][y0:y1, x0:x1])
                _paste_i420(out, patch, x0, y0)
            for x0, y0, x1, y1 in rects:
                canvas[y0:y1, x0:x1] = back.image[y0:y1, x0:x1]
            encoder.write(av.VideoFrame.from_ndarray(out, format="yuv420p"))
    finally:
        encoder.close()


def first_frame_of(path: Path) -> Image:
    """The first decoded frame of a file, BGR (for checks)."""
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            return np.asarray(frame.to_ndarray(format="bgr24"), np.uint8)
    raise ValueError(f"{path}: no frames")
