"""Tiny H.264 clips that the video tests encode themselves with PyAV."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from precinct.video.types import Box

FPS = 25


@dataclass(frozen=True)
class NightStreet:
    """A dark textured road (grey levels 20-50) with Gaussian noise cycling through
    `noise_frames` pictures of `noise_sigma`, drawn from `seed` (road first, then noise)."""

    width: int
    height: int
    seed: int
    noise_sigma: float
    noise_frames: int

    def pictures(self, frames: int, boxes: Mapping[int, Box], shade: int) -> list[np.ndarray]:
        """`frames` grey pictures with each frame's box in `boxes` painted `shade`."""
        rng = np.random.default_rng(self.seed)
        base = rng.integers(20, 50, (self.height, self.width)).astype(np.int16)
        size = (self.noise_frames, self.height, self.width)
        noise = rng.normal(0, self.noise_sigma, size).astype(np.int16)
        images = []
        for i in range(frames):
            grey = base + noise[i % len(noise)]
            if i in boxes:
                b = boxes[i]
                grey[int(b.y) : int(b.y + b.h), int(b.x) : int(b.x + b.w)] = shade
            images.append(np.clip(grey, 0, 255).astype(np.uint8))
        return images


def make_clip(path: Path, seconds: int = 3, shift: int = 0) -> Path:
    """Encode `seconds` of 320x240 moving stripes with libx264, 25 fps, a keyframe every 50."""
    with av.open(str(path), "w", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.options = {"g": "50", "keyint_min": "50", "sc_threshold": "0", "preset": "ultrafast"}
        for i in range(seconds * FPS):
            frame = av.VideoFrame(320, 240, "rgb24")
            row = bytes(
                (x * 3 + (i + shift) * 7 + c * 50) % 256 for x in range(320) for c in range(3)
            )
            frame.planes[0].update(row * 240)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def encode_h264(
    path: Path, pictures: Iterable[np.ndarray], options: dict[str, str], pix_fmt: str = "yuv420p"
) -> Path:
    """Encode `pictures` (2-D: grey; 3-D: BGR; all of the first one's size) with libx264 at
    25 fps and these codec `options`; an MP4 gets its index in front (faststart)."""
    container = {"movflags": "faststart"} if path.suffix == ".mp4" else {}
    with av.open(str(path), "w", options=container) as out:
        stream = None
        for image in pictures:
            if stream is None:
                stream = out.add_stream("libx264", rate=FPS)
                stream.height, stream.width = image.shape[:2]
                stream.pix_fmt, stream.options = pix_fmt, options
            picture_format = "gray" if image.ndim == 2 else "bgr24"
            out.mux(stream.encode(av.VideoFrame.from_ndarray(image, format=picture_format)))
        if stream is not None:
            out.mux(stream.encode(None))
    return path
