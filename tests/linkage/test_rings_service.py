from __future__ import annotations

import pytest
from sqlalchemy import select

from precinct.cases.store import Case
from precinct.core.access import AccessDenied, Actor
from precinct.core.audit import AuditEntry
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.demo.fraud import FraudSpec, generate
from precinct.demo.fraud_stage import ring_inputs
from precinct.linkage import rings_service

INVESTIGATOR = Actor("zhouyu", Role.INVESTIGATOR)


def test_rings_are_stored_viewed_exported_and_opened_as_a_case(
    db: Database, analyst: Actor
) -> None:
    data = generate(FraudSpec(seed=2, persons=3000, rings=3))
    with db.write() as session:
        rows = rings_service.analyse(session, analyst, ring_inputs(data))
        assert len(rows) == 4
    with db.write() as session:
        big = next(r for r in rings_service.rings(session, analyst) if r.accounts == 72)
        ring = rings_service.view_ring(session, analyst, big.number)
        assert ring is not None
        assert set(ring.cities.split("、")) == {"广州", "南宁"}
        assert float(ring.traced_yuan) == 7_005_000.00
        freeze = rings_service.export_freeze(session, analyst, ring)
        assert 0.95 * 7_005_000 <= sum(r["amount"] for r in freeze) <= 7_005_000
        assert all(r["bank"] for r in freeze)
        assert len(ring.reports) == 3 * 72 and ring.flows
        assert 0 < ring.solved_reports < len(ring.reports)
        number = ring.number
    with db.write() as session:
        with pytest.raises(AccessDenied):
            rings_service.open_case(session, analyst, number)
        case_number = rings_service.open_case(session, INVESTIGATOR, number)
        assert rings_service.open_case(session, INVESTIGATOR, number) == case_number
    with db.read() as session:
        case = session.scalar(select(Case).where(Case.number == case_number))
        assert case is not None and case.case_type == "telecom_fraud" and case.status == "opened"
        assert "串并案" in case.summary and "已破" in case.summary
        actions = {(e.action, e.subject_type) for e in session.scalars(select(AuditEntry))}
        assert {("view", "fraud_ring"), ("export", "fraud_ring"), ("create", "case")} <= actions
