"""Clips draw the boxes the scan saw apart from the boxes it only estimated."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import av
import numpy as np

from precinct.video.clip import ClipRequest, cut
from precinct.video.clip_service import estimated_frames
from precinct.video.index import pack_boxes

from .clips import encode_h264

T0 = datetime(2024, 12, 15, 1, 30, tzinfo=UTC)


def _grey_clip(path: Path) -> Path:
    return encode_h264(path, (np.full((240, 320), 60, np.uint8) for _ in range(50)), {"qp": "0"})


def _frames(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


def test_seen_boxes_are_green_and_estimated_ones_amber(tmp_path: Path) -> None:
    source = _grey_clip(tmp_path / "grey.mp4")
    box = (100.0, 80.0, 60.0, 90.0)
    boxes = np.array([[10, *box], [20, *box]], np.float32)
    request = ClipRequest(source, 0.0, 2.0, T0, "C01", boxes, estimated=frozenset({20}))
    assert cut(request, tmp_path / "out.mp4", 25.0) == 50
    frames = _frames(tmp_path / "out.mp4")
    seen, guessed = frames[10][150, 100].astype(int), frames[20][150, 100].astype(int)
    blue, green, red = seen
    assert green > 150 and green - max(blue, red) > 60  # a green edge
    blue, green, red = guessed
    assert red > 150 and red - blue > 80 and red > green  # an amber edge (thin: chroma blurs it)
    assert abs(int(frames[15][150, 100][1]) - 60) < 20  # no box on frames without one


def test_estimated_frames_are_the_rows_of_weight_below_one() -> None:
    rows = np.array([[3, 1, 2, 3, 4, 1.0], [4, 1, 2, 3, 4, 0.0], [5, 1, 2, 3, 4, 1.0]])
    assert estimated_frames(pack_boxes(rows.astype(np.float32))) == frozenset({4})
    legacy = np.array([[3, 1, 2, 3, 4]], np.float32)  # stored before weights existed
    assert estimated_frames(pack_boxes(legacy)) == frozenset()
