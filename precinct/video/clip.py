"""MP4 clips cut from original footage (which is only read): an exact re-encode of a time span
with the camera and the true time burned in and, optionally, the track's boxes drawn: boxes the
scan saw in solid green, boxes it only estimated (a sampled scan's frames between bursts, or
before and after it saw the figure) in thin amber with "box estimated" burned in beside the time,
so that a clip never passes an estimate off as a sighting.

Also writes a list of frames (the synopsis) with the same encoder settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import av
import cv2
import numpy as np
from numpy.typing import NDArray

from precinct.video.decode import iter_frames
from precinct.video.triage import Span
from precinct.video.types import Image

CLIP_WIDTH = 960
GREEN = (80, 220, 80)
AMBER = (0, 170, 255)
ESTIMATED = "box estimated (not seen)"


@dataclass(frozen=True)
class ClipRequest:
    """What to cut: `source` from `start_t` to `end_t` (seconds in the file), labelled with
    `label` and the true time (`file_start` + t); `boxes` rows are (frame, x, y, w, h) in source
    pixels, drawn on their frames; the frames in `estimated` have boxes the scan did not see."""

    source: Path
    start_t: float
    end_t: float
    file_start: datetime
    label: str
    boxes: NDArray[np.float32] = field(default_factory=lambda: np.zeros((0, 5), np.float32))
    estimated: frozenset[int] = frozenset()


def stamp(image: Image, lines: Iterable[str]) -> None:
    """Burn white text on a dark band in the top-left corner (ASCII: camera code and time)."""
    y = 8
    for line in lines:
        (w, h), _ = cv2.getTextSize(line, cv2.FONT_HERSHEY_SIMPLEX, 0.6, 1)
        cv2.rectangle(image, (4, y - 2), (12 + w, y + h + 6), (0, 0, 0), -1)
        cv2.putText(image, line, (8, y + h + 1), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255), 1)
        y += h + 10


def _boxes_by_frame(boxes: NDArray[np.float32]) -> dict[int, tuple[float, float, float, float]]:
    return {int(b[0]): (float(b[1]), float(b[2]), float(b[3]), float(b[4])) for b in boxes}


def _draw_box(
    image: Image, box: tuple[float, float, float, float], scale: float, seen: bool = True
) -> None:
    x, y, w, h = (v / scale for v in box)
    colour, thickness = (GREEN, 2) if seen else (AMBER, 1)
    cv2.rectangle(image, (int(x), int(y)), (int(x + w), int(y + h)), colour, thickness)


class Writer:
    """An H.264 MP4 (yuv420p, faststart) that plays in browsers."""

    def __init__(self, path: Path, fps: float, size: tuple[int, int]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.container = av.open(str(path), "w", options={"movflags": "faststart"})
        self.stream = self.container.add_stream("libx264", rate=round(fps))
        self.stream.width, self.stream.height = size[0] // 2 * 2, size[1] // 2 * 2
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = {"preset": "veryfast", "crf": "23"}

    def write(self, image: Image) -> None:
        image = image[: self.stream.height, : self.stream.width]
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format="bgr24")
        for packet in self.stream.encode(frame):
            self.container.mux(packet)

    def close(self) -> None:
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()


def cut(request: ClipRequest, out: Path, fps: float) -> int:
    """Re-encode the span to `out` with stamp and boxes; returns the frames written."""
    boxes = _boxes_by_frame(request.boxes)
    writer: Writer | None = None
    written = 0
    span = Span(max(0.0, request.start_t), request.end_t)
    try:
        for frame in iter_frames(request.source, [span], width=CLIP_WIDTH):
            image = np.ascontiguousarray(frame.image)
            when = request.file_start + timedelta(seconds=frame.t)
            lines = [request.label, when.strftime("%Y-%m-%d %H:%M:%S")]
            if frame.index in boxes:
                seen = frame.index not in request.estimated
                _draw_box(image, boxes[frame.index], frame.scale, seen)
                lines += [] if seen else [ESTIMATED]
            stamp(image, lines)
            if writer is None:
                writer = Writer(out, fps, (image.shape[1], image.shape[0]))
            writer.write(image)
            written += 1
    finally:
        if writer is not None:
            writer.close()
    return written


def write_frames(frames: Iterable[Image], out: Path, fps: float) -> int:
    writer: Writer | None = None
    count = 0
    for image in frames:
        if writer is None:
            writer = Writer(out, fps, (image.shape[1], image.shape[0]))
        writer.write(image)
        count += 1
    if writer is not None:
        writer.close()
    return count
