"""Decoding for the detail pass: only the spans triage found, at reduced resolution; and the
full-resolution pictures of chosen frames, for crops.

Frames are placed by their timestamps: `t` is seconds from the stream's start, the index is
`round(t · fps)` (0-based), whatever was seeked or skipped. Seeks land on the keyframe at or
before the wanted time and decode forward; frames before the wanted time are decoded but never
converted. The luma path (what motion reads) takes the Y plane in place and reduces it with
OpenCV (`reduce_grey`). Colour frames are reduced and converted by libswscale through one
`VideoReformatter` per pass: `frame.reformat` would build a new scaler for every decoded
frame, which costs more (3–8 ms) than scaling it (0.3–0.6 ms). The decoder uses frame and
slice threads (FFmpeg's automatic thread count was as fast as `thread_count = 2` on two
cores). A truncated or damaged file ends the iteration at the damage, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter
from numpy.typing import NDArray

from precinct.video.stamps import FrameStamps
from precinct.video.triage import (
    Span,
    merge_spans,
    read_packets,
    stated_duration,
    video_stream,
)
from precinct.video.types import Frame, Image

log = logging.getLogger(__name__)

SEEK_GAP_S = 3.0
"""A wanted time less than this ahead of the decoder is reached by decoding on, not seeking."""

THREADS = 0
"""Decoder threads per file: 0 lets FFmpeg choose (best for one file at a time); scan worker
processes, which already run one per core, set 1 to avoid oversubscribing the cores."""

INTERPOLATION = "AREA"
"""libswscale's area averaging: about half the cost of its default (bicubic) when reducing
1080p to 384 px wide, and it averages the sensor noise away rather than aliasing it."""


@dataclass(frozen=True)
class Clock:
    """Timestamps of one stream: pts → seconds from the start → frame index, and back."""

    origin: int
    time_base: float
    fps: float

    @classmethod
    def of(cls, stream: av.VideoStream) -> Clock:
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        base = float(stream.time_base) if stream.time_base else 1 / 90000
        return cls(stream.start_time or 0, base, float(rate) if rate else 25.0)

    def seconds(self, pts: int) -> float:
        return (pts - self.origin) * self.time_base

    def index(self, t: float) -> int:
        return round(t * self.fps)

    def pts(self, t: float) -> int:
        return self.origin + int(max(0.0, t) / self.time_base)


@contextmanager
def reading(path: Path) -> Iterator[Reader]:
    with av.open(str(path)) as container:
        stream = video_stream(container, path)
        stream.thread_type = "AUTO"  # frame and slice threads
        stream.thread_count = THREADS
        yield Reader(container, stream, path)


class Reader:
    """The decoded frames of one stream in order, with seeking and a one-frame push-back."""

    def __init__(
        self, container: av.container.InputContainer, stream: av.VideoStream, path: Path
    ) -> None:
        self.container, self.stream, self.path = container, stream, path
        self.clock = Clock.of(stream)
        self.position = -np.inf  # t of the last frame read
        self.ended = False
        self.reformatter = VideoReformatter()  # keeps its scaler from frame to frame
        self._frames: Iterator[av.VideoFrame] | None = None
        self._pending: tuple[float, av.VideoFrame] | None = None
        self.keyframes: set[int] = set()  # indices of the keyframes decoded so far
        self.last_key: int | None = None  # … and the latest of them
        self.stamps = FrameStamps(prefer_dts=container.format.name == "avi")  # no pts in AVI

    def seek(self, t: float) -> None:
        self._frames, self._pending, self.position = None, None, -np.inf
        self.stamps.restart()
        try:
            self.container.seek(self.clock.pts(t), stream=self.stream, backward=True)
        except av.error.FFmpegError as exc:
            self.stop(exc)

    def next(self) -> tuple[float, av.VideoFrame] | None:
        if self._pending is not None:
            item, self._pending = self._pending, None
            return item
        while not self.ended:
            frame = self._decode()
            stamp = self.stamps.stamp(frame.pts, frame.dts) if frame is not None else None
            if frame is not None and stamp is not None:
                self.position = self.clock.seconds(stamp)
                if frame.key_frame:
                    self.last_key = self.clock.index(self.position)
                    self.keyframes.add(self.last_key)
                return self.position, frame
        return None

    def push_back(self, item: tuple[float, av.VideoFrame]) -> None:
        self._pending = item

    def _decode(self) -> av.VideoFrame | None:
        if self._frames is None:
            self._frames = self._decoded()
        try:
            return next(self._frames)
        except StopIteration:
            self.ended = True
        except av.error.FFmpegError as exc:
            self.stop(exc)
        return None

    def _decoded(self) -> Iterator[av.VideoFrame]:
        for packet in self.container.demux(self.stream):
            self.stamps.packet(packet.dts)
            yield from packet.decode()

    def stop(self, exc: Exception) -> None:
        log.warning("%s: decoding stops at %.2f s (%s)", self.path.name, self.position, exc)
        self.ended = True

    def reach(self, t: float) -> None:
        """Get ready to read from `t`: seek unless `t` is just ahead of the decoder."""
        if not (t - SEEK_GAP_S <= self.position <= t):
            self.seek(t)


@dataclass(frozen=True)
class _Size:
    width: int
    height: int
    scale: float  # source pixels per reduced pixel

    @classmethod
    def reduced(cls, stream: av.VideoStream, width: int) -> _Size:
        source_w, source_h = stream.codec_context.width, stream.codec_context.height
        target = max(2, min(width, source_w))
        return cls(target, max(2, round(source_h * target / source_w)), source_w / target)


class Pictured(NamedTuple):
    """A reduced luma frame with its full-resolution picture (hold the picture only while the
    frame is processed) and how many frames were decoded for it from its keyframe."""

    frame: Frame
    picture: av.VideoFrame
    lead: int  # frames since the latest keyframe decoded (index + 1 when none was)


def iter_frames(
    path: Path,
    spans: Sequence[Span],
    width: int = 384,
    step: int = 1,
    grey: bool = False,
    keyframes: set[int] | None = None,
) -> Iterator[Frame]:
    """The frames inside `spans` (overlaps merged), reduced to `width` (aspect kept), BGR —
    or, with `grey`, the luma plane only (no colour conversion: what motion needs, at about
    half the cost); with `step` > 1 only frames whose index is a multiple of `step`.
    `keyframes`, if given, receives the index of every keyframe decoded on the way (those
    the spans start from included): where fetching a full-resolution picture is cheap."""
    for item in _iter_pictured(path, spans, width, step, _luma if grey else _bgr, keyframes):
        yield item.frame


def iter_pictured(
    path: Path,
    spans: Sequence[Span],
    width: int = 384,
    step: int = 1,
    keyframes: set[int] | None = None,
) -> Iterator[Pictured]:
    """As `iter_frames(…, grey=True)`, with each frame's full-resolution picture."""
    return _iter_pictured(path, spans, width, step, _luma, keyframes)


