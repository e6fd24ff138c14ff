"""The `precinct` command. Listing and reporting commands take --json (JSON lines on stdout);
errors go to stderr with a non-zero exit code."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from precinct.config import InsecureSecretError, check_server_secret, get_settings
from precinct.core import audit, migrate
from precinct.core.access import SYSTEM, Actor
from precinct.core.auth import AccountError, Role, User, add_user
from precinct.core.console import JsonOpt, emit, err, fail, open_database, writing
from precinct.core.tabular import TableError
from precinct.linkage import rings_cli
from precinct.video import cli as video_cli

app = typer.Typer(help="Precinct: investigation and service platform.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
user_app = typer.Typer(help="User accounts.", no_args_is_help=True)
import_app = typer.Typer(help="Import CSV or XLSX files (all-or-nothing).", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.", no_args_is_help=True)
demo_app = typer.Typer(help="The demo district.", no_args_is_help=True)
cases_app = typer.Typer(help="Cases and alarms.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(import_app, name="import")
app.add_typer(audit_app, name="audit")
app.add_typer(demo_app, name="demo")
app.add_typer(cases_app, name="cases")
app.add_typer(video_cli.app, name="video")
app.add_typer(rings_cli.app, name="link")

# --- db ------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(as_json: JsonOpt = False) -> None:
    """Bring the database schema up to date (creates it when new)."""
    db = open_database(upgrade=False)
    before, after = migrate.upgrade(db)
    db.dispose()
    emit(
        [{"url": db.engine.url.render_as_string(hide_password=True), "from": before, "to": after}],
        as_json,
        lambda r: f"database at revision {r['to']} (was {r['from']})",
    )


@db_app.command("current")
def db_current(as_json: JsonOpt = False) -> None:
    """Show the schema revision of the database and the newest one known."""
    db = open_database(upgrade=False)
    record = {"current": migrate.current_revision(db), "head": migrate.head_revision()}
    db.dispose()
    emit([record], as_json, lambda r: f"current {r['current']}, newest {r['head']}")


# --- users ---------------------------------------------------------------------------------


@user_app.command("add")
def user_add(
    username: str,
    role: Annotated[Role, typer.Option(help="Role of the account.")],
    password: Annotated[
        str,
        typer.Option(
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="PRECINCT_PASSWORD",
            help="Password (prompted when omitted).",
        ),
    ],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a user account."""
    try:
        with writing() as session:
            add_user(session, username, password, role, name, created_by="cli")
    except AccountError as exc:
        fail(str(exc))
    typer.echo(f"user {username} created with role {role}")


@user_app.command("list")
def user_list(as_json: JsonOpt = False) -> None:
    """List user accounts."""
    from sqlalchemy import select

    db = open_database()
    with db.read() as session:
        users = [
            {
                "username": u.username,
                "role": str(u.role),
                "name": u.display_name,
                "active": u.active,
            }
            for u in session.scalars(select(User).order_by(User.id))
        ]
    db.dispose()
    emit(users, as_json, lambda r: f"{r['username']:<16} {r['role']:<14} {r['name']}")


# --- import --------------------------------------------------------------------------------


def _run_import(kind: str, path: Path, as_json: bool) -> None:
    from precinct.cases.service import import_cases
    from precinct.registry.service import import_cameras, import_persons

    importer = {"persons": import_persons, "cameras": import_cameras, "cases": import_cases}[kind]
    if not path.is_file():
        fail(f"{path}: no such file")
    actor = Actor("cli", Role.ADMIN)
    try:
        with writing() as session:
            report = importer(session, actor, path)
    except TableError as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        fail(f"{path.name}: {exc.count} error(s); nothing was imported")
    emit(
        [report.as_dict()],
        as_json,
        lambda r: (
            f"{r['file']}: {r['rows']} rows: {r['created']} created, "
            f"{r['updated']} updated, {r['unchanged']} unchanged"
        ),
    )


FileArg = Annotated[Path, typer.Argument(help="CSV or XLSX file.")]


@import_app.command("persons")
def import_persons_cmd(file: FileArg, as_json: JsonOpt = False) -> None:
    """Residents: id_number, name, phones, address, lat, lon."""
    _run_import("persons", file, as_json)


@import_app.command("cameras")
def import_cameras_cmd(file: FileArg, as_json: JsonOpt = False) -> None:
    """Cameras: code, name, lat, lon, address, heading, metres_per_pixel."""
    _run_import("cameras", file, as_json)


