"""Video investigation in a real browser: from the case's place and time to the suspect's route
attached to the case in five clicks (search → crop → play → confirm → confirm → attach), and the
same from the alarm list (the issue's target: from the alarm's place and time to the suspect's
route in at most five clicks).

The live demo district has no rendered footage (too slow for a browser test), so the test adds
a small index itself: three cameras south of the scene, the suspect in green heading south past
them, decoys in other colours and directions, one real clip and real crops.
"""

from __future__ import annotations

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import cv2
import numpy as np
import pytest

from precinct.cases.store import Case
from precinct.core.db import Database
from precinct.core.geo import LatLon, offset
from precinct.demo.video_tracks import FakeIndex, FakeTrack
from precinct.video.index import save_crop
from precinct.video.store import TraceJudgement, VideoLead

from ..video.clips import make_clip

pytestmark = pytest.mark.browser

if importlib.util.find_spec("playwright") is None or not Path("/usr/bin/chromium").exists():
    if os.environ.get("PRECINCT_REQUIRE_ALL") == "1":
        pytest.fail("browser tests cannot run, but PRECINCT_REQUIRE_ALL=1", pytrace=False)
    pytest.skip("browser tests skipped: no playwright or chromium", allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402

_ADDED: dict[str, dict[str, int]] = {}


def _crop(data_dir: Path, bgr: tuple[int, int, int]) -> str:
    image = np.zeros((120, 60, 3), np.uint8)
    image[20:110, 15:45] = bgr
    ok, jpeg = cv2.imencode(".jpg", image)
    assert ok
    return save_crop(data_dir, jpeg.tobytes())


@pytest.fixture
def suspect(live_server) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The small index, added once to the live demo; each test starts with no judgement and no
    video lead, so the tests do not depend on their order."""
    key = str(live_server.data_dir)
    if key not in _ADDED:
        _ADDED[key] = _add_index(live_server)
    db = Database(f"sqlite:///{live_server.data_dir / 'precinct.db'}")
    with db.write() as session:
        session.query(TraceJudgement).delete()
        session.query(VideoLead).delete()
    db.dispose()
    return _ADDED[key]


def _add_index(live_server: object) -> dict[str, int]:
    data_dir: Path = live_server.data_dir  # type: ignore[attr-defined]
    number: str = live_server.case_number  # type: ignore[attr-defined]
    clip = make_clip(data_dir / "e2e-clip.mp4", seconds=12)
    db = Database(f"sqlite:///{data_dir / 'precinct.db'}")
    green, red = _crop(data_dir, (40, 200, 40)), _crop(data_dir, (40, 40, 220))
    with db.write() as session:
        case = session.query(Case).filter_by(number=number).one()
        scene, t0 = LatLon(case.place.lat, case.place.lon), case.window_start
        index = FakeIndex(session, t0, hours=0.5, file=str(clip))
        for n, code in enumerate(("E2E-A", "E2E-B", "E2E-C")):
            index.camera(code, offset(scene, 0, -400 * n), heading=180.0)  # looking south

        def add(code: str, s: float, secs: float, colours: tuple[str, ...], crop: str) -> int:
            spec = FakeTrack(code, t0 + timedelta(seconds=s), secs, "cyclist", colours, 0.0)
            row = index.track(FakeTrack(**(spec.__dict__ | {"crop_sha256": crop})))
            session.flush()
            return row.id

        ids = {
            "A": add("E2E-A", 2, 9, ("green", "black"), green),  # lingers: longest track
            "B": add("E2E-B", 100, 4, ("green", "black"), green),
            "C": add("E2E-C", 200, 4, ("green", "black"), green),
        }
        add("E2E-B", 95, 3, ("red", "white"), red)
        add("E2E-C", 190, 3, ("red",), red)
    db.dispose()
    return ids


def test_from_case_to_suspect_route_in_five_clicks(login, live_server, suspect) -> None:  # type: ignore[no-untyped-def]
    ids = suspect
    page: Page = login("zhouyu")
    page.goto(f"/cases/{live_server.case_number}")
    page.click("#case-video-search")  # 1: search around the case's place and time
    expect(page.locator("#contact-sheet .crop-link").first).to_be_visible()
    first = page.locator("#contact-sheet .crop-link").first
    assert first.get_attribute("data-track") == str(ids["A"])
    first.click()  # 2: the crop opens the track
    video = page.locator("#track-video")
    expect(video).to_be_visible()
    clip = page.request.get(video.get_attribute("src") or "")
    assert clip.ok and clip.headers["content-type"] == "video/mp4"
    top = page.locator("#candidates-forward tr.candidate").first
    assert top.get_attribute("data-track") == str(ids["B"])
    top.locator("button.confirmed").click()  # 3: confirm the best candidate
    expect(page.locator("#route-list li")).to_have_count(2)
    top = page.locator("#candidates-forward tr.candidate").first
    assert top.get_attribute("data-track") == str(ids["C"])
    top.locator("button.confirmed").click()  # 4: and the next one
    expect(page.locator("#route-list li")).to_have_count(3)
    page.click("#attach-submit")  # 5: attach the route to the case
    assert f"/cases/{live_server.case_number}" in page.url
    lead = page.locator("#video-leads-table tr.video-lead")
    expect(lead).to_have_count(1)
    expect(lead.locator("a")).to_have_count(3)


def test_from_the_alarm_to_the_suspect_route_in_at_most_five_clicks(  # type: ignore[no-untyped-def]
    login, live_server, suspect
) -> None:
    ids = suspect
    page: Page = login("zhouyu")
    clicks: list[str] = []

    def click(selector: str) -> None:
        clicks.append(selector)
        page.locator(selector).first.click()

    page.goto("/alarms")  # the start: the alarm list
    alarm = live_server.truth.night_alarm_numbers[0]
    click(f"#alarm-video-{alarm}")  # the footage around the alarm's place and time
    first = page.locator("#contact-sheet .crop-link").first
    expect(first).to_be_visible()
    assert first.get_attribute("data-track") == str(ids["A"])
    assert f"/cases/{live_server.case_number}" in page.inner_html("h1")  # searched for its case
    click("#contact-sheet .crop-link")  # the crop opens the track and plays it
    expect(page.locator("#track-video")).to_be_visible()
    for nxt, stops in (("B", 2), ("C", 3)):
        top = page.locator("#candidates-forward tr.candidate").first
        assert top.get_attribute("data-track") == str(ids[nxt])
        click("#candidates-forward tr.candidate button.confirmed")  # confirm the best
        expect(page.locator("#route-list li")).to_have_count(stops)
    route = page.locator("#route-list li")
    expect(route).to_have_count(3)
    for n, code in enumerate(("E2E-A", "E2E-B", "E2E-C")):
        expect(route.nth(n)).to_contain_text(code)
    expect(page.locator("#map path.leaflet-interactive").first).to_be_visible()  # on the map
    assert len(clicks) <= 5, clicks


def _click_at(page: Page, points: list[tuple[int, int]]) -> None:
    """Click footage pixels on the camera's still (shown scaled to the page)."""
    still = page.locator("#roi-still")
    size = still.evaluate("i => [i.naturalWidth, i.naturalHeight, i.clientWidth, i.clientHeight]")
    for x, y in points:
        still.click(position={"x": x * size[2] / size[0], "y": y * size[3] / size[1]})


def test_draw_a_region_on_a_camera_view_and_search_it(login, live_server, suspect) -> None:  # type: ignore[no-untyped-def]
    page: Page = login("zhouyu")
    page.goto(f"/video?case={live_server.case_number}")
    cameras = {c.get_attribute("data-camera") for c in page.locator(".crop-link").all()}
    assert {"E2E-A", "E2E-B", "E2E-C"} <= cameras
    page.fill("#roi-camera", "E2E-B")
    page.click("#roi-draw")
    still = page.locator("#roi-still")
    expect(still).to_be_visible()
    page.wait_for_function("document.getElementById('roi-still').naturalWidth > 0")
    assert still.evaluate("i => i.naturalWidth") == 1280  # the footage's pixels
    _click_at(page, [(60, 330), (560, 330), (560, 470), (60, 470)])  # around the path at y=400
    roi = page.input_value("#roi").split(";")
    assert len(roi) == 4 and all(abs(int(p.split(",")[1]) - 400) <= 75 for p in roi)
    expect(page.locator("#roi-svg polygon")).to_have_count(1)
    page.click("#video-search-submit")
    hits = page.locator("#contact-sheet .crop-link")
    expect(hits).to_have_count(2)  # the two tracks of E2E-B: the suspect and the decoy
    assert {h.get_attribute("data-camera") for h in hits.all()} == {"E2E-B"}
    page.click("#roi-clear")
    page.click("#roi-draw")
    page.wait_for_function("document.getElementById('roi-still').naturalWidth > 0")
    _click_at(page, [(800, 80), (1200, 80), (1000, 300)])  # where nobody walked
    page.click("#video-search-submit")
    expect(page.locator("#video-result-count")).to_be_visible()
    expect(page.locator("#contact-sheet .crop-link")).to_have_count(0)
