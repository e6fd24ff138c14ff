"""Per-track features: ground calibration, direction, speed, colours, sharpness, best crop, summary.

Pure: numpy/OpenCV in, `types` dataclasses out. A track's position is the bottom centre of its
box (where it touches the ground), which is what a ground-plane homography maps to metres.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
from numpy.typing import NDArray

from precinct.video.types import Box, Calibration, Crop, Image, ObjectClass, Track, TrackSummary

Points = NDArray[np.float64]  # N×2
MIN_MOVE_HEIGHTS = 0.25  # below this displacement (in box heights) a track "barely moves"
MIN_MOVE_PX = 3.0
BIN_SECONDS = 0.5  # speed: medians over bins of about this length smooth jitter


# --- calibration -----------------------------------------------------------------------------


def _as_points(pts: Sequence[Sequence[float]], what: str) -> Points:
    arr = np.asarray(pts, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.isfinite(arr).all():
        raise ValueError(f"{what} points must be finite (x, y) pairs, got shape {arr.shape}")
    return arr


def _hull_area(pts: Points) -> float:
    return float(cv2.contourArea(cv2.convexHull(pts.astype(np.float32))))


def _check_spread(pts: Points, what: str) -> None:
    extent = float(np.ptp(pts, axis=0).max())
    if extent == 0 or _hull_area(pts) < 1e-3 * extent**2:
        raise ValueError(f"{what} points are collinear or coincide: no homography")


def homography_from_points(
    image_pts: Sequence[Sequence[float]], ground_pts: Sequence[Sequence[float]]
) -> Calibration:
    """Image→ground homography from 4+ matching points (ground in metres)."""
    img, gnd = _as_points(image_pts, "image"), _as_points(ground_pts, "ground")
    if len(img) != len(gnd) or len(img) < 4:
        raise ValueError(f"need 4+ matching point pairs, got {len(img)} image, {len(gnd)} ground")
    _check_spread(img, "image")
    _check_spread(gnd, "ground")
    if not _determined(img, gnd):
        raise ValueError("degenerate points (three of four collinear?): homography not unique")
    t_img, t_gnd = _normaliser(img), _normaliser(gnd)
    hn, _ = cv2.findHomography(_apply(t_img, img), _apply(t_gnd, gnd), 0)
    if (
        hn is None
        or not np.isfinite(hn).all()
        or abs(np.linalg.det(hn / np.linalg.norm(hn))) < 1e-9
    ):
        raise ValueError("degenerate points (three of four collinear?): no homography")
    h = np.linalg.inv(t_gnd) @ hn @ t_img  # conditioned in normalised space, whatever the origin
    rows = [(float(a), float(b), float(c)) for a, b, c in h / h[2, 2]]
    return Calibration(homography=tuple(rows))


def _normaliser(pts: Points) -> NDArray[np.float64]:
    """Hartley's similarity: centroid to the origin, mean distance √2."""
    centre = pts.mean(axis=0)
    spread = max(float(np.linalg.norm(pts - centre, axis=1).mean()), 1e-12)
    k = math.sqrt(2) / spread
    return np.array([[k, 0, -k * centre[0]], [0, k, -k * centre[1]], [0, 0, 1]], dtype=np.float64)


def _apply(t: NDArray[np.float64], pts: Points) -> Points:
    moved: Points = pts * t[0, 0] + t[:2, 2]
    return moved


def _normalised(pts: Points) -> Points:
    return _apply(_normaliser(pts), pts)


def _determined(img: Points, gnd: Points) -> bool:
    """Whether the points pin down one homography: the DLT system has rank 8 (Hartley)."""
    rows = []
    for (x, y), (u, v) in zip(_normalised(img), _normalised(gnd), strict=True):
        rows += [[-x, -y, -1, 0, 0, 0, u * x, u * y, u], [0, 0, 0, -x, -y, -1, v * x, v * y, v]]
    sv = np.linalg.svd(np.array(rows), compute_uv=False)
    return bool(sv[7] > 1e-8 * sv[0])


def _project(h: NDArray[np.float64], pts: Points) -> Points:
    out: Points = np.asarray(cv2.perspectiveTransform(pts.reshape(-1, 1, 2), h), dtype=np.float64)
    return out.reshape(-1, 2)


def ground_points(cal: Calibration, pts: Points) -> Points:
    """Image points (N×2) → ground points in metres."""
    if cal.homography is not None:
        return _project(np.asarray(cal.homography, dtype=np.float64), pts)
    if cal.metres_per_pixel is not None:
        return pts * cal.metres_per_pixel
    raise ValueError("calibration has neither a homography nor metres per pixel")


