"""Trace across cameras: feasibility by class speed over distance, ranking by appearance and
direction, judgements, the confirmed route and case leads."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from precinct.core.access import AccessDenied, Actor
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.core.geo import LatLon, offset
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.video import trace_service
from precinct.video.features import dominant_colours
from precinct.video.illuminant import border_light, white_balanced
from precinct.video.trace import Seen, colour_similarity, feasible, histogram, looks, rank
from precinct.video.types import Image

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2024, 12, 15, 1, 30, tzinfo=TZ)
HOME = LatLon(30.5, 114.16)
ADMIN = Actor("zhou", Role.ADMIN)


def seen(camera: str, at: LatLon, t: float, cls: str = "person", **kw: object) -> Seen:
    start = T0 + timedelta(seconds=t)
    values: dict[str, object] = {"colours": ("black",), "heading_deg": None} | kw
    return Seen(0, camera, at, start, start + timedelta(seconds=5), cls, **values)  # type: ignore[arg-type]


def test_feasible_only_at_speeds_the_class_can_move() -> None:
    here = seen("A", HOME, 0, "vehicle")
    far = offset(HOME, 0, -1000)  # 1 km south
    assert not feasible(here, seen("B", far, 5 + 10, "vehicle"))  # 100 m/s
    assert feasible(here, seen("B", far, 5 + 60, "vehicle"))  # 17 m/s
    assert not feasible(here, seen("B", far, 5 + 2 * 3600, "vehicle"))  # slower than a crawl
    walker = seen("A", HOME, 0)
    assert feasible(walker, seen("B", far, 5 + 700))  # 1.4 m/s
    assert feasible(walker, seen("B", far, 5 + 150, "cyclist"))  # took a bike: 6.7 m/s
    assert not feasible(walker, seen("B", far, 5 + 40))  # 25 m/s on foot: no
    assert not feasible(walker, seen("B", far, 5 + 300, "vehicle"))  # not a car
    assert not feasible(walker, seen("A", HOME, 60))  # same camera
    assert feasible(walker, seen("B", far, -700))  # where it came from


def test_ranking_prefers_same_look_heading_the_right_way() -> None:
    south = offset(HOME, 0, -500)
    sighting = seen("A", HOME, 0, colours=("green", "black"), heading_deg=180.0)
    same = seen("B", south, 120, "cyclist", colours=("green", "black"), heading_deg=175.0)
    other_look = seen("B", south, 110, "cyclist", colours=("red", "white"), heading_deg=180.0)
    wrong_way = seen("B", south, 115, "cyclist", colours=("green", "black"), heading_deg=0.0)
    order = rank(sighting, [other_look, wrong_way, same])
    assert [c.seen for c in order] == [same, wrong_way, other_look]
    assert order[0].forward and order[0].distance_m == pytest.approx(500, abs=1)


def test_colour_similarity_weighs_rank() -> None:
    assert colour_similarity(("red", "black"), ("red", "black")) == 1.0
    assert colour_similarity(("red",), ("blue",)) == 0.0
    assert colour_similarity(("red", "black"), ("black", "red")) < 1.0
    assert colour_similarity((), ("red",)) == 0.0


ASPHALT = (78.0, 78.0, 82.0)
NEUTRAL = (1.0, 1.0, 1.0)
SODIUM = (0.55, 0.85, 1.25)  # BGR: an orange street light


def lit(coat: tuple[float, float, float], light: tuple[float, float, float]) -> Image:
    """A figure (coat over dark trousers) standing on asphalt, both lit by `light`."""
    rng = np.random.default_rng(7)
    scene = np.empty((80, 40, 3), np.float64)
    scene[:] = ASPHALT
    scene[10:45, 12:28] = coat
    scene[45:72, 14:26] = (45.0, 45.0, 50.0)
    noisy = scene * np.array(light) * 1.6 + rng.normal(0, 2.0, scene.shape)
    return np.asarray(np.clip(noisy, 0, 255), np.uint8)


def test_white_balance_recovers_the_ground_and_the_coat() -> None:
    light = border_light(lit((120, 110, 70), SODIUM))
    assert light is not None and light[2] > 2 * light[0]  # the orange light, seen on the ground

    def chromaticity(crop: Image) -> np.ndarray:
        coat = crop[20:40, 14:26].reshape(-1, 3).astype(float).mean(axis=0)
        return np.asarray(coat / coat.sum())

    raw = chromaticity(lit((120, 110, 70), SODIUM))
    balanced = chromaticity(white_balanced(lit((120, 110, 70), SODIUM)))
    truth = chromaticity(lit((120, 110, 70), NEUTRAL))
    assert np.abs(raw - truth).max() > 0.1  # the lamp turns the coat orange
    assert np.abs(balanced - truth).max() < 0.02  # and the balance takes it out again


def test_same_figure_under_another_light_ranks_first_once_balanced() -> None:
    """The same coat under a sodium lamp at B, and an impostor whose bluer coat under that lamp
    looks, pixel for pixel, like the sighting's coat under white light at A."""
    coat = (120.0, 110.0, 70.0)
    impostor_coat = tuple(c / li for c, li in zip(coat, SODIUM, strict=True))
    south = offset(HOME, 0, -500)
    crops = {"A": lit(coat, NEUTRAL), "same": lit(coat, SODIUM)}
    crops["impostor"] = lit(impostor_coat, SODIUM)  # type: ignore[arg-type]

    def ranked(look: object) -> list[str]:
        views = {k: look(v) for k, v in crops.items()}  # type: ignore[operator]
        sighting = seen("A", HOME, 0, colours=views["A"][0], histogram=views["A"][1])
        others = {
            k: seen("B", south, 120, colours=views[k][0], histogram=views[k][1])
            for k in ("same", "impostor")
        }
        order = rank(sighting, list(others.values()))
        return [next(k for k, o in others.items() if o is c.seen) for c in order]

    assert ranked(lambda c: (dominant_colours(c), histogram(c)))[0] == "impostor"
    assert ranked(looks) == ["same", "impostor"]


