"""Pages and JSON API of fraud rings: the list, the ring page (graph, members, money flow,
freeze list), the freeze list as CSV/XLSX, and opening a ring as a case series."""

from __future__ import annotations

import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from precinct.core.access import Actor
from precinct.core.auth import Permission
from precinct.linkage import ring_charts, rings_money
from precinct.linkage import rings_service as service
from precinct.linkage.rings_export import write_freeze
from precinct.linkage.rings_store import FraudRing
from precinct.web.deps import ReadSession, WriteSession, check_csrf, render, require

router = APIRouter()
RingViewer = Annotated[Actor, require(Permission.RING_VIEW)]
CaseEditor = Annotated[Actor, require(Permission.CASE_EDIT)]


class RingOut(BaseModel):
    number: str
    accounts: int
    seeds: int
    cities: str
    first_seen: datetime
    last_seen: datetime
    traced_yuan: Decimal
    freeze_yuan: Decimal
    case_number: str

    @classmethod
    def of(cls, r: FraudRing) -> RingOut:
        return cls(
            number=r.number,
            accounts=r.accounts,
            seeds=r.seeds,
            cities=r.cities,
            first_seen=r.first_seen,
            last_seen=r.last_seen,
            traced_yuan=r.traced_yuan,
            freeze_yuan=r.freeze_yuan,
            case_number=r.case_number,
        )


class MemberOut(BaseModel):
    account: str
    role: str
    score: float
    bank: str
    city: str
    held_yuan: Decimal


class RingDetailOut(RingOut):
    members: list[MemberOut]
    freeze: list[dict[str, Any]]


def _ring(session: Session, actor: Actor, number: str) -> FraudRing:
    ring = service.view_ring(session, actor, number)
    if ring is None:
        raise HTTPException(404, "no such ring")
    return ring


@router.get("/api/v1/rings", tags=["rings"])
def rings_json(session: ReadSession, actor: RingViewer) -> list[RingOut]:
    """Fraud rings found, largest amount to freeze first."""
    return [RingOut.of(r) for r in service.rings(session, actor)]


@router.get("/api/v1/rings/{number}", tags=["rings"])
def ring_json(session: WriteSession, actor: RingViewer, number: str) -> RingDetailOut:
    """One ring with its members (role, core score) and freeze list (the view is audited)."""
    ring = _ring(session, actor, number)
    members = [
        MemberOut(
            account=m.account,
            role=m.role,
            score=m.score,
            bank=m.bank,
            city=m.city,
            held_yuan=m.held_yuan,
        )
        for m in ring.members
    ]
    return RingDetailOut(
        **RingOut.of(ring).model_dump(), members=members, freeze=rings_money.freeze_rows(ring)
    )


@router.get("/rings", response_class=HTMLResponse, include_in_schema=False)
def rings_page(request: Request, session: ReadSession, actor: RingViewer) -> HTMLResponse:
    return render(request, "rings.html", rings=service.rings(session, actor))


def _graph(ring: FraudRing) -> dict[str, Any]:
    nodes = [
        {
            "data": {
                "id": m.account,
                "label": m.account[-4:],
                "role": m.role,
                "size": 18 + 30 * m.score,
            }
        }
        for m in ring.members
    ]
    members = {m.account for m in ring.members}
    edges = [  # between members: the money services they cashed out at are in the Sankey
        {"data": {"source": f.source, "target": f.target, "amount": float(f.amount_yuan)}}
        for f in ring.flows
        if f.source in members and f.target in members
    ]
    return {"nodes": nodes, "edges": edges}


def _charts(ring: FraudRing, back: str) -> dict[str, Any]:
    flows = [ring_charts.Flow(f.source, f.target, float(f.amount_yuan)) for f in ring.flows]
    paid = [
        ring_charts.Flow(r.victim_account, r.receiving_account, float(r.loss_yuan))
        for r in ring.reports
    ]
    reports = [ring_charts.Dated(r.reported_at, float(r.loss_yuan)) for r in ring.reports]
    moved = [ring_charts.Dated(f.last_at, float(f.amount_yuan)) for f in ring.flows if f.last_at]
    return {
        "timeline": ring_charts.timeline_svg(reports, moved),
        "sankey": ring_charts.sankey_svg(flows, paid),
        "back": back,
        "back_reports": rings_money.trace_back(ring, back) if back else [],
    }


@router.get("/rings/{number}", response_class=HTMLResponse, include_in_schema=False)
def ring_page(
    request: Request, session: WriteSession, actor: RingViewer, number: str, back: str = ""
) -> HTMLResponse:
    """The ring; `back` is a known mule's account to trace back to the reports that fed it."""
    ring = _ring(session, actor, number)
    return render(
        request,
        "ring.html",
        ring=ring,
        graph=_graph(ring),
        freeze=rings_money.freeze_rows(ring),
        roles=service.members_by_role(ring),
        **_charts(ring, back.strip()),
    )


@router.get("/rings/{number}/freeze.{fmt}", include_in_schema=False)
def freeze_file(session: WriteSession, actor: RingViewer, number: str, fmt: str) -> Response:
    if fmt not in {"csv", "xlsx"}:
        raise HTTPException(404, "csv or xlsx")
    ring = _ring(session, actor, number)
    rows = service.export_freeze(session, actor, ring)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"freeze.{fmt}"
        write_freeze(path, rows)
        content = path.read_bytes()
    media = (
        "text/csv"
        if fmt == "csv"
        else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    headers = {"Content-Disposition": f'attachment; filename="{number}-freeze.{fmt}"'}
    return Response(content, media_type=media, headers=headers)


@router.post("/rings/{number}/case", include_in_schema=False, dependencies=[Depends(check_csrf)])
def open_case(session: WriteSession, actor: CaseEditor, number: str) -> RedirectResponse:
    try:
        case_number = service.open_case(session, actor, number)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    return RedirectResponse(f"/cases/{case_number}", status_code=303)
