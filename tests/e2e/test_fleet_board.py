"""The traffic board in a real browser: the demo's stuck robotaxi is on the offline map and in
the table, nothing is fetched from outside, and the officer marks the car as moved."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from precinct.core.i18n import translate

pytestmark = pytest.mark.browser

if not Path("/usr/bin/chromium").exists() or importlib.util.find_spec("playwright") is None:
    if os.environ.get("PRECINCT_REQUIRE_ALL") == "1":
        pytest.fail("browser tests cannot run, but PRECINCT_REQUIRE_ALL=1", pytrace=False)
    pytest.skip("browser tests skipped: Chromium or playwright missing", allow_module_level=True)


def test_traffic_board_shows_the_stuck_car_and_clears_it(new_context: Any, login: Any) -> None:
    context = new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login("traffic", page=page)
    page.click("a[data-nav=fleet-board]")
    assert urlparse(page.url).path == "/fleet/board"
    assert translate("zh-CN", "fleet.board") in page.locator("h1").inner_text()
    page.wait_for_function("() => window.precinctMap !== undefined")
    assert page.evaluate("() => window.precinctAlerts") == 1
    assert page.locator("#alert-count").inner_text() == "1"
    markers = page.locator("#map path.fleet-alert")
    assert markers.count() == 1 and markers.first.is_visible()
    row = page.locator("#alert-table tbody tr").first
    plate = row.locator("td").first.inner_text()
    assert plate.startswith("鄂A") and plate in page.locator("#map").inner_text()  # tooltip
    assert translate("zh-CN", "fleet.alert_status.acknowledged") in row.inner_text()
    with page.expect_navigation():
        row.get_by_role("button", name=translate("zh-CN", "fleet.moved")).click()
    assert page.locator("#alert-count").inner_text() == "0"
    assert page.locator("#map path.fleet-alert").count() == 0
    page.goto(f"/fleet/vehicles/{plate}")
    assert page.locator("table.sightings tbody tr").count() >= 2
    outside = [u for u in requested if not u.startswith(("http://127.0.0.1", "data:"))]
    assert outside == [] and errors == []
