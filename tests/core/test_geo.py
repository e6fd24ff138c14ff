from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from precinct.core.geo import LatLon, bbox_around, bearing_deg, distance_m, offset, within_m

WUHAN = LatLon(30.5928, 114.3055)
BEIJING = LatLon(39.9042, 116.4074)


def test_known_distance_wuhan_to_beijing() -> None:
    assert distance_m(WUHAN, BEIJING) == pytest.approx(1_052_000, rel=0.01)


def test_bearings_of_the_four_directions() -> None:
    assert bearing_deg(WUHAN, offset(WUHAN, 0, 500)) == pytest.approx(0, abs=0.01)
    assert bearing_deg(WUHAN, offset(WUHAN, 500, 0)) == pytest.approx(90, abs=0.01)
    assert bearing_deg(WUHAN, offset(WUHAN, 0, -500)) == pytest.approx(180, abs=0.01)
    assert bearing_deg(WUHAN, offset(WUHAN, -500, 0)) == pytest.approx(270, abs=0.01)


def test_invalid_coordinates_are_refused() -> None:
    with pytest.raises(ValueError, match="latitude"):
        LatLon(91, 0)
    with pytest.raises(ValueError, match="longitude"):
        LatLon(0, 181)


metres = st.floats(min_value=-3000, max_value=3000)


@given(metres, metres)
def test_offset_then_distance_round_trips(east: float, north: float) -> None:
    moved = offset(WUHAN, east, north)
    assert distance_m(WUHAN, moved) == pytest.approx((east**2 + north**2) ** 0.5, abs=0.5)


@given(metres, metres, st.floats(min_value=1, max_value=3000))
def test_bbox_contains_every_point_within_the_radius(east: float, north: float, r: float) -> None:
    point = offset(WUHAN, east, north)
    if within_m(WUHAN, point, r):
        assert bbox_around(WUHAN, r).contains(point)
