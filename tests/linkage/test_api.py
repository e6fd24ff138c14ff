"""The lead list on the case page, confirming a lead, the link chart and the person page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from precinct.config import Settings
from precinct.core.db import Database
from precinct.linkage.store import LinkJudgement
from precinct.web.app import create_app
from tests.linkage.conftest import PASSWORD, District
from tests.web.conftest import csrf_from


@pytest.fixture
def web(district_db: Database, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=district_db.url, secret_key="t" * 40)
    with TestClient(create_app(settings, district_db), follow_redirects=False) as client:
        yield client


def _login(client: TestClient, username: str) -> None:
    token = csrf_from(client.get("/login").text)
    form = {"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"}
    assert client.post("/login", data=form).status_code == 303


def test_leads_json_puts_the_suspect_first(web: TestClient, district: District) -> None:
    _login(web, "investigator")
    body = web.get(f"/api/v1/cases/{district.truth.case_number}/leads").json()
    assert body["leads"][0]["id_number"] == district.truth.suspect_id_number
    assert {r["code"] for r in body["leads"][0]["reasons"]} >= {"sightings", "items"}
    assert all(s["series_case"] != district.truth.case_number for s in body["series"])
    chart = web.get(f"/api/v1/cases/{district.truth.case_number}/link-chart").json()
    kinds = {e["data"].get("kind") for e in chart}
    assert {"this-case", "person", "phone", "bike", "item"} <= kinds


def test_case_page_fragment_and_confirm(web: TestClient, district: District) -> None:
    _login(web, "investigator")
    number = district.truth.case_number
    page = web.get(f"/cases/{number}")
    assert f'hx-get="/cases/{number}/leads"' in page.text
    fragment = web.get(f"/cases/{number}/leads").text
    assert 'id="lead-table"' in fragment and 'id="link-chart"' in fragment
    person = fragment.split('data-person="', 1)[1].split('"', 1)[0]
    token = csrf_from(fragment)
    missing = web.post(f"/cases/{number}/leads/confirm", data={"person_key": person})
    assert missing.status_code == 403
    done = web.post(
        f"/cases/{number}/leads/confirm", data={"person_key": person, "csrf_token": token}
    )
    assert done.status_code == 303
    assert district.truth.suspect_id_number in web.get(f"/cases/{number}").text


def test_sources_page_lists_what_is_loaded(web: TestClient) -> None:
    _login(web, "investigator")
    page = web.get("/link")
    assert page.status_code == 200 and 'href="/link"' in page.text
    assert "bike_trips" in page.text and "pawn_listings" in page.text


def test_roles_and_purpose_guard_the_pages(
    web: TestClient, district: District, district_db: Database
) -> None:
    _login(web, "viewer")
    assert web.get(f"/api/v1/cases/{district.truth.case_number}/leads").status_code == 403
    web.cookies.clear()
    _login(web, "analyst")
    lead = web.get(f"/api/v1/cases/{district.truth.case_number}/leads").json()["leads"][0]
    assert web.get(f"/link/persons/{lead['person_key']}").status_code == 400
    page = web.get(f"/link/persons/{lead['person_key']}?reason=核查线索人员")
    assert page.status_code == 200 and 'id="link-records"' in page.text
    assert 'id="link-chart-data"' in page.text and '"kind": "phone"' in page.text
    left = page.text.split('name="left" value="', 1)[1].split('"', 1)[0]
    right = page.text.split('name="right" value="', 1)[1].split('"', 1)[0]
    form = {"left": left, "right": right, "verdict": "not_same", "csrf_token": csrf_from(page.text)}
    assert web.post("/link/judgements", data=form).status_code == 303
    with district_db.read() as session:
        judged = session.scalars(select(LinkJudgement)).one()
        assert (judged.same, judged.judged_by) == (False, "analyst")
    assert "check character fails" in page.text or "pinyin" in page.text or "same" in page.text