@import_app.command("cases")
def import_cases_cmd(file: FileArg, as_json: JsonOpt = False) -> None:
    """Cases: number, type, status, title, times, place, victims/suspects/witnesses."""
    _run_import("cases", file, as_json)


# --- audit ---------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(as_json: JsonOpt = False) -> None:
    """Check the audit log's hash chain; reports the first broken link (exit 1 if any)."""
    db = open_database()
    with db.read() as session:
        report = audit.verify_chain(session)
    db.dispose()
    emit(
        [asdict(report) | {"ok": report.ok}],
        as_json,
        lambda r: (
            f"audit chain intact: {r['checked']} entries"
            if r["ok"]
            else f"audit chain broken at entry {r['broken_seq']}: {r['problem']} "
            f"({r['checked']} entries before it are intact)"
        ),
    )
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option(help="Newest N entries.")] = 50,
    who: Annotated[str, typer.Option(help="Only this user's entries.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Show the newest audit entries."""
    db = open_database()
    with db.read() as session:
        rows = [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": e.actor,
                "action": e.action,
                "subject": f"{e.subject_type}:{e.subject_id}".strip(":"),
                "case_number": e.case_number,
                "reason": e.reason,
            }
            for e in audit.recent(session, limit, who or None)
        ]
    db.dispose()
    emit(
        rows,
        as_json,
        lambda r: (
            f"{r['seq']:>6} {r['at']:%Y-%m-%d %H:%M:%S} {r['actor']:<12} "
            f"{r['action']:<12} {r['subject']} {r['case_number']}"
        ),
    )


# --- cases ---------------------------------------------------------------------------------


@cases_app.command("list")
def cases_list(
    status: Annotated[str, typer.Option(help="Only cases with this status.")] = "",
    limit: Annotated[int, typer.Option(help="Newest N cases.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List cases, newest first."""
    from precinct.cases import service
    from precinct.cases.domain import CaseStatus

    flt = service.CaseFilter(status=CaseStatus(status) if status else None, limit=limit)
    db = open_database()
    with db.read() as session:
        rows = [
            {
                "number": c.number,
                "status": str(c.status),
                "type": str(c.case_type),
                "reported_at": c.reported_at,
                "title": c.title,
            }
            for c in service.list_cases(session, SYSTEM, flt)
        ]
    db.dispose()
    emit(rows, as_json, lambda r: f"{r['number']}  {r['status']:<13} {r['title']}")


@cases_app.command("figures")
def cases_figures(as_json: JsonOpt = False) -> None:
    """The quick-response figures: alarms handled, cases solved, losses recovered."""
    from precinct.cases import service

    db = open_database()
    with db.read() as session:
        record = asdict(service.figures(session))
    db.dispose()
    emit([record], as_json, lambda r: "\n".join(f"{k:<22} {v}" for k, v in r.items()))


# --- demo and serve ------------------------------------------------------------------------


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    )


@demo_app.command("build")
def demo_build(
    fresh: Annotated[bool, typer.Option(help="Delete the data folder's database first.")] = False,
    seed: Annotated[
        int, typer.Option(help="Seed: the same seed builds the same district.")
    ] = 20241215,
    residents: Annotated[int, typer.Option(help="Number of residents.")] = 50_000,
    video_scale: Annotated[
        float,
        typer.Option(help="Footage of the night: 1 = 8 cameras × 10 min; 0 = no video."),
    ] = 1.0,
    as_json: JsonOpt = False,
) -> None:
    """Build the demo district, run every analysis, print the report and the demo accounts."""
    from precinct.demo import run

    settings = get_settings()
    options = run.DemoOptions(seed, residents, fresh, video_scale)
    try:
        result = run.build_demo(settings, options, progress_factory=_progress)
    except run.DemoError as exc:
        fail(str(exc))
    if as_json:
        emit([result.as_dict()], True, str)
        return
    for line in result.lines:
        typer.echo(line)


@app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
) -> None:
    """Serve the workbench and the JSON API (OpenAPI docs at /api/docs)."""
    import uvicorn

    from precinct.web.app import create_app

    settings = get_settings()
    try:
        check_server_secret(settings)
    except InsecureSecretError as exc:
        fail(str(exc))
    db = open_database(settings)
    bind_host, bind_port = host or settings.host, port or settings.port
    err.print(f"Precinct workbench on http://{bind_host}:{bind_port}  (API docs: /api/docs)")
    uvicorn.run(create_app(settings, db), host=bind_host, port=bind_port, log_level="warning")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