def _iter_pictured(
    path: Path,
    spans: Sequence[Span],
    width: int,
    step: int,
    convert: Converter,
    keyframes: set[int] | None,
) -> Iterator[Pictured]:
    with reading(path) as reader:
        size = _Size.reduced(reader.stream, width)
        try:
            for span in merge_spans(spans):
                yield from _span_frames(reader, span, size, max(1, step), convert)
        finally:
            if keyframes is not None:
                keyframes.update(reader.keyframes)


Converter = Callable[["Reader", av.VideoFrame, "_Size"], Image]


def _span_frames(
    reader: Reader, span: Span, size: _Size, step: int, convert: Converter
) -> Iterator[Pictured]:
    reader.reach(span.start_t)
    while (item := reader.next()) is not None:
        t, frame = item
        if t >= span.end_t:
            reader.push_back(item)
            return
        index = reader.clock.index(t)
        if t >= span.start_t and index % step == 0:
            key = reader.last_key
            lead = index - key if key is not None else index + 1
            yield Pictured(Frame(index, t, convert(reader, frame, size), size.scale), frame, lead)


def keyframe_lumas(path: Path, start_t: float, end_t: float, width: int = 384) -> list[Image]:
    """The keyframes from `start_t` to `end_t`, reduced to `width` as the detail pass reduces
    its frames (luma): only keyframes are decoded (`skip_frame = "NONKEY"`), a tenth or so of
    the cost of decoding the stretch."""
    lumas: list[Image] = []
    with reading(path) as reader:
        reader.stream.codec_context.skip_frame = "NONKEY"
        size = _Size.reduced(reader.stream, width)
        reader.reach(start_t)
        while (item := reader.next()) is not None and item[0] < end_t:
            if item[0] >= start_t and item[1].key_frame:
                lumas.append(_luma(reader, item[1], size))
    return lumas


def frames_at(path: Path, indices: Iterable[int]) -> dict[int, Image]:
    """Full-resolution BGR pictures of the given frame indices (those the file holds)."""
    return dict(pictures(path, indices))


