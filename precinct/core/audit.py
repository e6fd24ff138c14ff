"""The append-only audit log: who viewed, searched or changed what, when and why.

Each entry stores the hash of the one before it (a hash chain), so editing or deleting any entry
breaks every later link; `verify_chain` finds the first broken one. The database also refuses
UPDATE and DELETE on the table (triggers created by the migration).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String, Text, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from precinct.core.db import Base, utcnow

GENESIS = "0" * 64


class AuditAction(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    VIEW = "view"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    IMPORT = "import"
    EXPORT = "export"


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(24))
    subject_type: Mapped[str] = mapped_column(String(32), default="")
    subject_id: Mapped[str] = mapped_column(String(64), default="")
    case_number: Mapped[str] = mapped_column(String(32), default="", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class AuditEvent:
    """What to record; `append` adds the sequence number, time and hashes."""

    actor: str
    action: AuditAction
    subject_type: str = ""
    subject_id: str = ""
    case_number: str = ""
    reason: str = ""
    detail: dict[str, Any] | None = None


def entry_digest(fields: dict[str, Any]) -> str:
    """SHA-256 over a canonical JSON rendering of an entry's fields (hash excluded)."""
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "case_number": entry.case_number,
        "reason": entry.reason,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('precinct_audit_chain'))"))


def append(session: Session, event: AuditEvent) -> AuditEntry:
    """Add one entry at the head of the chain, inside the caller's write transaction."""
    _lock_chain(session)
    head = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
    entry = AuditEntry(
        seq=seq,
        at=utcnow(),
        actor=event.actor,
        action=str(event.action),
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        case_number=event.case_number,
        reason=event.reason,
        detail=event.detail or {},
        prev_hash=prev,
    )
    entry.hash = entry_digest(_hashed_fields(entry))
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def check_links(entries: Iterable[AuditEntry]) -> ChainReport:
    """Walk entries in sequence order and report the first one whose link does not hold."""
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    for entry in entries:
        problem = _link_problem(entry, expected_prev, expected_seq)
        if problem:
            return ChainReport(checked, entry.seq, problem)
        expected_prev, expected_seq, checked = entry.hash, entry.seq + 1, checked + 1
    return ChainReport(checked)


def _link_problem(entry: AuditEntry, expected_prev: str, expected_seq: int) -> str:
    if entry.seq != expected_seq:
        return f"sequence jumps from {expected_seq - 1} to {entry.seq}: entries are missing"
    if entry.prev_hash != expected_prev:
        return "previous-hash does not match the entry before it"
    if entry_digest(_hashed_fields(entry)) != entry.hash:
        return "entry content does not match its hash: it was modified"
    return ""


def iter_entries(session: Session, batch: int = 2000) -> Iterator[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=batch)
    yield from session.scalars(stmt)


def verify_chain(session: Session) -> ChainReport:
    return check_links(iter_entries(session))


def recent(session: Session, limit: int = 200, actor: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    return list(session.scalars(stmt))


APPEND_ONLY_SQLITE = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
]
APPEND_ONLY_POSTGRES = [
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]
