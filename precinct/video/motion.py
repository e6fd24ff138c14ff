"""Moving blobs by background subtraction, tuned for night street footage.

One stage of the detail pass: `MotionDetector.detect(frame)` takes a (reduced) `Frame` and returns
the moving blobs as `Detection`s in source pixels. The model is a per-pixel running mean and
running noise variance of the blurred grey image (a single Gaussian per pixel, cheaper than MOG2
and easier to steer):

- a pixel moves when it differs from the mean by more than `threshold` grey levels AND more than
  `noise_sigmas` of its own noise, so noisy spots (sensor noise, flickering lamps, compression
  shimmer) need more contrast than clean ones;
- a dim passer (grey clothes on a grey road) differs by less than `threshold` per pixel, but
  its patch stands out from a clean road's noise: in a patch whose mean differs by
  `faint_level` and many sigmas of that mean's noise, pixels differing by `faint_level` move,
  in a dark scene only (`faint_dark`: in daylight a passer has contrast to spare, and faint
  differences are shadows, which would stretch its box);
- the median difference of the frame is subtracted first, so a uniform brightness change (camera
  gain, lights switching on) moves nothing;
- a frame whose moving share exceeds `max_foreground_frac` (a headlight sweep, a camera bump) gives
  no detections and teaches the model nothing; when such frames last `max_skipped_frames` the
  scene has changed for good and the background is learnt again;
- the background starts as the per-pixel median of `warmup_frames` frames, so objects passing
  meanwhile leave no ghost; where the footage starts, nothing before it was seen, and an object
  standing there for the warm-up (a car about to drive off) would be baked in, leaving a ghost
  that swallows it: there the caller may `seed` the background with pictures spread over a
  longer stretch (the keyframes of the first `seed_s` seconds), whose median it becomes (the
  warm-up frames still give the noise); moving pixels are not learnt (no trails), unless they
  keep moving at a steady level for `absorb_frames` (a car that parked, or the ghost of one
  that left; not the slow swell of glare ahead of a crawling car, which would leave a ghost
  trail);
- a patch brighter than the background by `glow_level` is a lamp facing the camera (an
  oncoming car is its headlights): it is kept whatever its texture, while the glare connected
  to it (down to `halo_level`: the halo, the beam on the road, and the faint fringe where
  compression speckle looks like texture) is light, never object;
- opening removes speckle, closing fills holes, tiny blobs are dropped and the fragments of one
  object (head and legs, a car split by a reflection) are merged when their boxes are close.

The model is kept over the whole frame; the work on moving pixels (shapes, glare, blobs, the
absorb counts) is done in the window around them (`pixels.window`), with the same results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import cv2
import numpy as np
from cv2.typing import MatLike

from precinct.video import blobs, pixels
from precinct.video.blobs import Rect
from precinct.video.pixels import Box, FloatImage, Window, above, median, scalar, union
from precinct.video.types import Detection, Frame, Image

Mask = MatLike  # uint8, 255 where moving


@dataclass
class MotionConfig:
    """Settings of the motion stage; sizes are fractions of the working frame so that they hold
    at any reduced resolution."""

    history: int = 100  # frames the background mean remembers (learning rate = 1 / history)
    noise_history: int = 200  # frames the per-pixel noise variance remembers
    threshold: float = 8.0  # minimum grey-level difference (after blur) of a moving pixel
    noise_sigmas: float = 4.0  # ... and at least this many sigmas of the pixel's own noise
    max_noise_sigma: float = 12.0  # cap on a pixel's noise, so no pixel goes blind
    warmup_frames: int = 11  # frames learnt (no detections) at the start, after reset() ...
    max_foreground_frac: float = 0.25  # above this moving share a frame is a global change,
    max_skipped_frames: int = 12  # skipped; after this many in a row the scene is learnt again
    max_gap: float = 2.0  # seconds between frames beyond which a new span starts (reset)
    seed_s: float = 20.0  # a span at the file's start: background from this long's keyframes
    absorb_frames: int = 250  # a pixel moving this long (10 s) joins the background (≤ 254) ...
    absorb_rate: float = 0.1  # ... at this rate per frame
    absorb_tolerance: float = 12.0  # ... if it stays within this many grey levels meanwhile
    compensate_brightness: bool = True  # subtract the frame's median difference
    light_sigma: float = 1.5  # smooth brightening (glare, headlight cones) is told apart from ...
    light_texture: float = 4.0  # ... objects by detail: |diff − blur(diff)| above this (grey)
    light_noise_sigmas: float = 3.5  # ... and above this many sigmas of the pixel's noise
    glow_level: float = 100.0  # brighter than the background by this: a lamp facing the camera,
    halo_level: float = 5.0  # … and the brightening around it down to this is its glare (0: off)
    faint_size: int = 6  # in a patch this wide (1: off) whose mean differs by `faint_level`
    faint_level: float = 5.0  # ... grey levels, a pixel that differs by as much moves, if ...
    faint_sigmas: float = 4.0  # ... the mean is this many sigmas of its noise, taken as ...
    faint_noise_share: float = 0.25  # ... this share of a pixel's noise variance, and ...
    faint_dark: float = 80.0  # ... in a dark scene: the background's median below this (grey)
    blur: int = 3  # box-blur kernel (pixels); 1 = none
    open_size: int = 3  # morphological opening kernel (removes speckle)
    close_size: int = 5  # morphological closing kernel (fills holes)
    min_area_frac: float = 0.00025  # smallest blob, as a share of the frame (21 px at 384×216)
    merge_distance_frac: float = 0.015  # fragments closer than this share of the width merge ...
    merge_relative: float = 0.25  # ... or closer than this share of the smaller fragment's size

    @property
    def learning_rate(self) -> float:
        return 1.0 / max(1, self.history)


class MotionDetector:
    """Background subtraction over the frames of one span; call `reset()` between spans."""

    def __init__(self, config: MotionConfig | None = None) -> None:
        self.config = config or MotionConfig()
        self._open = np.ones((self.config.open_size,) * 2, np.uint8)
        self._close = np.ones((self.config.close_size,) * 2, np.uint8)
        self._mean: FloatImage | None = None
        self._var: FloatImage | None = None
        self._age: Mask | None = None  # consecutive frames each pixel has been moving (≤ 255)
        self._held: FloatImage | None = None  # … at about this grey level
        self._aged: Box | None = None  # bounding box of the pixels whose age is not 0
        self._near = np.ones((3, 3), np.uint8)
        self._floor = np.float32(self.config.threshold**2)
        self._light = np.float32(self.config.light_texture**2)
        # work on the moving area reaches this far around it (blur, morphology: see `pixels.window`)
        self._margin = max(pixels.gauss_radius(self.config.light_sigma), self.config.close_size) + 2
        self._warmup: list[FloatImage] = []
        self._seed: FloatImage | None = None  # the next warm-up's background, if seeded
        self._skipped = 0
        self._last_t: float | None = None
        self._learnt_t: float | None = None  # time of the frame that completed the warm-up
        self._dark = False  # a night scene, where faint patches count (`_add_faint`)

    def reset(self) -> None:
        """Forget the background (a new span: the scene may have changed)."""
        self._mean = None
        self._learnt_t = None
        self._warmup = []
        self._skipped = 0

    def seed(self, pictures: list[Image]) -> None:
        """The next warm-up takes as background the per-pixel median of `pictures` (frames
        spread over a longer stretch than the warm-up, e.g. keyframes) instead of its own
        frames' median; fewer than three pictures cannot outvote an object and are ignored."""
        if len(pictures) < 3:
            self._seed = None
            return
        stack = np.stack([self._prepare(p) for p in pictures])
        self._seed = np.median(stack, axis=0).astype(np.float32)

    def settling(self, t: float, settle_s: float) -> bool:
        """Whether, at time `t`, the background is still being learnt or was learnt less than
        `settle_s` before: until then motion has looked at (almost) nothing, so a sampling
        decoder must not stop for lack of movers."""
        if self._learnt_t is None:
            return True
        return t < self._learnt_t + settle_s - 1e-6  # (sums of frame times)

    def detect(self, frame: Frame) -> list[Detection]:
        gray = self._prepare(frame.image)
        if self._new_span(frame.t, gray.shape):
            self.reset()
        self._last_t = frame.t
        if self._mean is None:
            self._warm_up(gray)
            return []
        diff, square, mask = self._foreground(gray)
        if self._dark:
            self._add_faint(diff, square, mask)
        bounds = cast(Box, cv2.boundingRect(mask))  # (counting is for big bounds only)
        most = self.config.max_foreground_frac * mask.size
        if bounds[2] * bounds[3] > most and cv2.countNonZero(mask) > most:
            self._skip(gray)
            return []
        self._skipped = 0
        box = bounds if bounds[2] else None  # (None: nothing moves)
        self._learn(gray, square, mask, box)
        if box is None:
            return []
        window = pixels.window(box, self._margin, mask.shape)
        shapes = self._shapes(diff, mask, window)
        return [blobs.detection(frame, rect) for rect in self._blobs(shapes, window, mask.shape)]

    def _new_span(self, t: float, shape: tuple[int, ...]) -> bool:
        """A jump in time (the next active span) or a change of size starts afresh."""
        if self._last_t is not None and abs(t - self._last_t) > self.config.max_gap:
            return True
        known = [self._mean] if self._mean is not None else self._warmup[:1]
        return any(image.shape != shape for image in known)

    def _prepare(self, image: Image) -> FloatImage:
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
        if self.config.blur > 1:
            gray = cv2.blur(gray, (self.config.blur, self.config.blur))
        return gray.astype(np.float32)

    def _skip(self, gray: FloatImage) -> None:
        """A global change (headlights, a camera bump): a passing one leaves the background
        valid; one that lasts `max_skipped_frames` means a new scene to learn."""
        self._skipped += 1
        if self._skipped > self.config.max_skipped_frames:
            self.reset()
            self._warm_up(gray)

    def _warm_up(self, gray: FloatImage) -> None:
        """Collect frames; once there are enough, the background is their per-pixel median (so
        objects passing during the warm-up leave no ghost) and the noise their robust spread."""
        self._warmup.append(gray)
        if len(self._warmup) < max(1, self.config.warmup_frames):
            return
        stack = np.stack(self._warmup)
        mean = np.median(stack, axis=0).astype(np.float32)
        spread = np.median((stack - mean) ** 2, axis=0) / 0.455  # median of chi-square(1)
        if self._seed is not None and self._seed.shape == mean.shape:
            mean = self._seed
        self._seed = None
        floor = (self.config.threshold / self.config.noise_sigmas) ** 2
        self._mean, self._learnt_t = mean, self._last_t
        dark = float(np.median(mean[::4, ::4])) < self.config.faint_dark
        self._dark = dark and self.config.faint_size > 1
        self._var = np.clip(spread, floor / 4, self.config.max_noise_sigma**2).astype(np.float32)
        self._age = np.zeros(gray.shape, np.uint8)
        self._held, self._aged = mean.copy(), None
        self._warmup = []

    def _foreground(self, gray: FloatImage) -> tuple[FloatImage, FloatImage, Mask]:
        """Difference to the background (brightness-compensated), its square and the moving
        mask."""
        assert self._mean is not None and self._var is not None
        diff = gray - self._mean
        if self.config.compensate_brightness and (offset := median(diff[::4, ::4])) != 0:
            diff -= offset
        square = cast(FloatImage, cv2.multiply(diff, diff))
        limit = self._var * np.float32(self.config.noise_sigmas**2)
        cv2.max(limit, scalar(self._floor), dst=limit)
        return diff, square, cv2.compare(square, limit, cv2.CMP_GT)

    def _add_faint(self, diff: FloatImage, square: FloatImage, mask: Mask) -> None:
        """Add to the mask the pixels that differ by `faint_level` inside a patch whose mean
        difference stands out from the noise of such a mean: a dim passer (grey clothes on a
        grey road) differs by less than `threshold` per pixel, but over a patch of `faint_size`
        pixels by many sigmas. Patches are judged at half resolution (2×2 means), where it
        costs a quarter; a strong object's blurred edge adds nothing (its pixels are clean)."""
        assert self._var is not None
        height, width = diff.shape
        small = cv2.resize(diff, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
        mean = cv2.blur(small, (max(1, self.config.faint_size // 2),) * 2)
        share = self.config.faint_sigmas**2 * self.config.faint_noise_share
        noise = self._var[: 2 * (height // 2) : 2, : 2 * (width // 2) : 2] * np.float32(share)
        level = self.config.faint_level**2
        limit = cv2.max(noise, scalar(np.float32(level)))
        faint = cv2.compare(cv2.multiply(mean, mean), limit, cv2.CMP_GT)
        if not cv2.countNonZero(faint):
            return
        x, y, w, h = cv2.boundingRect(faint)
        grown = cv2.resize(
            faint[y : y + h, x : x + w], (2 * w, 2 * h), interpolation=cv2.INTER_NEAREST
        )
        rows, cols = slice(2 * y, 2 * (y + h)), slice(2 * x, 2 * (x + w))
        window = mask[rows, cols]
        cv2.bitwise_or(window, cv2.bitwise_and(grown, above(square[rows, cols], level)), dst=window)

    def _shapes(self, diff: FloatImage, mask: Mask, window: Window) -> Mask:
        """The moving pixels that belong to objects, in `window` (which holds every moving
        pixel): light thrown by a moving lamp (headlight glare, the lit road ahead of a car)
        brightens the scene smoothly, while an object darkens it or changes it with detail
        (edges, parts). Smooth brightening is dropped, so that a car's box is its body, not its
        beam; the mask for learning keeps it."""
        mask = mask[window]
        if self.config.light_texture <= 0:
            return mask
        assert self._var is not None
        area = diff[window]
        detail = cv2.absdiff(area, cv2.GaussianBlur(area, (0, 0), self.config.light_sigma))
        limit = self._var[window] * np.float32(self.config.light_noise_sigmas**2)
        cv2.max(limit, scalar(self._light), dst=limit)
        textured = cv2.compare(cv2.multiply(detail, detail), limit, cv2.CMP_GT)
        cv2.bitwise_and(textured, mask, dst=textured)
        glow = cv2.bitwise_and(mask, above(area, self.config.glow_level))
        if self.config.halo_level > 0 and cv2.countNonZero(glow):
            textured = cv2.subtract(textured, self._halo(diff, glow, window))  # and not
        # moving pixels that are neither darker nor glowing, nor near texture, are light
        plain = cv2.inRange(area, 0.0, self.config.glow_level)
        return cv2.subtract(mask, cv2.subtract(plain, cv2.dilate(textured, self._near)))

    def _halo(self, diff: FloatImage, glow: Mask, window: Window) -> Mask:
        """The brightening connected to a glowing core (`glow_level`, in `window`): the glare
        around an oncoming car's lamps, the beam on the road ahead of it. The core is the car
        (its lamps swamp its body), the halo is light: its edges look like texture but are not
        objects. The glare may reach beyond the window, so it is traced in the whole frame."""
        halo = pixels.connected(above(diff, self.config.halo_level), glow, window)
        return cv2.subtract(halo, glow)  # and not

    def _learn(self, gray: FloatImage, square: FloatImage, mask: Mask, box: Box | None) -> None:
        """Still pixels update mean and noise; moving pixels (inside `box`) are left alone (no
        trails behind bright objects) unless they have been moving *at a steady level* for
        `absorb_frames` (a car that parked, a ghost where one left), which are then absorbed
        fast. A pixel whose level drifts (the glare of a car crawling towards the camera swells
        for seconds) starts counting again, so passing light is not learnt (it would leave a
        ghost trail). The ages and levels held are kept up only where pixels move or moved."""
        assert self._mean is not None and self._var is not None and self._age is not None
        still = cv2.bitwise_not(mask)
        cv2.accumulateWeighted(gray, self._mean, self.config.learning_rate, mask=still)
        cv2.accumulateWeighted(square, self._var, 1.0 / self.config.noise_history, mask=still)
        cap = self.config.max_noise_sigma**2
        cv2.threshold(self._var, cap, cap, cv2.THRESH_TRUNC, dst=self._var)  # (min, faster)
        area = union(box, self._aged)
        if area is not None:
            self._age_moving(gray, mask, pixels.window(area, 0, mask.shape))
        self._held = gray  # a still pixel's level held is its current one

    def _age_moving(self, gray: FloatImage, mask: Mask, window: Window) -> None:
        """Count, in `window` (all pixels moving now or before), how long each pixel has been
        moving at a steady level; absorb those moving for `absorb_frames`; keep (in `gray`,
        which becomes the levels held) the level of each pixel still counting."""
        assert self._mean is not None and self._age is not None and self._held is not None
        held = self._held[window]
        tolerance = self.config.absorb_tolerance
        steady = cv2.compare(cv2.absdiff(gray[window], held), scalar(tolerance), cv2.CMP_LE)
        age = cv2.bitwise_and(
            cv2.add(self._age[window], scalar(1)), cv2.bitwise_and(mask[window], steady)
        )
        self._age[window] = age
        x, y, w, h = cv2.boundingRect(age)
        self._aged = (x + window[1].start, y + window[0].start, w, h) if w else None
        if not w:
            return
        if int(age.max()) > self.config.absorb_frames:
            stale = np.greater(self._age, self.config.absorb_frames).view(np.uint8)
            cv2.accumulateWeighted(gray, self._mean, self.config.absorb_rate, mask=stale)
        cv2.copyTo(held, age, gray[window])  # (after its last use as the frame)

    def _blobs(self, mask: Mask, window: Window, shape: tuple[int, ...]) -> list[Rect]:
        """The blobs of `mask`, the `window` of a frame of `shape` holding all its pixels with
        a margin (so opening and closing there give what they give in the whole frame)."""
        rects = blobs.outlines(mask, window, self._open, self._close)
        min_area = self.config.min_area_frac * shape[0] * shape[1]
        rects = [r for r in rects if r[4] >= min_area]
        distance = self.config.merge_distance_frac * shape[1]
        return blobs.merge_rects(rects, distance, self.config.merge_relative)