def pictures(path: Path, indices: Iterable[int]) -> Iterator[tuple[int, Image]]:
    """The full-resolution BGR pictures of the given frame indices (those the file holds), one
    at a time in frame order (a 1080p picture is 6 MB: use each and let it go)."""
    scaler = VideoReformatter()
    for index, frame in decoded(path, indices):
        yield index, bgr(frame, scaler)


def decoded(path: Path, indices: Iterable[int]) -> Iterator[tuple[int, av.VideoFrame]]:
    """The decoded pictures of the given frame indices (those the file holds), unconverted, in
    frame order, decoding each needed GOP once: indices are sorted, and close ones are reached
    by decoding on."""
    with reading(path) as reader:
        for index in sorted({i for i in indices if i >= 0}):
            if reader.ended and index / reader.clock.fps > reader.position:
                break
            frame = _frame_at(reader, index)
            if frame is not None:
                yield index, frame


def _picture(reader: Reader, index: int) -> Image | None:
    frame = _frame_at(reader, index)
    return _bgr(reader, frame) if frame is not None else None


def _frame_at(reader: Reader, index: int) -> av.VideoFrame | None:
    # Aim just after the frame's own time (its index rounds t · fps), so that the seek lands on
    # the frame itself when it is a keyframe, not on the keyframe a whole GOP before it.
    reader.reach((index + 0.4) / reader.clock.fps)
    while (item := reader.next()) is not None:
        here = reader.clock.index(item[0])
        if here >= index:
            reader.push_back(item)
            return item[1] if here == index else None
    return None


def bgr(frame: av.VideoFrame, scaler: VideoReformatter) -> Image:
    """The whole picture as a BGR array (full resolution)."""
    converted = scaler.reformat(frame, format="bgr24")
    return np.ascontiguousarray(converted.to_ndarray(), dtype=np.uint8)


def _bgr(reader: Reader, frame: av.VideoFrame, size: _Size | None = None) -> Image:
    """The frame as a BGR array, reduced to `size` if given."""
    if size is None:
        return bgr(frame, reader.reformatter)
    converted = reader.reformatter.reformat(
        frame, size.width, size.height, "bgr24", interpolation=INTERPOLATION
    )
    return np.ascontiguousarray(converted.to_ndarray(), dtype=np.uint8)


LUMA_FORMATS = frozenset({"yuv420p", "yuvj420p", "yuv422p", "yuvj422p", "yuv444p", "nv12"})


def _luma(reader: Reader, frame: av.VideoFrame, size: _Size) -> Image:
    """The Y plane read in place (8-bit planar formats) and reduced by area averaging."""
    if frame.format.name not in LUMA_FORMATS:
        small = reader.reformatter.reformat(
            frame, size.width, size.height, "gray", interpolation=INTERPOLATION
        )
        return np.ascontiguousarray(small.to_ndarray(), dtype=np.uint8)
    return reduce_grey(plane(frame, 0), size.width, size.height)


def plane(frame: av.VideoFrame, index: int) -> Image:
    """One plane of a decoded picture as a 2-D view of its pixels (no copy, padding cut)."""
    data = frame.planes[index]
    rows = np.frombuffer(memoryview(data), np.uint8).reshape(data.height, data.line_size)
    return rows[:, : data.width]


def reduce_grey(image: Image, width: int, height: int) -> Image:
    """`image` reduced to `width` × `height`: halved by 2×2 averaging while it is at least twice
    as large (OpenCV's fast path), then resized the rest of the way (bilinear, less than 2×).
    1080p → 384 px costs ~0.18 ms against ~0.75 ms for one area resize by 5, which cost as much
    as decoding the frame; the result differs from it by ~0.5 grey levels on average, with the
    same noise."""
    reduced: NDArray[np.integer[Any] | np.floating[Any]] = image
    while reduced.shape[1] >= 2 * width and reduced.shape[0] >= 2 * height:
        even_h, even_w = reduced.shape[0] // 2 * 2, reduced.shape[1] // 2 * 2
        reduced = cv2.resize(
            reduced[:even_h, :even_w], (even_w // 2, even_h // 2), interpolation=cv2.INTER_AREA
        )
    if reduced.shape[:2] != (height, width):
        reduced = cv2.resize(reduced, (width, height), interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(reduced, dtype=np.uint8)


def video_size(path: Path) -> tuple[int, int]:
    """Width and height of the first video stream, in pixels."""
    with av.open(str(path)) as container:
        context = video_stream(container, path).codec_context
        return context.width, context.height


def duration(path: Path) -> float:
    """Seconds of video: as the file states it, or as far as its packets go."""
    with av.open(str(path)) as container:
        stated = stated_duration(container, video_stream(container, path))
    return stated if stated is not None else read_packets(path).duration
