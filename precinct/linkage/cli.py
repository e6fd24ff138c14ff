"""`precinct link`: load sources through mappings, resolve persons, judge pairs, dedupe a file,
enter sightings and rank the leads of a case."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from precinct.core.access import Actor, Purpose, PurposeRequired
from precinct.core.auth import Role
from precinct.core.console import JsonOpt, emit, fail, writing
from precinct.core.tabular import TableError, parse_datetime
from precinct.linkage import casework, dedupe, service, views
from precinct.linkage.backend import BACKENDS, DEFAULT, BackendError, Engine
from precinct.linkage.mapping import RING_KINDS, MappingError, SourceMapping, load_mapping

app = typer.Typer(help="Big-data leads: sources, entity resolution, leads.", no_args_is_help=True)
CLI_ACTOR = Actor("cli", Role.ADMIN)
MappingOpt = Annotated[Path, typer.Option("--mapping", help="The source's YAML mapping.")]


def load_mapping_or_fail(path: Path) -> SourceMapping:
    try:
        return load_mapping(path)
    except MappingError as exc:
        fail(str(exc))


@app.command("load")
def load_cmd(file: Path, mapping: MappingOpt, as_json: JsonOpt = False) -> None:
    """Load a CSV/XLSX/Parquet source through its mapping (all or nothing)."""
    spec = load_mapping_or_fail(mapping)
    if spec.kind in RING_KINDS:
        fail(f"{mapping.name}: {spec.kind} sources go to `precinct link rings-load`")
    try:
        with writing() as session:
            report = service.load_source(session, CLI_ACTOR, spec, file)
    except TableError as exc:
        fail(f"{exc.count} problem(s), nothing loaded:\n{exc}")
    emit([report.as_dict()], as_json, lambda r: f"{r['source']}: {r['rows']:,} rows ({r['kind']})")


BackendOpt = Annotated[
    str, typer.Option(help=f"Where Splink runs: {' or '.join(BACKENDS)} (needs pyspark).")
]


@app.command("resolve")
def resolve_cmd(
    threshold: Annotated[float, typer.Option(help="Match probability to merge.")] = 0.9,
    backend: BackendOpt = DEFAULT,
    as_json: JsonOpt = False,
) -> None:
    """Resolve every identity record into persons (Splink on DuckDB, judgements win)."""
    try:
        with writing() as session:
            report = service.resolve_persons(session, CLI_ACTOR, threshold, Engine(backend))
    except BackendError as exc:
        fail(str(exc))
    emit(
        [report.as_dict()],
        as_json,
        lambda r: (
            f"{r['records']:,} records → {r['persons']:,} persons "
            f"({r['pairs']:,} scored pairs, {r['judgements']} judgements, {r['seconds']} s)"
        ),
    )


@app.command("judge")
def judge_cmd(
    left: str,
    right: str,
    same: Annotated[bool, typer.Option("--same/--not-same", help="Same person or not.")],
    note: Annotated[str, typer.Option(help="Why.")] = "",
) -> None:
    """Record a human judgement on two records (source:row); it wins on every re-run."""
    try:
        with writing() as session:
            service.judge(session, CLI_ACTOR, (left, right), same, note)
    except LookupError as exc:
        fail(str(exc))
    typer.echo(f"{left} {'=' if same else '≠'} {right}: recorded; run `precinct link resolve`")


@app.command("person")
def person_cmd(
    key: str,
    case: Annotated[str, typer.Option(help="Case number (the purpose).")] = "",
    reason: Annotated[str, typer.Option(help="Reason, if no case.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Every record resolved to one person, with its source and row, and why they match."""
    try:
        with writing() as session:
            view = service.view_person(session, CLI_ACTOR, Purpose.of(case, reason), key)
            if view is None:
                fail(f"no person {key}")
            rows = [views.record_dict(r, view.sources) for r in view.records]
            rows += [views.match_dict(m) for m in view.matches]
    except PurposeRequired as exc:
        fail(str(exc))
    emit(rows, as_json, _person_line)