@pytest.fixture
def chain(db: Database) -> tuple[Database, list[int]]:
    """A figure in green walking south past A, B and C; a red decoy at B."""
    ids = []
    with db.write() as session:
        index = FakeIndex(session, T0)
        index.camera("A", HOME, heading=180.0)  # looks south: up the picture is south
        index.camera("B", offset(HOME, 0, -400), heading=180.0)
        index.camera("C", offset(HOME, 0, -800), heading=180.0)
        for camera, t, colours in (("A", 0, "green"), ("B", 300, "green"), ("C", 600, "green")):
            start = T0 + timedelta(seconds=t)
            ids.append(index.track(FakeTrack(camera, start, colours=(colours,), direction_deg=0)))
        decoy = FakeTrack("B", T0 + timedelta(seconds=280), colours=("red",), direction_deg=180)
        ids.append(index.track(decoy))
        session.flush()
        ids = [t.id for t in ids]  # type: ignore[attr-defined]
    return db, ids


def test_trace_judge_route_and_lead(chain: tuple[Database, list[int]]) -> None:
    db, (a, b, c, decoy) = chain
    with db.write() as session:
        result = trace_service.trace(session, ADMIN, a)
        assert [cand.seen.track_id for cand in result.candidates] == [b, c, decoy]
        trace_service.judge(session, ADMIN, (a, b), "confirmed")
        trace_service.judge(session, ADMIN, (a, decoy), "rejected")
        trace_service.judge(session, ADMIN, (b, c), "confirmed")
        route = trace_service.route(session, c)
        assert [t.camera.code for t in route] == ["A", "B", "C"]
        assert trace_service.trace(session, ADMIN, a).verdicts == {
            b: "confirmed",
            decoy: "rejected",
        }
        with pytest.raises(trace_service.TraceError, match="no such case"):
            trace_service.attach_lead(session, ADMIN, "NOPE", [a])
        with pytest.raises(AccessDenied):
            trace_service.judge(session, Actor("v", Role.VIEWER), (a, c), "confirmed")
        with pytest.raises(trace_service.TraceError, match="verdict"):
            trace_service.judge(session, ADMIN, (a, c), "maybe")
