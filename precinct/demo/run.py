"""`precinct demo build`: a fresh demo district, every analysis the demo has, and the report."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rich.progress import Progress
from sqlalchemy import func, select

from precinct.config import Settings
from precinct.core import migrate
from precinct.core.auth import Role, User, add_user
from precinct.core.db import Database
from precinct.demo.district import (
    DistrictSpec,
    DistrictTruth,
    build_district,
    report_lines,
    write_truth,
)
from precinct.demo.fleet_stage import fleet_lines, run_fleet_stage
from precinct.demo.fraud_stage import fraud_lines, run_fraud_stage
from precinct.demo.linkage import linkage_lines, run_linkage_stage
from precinct.demo.video import FootageSpec
from precinct.demo.video_route import OnVideo
from precinct.demo.video_stage import on_video, run_video_stage, video_lines
from precinct.demo.video_trace import trace_lines

T = TypeVar("T")
DEMO_PASSWORD = "precinct-demo"
DEMO_ACCOUNTS: tuple[tuple[str, Role, str], ...] = (
    ("admin", Role.ADMIN, "系统管理员"),
    ("zhouyu", Role.INVESTIGATOR, "周钰"),
    ("analyst", Role.ANALYST, "大数据中心分析员"),
    ("traffic", Role.TRAFFIC, "交警大队"),
    ("clerk", Role.SERVICE_CLERK, "户政窗口"),
    ("viewer", Role.VIEWER, "只读用户"),
)


class DemoError(RuntimeError):
    """The demo cannot be built as asked."""


@dataclass
class DemoResult:
    truth: DistrictTruth
    lines: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_number": self.truth.case_number,
            "seconds": round(self.seconds, 1),
            "report": self.lines,
        }


def _reset_sqlite(settings: Settings) -> None:
    for suffix in ("", "-wal", "-shm"):
        path = settings.data_dir / f"precinct.db{suffix}"
        path.unlink(missing_ok=True)


def _prepare(settings: Settings, fresh: bool) -> Database:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if fresh and not settings.database_url:
        _reset_sqlite(settings)
    db = Database(settings.resolved_database_url)
    migrate.upgrade(db)
    with db.read() as session:
        if session.scalar(select(func.count(User.id))):
            db.dispose()
            raise DemoError(
                "the database already holds data: use --fresh (SQLite) or an empty database"
            )
    return db


def create_demo_accounts(db: Database) -> None:
    with db.write() as session:
        for username, role, name in DEMO_ACCOUNTS:
            add_user(session, username, DEMO_PASSWORD, role, name, created_by="demo")


def _account_lines() -> list[str]:
    lines = ["", f"Demo accounts (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {u:<10} {r:<14} {n}" for u, r, n in DEMO_ACCOUNTS]
    return lines


@dataclass(frozen=True)
class DemoOptions:
    """What to build: the district always; the video night when `video_scale` > 0."""

    seed: int = 20241215
    residents: int = 50_000
    fresh: bool = False
    video_scale: float = 0.0


def build_demo(
    settings: Settings,
    options: DemoOptions,
    progress_factory: Callable[[], Progress] | None = None,
) -> DemoResult:
    started = time.perf_counter()
    db = _prepare(settings, options.fresh)
    seed = options.seed
    try:
        spec = DistrictSpec(seed=seed, residents=options.residents)
        truth = _with_progress(progress_factory, lambda p: build_district(db, spec, p))
        create_demo_accounts(db)
        write_truth(truth, settings.data_dir)
        lines = report_lines(db, truth)
        fleet = _with_progress(progress_factory, lambda p: run_fleet_stage(db, settings, seed, p))
        lines += fleet_lines(fleet)
        persons = max(3000, min(10_000, options.residents // 5))
        lines += fraud_lines(run_fraud_stage(db, seed, persons, settings.data_dir / "fraud"))
        video: OnVideo | None = None
        if options.video_scale > 0:
            footage = FootageSpec(seed=seed, scale=options.video_scale)
            stage = _with_progress(
                progress_factory,
                lambda p: run_video_stage(db, settings.data_dir, footage, p),
            )
            lines += video_lines(stage) + trace_lines(db, stage, settings.data_dir)
            video = on_video(stage, settings.data_dir)
        leads = _with_progress(
            progress_factory,
            lambda p: run_linkage_stage(db, settings.data_dir, truth, video, p),
        )
        lines += linkage_lines(leads)
    finally:
        db.dispose()
    result = DemoResult(truth, lines + _account_lines(), time.perf_counter() - started)
    result.lines.insert(
        0,
        f"Demo district built in {result.seconds:.1f} s "
        f"(seed {seed}, data folder {settings.data_dir})",
    )
    return result


def _with_progress(
    progress_factory: Callable[[], Progress] | None,
    work: Callable[[Callable[[str, int, int], None] | None], T],
) -> T:
    """Run `work` with a stage-progress callback drawing bars, or with none."""
    if progress_factory is None:
        return work(None)
    with progress_factory() as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return work(report)
