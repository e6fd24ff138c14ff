"""Use cases of linkage: load a source through its mapping, resolve persons, judge pairs,
open a resolved person, and the standalone dedupe of one file."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from precinct.core import audit
from precinct.core.access import Actor, Purpose
from precinct.core.auth import Permission
from precinct.linkage import cluster as clustering
from precinct.linkage import resolve
from precinct.linkage.backend import DUCKDB, Engine, check
from precinct.linkage.files import read_source
from precinct.linkage.mapping import IDENTITY_KINDS, MappedRecord, SourceMapping, as_datetime
from precinct.linkage.store import (
    BikeTrip,
    LinkJudgement,
    LinkMatch,
    LinkRecord,
    LinkSource,
    records_of,
    source_by_name,
)
from precinct.registry.service import sha256_file

MATCH_THRESHOLD: Final = 0.9
_IDENTITY: Final = ("name", "id_number", "birth_date", "phone", "address", "lat", "lon", "at")
logging.getLogger("splink").setLevel(logging.ERROR)


@dataclass(frozen=True)
class LoadReport:
    source: str
    kind: str
    file: str
    sha256: str
    rows: int
    replaced: bool

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _record(source: LinkSource, mapping: SourceMapping, rec: MappedRecord) -> LinkRecord:
    v = rec.values
    ident = {k: v[k] for k in _IDENTITY if k in v and k != "at"}
    detail = {k: val for k, val in v.items() if k not in _IDENTITY}
    return LinkRecord(
        source_id=source.id,
        row=rec.row,
        key=f"{mapping.source}:{rec.row}",
        kind=mapping.kind,
        at=as_datetime(v.get("at")),
        detail=detail,
        **ident,
    )


def _trip(source: LinkSource, rec: MappedRecord) -> BikeTrip:
    v = rec.values
    return BikeTrip(
        source_id=source.id,
        row=rec.row,
        trip_id=v["trip_id"],
        account=v["account"],
        bike_id=v.get("bike_id", ""),
        unlock_at=as_datetime(v["unlock_at"]),
        lock_at=as_datetime(v["lock_at"]),
        unlock_lat=v["unlock_lat"],
        unlock_lon=v["unlock_lon"],
        lock_lat=v["lock_lat"],
        lock_lon=v["lock_lon"],
    )


def load_source(session: Session, actor: Actor, mapping: SourceMapping, path: Path) -> LoadReport:
    """Read and check the whole file, then replace the source's rows in one transaction."""
    actor.require(Permission.DATA_IMPORT)
    records = read_source(path, mapping)
    old = source_by_name(session, mapping.source)
    if old is not None:
        session.delete(old)
        session.flush()
    source = LinkSource(
        name=mapping.source,
        kind=mapping.kind,
        title=mapping.title,
        file_name=path.name,
        sha256=sha256_file(path),
        rows=len(records),
        loaded_by=actor.username,
    )
    session.add(source)
    session.flush()
    if mapping.kind in IDENTITY_KINDS:
        session.add_all([_record(source, mapping, r) for r in records])
    else:
        session.add_all([_trip(source, r) for r in records])
    report = LoadReport(
        mapping.source, mapping.kind, path.name, source.sha256, len(records), old is not None
    )
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.IMPORT,
            "link_source",
            mapping.source,
            detail=report.as_dict(),
        ),
    )
    return report


# --- resolution ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolveReport:
    records: int
    pairs: int
    persons: int
    judgements: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def person_records(rows: Sequence[LinkRecord]) -> list[resolve.PersonRecord]:
    return [
        resolve.PersonRecord(r.key, r.name, r.id_number, r.birth_date, r.phone, r.address)
        for r in rows
    ]


def judgements(session: Session) -> list[clustering.Judgement]:
    rows = session.scalars(select(LinkJudgement))
    return [clustering.Judgement(j.left_key, j.right_key, j.same) for j in rows]


def _store_matches(session: Session, pairs: Sequence[resolve.ScoredPair]) -> None:
    session.execute(delete(LinkMatch))
    session.add_all(
        LinkMatch(
            left_key=p.left,
            right_key=p.right,
            probability=p.probability,
            weight=p.weight,
            agreements=[a.__dict__ for a in p.agreements],
        )
        for p in pairs
    )


