"""Per-track features on tracks, points and crops built in the test."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from precinct.video.features import (
    choose_best,
    direction_deg,
    dominant_colours,
    homography_from_points,
    sharpness,
    speed_m_s,
    speed_px_s,
    summarise,
    thin_path,
    to_ground,
)
from precinct.video.types import Box, Calibration, Crop, Image, ObjectClass, Track, TrackPoint


def line_track(
    start: tuple[float, float] = (100.0, 300.0),
    velocity: tuple[float, float] = (30.0, -40.0),
    size: tuple[float, float] = (20.0, 50.0),
    seconds: float = 4.0,
    fps: float = 25.0,
) -> Track:
    """A box whose bottom centre moves from `start` at `velocity` px/s."""
    w, h = size
    track = Track(track_id=7)
    for i in range(int(seconds * fps) + 1):
        t = i / fps
        fx, fy = start[0] + velocity[0] * t, start[1] + velocity[1] * t
        track.add(TrackPoint(frame=i, t=t, box=Box(fx - w / 2, fy - h, w, h)))
    return track


def solid(bgr: tuple[int, int, int], size: tuple[int, int] = (60, 30)) -> Image:
    return np.full((*size, 3), bgr, dtype=np.uint8)


def checkerboard(h: int, w: int, cell: int = 4) -> Image:
    ys, xs = np.indices((h, w))
    grey = (((ys // cell) + (xs // cell)) % 2 * 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR))


def crop(box: Box, image: Image) -> Crop:
    return Crop(frame=0, t=0.0, box=box, image=image, sharpness=sharpness(image))


# --- direction and speed -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("velocity", "expected"),
    [((0, -50), 0.0), ((50, 0), 90.0), ((0, 50), 180.0), ((-50, 0), 270.0), ((30, -30), 45.0)],
)
def test_direction_is_clockwise_from_up(velocity: tuple[float, float], expected: float) -> None:
    assert direction_deg(line_track(velocity=velocity)) == pytest.approx(expected, abs=1e-9)


def test_a_track_that_barely_moves_has_no_direction() -> None:
    assert direction_deg(line_track(velocity=(0.5, 0.0))) is None
    assert direction_deg(line_track(seconds=0)) is None


def test_speed_is_exact_on_a_straight_line() -> None:
    track = line_track(velocity=(30.0, -40.0))
    assert speed_px_s(track) == pytest.approx(50.0, rel=1e-9)
    assert speed_m_s(track, Calibration(metres_per_pixel=0.02)) == pytest.approx(1.0, rel=1e-9)
    assert speed_m_s(track, None) is None


def test_speed_in_metres_goes_through_the_homography() -> None:
    square = [(0, 0), (100, 0), (100, 100), (0, 100)]
    cal = homography_from_points(square, [(0, 0), (10, 0), (10, 10), (0, 10)])  # 0.1 m/px
    track = line_track(velocity=(30.0, -40.0))
    assert speed_m_s(track, cal) == pytest.approx(5.0, rel=1e-6)


def test_speed_ignores_jitter_around_a_steady_walk() -> None:
    track = line_track(velocity=(40.0, 0.0), seconds=6)
    rng = np.random.default_rng(1)
    for i, p in enumerate(track.points):
        dx, dy = rng.normal(0, 2, 2)
        track.points[i] = TrackPoint(
            p.frame, p.t, Box(p.box.x + dx, p.box.y + dy, p.box.w, p.box.h)
        )
    assert speed_px_s(track) == pytest.approx(40.0, rel=0.15)
    assert direction_deg(track) == pytest.approx(90.0, abs=3)


# --- calibration -------------------------------------------------------------------------------


def test_homography_from_four_points_maps_a_known_point() -> None:
    truth = np.array([[0.05, 0.01, -3.0], [0.002, 0.12, -20.0], [0.0001, 0.002, 1.0]])

    def apply(x: float, y: float) -> tuple[float, float]:
        gx, gy, gw = truth @ (x, y, 1.0)
        return gx / gw, gy / gw

    image = [(120, 400), (520, 410), (600, 220), (60, 200)]
    cal = homography_from_points(image, [apply(*p) for p in image])
    assert to_ground(cal, 300, 300) == pytest.approx(apply(300, 300), abs=1e-5)  # 10 µm


def test_metres_per_pixel_scales_points() -> None:
    assert to_ground(Calibration(metres_per_pixel=0.5), 10, 4) == (5.0, 2.0)
    with pytest.raises(ValueError, match="neither"):
        to_ground(Calibration(), 1, 1)


@pytest.mark.parametrize(
    ("image", "ground", "message"),
    [
        ([(0, 0), (1, 0), (1, 1)], [(0, 0), (1, 0), (1, 1)], "4\\+"),
        ([(0, 0), (1, 0), (1, 1), (0, 1)], [(0, 0), (1, 0), (1, 1)], "4\\+"),
        ([(0, 0), (1, 0), (2, 0), (3, 0)], [(0, 0), (1, 0), (1, 1), (0, 1)], "collinear"),
        ([(0, 0), (50, 0), (100, 0), (0, 100)], [(0, 0), (5, 0), (10, 0), (0, 10)], "collinear"),
        ([(0, 0), (50, 0), (100, 0), (0, 100)], [(0, 0), (5, 0), (10, 3), (0, 10)], "collinear"),
        ([(0, 0), (1, 0), (1, math.nan), (0, 1)], [(0, 0), (1, 0), (1, 1), (0, 1)], "finite"),
    ],
)
def test_degenerate_points_raise_a_clear_error(
    image: list[tuple[float, float]], ground: list[tuple[float, float]], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        homography_from_points(image, ground)


# --- colours -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bgr", "name"),
    [
        ((30, 30, 200), "red"),
        ((200, 40, 0), "blue"),
        ((18, 20, 24), "black"),  # a dark coat under a street light
        ((40, 30, 60), "black"),  # night-dark with a tint: still black
        ((235, 240, 240), "white"),
        ((128, 128, 128), "grey"),
        ((0, 200, 0), "green"),
        ((0, 220, 230), "yellow"),
        ((0, 140, 255), "orange"),
        ((30, 60, 110), "brown"),
    ],
)
def test_solid_crops_get_their_colour_name(bgr: tuple[int, int, int], name: str) -> None:
    assert dominant_colours(solid(bgr)) == (name,)


def test_colours_come_most_dominant_first_from_the_centre() -> None:
    image = solid((200, 40, 0), (100, 60))  # blue trousers
    image[:60] = (30, 30, 200)  # red jacket over most of the body
    image[:, :10] = (0, 200, 0)  # a green wall at the edge is outside the central region
    assert dominant_colours(image) == ("red", "blue")
    assert dominant_colours(image, k=1) == ("red",)


def test_night_noise_is_not_a_rainbow() -> None:
    rng = np.random.default_rng(0)
    night = np.clip(rng.normal(25, 12, (80, 40, 3)), 0, 255).astype(np.uint8)
    assert dominant_colours(night) == ("black",)


# --- sharpness and the best crop ---------------------------------------------------------------


def test_sharpness_drops_with_blur() -> None:
    sharp = checkerboard(64, 32)
    assert sharpness(sharp) > 10 * sharpness(cv2.GaussianBlur(sharp, (9, 9), 3))


def test_choose_best_prefers_the_large_sharp_crop() -> None:
    big_sharp = crop(Box(100, 100, 40, 100), checkerboard(100, 40))
    big_blurry = crop(Box(100, 100, 44, 110), cv2.GaussianBlur(checkerboard(110, 44), (15, 15), 5))
    small_sharp = crop(Box(100, 100, 16, 40), checkerboard(40, 16))
    assert choose_best([small_sharp, big_blurry, big_sharp]) is big_sharp


def test_choose_best_avoids_crops_cut_by_the_frame_edge() -> None:
    at_edge = crop(Box(0, 100, 40, 100), checkerboard(100, 40))
    inside = crop(Box(200, 100, 30, 80), checkerboard(80, 30))
    assert choose_best([at_edge, inside], frame_size=(640, 360)) is inside
    assert choose_best([at_edge, inside]) is at_edge
    with pytest.raises(ValueError):
        choose_best([])


# --- path and summary --------------------------------------------------------------------------


def test_thin_path_keeps_the_ends_and_at_most_max_points() -> None:
    track = line_track(seconds=10)
    path = thin_path(track, max_points=32)
    assert len(path) == 32
    assert path[0] == (100.0, 300.0)
    assert path[-1] == pytest.approx((400.0, -100.0))
    assert len(thin_path(line_track(seconds=0.2))) == 6


def test_summarise_collects_the_figures() -> None:
    track = line_track(velocity=(50.0, 0.0))
    summary = summarise(
        track, ObjectClass.PERSON, 0.8, ("red",), Calibration(metres_per_pixel=0.02)
    )
    assert (summary.track_id, summary.frames, summary.start_t, summary.end_t) == (7, 101, 0.0, 4.0)
    assert summary.direction_deg == pytest.approx(90.0)
    assert summary.speed_px_s == pytest.approx(50.0)
    assert summary.speed_m_s == pytest.approx(1.0)
    assert summary.mean_box == Box(190.0, 250.0, 20.0, 50.0)
    assert summary.object_class is ObjectClass.PERSON and summary.colours == ("red",)
    with pytest.raises(ValueError):
        summarise(Track(1), ObjectClass.OTHER, 0.1, (), None)
