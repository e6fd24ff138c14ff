"""A guard for triage on scenes that are never quiet.

Packet and keyframe-difference triage judge activity *relative* to the file's own quiet
stretches; a junction where people walk the whole time has none, so everything looks like the
floor and no span is found. This stage decodes keyframes only, small and grey, takes their
per-pixel median as the empty scene, and marks every keyframe that differs from it in a
connected patch as active (± one keyframe interval). It runs only when triage found little.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter
from numpy.typing import NDArray

from precinct.video.keyframes import largest_patch
from precinct.video.triage import Span, merge_spans

Grey = NDArray[np.uint8]


@dataclass(frozen=True)
class BusyConfig:
    width: int = 160
    max_keyframes: int = 900  # a sample, spread over the file, for very long files
    min_active_share: float = 0.05  # run when triage found less than this share active
    threshold: int = 18  # grey levels from the empty scene
    min_blob_frac: float = 0.0015  # a patch at least this share of the picture


def keyframes(path: Path, width: int) -> list[tuple[float, Grey]]:
    """Every keyframe's time (s from the start) and a small grey picture of it."""
    out: list[tuple[float, Grey]] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        stream.thread_type = "AUTO"
        start = stream.start_time or 0
        base = float(stream.time_base or 1 / 90000)
        height = max(2, round(stream.codec_context.height * width / stream.codec_context.width))
        scaler = VideoReformatter()
        try:
            for frame in container.decode(stream):
                small = scaler.reformat(frame, width=width, height=height, format="gray")
                picture = np.asarray(small.to_ndarray(), dtype=np.uint8)
                out.append((((frame.pts or 0) - start) * base, picture))
        except av.error.FFmpegError:
            pass  # a damaged tail: keep what was read
    return out


def _moving(picture: Grey, empty: Grey, config: BusyConfig) -> bool:
    diff = cv2.absdiff(cv2.blur(picture, (3, 3)), empty)
    mask = cv2.threshold(diff, config.threshold, 255, cv2.THRESH_BINARY)[1]
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    return largest_patch(mask) >= config.min_blob_frac * picture.size


def busy_spans(path: Path, config: BusyConfig | None = None) -> list[Span]:
    """Spans around keyframes that show something the empty scene does not."""
    config = config or BusyConfig()
    frames = keyframes(path, config.width)
    if len(frames) < 3:
        return []
    sample = frames[:: max(1, len(frames) // config.max_keyframes)]
    stack = np.stack([cv2.blur(p, (3, 3)) for _, p in sample])
    empty = np.median(stack, axis=0).astype(np.uint8)
    gap = float(np.median(np.diff([t for t, _ in frames])))
    spans = [Span(max(0.0, t - gap), t + gap) for t, p in frames if _moving(p, empty, config)]
    return list(merge_spans(spans))
