"""The demo's big-data stage: write the sources of the night, load them through their mappings,
resolve persons, follow the suspect on video and attach his route to the smashed-windows case,
and rank its leads.

The leads are computed by ``precinct.linkage`` from what is in the database: the sightings are
the tracks of the route attached to the case (read through the video service), nothing typed in
from the truth. This stage only supplies the raw sources (whose truth is written to
``ground_truth/linkage.json``, never to the database), picks the suspect's first track as the
detective who recognises him would, and reports whether the true suspect came out first.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

from sqlalchemy import select

from precinct.cases.store import Case
from precinct.core.access import Actor
from precinct.core.auth import Role
from precinct.core.db import Database
from precinct.demo.cast import choose_cast
from precinct.demo.common import Progress
from precinct.demo.linkage_data import Sizes, make_sources
from precinct.demo.linkage_registers import Loot, Story, Table
from precinct.demo.linkage_trips import ride_sightings
from precinct.demo.night import scene
from precinct.demo.people import generate_residents
from precinct.demo.video_plan import the_suspect
from precinct.demo.video_route import FollowedRoute, OnVideo, follow_route, route_lines
from precinct.linkage import casework, service
from precinct.linkage.mapping import load_mapping

ACTOR: Final = Actor("demo", Role.ADMIN)


@dataclass(frozen=True)
class LinkageStage:
    tables: dict[str, int]
    resolution: service.ResolveReport
    leads: casework.LeadsReport
    suspect_id: str
    suspect_rank: int | None
    route: tuple[str, ...] = ()  # the route followed on video, as the report prints it


def mapping_path(name: str) -> Path:
    return Path(str(files("precinct.linkage") / "mappings" / f"{name}.yaml"))


def write_table(table: Table, folder: Path) -> Path:
    path = folder / f"{table.name}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.header)
        writer.writerows(table.rows)
    return path


def _loot(db: Database, case_number: str) -> tuple[Loot, ...]:
    with db.read() as session:
        case = session.scalar(select(Case).where(Case.number == case_number))
        items = case.items if case else []
        return tuple(Loot(i.description, i.serial) for i in items if i.serial)[:3]


def build_tables(seed: int, residents: int, loot: tuple[Loot, ...]) -> list[Table]:
    cast = choose_cast(seed, generate_residents(residents, seed))
    _, ride = the_suspect(seed)
    sizes = Sizes.for_residents(residents)
    return make_sources(seed, cast.residents, Story(cast.suspect, ride, loot), scene(), sizes)


def write_truth(tables: list[Table], folder: Path) -> None:
    truth = {
        f"{t.name}:{row}": who for t in tables for row, who in enumerate(t.truth, start=2) if who
    }
    path = folder / "ground_truth" / "linkage.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(truth, ensure_ascii=False) + "\n", encoding="utf-8")


def _load(
    db: Database, tables: list[Table], folder: Path, report: Progress | None
) -> dict[str, int]:
    counts = {}
    for n, table in enumerate(tables, start=1):
        with db.write() as session:
            loaded = service.load_source(
                session, ACTOR, load_mapping(mapping_path(table.name)), write_table(table, folder)
            )
        counts[table.name] = loaded.rows
        if report:
            report("linkage sources", n, len(tables))
    return counts


def follow_on_video(db: Database, truth: Any, video: OnVideo | None) -> tuple[str, ...]:
    """Follow the suspect camera to camera and attach the route to the case; the report's
    lines (each hop checked against the truth)."""
    if video is None:
        return ("  no footage of the night: the leads have no sightings",)
    with db.write() as session:
        route: FollowedRoute = follow_route(
            session, ACTOR, truth.case_number, video.first_track_id, video.data_dir
        )
    _, ride = the_suspect(truth.seed)
    return tuple(route_lines(route, video, ride_sightings(ride)))


def run_linkage_stage(
    db: Database,
    data_dir: Path,
    truth: Any,
    video: OnVideo | None = None,
    progress: Progress | None = None,
) -> LinkageStage:
    """``video``: the suspect's scanned tracks, when the night's footage was scanned."""
    folder = data_dir / "linkage"
    folder.mkdir(parents=True, exist_ok=True)
    tables = build_tables(truth.seed, truth.counts.residents, _loot(db, truth.case_number))
    write_truth(tables, data_dir)
    counts = _load(db, tables, folder, progress)
    with db.write() as session:
        resolution = service.resolve_persons(session, ACTOR)
    route = follow_on_video(db, truth, video)
    with db.write() as session:
        leads = casework.case_leads(session, ACTOR, truth.case_number)
    ids = [lead.id_number for lead in leads.leads]
    rank = ids.index(truth.suspect_id_number) + 1 if truth.suspect_id_number in ids else None
    return LinkageStage(counts, resolution, leads, truth.suspect_id_number, rank, route)


def linkage_lines(stage: LinkageStage, top: int = 5) -> list[str]:
    r, found = stage.resolution, stage.leads
    lines = [
        "",
        "Big-data leads:",
        "  sources " + ", ".join(f"{k} {v:,}" for k, v in stage.tables.items()),
        f"  resolution: {r.records:,} records → {r.persons:,} persons "
        f"({r.pairs:,} scored pairs, {r.seconds:.1f} s)",
        *stage.route,
        f"  sightings of the case: {len(found.sightings)}, of which "
        f"{sum(1 for s in found.sightings if s.source == 'video')} from its video leads",
        f"  leads for {found.case_number}: {len(found.leads)} persons from "
        f"{found.trips_considered:,} trips in {found.seconds:.2f} s",
    ]
    for n, lead in enumerate(stage.leads.leads[:top], start=1):
        lines.append(f"   {n}. {lead.name} {lead.id_number} score {lead.score:.1f}")
        lines += [f"        - {reason.text}" for reason in lead.reasons]
    lines += [
        f"  stolen item matched: {m.item.description} → {m.listing.shop} ({m.reason})"
        for m in stage.leads.items
    ]
    verdict = f"ranked {stage.suspect_rank}" if stage.suspect_rank else "not among the leads"
    lines.append(f"  the true suspect ({stage.suspect_id}) is {verdict}")
    return lines
