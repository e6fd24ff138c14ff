"""The workbench in a real browser: sign-in, languages, roles, purpose-bound lookups, the audit
log and the offline camera map, against a small demo district served on 127.0.0.1.

Fixtures (the live server, Chromium, fresh contexts, `login`) live in conftest.py next to this
file; every test uses its own browser context, so no cookie leaks from one test to the next.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from precinct.core.i18n import catalog, translate

pytestmark = pytest.mark.browser


def _unavailable() -> str | None:
    if not Path("/usr/bin/chromium").exists():
        return "Chromium not found at /usr/bin/chromium (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install playwright)"
    return None


if (_why := _unavailable()) is not None:
    if os.environ.get("PRECINCT_REQUIRE_ALL") == "1":
        pytest.fail(f"browser tests cannot run: {_why}, but PRECINCT_REQUIRE_ALL=1", pytrace=False)
    pytest.skip(f"browser tests skipped: {_why}", allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402  (only once it is known to exist)

ZH = "zh-CN"
EN = "en"
INVESTIGATOR = "zhouyu"
REASON = "巡查核实"


def zh(key: str, **values: Any) -> str:
    return translate(ZH, key, **values)


def en(key: str, **values: Any) -> str:
    return translate(EN, key, **values)


_KEY_PREFIXES = sorted({key.split(".", 1)[0] for key in catalog(EN)}, key=len, reverse=True)
RAW_KEY = re.compile(r"\b(?:" + "|".join(map(re.escape, _KEY_PREFIXES)) + r")\.[A-Za-z0-9_]+\b")


def path_of(page: Page) -> str:
    return urlparse(page.url).path


def assert_translated(page: Page) -> None:
    """An unknown message id renders as itself (e.g. `fig.open_cases`): none may show."""
    raw = sorted(set(RAW_KEY.findall(page.locator("body").inner_text())))
    assert not raw, f"untranslated message ids on {page.url}: {raw}"


def table_rows(page: Page, selector: str) -> list[list[str]]:
    """The cell texts of every body row of the table at `selector`."""
    rows: list[list[str]] = page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText.trim()))",
    )
    return rows


def submit(page: Page, selector: str) -> Any:
    """Click a submit button and return the response of the navigation it causes."""
    with page.expect_navigation() as navigation:
        page.click(selector)
    return navigation.value


def test_dashboard_chinese_by_default_then_english(login: Any, tmp_path: Path) -> None:
    page = login(INVESTIGATOR)
    assert path_of(page) == "/"
    assert page.get_attribute("html", "lang") == ZH
    expect(page.locator("main h1")).to_have_text("民生小案快反看板")
    expect(page.locator("header .who")).to_have_text(f"{INVESTIGATOR} · {zh('role.investigator')}")

    open_cases = page.locator("#fig-open-cases")
    expect(open_cases).to_be_visible()
    expect(open_cases.locator(".label")).to_have_text(zh("fig.open_cases"))
    value = open_cases.locator(".value").inner_text().strip()
    assert value.isdigit(), f"open-cases figure is not a number: {value!r}"
    total = open_cases.locator(".sub").inner_text()
    assert int(value) <= int(re.sub(r"\D", "", total)), f"{value} open of {total!r}"
    assert_translated(page)

    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000, "the dashboard screenshot is suspiciously small"

    submit(page, "#lang-en")
    assert path_of(page) == "/", "the language switch should lead back to the same page"
    assert page.get_attribute("html", "lang") == EN
    expect(page.locator("main h1")).to_have_text("Quick-response dashboard")
    expect(page.locator("#fig-open-cases .label")).to_have_text("Open cases")
    expect(page.locator("#lang-zh-CN")).to_be_visible()
    assert_translated(page)

    submit(page, "header nav a[data-nav=cases]")
    assert path_of(page) == "/cases"
    assert page.get_attribute("html", "lang") == EN
    expect(page.locator("main h1")).to_have_text(en("cases.title"))
    page.goto("/")
    expect(page.locator("main h1")).to_have_text("Quick-response dashboard")


def test_case_view_shows_victims_and_is_audited(login: Any, live_server: Any) -> None:
    number = live_server.case_number
    page = login(INVESTIGATOR)
    page.goto("/cases")
    expect(page.locator("main h1")).to_have_text(zh("cases.title"))
    link = page.locator("#case-table a", has_text=number)
    expect(link).to_have_count(1)
    with page.expect_navigation():
        link.click()
    assert path_of(page) == f"/cases/{number}"
    expect(page.locator("#case-number")).to_have_text(number)
    title = page.locator("#case-title")
    expect(title).to_be_visible()
    expect(title).to_contain_text("砸车窗")  # 紫郡兰园东北侧路边12辆汽车被砸车窗盗窃案
    victims = [r for r in table_rows(page, "#party-table") if r[0] == zh("role_in_case.victim")]
    assert len(victims) == 12, f"expected 12 victims, saw {len(victims)}: {victims}"
    assert {r[2] for r in victims} == set(live_server.truth.victim_id_numbers)
    assert_translated(page)

    admin = login("admin")
    admin.goto("/audit")
    admin.fill("form.filters input[name=who]", INVESTIGATOR)
    submit(admin, "form.filters button[type=submit]")
    assert parse_qs(urlparse(admin.url).query) == {"who": [INVESTIGATOR]}
    rows = table_rows(admin, "#audit-table")
    assert rows and all(r[2] == INVESTIGATOR for r in rows), rows[:5]
    views = [r for r in rows if r[3] == zh("action.view") and r[5] == number]
    assert views, f"no audit entry for {INVESTIGATOR} viewing {number}: {rows[:10]}"
    assert views[0][4] == f"case {number}"
    chain = admin.locator("#chain-status")
    expect(chain).to_have_class(re.compile(r"\bok\b"))
    expect(chain).to_contain_text("哈希链完整")
    assert_translated(admin)

    submit(admin, "#lang-en")
    expect(admin.locator("#chain-status")).to_contain_text("Hash chain intact")
    assert any(r[3] == "view" and r[5] == number for r in table_rows(admin, "#audit-table"))


def test_wrong_password_is_refused(page: Page) -> None:
    page.goto("/login")
    page.fill("input[name=username]", INVESTIGATOR)
    page.fill("input[name=password]", "not-the-password")
    response = submit(page, "#login-submit")
    assert response.status == 401
    assert path_of(page) == "/login"
    expect(page.locator(".login [role=alert]")).to_have_text("用户名或密码错误")
    expect(page.locator("header nav")).to_have_count(0)

    page.goto("/")
    assert path_of(page) == "/login", "without a session / must lead to the sign-in page"
    assert parse_qs(urlparse(page.url).query) == {"next": ["/"]}
    expect(page.locator("#login-submit")).to_be_visible()
    expect(page.locator(".login [role=alert]")).to_have_count(0)


def test_missing_role_is_refused(login: Any) -> None:
    page = login("viewer")
    assert path_of(page) == "/"
    nav = page.locator("header nav")
    expect(nav.locator("a[data-nav=cameras]")).to_have_count(1)
    expect(nav.locator("a[data-nav=persons]")).to_have_count(0)
    expect(nav.locator("a[data-nav=cases]")).to_have_count(0)
    expect(nav.locator("a[data-nav=audit]")).to_have_count(0)

    for path in ("/persons", "/cases"):
        response = page.goto(path)
        assert response is not None and response.status == 403, path
        expect(page.locator(".error-page h1")).to_have_text(f"403 · {zh('error.403')}")
        expect(page.locator(".error-page [role=alert]")).to_contain_text("viewer")
        expect(page.locator("header nav a[data-nav=persons]")).to_have_count(0)

    api = page.request.get("/api/v1/persons", params={"q": "刘", "reason": REASON})
    assert api.status == 403


def _search(page: Page, query: str, reason: str = "", case_number: str = "") -> Any:
    page.fill("#purpose-form input[name=q]", query)
    page.fill("#purpose-form input[name=case_number]", case_number)
    page.fill("#purpose-form input[name=reason]", reason)
    return submit(page, "#persons-search")


def test_person_lookup_needs_a_purpose_and_is_audited(login: Any) -> None:
    page = login(INVESTIGATOR)
    page.goto("/persons")
    expect(page.locator("main h1")).to_have_text(zh("persons.title"))

    _search(page, "刘")
    expect(page.locator("main [role=alert]")).to_have_text(zh("purpose.required"))
    expect(page.locator("#person-results")).to_have_count(0)

    _search(page, "刘", reason=REASON)
    expect(page.locator("main [role=alert]")).to_have_count(0)
    rows = table_rows(page, "#person-results")
    assert rows, "a purposeful search for 刘 found nobody in the demo district"
    assert all(r[0].startswith("刘") for r in rows), rows[:5]
    assert_translated(page)

    first = page.locator("#person-results tbody tr").first
    name, id_number = rows[0][0], rows[0][1]
    with page.expect_navigation():
        first.locator("a").click()
    expect(page.locator("main h1")).to_have_text(name)
    expect(page.locator("main .hint")).to_contain_text(REASON)
    expect(page.locator("main dl.facts")).to_contain_text(id_number)
    assert_translated(page)

    admin = login("admin")
    response = admin.request.get("/api/v1/audit", params={"who": INVESTIGATOR, "limit": "100"})
    assert response.ok, response.status
    entries = response.json()
    searches = [e for e in entries if e["action"] == "search" and e["subject_type"] == "person"]
    assert any(
        e["reason"] == REASON and e["detail"] == {"query": "刘", "results": len(rows)}
        for e in searches
    ), searches
    assert all(e["reason"] or e["case_number"] for e in searches), "a search without purpose"
    views = [e for e in entries if e["action"] == "view" and e["subject_type"] == "person"]
    assert any(
        e["subject_id"] == id_number and e["reason"] == REASON and e["detail"] == {"name": name}
        for e in views
    ), views

    admin.goto("/audit?who=" + INVESTIGATOR)
    audit_rows = table_rows(admin, "#audit-table")
    assert any(
        r[3] == zh("action.view") and r[4] == f"person {id_number}" and r[6] == REASON
        for r in audit_rows
    ), audit_rows[:10]


def test_cameras_offline_map(new_context: Any, login: Any, live_server: Any) -> None:
    context = new_context()
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    login(INVESTIGATOR, page=page)
    page.goto("/cameras")
    count = int(page.locator("#camera-count").inner_text())
    assert count >= 40
    assert len(table_rows(page, "#camera-table")) == count

    page.wait_for_function("() => window.precinctMap !== undefined")
    box = page.locator("#map").bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200, box
    headings = page.evaluate(
        "() => JSON.parse(document.getElementById('camera-data').textContent)"
        ".filter(c => c.heading_deg !== null).length"
    )
    layers = page.evaluate(
        "() => { let n = 0; window.precinctMap.eachLayer(l => { if (l instanceof L.CircleMarker)"
        " n++; }); return n; }"
    )
    assert layers == count
    paths = page.locator("#map path.leaflet-interactive")
    # A circle marker is drawn as two SVG arcs; a heading line is a plain polyline.
    circles = page.eval_on_selector_all(
        "#map path.leaflet-interactive",
        "ps => ps.filter(p => /a/i.test(p.getAttribute('d'))).length",
    )
    assert circles == count, f"{circles} circle markers drawn for {count} cameras"
    expect(paths).to_have_count(count + headings)
    expect(page.locator("#map img.leaflet-tile")).to_have_count(0)
    assert not errors, errors

    page.goto("/api/docs")  # Swagger UI is served locally too
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Precinct")
    assert not errors, errors

    assert any(urlparse(u).path == "/static/vendor/leaflet/leaflet.js" for u in requested)
    local = live_server.base_url + "/"
    outside = [u for u in requested if not (u.startswith(local) or u.startswith("data:"))]
    assert not outside, f"requests leaving {live_server.base_url}: {outside}"
