from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from precinct.core import migrate
from precinct.core.db import Database
from precinct.schema import metadata


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_database_is_at_head_and_upgrade_is_idempotent(db: Database) -> None:
    assert migrate.current_revision(db) == migrate.head_revision()
    before, after = migrate.upgrade(db)
    assert before == after == migrate.head_revision()


def test_upgrade_brings_an_empty_sqlite_database_up_to_date(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    assert migrate.current_revision(db) is None
    before, after = migrate.upgrade(db)
    assert (before, after) == (None, migrate.head_revision())
    assert {"persons", "cases", "audit_log", "users"} <= set(inspect(db.engine).get_table_names())
    db.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.read() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_0013_fills_the_compass_heading_of_existing_tracks(sqlite_db: Database) -> None:
    """Tracks stored before 0013 get their heading from their camera's calibration: on the
    ground with a homography, image direction + camera heading without."""
    from datetime import UTC, datetime

    from alembic import command

    from precinct.core.geo import LatLon
    from precinct.demo.video_tracks import FakeIndex, FakeTrack

    from ..video.test_heading import image_direction, lens_homography, walk

    cal = lens_homography()
    assert cal.homography is not None
    towards = walk((8.0, -30.0), (8.0, -10.0))  # north on the ground, about NE on screen
    start = datetime(2024, 12, 15, tzinfo=UTC)
    with sqlite_db.write() as session:
        index = FakeIndex(session, start)
        index.camera("A", LatLon(30.5, 114.16), heading=180.0).calibration = {
            "homography": [list(r) for r in cal.homography]
        }
        index.camera("B", LatLon(30.5, 114.17), heading=90.0)
        feet = tuple((p[0], p[1]) for p in towards)
        index.track(FakeTrack("A", start, direction_deg=image_direction(towards), feet=feet))
        index.track(FakeTrack("B", start, direction_deg=10.0))
    config = migrate.alembic_config(sqlite_db.url)
    with sqlite_db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0012")
    assert "compass_deg" not in {
        c["name"] for c in inspect(sqlite_db.engine).get_columns("video_tracks")
    }
    migrate.upgrade(sqlite_db)
    with sqlite_db.engine.connect() as conn:
        rows = conn.execute(text("SELECT camera_id, compass_deg FROM video_tracks ORDER BY id"))
        (_, ground), (_, image) = rows.all()
    assert ground is not None and (ground < 1.0 or ground > 359.0)
    assert image == 100.0
