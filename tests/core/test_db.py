from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from precinct.core.db import Database
from precinct.registry.store import Place


def test_write_commits_and_rolls_back_on_error(db: Database) -> None:
    with db.write() as session:
        session.add(Place(address="车城大道1号", lat=30.5, lon=114.1))
    with pytest.raises(RuntimeError), db.write() as session:
        session.add(Place(address="车城大道2号", lat=30.5, lon=114.1))
        raise RuntimeError("boom")
    with db.read() as session:
        assert session.scalar(select(func.count(Place.id))) == 1


def test_concurrent_writers_queue_instead_of_failing(db: Database) -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                with db.write() as session:
                    session.add(Place(address=f"w{n}-{i}", lat=30.0, lon=114.0))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read() as session:
        assert session.scalar(select(func.count(Place.id))) == 40


def test_a_write_session_may_close_on_another_thread(db: Database) -> None:
    """FastAPI enters a yield dependency on one worker thread and leaves it on another."""
    session = db.write()
    session.__enter__().add(Place(address="车城大道3号", lat=30.5, lon=114.1))
    errors: list[BaseException] = []

    def close() -> None:
        try:
            session.__exit__(None, None, None)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    closer = threading.Thread(target=close)
    closer.start()
    closer.join()
    assert errors == []
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Place)) == 1
    with db.write() as s:  # and the writer lock was freed
        s.add(Place(address="车城大道4号", lat=30.5, lon=114.1))


def test_datetimes_round_trip_as_utc(db: Database) -> None:
    from precinct.core.audit import AuditAction, AuditEntry, AuditEvent, append

    with db.write() as session:
        append(session, AuditEvent("a", AuditAction.VIEW))
    with db.read() as session:
        at = session.scalar(select(AuditEntry.at))
    assert at is not None and at.tzinfo is UTC
    assert abs(datetime.now(UTC) - at) < timedelta(minutes=1)


def test_naive_datetimes_are_refused() -> None:
    from precinct.core.db import UTCDateTime

    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2024, 12, 15, 2, 0), None)  # type: ignore[arg-type]
    shanghai = timezone(timedelta(hours=8))
    stored = UTCDateTime().process_bind_param(datetime(2024, 12, 15, 2, 0, tzinfo=shanghai), None)  # type: ignore[arg-type]
    assert stored == datetime(2024, 12, 14, 18, 0)
