from __future__ import annotations

import pytest
from sqlalchemy import text

from precinct.core import audit
from precinct.core.db import Database


def _fill(db: Database, n: int) -> None:
    with db.write() as session:
        for i in range(n):
            audit.append(
                session,
                audit.AuditEvent(
                    f"user{i % 3}",
                    audit.AuditAction.VIEW,
                    "person",
                    f"id{i}",
                    reason="巡查核实",
                    detail={"i": i, "name": "张三"},
                ),
            )


def test_entries_chain_and_verify(db: Database) -> None:
    _fill(db, 25)
    with db.read() as session:
        report = audit.verify_chain(session)
        entries = list(audit.iter_entries(session))
    assert report.ok and report.checked == 25
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))


def test_database_refuses_updates_and_deletes(db: Database) -> None:
    _fill(db, 2)
    for statement in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), db.write() as session:
            session.execute(text(statement))


def _tamper(db: Database, statement: str) -> None:
    """Bypass the append-only triggers the way an attacker with DBA rights could."""
    with db.engine.begin() as conn:
        if db.is_postgres:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text(statement))


@pytest.mark.parametrize(
    ("statement", "broken", "problem", "intact"),
    [
        ("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 7", 7, "modified", 6),
        ("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", 1, "modified", 0),
        ("DELETE FROM audit_log WHERE seq = 12", 13, "missing", 11),
    ],
)
def test_verify_reports_the_first_broken_link(
    db: Database, statement: str, broken: int, problem: str, intact: int
) -> None:
    _fill(db, 20)
    _tamper(db, statement)
    with db.read() as session:
        report = audit.verify_chain(session)
    assert not report.ok
    assert report.broken_seq == broken
    assert problem in report.problem
    assert report.checked == intact


def test_rehashed_edit_still_breaks_the_next_link(db: Database) -> None:
    _fill(db, 5)
    with db.read() as session:
        entry = next(e for e in audit.iter_entries(session) if e.seq == 3)
        fields = audit._hashed_fields(entry)
    fields["actor"] = "mallory"
    forged = audit.entry_digest(fields)
    _tamper(db, f"UPDATE audit_log SET actor = 'mallory', hash = '{forged}' WHERE seq = 3")
    with db.read() as session:
        report = audit.verify_chain(session)
    assert report.broken_seq == 4 and "previous-hash" in report.problem