def _person_line(r: dict[str, Any]) -> str:
    if "probability" in r:
        agreed = ", ".join(f"{a['field']} {a['level']} {a['weight']:+.1f}" for a in r["agreements"])
        return f"  {r['left']} ~ {r['right']} p={r['probability']:.4f}: {agreed}"
    return (
        f"{r['key']:<22} {r['source_title']:<10} {r['name']:<8} {r['id_number']:<18} {r['phone']}"
    )


@app.command("dedupe")
def dedupe_cmd(
    file: Path,
    mapping: MappingOpt,
    out: Annotated[Path, typer.Option("--out", help="CSV to write: person_id, row, input.")],
    threshold: Annotated[float, typer.Option(help="Match probability to merge.")] = 0.9,
    backend: BackendOpt = DEFAULT,
) -> None:
    """Standalone: write every row of FILE with its resolved-person id (no database)."""
    spec = load_mapping_or_fail(mapping)
    try:
        persons = dedupe.dedupe_file(file, spec, out, threshold, Engine(backend))
    except TableError as exc:
        fail(f"{exc.count} problem(s):\n{exc}")
    except BackendError as exc:
        fail(str(exc))
    typer.echo(f"{out}: {persons:,} persons")


@app.command("sighting")
def sighting_cmd(
    case: str,
    camera: Annotated[str, typer.Option(help="Camera code, e.g. C02.")],
    at: Annotated[str, typer.Option(help="When, e.g. 2024-12-15 01:38:40.")],
    note: Annotated[str, typer.Option(help="What was seen.")] = "",
    heading: Annotated[
        float | None, typer.Option(help="Compass direction of travel in degrees, 0 = north.")
    ] = None,
) -> None:
    """Enter a sighting of the offender (from video review) for a case."""
    try:
        when = parse_datetime(at)
        with writing() as session:
            casework.add_sighting(session, CLI_ACTOR, case, camera, when, note, heading)
    except (ValueError, LookupError) as exc:
        fail(str(exc))
    typer.echo(f"{case}: sighting at {camera} {when:%Y-%m-%d %H:%M:%S} recorded")


@app.command("leads")
def leads_cmd(
    case: str,
    top: Annotated[int, typer.Option(help="How many leads to show.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Rank the persons behind the bike trips that fit the case, with reasons."""
    try:
        with writing() as session:
            report = casework.case_leads(session, CLI_ACTOR, case)
    except LookupError as exc:
        fail(str(exc))
    rows = [views.lead_dict(n, lead) for n, lead in enumerate(report.leads[:top], start=1)]
    rows += [views.item_dict(m) for m in report.items]
    rows += [views.series_dict(x) for x in report.series_cases]
    emit(rows, as_json, _lead_line)


def _lead_line(r: dict[str, Any]) -> str:
    if "series_case" in r:
        return f"series: {r['series_case']} {r['title']} ({r['metres']} m, {r['days']:+} days)"
    if "listing" in r:
        return f"item: {r['description']} → {r['shop']} ({r['reason']})"
    reasons = "".join(f"\n    - {x['text']}" for x in r["reasons"])
    return (
        f"{r['rank']}. {r['name']} {r['id_number']} ({r['person_key']}) score {r['score']}{reasons}"
    )


@app.command("confirm")
def confirm_cmd(case: str, person: str) -> None:
    """Confirm a lead: the person becomes a suspect of the case (audited)."""
    try:
        with writing() as session:
            decision = casework.confirm_lead(session, CLI_ACTOR, case, person)
            number = decision.id_number
    except LookupError as exc:
        fail(str(exc))
    typer.echo(f"{case}: lead {person} ({number}) confirmed")


from precinct.linkage import rings_cli as _rings_cli  # noqa: E402,F401  (registers commands)
from precinct.linkage import rings_load_cli as _rings_load_cli  # noqa: E402,F401