def resolve_persons(
    session: Session, actor: Actor, threshold: float = MATCH_THRESHOLD, engine: Engine = DUCKDB
) -> ResolveReport:
    """Score every pair of identity records, cluster with the judgements, name each person.
    ``engine`` picks where Splink runs (DuckDB embedded, or Spark when pyspark is installed)."""
    actor.require(Permission.DATA_IMPORT)
    check(engine.backend)
    started = datetime.now()
    rows = list(session.scalars(select(LinkRecord).order_by(LinkRecord.key)))
    pairs = resolve.score(person_records(rows), engine=engine)
    _store_matches(session, pairs)
    judged = judgements(session)
    edges = [clustering.Edge(p.left, p.right, p.probability) for p in pairs]
    names = clustering.cluster([r.key for r in rows], edges, judged, threshold)
    persons = {k: "P-" + v for k, v in names.items()}
    session.execute(update(LinkRecord), [{"id": r.id, "person_key": persons[r.key]} for r in rows])
    seconds = (datetime.now() - started).total_seconds()
    report = ResolveReport(
        len(rows), len(pairs), len(set(persons.values())), len(judged), round(seconds, 1)
    )
    audit.append(
        session,
        audit.AuditEvent(
            actor.username, audit.AuditAction.UPDATE, "link_resolution", detail=report.as_dict()
        ),
    )
    return report


def judge(
    session: Session, actor: Actor, pair: tuple[str, str], same: bool, note: str = ""
) -> LinkJudgement:
    """Record (or change) a human judgement; it wins over scores on every later run."""
    actor.require(Permission.DATA_IMPORT)
    left, right = sorted(pair)
    known = set(session.scalars(select(LinkRecord.key).where(LinkRecord.key.in_((left, right)))))
    missing = [k for k in (left, right) if k not in known]
    if missing:
        raise LookupError(f"no such record: {', '.join(missing)}")
    row = session.scalar(
        select(LinkJudgement).where(
            LinkJudgement.left_key == left, LinkJudgement.right_key == right
        )
    )
    if row is None:
        row = LinkJudgement(left_key=left, right_key=right, same=same, judged_by=actor.username)
        session.add(row)
    row.same, row.note, row.judged_by = same, note, actor.username
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.UPDATE,
            "link_judgement",
            f"{left}|{right}",
            detail={"same": same, "note": note},
        ),
    )
    return row


# --- a resolved person -------------------------------------------------------------------------


@dataclass
class PersonView:
    person_key: str
    records: list[LinkRecord]
    matches: list[LinkMatch] = field(default_factory=list)
    sources: dict[int, LinkSource] = field(default_factory=dict)

    @property
    def best(self) -> dict[str, str]:
        """The most frequent value of each identity field across the records."""
        out = {}
        for name in ("name", "id_number", "phone", "address"):
            values = [getattr(r, name) for r in self.records if getattr(r, name)]
            out[name] = max(set(values), key=values.count) if values else ""
        return out


def view_person(
    session: Session, actor: Actor, purpose: Purpose, person_key: str
) -> PersonView | None:
    actor.require(Permission.PERSON_VIEW)
    purpose.require_stated()
    records = records_of(session, person_key)
    if not records:
        return None
    keys = [r.key for r in records]
    matches = session.scalars(
        select(LinkMatch).where(LinkMatch.left_key.in_(keys), LinkMatch.right_key.in_(keys))
    )
    sources = {s.id: s for s in session.scalars(select(LinkSource))}
    view = PersonView(person_key, records, list(matches), sources)
    audit.append(
        session,
        audit.AuditEvent(
            actor.username,
            audit.AuditAction.VIEW,
            "resolved_person",
            person_key,
            case_number=purpose.case_number,
            reason=purpose.reason,
            detail={"records": len(records)},
        ),
    )
    return view


def bikes_of(session: Session, phones: set[str], limit: int = 30) -> list[tuple[str, str]]:
    """(account, bike) of the latest trips of these accounts."""
    stmt = (
        select(BikeTrip.account, BikeTrip.bike_id)
        .where(BikeTrip.account.in_(phones))
        .order_by(BikeTrip.unlock_at.desc())
        .limit(limit)
    )
    return [(a, b) for a, b in session.execute(stmt)]


@dataclass(frozen=True)
class Overview:
    sources: list[LinkSource]
    records: int
    persons: int
    trips: int
    judgements: int


def overview(session: Session, actor: Actor) -> Overview:
    """What is loaded and resolved (no personal data)."""
    actor.require(Permission.CASE_VIEW)
    sources = list(session.scalars(select(LinkSource).order_by(LinkSource.name)))
    count = session.scalar
    return Overview(
        sources,
        count(select(func.count(LinkRecord.id))) or 0,
        count(select(func.count(func.distinct(LinkRecord.person_key)))) or 0,
        count(select(func.count(BikeTrip.id))) or 0,
        count(select(func.count(LinkJudgement.id))) or 0,
    )
