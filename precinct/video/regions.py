"""Full-resolution regions of decoded pictures, converted to BGR on their own: the YUV planes of
a rectangle are copied (a few kB to a few hundred) and only they are converted, never the whole
1080p picture (~4 ms). A region converted by libswscale equals the same rectangle of the whole
picture converted by it (4:2:0 planes, rectangles on even pixels)."""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from precinct.video.classify import Cutout
from precinct.video.decode import plane
from precinct.video.types import Image

PLANAR_420 = ("yuv420p", "yuvj420p")


def cuttable(picture: av.VideoFrame) -> bool:
    """Whether regions of `picture` can be converted on their own (else convert it whole)."""
    return picture.format.name in PLANAR_420 and picture.width % 2 == 0 and picture.height % 2 == 0


def even_rect(rect: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """`rect` (x0, y0, x1, y1) widened to even pixels and clipped to a picture of `size`."""
    x0, y0, x1, y1 = rect
    return (
        max(0, x0) & ~1,
        max(0, y0) & ~1,
        min(size[0], x1 + 1) & ~1,
        min(size[1], y1 + 1) & ~1,
    )


@dataclass
class Region:
    """The YUV pixels of a rectangle of a 4:2:0 picture, as libswscale reads them."""

    rect: tuple[int, int, int, int]  # x0, y0, x1, y1 in the picture (even)
    i420: Image  # the region's Y, U and V planes, stacked
    colour: tuple[str, int, int]  # the picture's format, colour space and range

    @classmethod
    def of(cls, picture: av.VideoFrame, rect: tuple[int, int, int, int]) -> Region:
        """Copy the pixels of `rect` (even, inside the picture) out of `picture`."""
        x0, y0, x1, y1 = rect
        width, height = x1 - x0, y1 - y0
        i420 = np.empty((height * 3 // 2, width), np.uint8)  # Y, then U, then V, flat
        i420[:height] = plane(picture, 0)[y0:y1, x0:x1]
        chroma = i420[height:].reshape(2, height // 2, width // 2)
        chroma[0] = plane(picture, 1)[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2]
        chroma[1] = plane(picture, 2)[y0 // 2 : y1 // 2, x0 // 2 : x1 // 2]
        colour = (picture.format.name, int(picture.colorspace), int(picture.color_range))
        return cls(rect, i420, colour)


class Scalers:
    """libswscale contexts by region size (the most recent `KEEP`): setting one up costs more
    than converting a small region with it."""

    KEEP = 16

    def __init__(self) -> None:
        self._scalers: dict[tuple[int, int], VideoReformatter] = {}

    def convert(self, region: Region, size: tuple[int, int]) -> Cutout:
        """The region in BGR, placed in a picture of `size`."""
        x0, y0, x1, y1 = region.rect
        name, space, level = region.colour
        frame = av.VideoFrame.from_ndarray(region.i420, format=name)
        frame.colorspace, frame.color_range = space, level
        key = (x1 - x0, y1 - y0)
        scaler = self._scalers.pop(key, None) or VideoReformatter()
        self._scalers[key] = scaler  # most recent last
        while len(self._scalers) > self.KEEP:
            del self._scalers[next(iter(self._scalers))]
        bgr = scaler.reformat(frame, format="bgr24").to_ndarray()
        return Cutout(np.ascontiguousarray(bgr, dtype=np.uint8), x0, y0, size)
