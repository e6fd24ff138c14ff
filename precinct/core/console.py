"""Shared helpers of every `precinct` sub-command: JSON-lines output, errors on stderr, and the
database opened from the settings."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from precinct.config import Settings, get_settings
from precinct.core import migrate
from precinct.core.db import Database

err = Console(stderr=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON lines instead of text.")]


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def emit(
    records: Iterable[dict[str, Any]], as_json: bool, text: Callable[[dict[str, Any]], str]
) -> None:
    for record in records:
        if as_json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=_json_default) + "\n")
        else:
            typer.echo(text(record))


def open_database(settings: Settings | None = None, upgrade: bool = True) -> Database:
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    db = Database(settings.resolved_database_url)
    if upgrade:
        migrate.upgrade(db)
    return db


@contextmanager
def writing(settings: Settings | None = None) -> Iterator[Session]:
    db = open_database(settings)
    try:
        with db.write() as session:
            yield session
    finally:
        db.dispose()


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)
