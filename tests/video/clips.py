"""Tiny H.264 clips that the video tests encode themselves with PyAV."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import av
import numpy as np

FPS = 25


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
