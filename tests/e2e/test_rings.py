"""The ring page in a real browser: the ring list, the drawn graph, timeline and money flow,
the freeze list, tracing back from a mule, and opening the two-city ring as a case series."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_workbench import INVESTIGATOR, table_rows, zh

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def test_ring_page_draws_the_graph_and_opens_a_case(login: Any, live_server: Any) -> None:
    page = login(INVESTIGATOR)
    page.goto("/rings")
    expect(page.locator("main h1")).to_have_text(zh("rings.title"))
    rows = table_rows(page, "#ring-table")
    big = next(r for r in rows if r[1] == "72")
    # the two cities, and the city of a ring that borrowed one of its mules (its callers' calls)
    assert {"广州", "南宁"} <= set(big[3].split("、"))
    with page.expect_navigation():
        page.locator("#ring-table a", has_text=big[0]).click()
    expect(page.locator("#ring-accounts")).to_have_text("72")
    expect(page.locator("#ring-graph canvas").first).to_be_attached()
    expect(page.locator("#ring-graph")).to_have_attribute("data-nodes", "72")
    freeze = table_rows(page, "#freeze-table")
    assert freeze and all(r[1].endswith("银行") for r in freeze)
    assert len(table_rows(page, "#member-table")) == 72
    expect(page.locator("#ring-timeline rect").first).to_be_visible()
    expect(page.locator("#ring-sankey")).to_be_visible()
    assert page.locator("#ring-sankey path.band").count() > 10
    page.fill("#back-account", freeze[0][0])
    with page.expect_navigation():
        page.click("#back-submit")
    back = table_rows(page, "#back-table")
    assert back and all(r[4].isdigit() for r in back)
    with page.expect_navigation():
        page.locator("#open-case").click()
    assert page.url.split("/cases/")[1].startswith("A420113")
    expect(page.locator("#case-title")).to_contain_text("电信网络诈骗团伙")
