from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from precinct.core.access import SYSTEM
from precinct.core.db import Database
from precinct.demo.fraud import FraudSpec, generate
from precinct.demo.fraud_stage import ring_inputs
from precinct.linkage import rings_service
from precinct.linkage.rings_store import FraudRing, RingReport, RingTransfer

from .conftest import csrf_from, login


def _seed(app_db: Database) -> str:
    with app_db.write() as session:
        rows = rings_service.analyse(
            session, SYSTEM, ring_inputs(generate(FraudSpec(seed=4, persons=2500, rings=2)))
        )
        return next(r.number for r in rows if r.accounts == 72)


def test_ring_page_freeze_export_and_case(client: TestClient, app_db: Database, tmp_path) -> None:
    number = _seed(app_db)
    assert login(client, "viewer") == 303
    assert client.get(f"/rings/{number}").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    assert login(client, "investigator") == 303
    listing = client.get("/rings").text
    assert number in listing
    page = client.get(f"/rings/{number}")
    assert page.status_code == 200 and 'id="ring-graph"' in page.text
    assert "南宁" in page.text and "cytoscape.min.js" in page.text
    xlsx = client.get(f"/rings/{number}/freeze.xlsx")
    path = tmp_path / "f.xlsx"
    path.write_bytes(xlsx.content)
    sheet = load_workbook(path).active
    assert sheet is not None and sheet.max_row > 2
    opened = client.post(f"/rings/{number}/case", data={"csrf_token": csrf_from(page.text)})
    assert opened.status_code == 303 and opened.headers["location"].startswith("/cases/A")
    assert client.post(f"/rings/{number}/case").status_code == 403  # no CSRF token
    detail = client.get(f"/api/v1/rings/{number}").json()
    assert detail["accounts"] == 72 and detail["case_number"]


def test_ring_page_draws_timeline_and_flow_and_traces_back_from_a_mule(
    client: TestClient, app_db: Database
) -> None:
    number = _seed(app_db)
    assert login(client, "investigator") == 303
    page = client.get(f"/rings/{number}").text
    assert '<svg id="ring-timeline"' in page and '<svg id="ring-sankey"' in page
    assert page.count('class="band"') > 10 and "flow-table" not in page
    with app_db.read() as session:
        ring = rings_service.ring_by_number(session, number)
        assert ring is not None
        entry = {r.receiving_account for r in ring.reports}
        mule = next(f.target for f in ring.flows if f.source in entry and f.target not in entry)
        fed = {f.source for f in ring.flows if f.target == mule and f.source in entry}
    traced = client.get(f"/rings/{number}", params={"back": mule}).text
    assert 'id="back-table"' in traced
    rows = traced.split('id="back-table"')[1].split("</table>")[0]
    assert all(account in rows for account in fed)
    missing = client.get(f"/rings/{number}", params={"back": "6222000000000000000"}).text
    assert 'id="back-none"' in missing


def _at(hour: int) -> datetime:
    return datetime(2025, 3, 1, hour, tzinfo=UTC)


def test_backward_trace_on_the_page_respects_time_order(
    client: TestClient, app_db: Database
) -> None:
    """M1 passed money to M2 at 09:00: the 08:00 victim's money can have reached M2, the
    10:00 victim's cannot (a walk over summed flows listed both)."""
    v1, v2, m1, m2 = "6222020000000001", "6222020000000002", "6217000000000011", "6217000000000012"
    moves = [(v1, m1, 8, 5000, True), (m1, m2, 9, 4000, False), (v2, m1, 10, 3000, True)]
    with app_db.write() as session:
        ring = FraudRing(
            number="FR-900",
            accounts=2,
            seeds=1,
            first_seen=_at(8),
            last_seen=_at(10),
            traced_yuan=Decimal(8000),
            freeze_yuan=Decimal(0),
        )
        ring.reports = [
            RingReport(
                number=number,
                reported_at=_at(hour),
                victim_account=victim,
                receiving_account=m1,
                loss_yuan=Decimal(amount),
            )
            for number, victim, hour, amount in (("R-EARLY", v1, 8, 5000), ("R-LATE", v2, 10, 3000))
        ]
        ring.transfers = [
            RingTransfer(source=s, target=d, at=_at(h), amount_yuan=Decimal(c), reported=r)
            for s, d, h, c, r in moves
        ]
        session.add(ring)
    assert login(client, "investigator") == 303
    page = client.get("/rings/FR-900", params={"back": m2}).text
    rows = page.split('id="back-table"')[1].split("</table>")[0]
    assert "R-EARLY" in rows and "R-LATE" not in rows
    from_m1 = client.get("/rings/FR-900", params={"back": m1}).text
    rows = from_m1.split('id="back-table"')[1].split("</table>")[0]
    assert "R-EARLY" in rows and "R-LATE" in rows