def to_ground(cal: Calibration, x: float, y: float) -> tuple[float, float]:
    gx, gy = ground_points(cal, np.array([[x, y]], dtype=np.float64))[0]
    return float(gx), float(gy)


# --- motion ----------------------------------------------------------------------------------


def foot_points(track: Track) -> Points:
    """Bottom centres of the track's boxes (N×2): `Box.cx` and `Box.bottom`, column-wise."""
    if not track.points:
        return np.array([], dtype=np.float64)
    boxes = np.array([(b.x, b.y, b.w, b.h) for b in (p.box for p in track.points)], np.float64)
    return np.column_stack([boxes[:, 0] + boxes[:, 2] / 2, boxes[:, 1] + boxes[:, 3]])


def _times(track: Track) -> NDArray[np.float64]:
    return np.array([p.t for p in track.points], dtype=np.float64)


def median_height(track: Track) -> float:
    return float(np.median([p.box.h for p in track.points])) if track.points else 0.0


def direction_deg(track: Track) -> float | None:
    """Direction of travel in the image, 0 = up, 90 = right (clockwise); None if it barely moves.

    From the medians of the first and last quarters of the foot points (robust to jitter)."""
    pts = foot_points(track)
    if len(pts) < 2:
        return None
    q = max(1, len(pts) // 4)
    dx, dy = np.median(pts[-q:], axis=0) - np.median(pts[:q], axis=0)
    if math.hypot(dx, dy) < max(MIN_MOVE_PX, MIN_MOVE_HEIGHTS * median_height(track)):
        return None
    return math.degrees(math.atan2(dx, -dy)) % 360.0


def binned_feet(track: Track) -> tuple[NDArray[np.float64], Points]:
    """Median times and foot points over about BIN_SECONDS bins (2 to 16 of them)."""
    t, pts = _times(track), foot_points(track)
    bins = int(np.clip(round((t[-1] - t[0]) / BIN_SECONDS), 2, 16))
    medians = split_medians(np.column_stack([t, pts]), min(bins, len(t)))
    return medians[:, 0], medians[:, 1:]


def split_medians(values: NDArray[np.float64], parts: int) -> NDArray[np.float64]:
    """Per column, the median of each of the `parts` runs of rows `np.array_split` cuts
    (`np.median` of each, exactly: the middle value, or the mean of the middle two), sorted
    once per column instead of one `np.median` call per run and column."""
    n = len(values)
    sizes = np.full(parts, n // parts)
    sizes[: n % parts] += 1
    starts = np.cumsum(sizes) - sizes
    runs = np.repeat(np.arange(parts), sizes)
    low, high = starts + (sizes - 1) // 2, starts + sizes // 2
    medians = np.empty((parts, values.shape[1]))
    for column in range(values.shape[1]):
        ordered = values[np.lexsort((values[:, column], runs)), column]
        medians[:, column] = (ordered[low] + ordered[high]) / 2
    return medians


def path_speed(times: NDArray[np.float64], pts: Points) -> float:
    """Length of the path through `pts` over the time it took (0 for no time)."""
    span = float(times[-1] - times[0])
    if span <= 0:
        return 0.0
    return float(np.linalg.norm(np.diff(pts, axis=0), axis=1).sum()) / span


def speed_px_s(track: Track) -> float:
    """Speed of the foot point in source pixels per second (path of binned medians / time)."""
    if len(track.points) < 2:
        return 0.0
    return path_speed(*binned_feet(track))


def speed_m_s(track: Track, cal: Calibration | None) -> float | None:
    """Ground speed in metres per second, or None without a calibration."""
    if cal is None or (cal.homography is None and cal.metres_per_pixel is None):
        return None
    if len(track.points) < 2:
        return 0.0
    times, pts = binned_feet(track)
    return path_speed(times, ground_points(cal, pts))


def thin_path(track: Track, max_points: int = 32) -> tuple[tuple[float, float], ...]:
    """Foot points, evenly thinned to at most `max_points` (first and last always kept)."""
    pts = foot_points(track)
    if len(pts) > max_points:
        pts = pts[np.unique(np.linspace(0, len(pts) - 1, max_points).round().astype(int))]
    return tuple((float(x), float(y)) for x, y in pts)


# --- colours ---------------------------------------------------------------------------------

# OpenCV hue runs 0-180; each entry is the upper bound of a hue band.
HUE_BANDS = [(8, "red"), (20, "orange"), (33, "yellow"), (80, "green"), (97, "cyan"), (128, "blue")]
HUE_BANDS += [(155, "purple"), (168, "pink"), (181, "red")]
MIN_CHROMA = 30  # max-min of B, G, R below this is a grey (night noise has little chroma)
MIN_SHARE = 0.1  # a colour must cover this share of the central region to be named


def _centre(crop: Image) -> Image:
    h, w = crop.shape[:2]
    return crop[int(h * 0.15) : max(int(h * 0.85), 1), int(w * 0.25) : max(int(w * 0.75), 1)]


PALETTE = sorted({name for _, name in HUE_BANDS} | {"brown", "white", "black", "grey"})
"""Every colour name, in alphabetical order: pixels are named by their index into it."""
_CODE = {name: np.uint8(code) for code, name in enumerate(PALETTE)}


def _pixel_names(bgr: Image) -> NDArray[np.uint8]:
    """Each pixel's colour name, as its index into `PALETTE` (small integers, not strings:
    naming the pixels of a crop cost milliseconds with string arrays)."""
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV).reshape(-1, 3).astype(np.int32)
    px = bgr.reshape(-1, 3).astype(np.int32)
    hue, sat, val = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    chroma = px.max(axis=1) - px.min(axis=1)
    red, purple, pink = _CODE["red"], _CODE["purple"], _CODE["pink"]
    names = np.select([hue < b for b, _ in HUE_BANDS], [_CODE[n] for _, n in HUE_BANDS], red)
    names = np.where((hue >= 6) & (hue < 25) & (val < 150) & (sat > 60), _CODE["brown"], names)
    names = np.where(((names == red) | (names == purple)) & (sat < 110) & (val > 170), pink, names)
    grey = np.select([val >= 190, val < 70], [_CODE["white"], _CODE["black"]], _CODE["grey"])
    achromatic = (chroma < MIN_CHROMA) | ((val < 90) & (chroma < 0.6 * val))  # dim and dull
    names = np.where(achromatic, grey, names)
    return np.asarray(np.where(val < 45, _CODE["black"], names), dtype=np.uint8)


def dominant_colours(crop: Image, k: int = 3) -> tuple[str, ...]:
    """Up to `k` named colours of the crop's central region, most dominant first.

    Each pixel gets a palette name (black, white, grey, red, orange, yellow, green, cyan, blue,
    purple, pink, brown); dark or low-chroma pixels are black/grey/white whatever their hue, so
    noisy night footage does not produce rainbow colours. Equal shares go in alphabetical order."""
    region = _centre(crop)
    if region.size == 0:
        return ()
    counts = np.bincount(_pixel_names(region), minlength=len(PALETTE))
    order = np.argsort(-counts, kind="stable")
    total = counts.sum()
    return tuple(PALETTE[i] for i in order[:k] if counts[i] and counts[i] >= MIN_SHARE * total)


# --- crops -----------------------------------------------------------------------------------


def sharpness(image: Image) -> float:
    """Variance of the Laplacian of the grey image (higher = sharper)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def touches_edge(box: Box, frame_size: tuple[int, int], margin: float = 2.0) -> bool:
    """Whether `box` reaches within `margin` px of the edge of a (width, height) frame."""
    w, h = frame_size
    return (
        box.x <= margin
        or box.y <= margin
        or box.x + box.w >= w - margin
        or box.bottom >= h - margin
    )


def choose_best(
    candidates: Sequence[Crop],
    frame_size: tuple[int, int] | None = None,
    edge_penalty: float = 0.25,
) -> Crop:
    """The largest, sharpest crop: area × sharpness / best sharpness; crops cut by the frame edge
    (when `frame_size` is known) count only `edge_penalty` as much."""
    if not candidates:
        raise ValueError("no candidate crops")
    top = max(c.sharpness for c in candidates) or 1.0

    def score(c: Crop) -> float:
        cut = frame_size is not None and touches_edge(c.box, frame_size)
        return c.box.area * (c.sharpness / top) * (edge_penalty if cut else 1.0)

    return max(candidates, key=score)


# --- summary ---------------------------------------------------------------------------------


def mean_box(track: Track) -> Box:
    arr = np.array([(p.box.x, p.box.y, p.box.w, p.box.h) for p in track.points], dtype=np.float64)
    x, y, w, h = arr.mean(axis=0)
    return Box(float(x), float(y), float(w), float(h))


def summarise(
    track: Track,
    object_class: ObjectClass,
    confidence: float,
    colours: tuple[str, ...],
    cal: Calibration | None = None,
) -> TrackSummary:
    if not track.points:
        raise ValueError(f"track {track.track_id} has no points")
    return TrackSummary(
        track_id=track.track_id,
        start_t=track.start_t,
        end_t=track.end_t,
        frames=len(track.points),
        object_class=object_class,
        confidence=confidence,
        direction_deg=direction_deg(track),
        speed_px_s=speed_px_s(track),
        speed_m_s=speed_m_s(track, cal),
        mean_box=mean_box(track),
        colours=colours,
        path=thin_path(track),
    )
