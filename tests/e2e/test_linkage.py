"""The lead list and the link chart of the smashed-windows case in a real browser: the leads load
into the case page, the true suspect comes first with his reasons, the chart is drawn by
cytoscape.js (served locally), and confirming the lead makes him a suspect of the case."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_workbench import INVESTIGATOR, assert_translated, path_of, table_rows, zh

pytestmark = pytest.mark.browser

from playwright.sync_api import expect  # noqa: E402  (test_workbench skips when it is missing)


def test_lead_list_and_link_chart(login: Any, live_server: Any) -> None:
    number = live_server.case_number
    page = login(INVESTIGATOR)
    page.goto(f"/cases/{number}")
    leads = page.locator("#lead-table tbody tr")
    expect(leads.first).to_be_visible(timeout=30_000)
    first = table_rows(page, "#lead-table")[0]
    assert first[2] == live_server.truth.suspect_id_number, first
    reasons = page.locator("#lead-table tbody tr").first.locator("ul.reasons li")
    codes = set(reasons.evaluate_all("items => items.map(i => i.dataset.code)"))
    # The browser tests' demo has no footage, so no route is attached to the case and the leads
    # have no sightings (tests/linkage and tests/demo/test_video_route.py cover those).
    assert {"scene", "prior", "home", "items"} <= codes
    expect(page.locator("#pawn-table tbody tr").first).to_be_visible()

    chart = page.locator("#link-chart")
    expect(chart).to_have_attribute("data-drawn", "1", timeout=15_000)
    expect(chart.locator("canvas").first).to_be_attached()
    assert int(chart.get_attribute("data-nodes") or 0) >= 5
    assert page.evaluate("() => typeof window.cytoscape") == "function"
    assert_translated(page)

    with page.expect_navigation():
        page.locator("#lead-table tbody tr").first.locator("button.confirm-lead").click()
    expect(page.locator("#lead-table tbody tr").first.locator(".badge.confirmed")).to_be_visible(
        timeout=30_000
    )
    suspects = [r for r in table_rows(page, "#party-table") if r[0] == zh("role_in_case.suspect")]
    assert [r[2] for r in suspects] == [live_server.truth.suspect_id_number]


def test_person_page_gathers_records_with_sources_and_a_chart(login: Any, live_server: Any) -> None:
    page = login(INVESTIGATOR)
    page.goto(f"/cases/{live_server.case_number}")
    link = page.locator("#lead-table tbody tr").first.locator("td a")
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_navigation():
        link.click()
    assert path_of(page).startswith("/link/persons/")
    ids = {row[3] for row in table_rows(page, "#link-records")}
    assert live_server.truth.suspect_id_number in ids
    sources = {row[0] for row in table_rows(page, "#link-records")}
    assert len(sources) >= 4, sources  # bike account, rental, prior record, pawn …
    expect(page.locator("#link-chart")).to_have_attribute("data-drawn", "1", timeout=15_000)
    assert_translated(page)
