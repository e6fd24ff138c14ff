"""A small generated district with the night, its big-data sources and a known suspect."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from precinct.core.auth import Role, add_user
from precinct.core.db import Database
from precinct.demo.district import DistrictSpec, DistrictTruth, build_district
from precinct.demo.linkage import LinkageStage, run_linkage_stage
from tests.conftest import fresh_sqlite
from tests.linkage.video_helpers import suspect_on_video

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class District:
    folder: Path
    truth: DistrictTruth
    stage: LinkageStage
    suspect_tracks: list[int]  # his tracks on the synthetic footage, in time order


@pytest.fixture(scope="session")
def district(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> District:
    folder = tmp_path_factory.mktemp("linkage-district")
    db = fresh_sqlite(sqlite_template, folder)
    try:
        truth = build_district(db, DistrictSpec(residents=2500))
        with db.write() as session:
            for role in Role:
                add_user(session, role.value, PASSWORD, role)
        video, tracks = suspect_on_video(db, truth.seed)
        stage = run_linkage_stage(db, folder, truth, video)
    finally:
        db.dispose()
    return District(folder, truth, stage, tracks)


@pytest.fixture
def district_db(district: District, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the district's database, to change freely."""
    shutil.copy(district.folder / "precinct.db", tmp_path / "precinct.db")
    db = Database(f"sqlite:///{tmp_path / 'precinct.db'}")
    yield db
    db.dispose()
