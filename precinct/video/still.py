"""One still frame of a camera's view (for drawing a region of interest on it): decoded from the
original footage (only read) at a time in the file, at the footage's recorded pixel size, so
that a point clicked on it is in the same pixels as the tracks' boxes."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np


class StillError(ValueError):
    """No frame can be read."""


def still_jpeg(source: Path, at_s: float, size: tuple[int, int]) -> bytes:
    """The first frame at or after `at_s` seconds in `source`, as a JPEG of `size` (w, h)."""
    if not source.is_file():
        raise StillError(f"original footage is missing: {source}")
    image = _frame_at(source, max(0.0, at_s))
    if (image.shape[1], image.shape[0]) != size:
        image = cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise StillError(f"cannot encode a still of {source.name}")
    return bytes(jpeg.tobytes())


def _frame_at(source: Path, at_s: float) -> np.ndarray:
    try:
        with av.open(str(source)) as video:
            stream = video.streams.video[0]
            tb = stream.time_base or Fraction(1, 90000)
            video.seek(int(at_s / tb), stream=stream, backward=True, any_frame=False)
            first = None
            for frame in video.decode(stream):
                first = frame if first is None else first
                if frame.time is None or frame.time >= at_s:
                    return frame.to_ndarray(format="bgr24")
            if first is not None:
                return first.to_ndarray(format="bgr24")
    except av.FFmpegError as exc:
        raise StillError(f"cannot read {source.name}: {exc}") from exc
    raise StillError(f"no frame in {source.name}")
